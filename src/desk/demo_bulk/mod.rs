//! The demo at scale: a million merchants in every state, generated straight
//! into the tables in the shape the use cases leave them, at over a hundred
//! thousand rows a second. `load_demo` takes each merchant through the real
//! use cases and proves them; this path is for stores too big for that.
//!
//! One thread generates (people, timelines, the audit chain), the caller's
//! thread writes (prepared statements, a transaction per 32k merchants); a
//! bounded channel between them keeps memory flat whatever the size. Merchants
//! are generated in the order they came to the counter, over a span of up to
//! two years, so ids follow time as in a real store. The name index, deposit
//! totals and most secondary indexes are built once, at the end. `build_store`
//! does all this in a copy of a new store and renames it into place.

mod books;
mod build;
mod gen;
mod journey;
mod money;
mod people;

use super::auth::Actor;
use super::demo::{points_and_staff, DemoReport, LOGINS};
use super::error::{from_sqlite, DeskResult};
use super::{Ctx, Desk};
use crate::store;
use crate::store::bulk::{Row, Writer};
pub use build::build_store;
use chrono::{DateTime, Duration, Utc};
use gen::{entry, next, stamp, Gen, Point, Start, Tally};
use std::collections::BTreeMap;
use std::sync::mpsc;

/// The tables the generator fills, whose secondary indexes are built at the end.
const BULK_TABLES: &[&str] = &[
    "merchant",
    "application",
    "checklist_item",
    "phone_code",
    "contract",
    "device",
    "binding",
    "deposit",
    "fee",
    "payment",
    "refund",
    "breach",
    "volume",
    "sms_outbox",
    "audit_log",
];

/// Indexes kept up during the load: merchants come in order, so these grow at
/// their ends (audit_by_time at the few weeks a journey spans), and building
/// each afresh would read the whole audit log again.
const KEPT_INDEXES: &[&str] = &["audit_entity", "audit_unsealed", "audit_by_time"];

/// Above this many merchants `posdesk demo` generates in bulk.
pub const BULK_ABOVE: usize = 5_000;

/// Merchants per transaction: the write-ahead log stays a few hundred MB.
const CHUNK: usize = 32_768;

/// Merchants per batch handed from the generator to the writer.
const BATCH: usize = 128;
/// Batches in flight: enough to keep both threads busy, little enough to keep
/// memory flat.
const IN_FLIGHT: usize = 2;
/// SQLite's page cache for the load (KiB): with the generator's own books,
/// the load stays under 128 MB…
const CACHE_KIB: i64 = 32 * 1024;
/// …and while it builds indexes, when each sort takes as much again.
const SORT_CACHE_KIB: i64 = 16 * 1024;
/// …and while it fills the name index, without a helper thread: the helper's
/// buffers took the load's peak from 113 to 146 MB on a million merchants,
/// for no time saved.
const NAME_CACHE_KIB: i64 = 8 * 1024;

