//! Bulk loading for the demo generator: each table's rows in their final state,
//! as the use cases leave them, written with prepared statements inside one
//! transaction. Ids are given by the caller (it holds the write lock), so
//! references like `AP00000042` are known before the row is written. Around
//! the rows: the settings for a load, the triggers and indexes set aside
//! during it and rebuilt at its end.

mod rows;
mod writer;

pub use rows::{Application, Audit, Refund, Row};
pub use writer::Writer;

use anyhow::Result;
use rusqlite::{params, Connection};
use std::collections::HashSet;

/// The next free id of every table the generator writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ids {
    pub merchant: i64,
    pub application: i64,
    pub phone_code: i64,
    pub contract: i64,
    pub device: i64,
    pub binding: i64,
    pub deposit: i64,
    pub fee: i64,
    pub payment: i64,
    pub refund_batch: i64,
    pub refund: i64,
    pub breach: i64,
    pub import_file: i64,
    pub volume: i64,
    pub sms: i64,
    pub audit: i64,
}

pub fn next_ids(conn: &Connection) -> Result<Ids> {
    let next = |table: &str| -> Result<i64> {
        Ok(conn.query_row(
            &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
            [],
            |r| r.get(0),
        )?)
    };
    Ok(Ids {
        merchant: next("merchant")?,
        application: next("application")?,
        phone_code: next("phone_code")?,
        contract: next("contract")?,
        device: next("device")?,
        binding: next("binding")?,
        deposit: next("deposit")?,
        fee: next("fee")?,
        payment: next("payment")?,
        refund_batch: next("refund_batch")?,
        refund: next("refund")?,
        breach: next("breach")?,
        import_file: next("import_file")?,
        volume: next("volume")?,
        sms: next("sms_outbox")?,
        audit: next("audit_log")?,
    })
}

pub fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
        params![table, column],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The last sealed audit hash, when the store keeps an audit chain.
pub fn audit_chain_head(conn: &Connection) -> Result<Option<Option<String>>> {
    if !has_column(conn, "audit_log", "hash")? {
        return Ok(None);
    }
    Ok(Some(
        conn.query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?,
    ))
}

/// ID numbers and phones already in a store, so generated people never clash
/// with them. Only small stores are read whole; `None` for a large one.
pub fn people_on_file(conn: &Connection, at_most: i64) -> Result<Option<People>> {
    let n: i64 = conn.query_row("SELECT count(*) FROM application", [], |r| r.get(0))?;
    if n > at_most {
        return Ok(None);
    }
    let mut people = People::default();
    let mut stmt = conn.prepare("SELECT id_number, phone FROM application")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(id) = r.get::<_, Option<String>>(0)? {
            people.id_numbers.insert(id);
        }
        if let Some(phone) = r.get::<_, Option<String>>(1)? {
            people.phones.insert(phone);
        }
    }
    Ok(Some(people))
}

/// Device serials already in a store (a new store has its first stock at most).
pub fn serials_on_file(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT serial FROM device")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Default)]
pub struct People {
    pub id_numbers: HashSet<String>,
    pub phones: HashSet<String>,
}

/// The table that says a bulk load is under way. It is made in the load's
/// first transaction and dropped in its last: a store that still has it was
/// left half-made by a crash, and `store::open` refuses it.
const LOADING: &str = "bulk_load_in_progress";

pub fn mark_loading(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE {LOADING} (note TEXT NOT NULL);
         INSERT INTO {LOADING} (note) VALUES ('posdesk demo is writing this store');"
    ))?;
    Ok(())
}

pub fn mark_loaded(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!("DROP TABLE {LOADING};"))?;
    Ok(())
}

/// Refuse a store a bulk load left half-made.
pub fn refuse_half_made(conn: &Connection) -> Result<()> {
    let loading: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [LOADING],
        |r| r.get(0),
    )?;
    if loading > 0 {
        anyhow::bail!(
            "this store was being filled by `posdesk demo` when it stopped, and is incomplete; \
             delete it and run `posdesk demo` again"
        );
    }
    Ok(())
}

/// Settings for the length of one bulk load, and what they were before.
pub struct BulkPragmas {
    foreign_keys: i64,
    synchronous: i64,
    cache_size: i64,
    threads: i64,
}

/// Relax durability for the load (one transaction: all of it or none of it is
/// kept either way) and give it a larger page cache. Call outside a transaction.
pub fn relax(conn: &Connection, cache_kib: i64) -> Result<BulkPragmas> {
    let before = BulkPragmas {
        foreign_keys: conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
        synchronous: conn.pragma_query_value(None, "synchronous", |r| r.get(0))?,
        cache_size: conn.pragma_query_value(None, "cache_size", |r| r.get(0))?,
        threads: conn.pragma_query_value(None, "threads", |r| r.get(0))?,
    };
    // temp_store stays on file: building an index sorts more than fits in memory.
    // One helper thread sorts while the other reads (the generator is done by then).
    conn.execute_batch(&format!(
        "PRAGMA synchronous = OFF; PRAGMA cache_size = -{cache_kib}; PRAGMA threads = 1;"
    ))?;
    // The generator's references are checked by tests/demo_bulk.rs
    // (foreign_key_check on a bulk store), not by a look-up per row.
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    Ok(before)
}

/// No rollback journal while a load writes a store nobody else uses and that
/// is thrown away if the load stops (build_store's copy): each page is
/// written once, not to the log and then again into the store. A failed load
/// cannot be rolled back in it, hence a copy only. `wal` turns the log back on.
pub fn unjournaled(conn: &Connection, wal: bool) -> Result<()> {
    let mode = if wal { "WAL" } else { "OFF" };
    let now: String = conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))?;
    if !now.eq_ignore_ascii_case(mode) {
        anyhow::bail!("the demo store's journal mode stayed {now}, not {mode}");
    }
    Ok(())
}

