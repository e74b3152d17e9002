//! The demo at scale: a million merchants in every state, generated straight
//! into the tables in the shape the use cases leave them, at hundreds of
//! thousands of rows a second. `load_demo` takes each merchant through the real
//! use cases and proves them; this path is for stores too big for that.
//!
//! One thread generates (people, timelines, the audit chain), the caller's
//! thread writes (prepared statements, one transaction); a bounded channel
//! between them keeps memory flat whatever the size. Merchants are generated
//! in the order they came to the counter, over a span of up to two years, so
//! ids follow time as in a real store.

mod books;
mod journey;
mod money;
mod people;

use super::auth::Actor;
use super::demo::{points_and_staff, DemoReport, LOGINS};
use super::error::{from_sqlite, DeskResult};
use super::{china_offset, Ctx, Desk};
use crate::domain::bank_card::{Bin, BinTable};
use crate::domain::calendar::HolidayCalendar;
use crate::domain::policy::Policy;
use crate::domain::refund::{window, RefundWindow};
use crate::store;
use crate::store::bulk::{Audit, Ids, Row, Writer};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
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

/// Above this many merchants `posdesk demo` generates in bulk.
pub const BULK_ABOVE: usize = 5_000;

/// Merchants per batch handed from the generator to the writer.
const BATCH: usize = 256;
/// Batches in flight: enough to keep both threads busy, little enough to keep
/// memory flat.
const IN_FLIGHT: usize = 4;
/// SQLite's page cache for the load (KiB).
const CACHE_KIB: i64 = 48 * 1024;

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
    /// Generate `merchants` demo merchants straight into the store, in one
    /// transaction (all or nothing). `progress` is told after every batch.
    pub fn load_demo_bulk(
        &mut self,
        merchants: usize,
        seed: u64,
        progress: &mut dyn FnMut(BulkProgress),
    ) -> DeskResult<BulkReport> {
        let now = self.clock.now();
        let before = store::bulk::relax(&self.conn, CACHE_KIB)?;
        let result = self.bulk_in_transaction(merchants, seed, now, progress);
        let checkpoint = std::time::Instant::now();
        store::bulk::restore(&self.conn, before)?;
        let mut report = result?;
        report
            .phases
            .push(("checkpoint", checkpoint.elapsed().as_secs_f64()));
        Ok(report)
    }

    fn bulk_in_transaction(
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
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(from_sqlite)?;
        let ctx = Ctx {
            now: now - Duration::days(i64::from(span_days(merchants)) + 30),
            policy,
            calendar,
            bins,
        };
        let (point_ids, staff) = points_and_staff(&tx, &ctx)?;
        store::audit::seal(&tx)?;
        let start = Start {
            ids: store::bulk::next_ids(&tx)?,
            chain: store::bulk::audit_chain_head(&tx)?.map(|head| {
                head.unwrap_or_else(|| store::audit::GENESIS.to_string())
            }),
            people: store::bulk::people_on_file(&tx, 200_000)?.ok_or_else(|| {
                super::error::DeskError::Refused(crate::domain::problem::Problem::new(
                    "demo.bulk_store",
                    "The bulk demo fills a new or small store; this one already holds more \
                     than 200,000 applications.",
                ))
            })?,
            points: points(&tx, &point_ids, &staff)?,
            supervisor: staff[0].staff_id,
        };
        // Derived rows (name index, deposit totals) once at the end, not per row.
        let names = store::search_index::pause(&tx)?;
        let totals = store::bulk::set_aside_triggers(&tx, &start.ids)?;
        let indexes = store::bulk::defer_indexes(&tx, BULK_TABLES)?;
        let mut writer = Writer::new(&tx)?;
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
                for row in &batch {
                    writer.write(row)?;
                    rows += u64::from(row.is_insert());
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
        drop(writer);
        lap(&mut phases, "generate and write");
        progress(BulkProgress {
            merchants,
            of: merchants,
            rows,
            finishing: true,
        });
        let n = indexes.len();
        indexes.rebuild(&tx, &mut |i, name| {
            tracing::debug!(index = name, "building index {}/{n}", i + 1);
        })?;
        lap(&mut phases, "indexes");
        store::search_index::resume(&tx, names)?;
        lap(&mut phases, "name index");
        store::bulk::replay_triggers(&tx, totals)?;
        tx.commit().map_err(from_sqlite)?;
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
                by_state: tally.applications.into_iter().map(|(s, n)| (s.to_string(), n)).collect(),
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

fn points(
    tx: &rusqlite::Connection,
    point_ids: &[i64],
    staff: &[Actor],
) -> DeskResult<Vec<Point>> {
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
fn span_days(merchants: usize) -> u32 {
    (merchants / 1_400).clamp(90, 730) as u32
}

/// What the generator starts from, read inside the transaction.
struct Start {
    ids: Ids,
    chain: Option<String>,
    people: store::bulk::People,
    points: Vec<Point>,
    supervisor: i64,
}

struct Point {
    id: i64,
    /// name（address）, as the pickup message says it.
    place: String,
    clerk: i64,
}

#[derive(Default)]
struct Tally {
    applications: BTreeMap<&'static str, usize>,
    devices_added: usize,
}

/// One audit entry before it gets its id and place in the chain.
struct Entry {
    entity: &'static str,
    id: i64,
    action: Cow<'static, str>,
    from: Option<&'static str>,
    to: Option<&'static str>,
    reason: Option<String>,
}

fn entry(entity: &'static str, id: i64, action: impl Into<Cow<'static, str>>) -> Entry {
    Entry {
        entity,
        id,
        action: action.into(),
        from: None,
        to: None,
        reason: None,
    }
}

impl Entry {
    fn moves(mut self, from: Option<&'static str>, to: &'static str) -> Entry {
        self.from = from;
        self.to = Some(to);
        self
    }
    fn because(mut self, reason: impl Into<String>) -> Entry {
        self.reason = Some(reason.into());
        self
    }
}

/// The generator: everything it needs to invent one merchant after another,
/// and the rows it has made that the writer has not taken yet.
struct Gen<'a> {
    rng: ChaCha8Rng,
    ids: Ids,
    policy: &'a Policy,
    calendar: &'a HolidayCalendar,
    bins: &'a BinTable,
    bin_list: Vec<&'a Bin>,
    now: DateTime<Utc>,
    today: NaiveDate,
    merchants: usize,
    span: Duration,
    seed: u64,
    first_application: i64,
    points: Vec<Point>,
    supervisor: i64,
    serial_no: u64,
    people: people::Registry,
    books: books::Books,
    chain: Option<String>,
    tally: Tally,
    windows: HashMap<NaiveDate, RefundWindow>,
    workdays: HashMap<(NaiveDate, u32), NaiveDate>,
    /// Rows ready for the writer, in an order the foreign keys accept.
    out: Vec<Row>,
    /// This merchant's SMS and audit entries, written after its records.
    tail: Vec<Row>,
}

impl<'a> Gen<'a> {
    fn new(
        policy: &'a Policy,
        calendar: &'a HolidayCalendar,
        bins: &'a BinTable,
        now: DateTime<Utc>,
        seed: u64,
        merchants: usize,
        start: Start,
    ) -> Gen<'a> {
        // A stream of its own: the same seed gives the same store, and not the
        // same people as the use-case demo.
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6275_6c6b_6465_6d6f);
        Gen {
            people: people::Registry::new(&mut rng, start.people, merchants),
            rng,
            ids: start.ids,
            policy,
            calendar,
            bins,
            bin_list: bins.iter().collect(),
            now,
            today: now.with_timezone(&china_offset()).date_naive(),
            merchants,
            span: Duration::days(i64::from(span_days(merchants))),
            seed,
            first_application: start.ids.application,
            points: start.points,
            supervisor: start.supervisor,
            serial_no: (start.ids.device - 1).max(0) as u64,
            books: books::Books::default(),
            chain: start.chain,
            tally: Tally::default(),
            windows: HashMap::new(),
            workdays: HashMap::new(),
            out: Vec::new(),
            tail: Vec::new(),
        }
    }

    /// Append an audit entry; its id is the next one, its hash (when the store
    /// keeps a chain) is made when the merchant's rows are handed over.
    fn log(&mut self, at: &str, staff: Option<i64>, e: Entry) {
        let id = next(&mut self.ids.audit);
        self.tail.push(Row::Audit(Box::new(Audit {
            id,
            at: at.to_string(),
            staff_id: staff,
            entity: e.entity,
            entity_id: e.id,
            action: e.action,
            from: e.from,
            to: e.to,
            reason: e.reason,
            hash: None,
        })));
    }

    fn sms(&mut self, at: &str, phone: &str, sms: super::messages::Sms, application_id: i64) {
        let id = next(&mut self.ids.sms);
        self.tail.push(Row::Sms {
            id,
            phone: phone.to_string(),
            template: sms.template,
            body: sms.body,
            application_id,
            created_at: at.to_string(),
        });
    }

    /// Hand over this merchant's SMS and audit entries, sealing the entries in order.
    fn flush_tail(&mut self) {
        for mut row in std::mem::take(&mut self.tail) {
            if let (Row::Audit(a), Some(prev)) = (&mut row, self.chain.as_mut()) {
                let hash = store::audit::chain_hash(
                    prev,
                    a.id,
                    &a.at,
                    &store::audit::Entry {
                        staff_id: a.staff_id,
                        entity: a.entity,
                        entity_id: a.entity_id,
                        action: &a.action,
                        from: a.from,
                        to: a.to,
                        reason: a.reason.as_deref(),
                    },
                );
                prev.clone_from(&hash);
                a.hash = Some(hash);
            }
            self.out.push(row);
        }
    }

    /// Whether something planned for `t` has happened by now.
    fn happened(&self, t: DateTime<Utc>) -> bool {
        t <= self.now
    }

    /// `t` at `h`:`m` in the counter's calendar on `day`.
    fn at_local(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        day.and_hms_opt(h, m, 0)
            .and_then(|t| t.and_local_timezone(china_offset()).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn day_of(t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&china_offset()).date_naive()
    }

    /// The refund window a confirmation on `day` fixes.
    fn window(&mut self, day: NaiveDate) -> RefundWindow {
        let (earliest, latest) = (
            self.policy.rules.refund_window_earliest,
            self.policy.rules.refund_window_latest,
        );
        let calendar = self.calendar;
        self.windows
            .entry(day)
            .or_insert_with(|| window(calendar, day, earliest, latest))
            .clone()
    }

    /// `n` working days after `day`.
    fn workdays_after(&mut self, day: NaiveDate, n: u32) -> NaiveDate {
        let calendar = self.calendar;
        *self
            .workdays
            .entry((day, n))
            .or_insert_with(|| calendar.add_workdays(day, n).date)
    }
}

/// Take the next id of a table.
fn next(id: &mut i64) -> i64 {
    let this = *id;
    *id += 1;
    this
}

fn stamp(t: DateTime<Utc>) -> String {
    store::instant(t)
}