/// How far a bulk load has come, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct BulkProgress {
    pub merchants: usize,
    pub of: usize,
    pub rows: u64,
    /// Everything is written; the store is folding its log in.
    pub finishing: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BulkReport {
    #[serde(flatten)]
    pub demo: DemoReport,
    /// Rows written, in every table.
    pub rows: u64,
    /// Where the time went: (phase, seconds).
    pub phases: Vec<(&'static str, f64)>,
}

impl Desk {
    /// Generate `merchants` demo merchants straight into a new store.
    /// `progress` is told after every batch.
    ///
    /// The rows go in several transactions (one giant one would grow the
    /// write-ahead log to the size of the store, and every page read would
    /// search it); a marker table says a load is under way, and a store that
    /// still has it after a crash refuses to open, so a half-made store is
    /// never mistaken for a whole one. Hence a new store only.
    pub fn load_demo_bulk(
        &mut self,
        merchants: usize,
        seed: u64,
        progress: &mut dyn FnMut(BulkProgress),
    ) -> DeskResult<BulkReport> {
        let now = self.clock.now();
        let before = store::bulk::relax(&self.conn, CACHE_KIB)?;
        let result = self.bulk_load(merchants, seed, now, progress);
        if result.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let checkpoint = std::time::Instant::now();
        store::bulk::restore(&self.conn, before)?;
        let mut report = result?;
        report
            .phases
            .push(("checkpoint", checkpoint.elapsed().as_secs_f64()));
        Ok(report)
    }

    fn bulk_load(
        &mut self,
        merchants: usize,
        seed: u64,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(BulkProgress),
    ) -> DeskResult<BulkReport> {
        let (policy, calendar, bins) = (&self.policy, &self.calendar, &self.bins);
        let mut phases = Vec::new();
        let mut clock = std::time::Instant::now();
        let mut lap = |phases: &mut Vec<(&'static str, f64)>, name: &'static str| {
            phases.push((name, clock.elapsed().as_secs_f64()));
            clock = std::time::Instant::now();
        };
        let tx = &self.conn;
        tx.execute_batch("BEGIN IMMEDIATE").map_err(from_sqlite)?;
        let ctx = Ctx {
            now: now - Duration::days(i64::from(span_days(merchants)) + 30),
            policy,
            calendar,
            bins,
        };
        let setup = (|| -> DeskResult<_> {
            let Some(people) = store::bulk::people_on_file(tx, 0)? else {
                return super::error::refuse(
                    "demo.bulk_store",
                    "The bulk demo fills a new store, and this one has applications already: \
                     give a new --db, or take the merchants through the use cases (--use-cases).",
                );
            };
            let (point_ids, staff) = points_and_staff(tx, &ctx)?;
            store::audit::seal(tx)?;
            let start = Start {
                serials: store::bulk::serials_on_file(tx)?,
                ids: store::bulk::next_ids(tx)?,
                chain: store::bulk::audit_chain_head(tx)?
                    .map(|head| head.unwrap_or_else(|| store::audit::GENESIS.to_string())),
                people,
                points: points(tx, &point_ids, &staff)?,
                supervisor: staff[0].staff_id,
            };
            // Derived rows (name index, deposit totals, secondary indexes) once
            // at the end, not row by row.
            store::bulk::mark_loading(tx)?;
            let names = store::search_index::pause(tx)?;
            let totals = store::bulk::set_aside_triggers(tx, &start.ids)?;
            let indexes = store::bulk::defer_indexes(tx, BULK_TABLES, KEPT_INDEXES)?;
            Ok((start, names, totals, indexes))
        })();
        let (start, names, totals, indexes) = match setup {
            Ok(s) => s,
            Err(e) => {
                let _ = tx.execute_batch("ROLLBACK");
                return Err(e);
            }
        };
        tx.execute_batch("COMMIT; BEGIN IMMEDIATE")
            .map_err(from_sqlite)?;
        let mut writer = Writer::new(tx)?;
        lap(&mut phases, "setup");
        let (send, receive) = mpsc::sync_channel::<Vec<Row>>(IN_FLIGHT);
        let mut rows = 0u64;
        let mut done = 0usize;
        let tally = std::thread::scope(|scope| -> DeskResult<Tally> {
            // Dropped if writing fails, so the generator stops instead of waiting.
            let receive = receive;
            let generator = std::thread::Builder::new()
                .name("demo-generator".into())
                .spawn_scoped(scope, move || {
                    let mut g = Gen::new(policy, calendar, bins, now, seed, merchants, start);
                    g.spare_stock();
                    for i in 0..merchants {
                        journey::merchant(&mut g, i);
                        if (i + 1) % BATCH == 0 || i + 1 == merchants {
                            let batch = std::mem::take(&mut g.out);
                            if send.send(batch).is_err() {
                                break; // the writer stopped: it says why
                            }
                        }
                    }
                    g.close_books();
                    let _ = send.send(std::mem::take(&mut g.out));
                    g.tally
                })
                .map_err(anyhow::Error::from)?;
            for batch in receive.iter() {
                for row in batch {
                    rows += u64::from(row.is_insert());
                    writer.write(row)?;
                }
                if done / CHUNK != (done + BATCH) / CHUNK {
                    writer.flush()?;
                    tx.execute_batch("COMMIT; BEGIN IMMEDIATE")
                        .map_err(from_sqlite)?;
                }
                done = (done + BATCH).min(merchants);
                progress(BulkProgress {
                    merchants: done,
                    of: merchants,
                    rows,
                    finishing: false,
                });
            }
            generator
                .join()
                .map_err(|_| anyhow::anyhow!("the demo generator stopped unexpectedly").into())
        })?;
        writer.flush()?;
        drop(writer);
        lap(&mut phases, "generate and write");
        progress(BulkProgress {
            merchants,
            of: merchants,
            rows,
            finishing: true,
        });
        // Each index, and the name index, in a transaction of its own: the
        // log stays small, and so does the memory that maps it.
        let n = indexes.len();
        let next_transaction = || tx.execute_batch("COMMIT; BEGIN IMMEDIATE");
        next_transaction().map_err(from_sqlite)?;
        store::bulk::set_cache(tx, SORT_CACHE_KIB)?;
        indexes.rebuild(tx, &mut |i, name, seconds| {
            tracing::debug!(index = name, "built index {}/{n} in {seconds:.2} s", i + 1);
            next_transaction()
        })?;
        lap(&mut phases, "indexes");
        next_transaction().map_err(from_sqlite)?;
        store::bulk::set_cache(tx, NAME_CACHE_KIB)?;
        store::bulk::set_sort_helpers(tx, 0)?;
        store::search_index::resume(tx, names)?;
        lap(&mut phases, "name index");
        next_transaction().map_err(from_sqlite)?;
        store::bulk::replay_triggers(tx, totals)?;
        store::bulk::mark_loaded(tx)?;
        tx.execute_batch("COMMIT").map_err(from_sqlite)?;
        lap(&mut phases, "totals and commit");
        let mut deposits = BTreeMap::new();
        for (state, n, _) in store::refund::summary(&self.conn)? {
            if n > 0 {
                deposits.insert(state, n as usize);
            }
        }
        Ok(BulkReport {
            demo: DemoReport {
                merchants,
                devices_added: tally.devices_added,
                by_state: tally
                    .applications
                    .into_iter()
                    .map(|(s, n)| (s.to_string(), n))
                    .collect(),
                deposits,
                logins: LOGINS
                    .iter()
                    .map(|(no, _, role, _, pin)| {
                        (no.to_string(), role.as_str().to_string(), pin.to_string())
                    })
                    .collect(),
            },
            rows,
            phases,
        })
    }
}

fn points(tx: &rusqlite::Connection, point_ids: &[i64], staff: &[Actor]) -> DeskResult<Vec<Point>> {
    let mut out = Vec::new();
    for (i, id) in point_ids.iter().enumerate() {
        let p = store::point::get(tx, *id)?
            .ok_or_else(|| anyhow::anyhow!("demo pickup point {id} vanished"))?;
        out.push(Point {
            id: *id,
            place: super::messages::pickup_place(&p.name, &p.address),
            // LOGINS: the supervisor, then one clerk per point.
            clerk: staff[1 + i % (staff.len() - 1)].staff_id,
        });
    }
    Ok(out)
}

/// Days over which the merchants came to the counter: a small demo is recent,
/// a million merchants is a network two years on.
pub(super) fn span_days(merchants: usize) -> u32 {
    (merchants / 1_400).clamp(90, 730) as u32
}
