//! The bulk demo as `posdesk demo` runs it on a store file: into a copy of
//! the (new) store beside it, renamed over the store once whole. Killed
//! midway, it leaves the store as it was, and a copy the next run throws away.

use super::{BulkProgress, BulkReport};
use crate::desk::error::{refuse, DeskResult};
use crate::desk::{Desk, Setup};
use crate::store;
use std::path::{Path, PathBuf};

/// Fill the new store at `path` with `merchants` generated merchants.
pub fn build_store(
    path: &Path,
    setup: Setup,
    merchants: usize,
    seed: u64,
    progress: &mut dyn FnMut(BulkProgress),
) -> DeskResult<BulkReport> {
    let partial = beside(path, ".demo-partial");
    remove(&partial);
    {
        let conn = store::open(path)?;
        if store::bulk::people_on_file(&conn, 0)?.is_none() {
            return refuse(
                "demo.bulk_store",
                "The bulk demo fills a new store, and this one has applications already: \
                 give a new --db, or take the merchants through the use cases (--use-cases).",
            );
        }
        // The store's own setup (points, staff, stock it may have) goes along.
        let mut copy = store::open(&partial)?;
        rusqlite::backup::Backup::new(&conn, &mut copy)
            .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None))
            .map_err(anyhow::Error::from)?;
    }
    if beside(path, "-wal").exists() {
        remove(&partial);
        return refuse(
            "demo.store_open",
            "The store is open in another posdesk; close it before filling it with demo data.",
        );
    }
    let report = (|| {
        let mut desk = Desk::open(&partial, setup)?;
        store::bulk::unjournaled(desk.conn(), false)?;
        let report = desk.load_demo_bulk(merchants, seed, progress)?;
        store::bulk::unjournaled(desk.conn(), true)?;
        drop(desk);
        if beside(&partial, "-wal").exists() {
            return Err(anyhow::anyhow!("the demo store's log was not folded in").into());
        }
        std::fs::rename(&partial, path).map_err(anyhow::Error::from)?;
        Ok(report)
    })();
    if report.is_err() {
        remove(&partial);
    }
    report
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A copy and its log files, if a run left them.
fn remove(copy: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(copy, suffix));
    }
}
