//! Online backup while counters are working, and a restore that checks the
//! file first: intact, a posdesk store, not from a newer posdesk.

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::Path;
use std::time::Duration;

/// Copy the live store to `to` (created owner-only; must not exist yet).
pub fn backup(conn: &Connection, to: &Path) -> Result<()> {
    if to.exists() {
        bail!("{} exists already; choose a new file name", to.display());
    }
    super::create_owner_only(to)?;
    let mut dest =
        Connection::open(to).with_context(|| format!("cannot create {}", to.display()))?;
    {
        let b = rusqlite::backup::Backup::new(conn, &mut dest)?;
        // Small steps with pauses let the counters keep writing meanwhile.
        b.run_to_completion(256, Duration::from_millis(5), None)?;
    }
    let ok: String = dest.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        bail!("the backup failed its integrity check: {ok}");
    }
    Ok(())
}

/// What a file offered for restore is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub schema: usize,
    pub applications: i64,
    pub audit_entries: i64,
    /// Bytes per page: a restore into a store with other pages goes in without the log.
    pub page_size: i64,
}

/// Check a file before it may replace the store; a clear reason when it may not.
pub fn check_candidate(path: &Path) -> Result<Candidate> {
    if !path.is_file() {
        bail!("{} is not a file", path.display());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("{} cannot be opened", path.display()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| {
            anyhow::anyhow!(
                "{} is not a posdesk store (not an SQLite database, or damaged)",
                path.display()
            )
        })?;
    if integrity != "ok" {
        bail!("{} is damaged: {integrity}", path.display());
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(0);
    let has = |table: &str| -> Result<bool> {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [table],
            |r| r.get(0),
        )?)
    };
    if version == 0 || !has("application")? || !has("audit_log")? || !has("merchant")? {
        bail!("{} is not a posdesk store", path.display());
    }
    if version > super::schema_version() {
        bail!(
            "{} was written by a newer posdesk (schema {version}); restore it with that version",
            path.display()
        );
    }
    let report = super::audit::verify(&conn)?;
    if let Some(id) = report.first_broken {
        bail!(
            "{}'s audit log was changed behind posdesk's back (entry {id}); it is not restored",
            path.display()
        );
    }
    Ok(Candidate {
        schema: version,
        applications: conn.query_row("SELECT count(*) FROM application", [], |r| r.get(0))?,
        audit_entries: report.entries,
        page_size: conn.pragma_query_value(None, "page_size", |r| r.get(0))?,
    })
}

/// Replace the store's contents with a file `check_candidate` passed (checked
/// once: on a large store the integrity check and audit verification take minutes),
/// then bring it up to date.
pub fn restore(conn: &mut Connection, from: &Path, candidate: Candidate) -> Result<Candidate> {
    // SQLite cannot copy pages of another size into a store in WAL mode (a
    // store made before 16 KiB pages, or a backup of one): the copy goes in
    // without the log, which needs the store to itself.
    let other_size = candidate.page_size
        != conn.pragma_query_value(None, "page_size", |r| r.get::<_, i64>(0))?;
    if other_size {
        let mode: String = conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .unwrap_or_default();
        if !mode.eq_ignore_ascii_case("delete") {
            bail!(
                "{} has pages of another size than the store, and the store is open in \
                 another posdesk; close the other counters, then restore again",
                from.display()
            );
        }
    }
    let restored = conn
        .restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)
        .with_context(|| format!("cannot restore from {}", from.display()));
    if other_size {
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    }
    restored?;
    super::migrate(conn)?;
    super::audit::seal(conn)?;
    Ok(candidate)
}
