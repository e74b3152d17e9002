//! The only place that speaks SQL. One SQLite file, WAL, foreign keys, and
//! migrations from empty; each module holds the statements of one aggregate.

pub mod application;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod checklist;
pub mod dashboard;
pub mod device;
pub mod holiday;
pub mod merchant;
pub mod money;
pub mod outbox;
pub mod point;
pub mod refund;
pub mod report;
pub mod search;
pub mod search_index;
pub mod staff;
pub mod status;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

/// Every migration, in order; a store's `user_version` counts how many it has.
const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/001_foundation.sql"),
    include_str!("migrations/002_refunds.sql"),
    include_str!("migrations/003_performance.sql"),
    include_str!("migrations/004_search.sql"),
    include_str!("migrations/005_audit_chain.sql"),
    include_str!("migrations/006_audit_by_time.sql"),
];

static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect()));

/// The schema version a store has after `open`.
pub fn schema_version() -> usize {
    MIGRATION_SQL.len()
}

/// Open (creating if needed) and migrate the store at `path`.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    create_owner_only(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the store {}", path.display()))?;
    configure(&conn)?;
    migrate(&mut conn)?;
    bulk::refuse_half_made(&conn)?;
    // Entries written by an older build, or by a crash between write and seal.
    audit::seal(&conn)?;
    Ok(conn)
}

/// A second connection to an existing store that can only read: for workers
/// (search) that must never wait on, or block, the desk's writes.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the store {} to read", path.display()))?;
    // Each wait; desk/ retries a few times and says so before giving up.
    conn.busy_timeout(Duration::from_millis(1500))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if usize::try_from(version).ok() != Some(schema_version()) {
        anyhow::bail!(
            "the store {} has schema {version}, this posdesk expects {}; open it read-write first",
            path.display(),
            schema_version()
        );
    }
    Ok(conn)
}

/// A private, migrated store in memory, for tests and dry runs.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    // Each wait; desk/ retries a few times and says so before giving up.
    conn.busy_timeout(Duration::from_millis(1500))?;
    // A new store gets 16 KiB pages (SQLite's default is 4): a store of a
    // million merchants has fifty million rows, and bigger pages make its
    // b-trees shallower and a bulk load a fifth faster (BENCHMARKS.md). It
    // only takes effect before the first table; an existing store keeps its own.
    // FULL: money and identity are written in every transaction we make.
    conn.execute_batch(
        "PRAGMA page_size = 16384;
         PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA synchronous = FULL;",
    )?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > schema_version() {
        anyhow::bail!(
            "this store was written by a newer posdesk (schema {current}, this one knows {}); \
             use the newer version",
            schema_version()
        );
    }
    MIGRATIONS
        .to_latest(conn)
        .context("cannot bring the store's tables up to date")?;
    Ok(())
}

/// The store holds ID and card numbers: only its owner may read it.
pub(crate) fn create_owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("cannot create the store {}", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Now, as stored: UTC, RFC 3339 with seconds.
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }
}
