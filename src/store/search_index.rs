//! The name index under a bulk load. Its triggers (004_search.sql) cost tens
//! of microseconds per application; indexing the new rows once, at the end of
//! the load, costs a fraction of that. Pause and resume in the same
//! transaction: a rollback brings the triggers back with everything else.

use anyhow::{Context, Result};
use rusqlite::Connection;

const TRIGGERS: [&str; 2] = ["name_search_insert", "name_search_update"];

/// The triggers taken off, and the first application they did not see.
#[must_use = "resume() puts the triggers back and indexes what came meanwhile"]
pub struct Paused {
    triggers: Vec<String>,
    from_id: i64,
}

/// Stop indexing names row by row; only rows inserted from now on are
/// indexed by `resume` (a bulk load inserts, it does not rename).
pub fn pause(conn: &Connection) -> Result<Paused> {
    let from_id = conn.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM application",
        [],
        |r| r.get(0),
    )?;
    let mut triggers = Vec::new();
    for name in TRIGGERS {
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .with_context(|| format!("the name index trigger {name} is missing"))?;
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
        triggers.push(sql);
    }
    Ok(Paused { triggers, from_id })
}

/// Index the applications inserted since `pause`, then put the triggers back.
pub fn resume(conn: &Connection, paused: Paused) -> Result<()> {
    // One- and two-character grams together, in the table's own order: the
    // rows go in at its end instead of all over it.
    conn.execute(
        "INSERT OR IGNORE INTO name_gram(gram, application_id)
         SELECT gram, id FROM (
           SELECT substr(lower(a.full_name), p.n, 1) AS gram, a.id AS id
           FROM application a JOIN name_gram_position p ON p.n <= length(a.full_name)
           WHERE a.id >= ?1
           UNION ALL
           SELECT substr(lower(a.full_name), p.n, 2), a.id
           FROM application a JOIN name_gram_position p ON p.n < length(a.full_name)
           WHERE a.id >= ?1)
         ORDER BY gram, id",
        [paused.from_id],
    )?;
    conn.execute(
        "INSERT INTO name_trigram(rowid, full_name)
         SELECT id, full_name FROM application
         WHERE id >= ?1 AND full_name IS NOT NULL AND full_name <> '' ORDER BY id",
        [paused.from_id],
    )?;
    for sql in &paused.triggers {
        conn.execute_batch(sql)?;
    }
    Ok(())
}