/// A page cache of `kib` from now on (also what each sort may hold in memory).
pub fn set_cache(conn: &Connection, kib: i64) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?;
    Ok(())
}

/// How many helper threads SQLite may sort with from now on.
pub fn set_sort_helpers(conn: &Connection, threads: i64) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA threads = {threads};"))?;
    Ok(())
}

/// Put the settings back, and fold the load's write-ahead log into the store.
pub fn restore(conn: &Connection, before: BulkPragmas) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = {}; PRAGMA synchronous = {}; PRAGMA cache_size = {}; \
         PRAGMA threads = {};",
        before.foreign_keys, before.synchronous, before.cache_size, before.threads
    ))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Every row of every table (the measure of "rows per second").
pub fn count_rows(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND sql NOT LIKE 'CREATE VIRTUAL%'",
    )?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut total = 0;
    for t in tables {
        total += conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| {
            r.get::<_, i64>(0)
        })?;
    }
    Ok(total)
}

/// Insert triggers on deposits that a bulk load sets aside, and what it does
/// instead once all rows are in: the same totals, for every new row at once (a
/// row at a time, they cost more than the rows themselves). The name index has
/// its own pause (store::search_index); any other trigger stays and fires per
/// row: slower, never wrong.
const REPLAYED: &[(&str, &str)] = &[
    // 002_refunds.sql: deposit totals per state.
    (
        "deposit_summary_insert",
        "UPDATE deposit_summary SET count = deposit_summary.count + x.n,
           amount_fen = deposit_summary.amount_fen + x.amount
         FROM (SELECT state, count(*) AS n, sum(amount_fen) AS amount FROM deposit
               WHERE id >= ?1 GROUP BY state) AS x
         WHERE deposit_summary.state = x.state;",
    ),
    // 003_performance.sql: deposit totals per point and per counter day.
    (
        "deposit_breakdown_insert",
        "INSERT INTO deposit_point_summary (pickup_point_id, state, count, amount_fen)
         SELECT coalesce(pickup_point_id, 0), state, count(*), sum(amount_fen) FROM deposit
         WHERE id >= ?1 GROUP BY 1, 2
         ON CONFLICT (pickup_point_id, state) DO UPDATE
         SET count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen;
         INSERT INTO deposit_day_summary (day, pickup_point_id, state, count, amount_fen)
         SELECT date(created_at, '+8 hours'), coalesce(pickup_point_id, 0), state, count(*),
                sum(amount_fen)
         FROM deposit WHERE id >= ?1 GROUP BY 1, 2, 3
         ON CONFLICT (day, pickup_point_id, state) DO UPDATE
         SET count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen;",
    ),
];

/// Triggers set aside for a load, with the first deposit id the load wrote.
pub struct SetAside {
    triggers: Vec<(&'static str, String)>,
    first_deposit: i64,
}

/// Drop the listed insert triggers for the length of the load (inside its
/// transaction: if the load fails, they were never gone).
pub fn set_aside_triggers(conn: &Connection, ids: &Ids) -> Result<SetAside> {
    let mut triggers = Vec::new();
    for (name, _) in REPLAYED {
        let sql: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if let Some(sql) = sql {
            conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
            triggers.push((*name, sql));
        }
    }
    Ok(SetAside {
        triggers,
        first_deposit: ids.deposit,
    })
}

/// Derive for every new row what the set-aside triggers would have, and put
/// the triggers back.
pub fn replay_triggers(conn: &Connection, set_aside: SetAside) -> Result<()> {
    for (name, sql) in &set_aside.triggers {
        let replay = REPLAYED
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, replay)| *replay)
            .unwrap_or_default();
        for statement in replay.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            conn.execute(statement, [set_aside.first_deposit])?;
        }
        conn.execute_batch(sql)?;
    }
    Ok(())
}

/// Secondary indexes set aside for a load: built once at the end by sorting,
/// instead of kept up row by row (a million random keys overflow any cache).
pub struct DeferredIndexes {
    indexes: Vec<(String, String)>,
}

/// Drop the secondary indexes of `tables` (those made by CREATE INDEX; the
/// ones behind PRIMARY KEY and UNIQUE columns stay and keep checking), except
/// those in `keep`: indexes a load appends to in order are cheaper kept up.
pub fn defer_indexes(conn: &Connection, tables: &[&str], keep: &[&str]) -> Result<DeferredIndexes> {
    let mut indexes = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name = ?1 ORDER BY rowid",
        )?;
        for table in tables {
            let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (name, sql): (String, String) = row?;
                if !keep.contains(&name.as_str()) {
                    indexes.push((name, sql));
                }
            }
        }
    }
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(DeferredIndexes { indexes })
}

impl DeferredIndexes {
    pub fn len(&self) -> usize {
        self.indexes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indexes.is_empty()
    }

    /// Build every index again; `after` runs after each one (to commit it),
    /// told the seconds the index took.
    pub fn rebuild(
        self,
        conn: &Connection,
        after: &mut dyn FnMut(usize, &str, f64) -> rusqlite::Result<()>,
    ) -> Result<()> {
        for (i, (name, sql)) in self.indexes.iter().enumerate() {
            let clock = std::time::Instant::now();
            conn.execute_batch(sql)?;
            after(i, name, clock.elapsed().as_secs_f64())?;
        }
        Ok(())
    }
}
