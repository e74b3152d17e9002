//! Backups while the counters work, and restoring one (supervisor, audited).

use super::auth::Actor;
use super::error::DeskResult;
use super::{audit, Desk};
use crate::store;
use std::path::Path;

impl Desk {
    /// An online copy of the whole store (it holds everyone's numbers: supervisor only).
    pub fn backup(&mut self, actor: &Actor, to: &Path) -> DeskResult<()> {
        actor.require(crate::domain::permission::UseCase::Backup)?;
        store::backup::backup(&self.conn, to)?;
        let name = to
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        self.run(|tx, ctx| {
            audit(
                tx,
                ctx,
                Some(actor),
                "store",
                0,
                "backup",
                None,
                None,
                Some(&name),
            )
        })?;
        tracing::info!(file = %name, "backup written");
        Ok(())
    }

    /// Replace the store with a checked backup. The current contents are kept
    /// first in `safety_copy`, so a restore can itself be undone.
    pub fn restore(
        &mut self,
        actor: &Actor,
        from: &Path,
        safety_copy: &Path,
    ) -> DeskResult<store::backup::Candidate> {
        actor.require(crate::domain::permission::UseCase::Restore)?;
        let checked = store::backup::check_candidate(from)?;
        store::backup::backup(&self.conn, safety_copy)?;
        let candidate = store::backup::restore(&mut self.conn, from, checked)?;
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // The acting supervisor may not exist in the restored store: record by name.
        let who = format!("restored from {name} by {}", actor.staff_no);
        self.run(|tx, ctx| audit(tx, ctx, None, "store", 0, "restore", None, None, Some(&who)))?;
        super::calendar::merge_stored_years(&self.conn, &mut self.calendar)?;
        tracing::info!(file = %name, "store restored");
        Ok(candidate)
    }
}
