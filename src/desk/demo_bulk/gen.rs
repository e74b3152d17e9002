//! The generator's state: what it knows of the store and the policy, the ids
//! it hands out, the books it keeps, and the rows waiting for the writer.

use super::span_days;
use crate::desk::china_offset;
use crate::domain::bank_card::{Bin, BinTable};
use crate::domain::calendar::HolidayCalendar;
use crate::domain::policy::Policy;
use crate::domain::refund::{window, RefundWindow};
use crate::store;
use crate::store::bulk::{Audit, Ids, Row};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the generator starts from, read inside the transaction.
pub(super) struct Start {
    pub(super) serials: HashSet<String>,
    pub(super) ids: Ids,
    pub(super) chain: Option<String>,
    pub(super) people: store::bulk::People,
    pub(super) points: Vec<Point>,
    pub(super) supervisor: i64,
}

pub(super) struct Point {
    pub(super) id: i64,
    /// name（address）, as the pickup message says it.
    pub(super) place: String,
    pub(super) clerk: i64,
}

#[derive(Default)]
pub(super) struct Tally {
    pub(super) applications: BTreeMap<&'static str, usize>,
    pub(super) devices_added: usize,
}

/// One audit entry before it gets its id and place in the chain.
pub(super) struct Entry {
    pub(super) entity: &'static str,
    pub(super) id: i64,
    pub(super) action: Cow<'static, str>,
    pub(super) from: Option<&'static str>,
    pub(super) to: Option<&'static str>,
    pub(super) reason: Option<String>,
}

pub(super) fn entry(entity: &'static str, id: i64, action: impl Into<Cow<'static, str>>) -> Entry {
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
    pub(super) fn moves(mut self, from: Option<&'static str>, to: &'static str) -> Entry {
        self.from = from;
        self.to = Some(to);
        self
    }
    pub(super) fn because(mut self, reason: impl Into<String>) -> Entry {
        self.reason = Some(reason.into());
        self
    }
}

/// The generator: everything it needs to invent one merchant after another,
/// and the rows it has made that the writer has not taken yet.
pub(super) struct Gen<'a> {
    pub(super) rng: ChaCha8Rng,
    pub(super) ids: Ids,
    pub(super) policy: &'a Policy,
    pub(super) calendar: &'a HolidayCalendar,
    pub(super) bins: &'a BinTable,
    pub(super) bin_list: Vec<&'a Bin>,
    pub(super) now: DateTime<Utc>,
    pub(super) today: NaiveDate,
    pub(super) merchants: usize,
    pub(super) span: Duration,
    pub(super) seed: u64,
    pub(super) first_application: i64,
    pub(super) points: Vec<Point>,
    pub(super) supervisor: i64,
    pub(super) serial_no: u64,
    /// Serials already in the store (a new store's first stock, if any).
    pub(super) serials: HashSet<String>,
    pub(super) people: super::people::Registry,
    pub(super) books: super::books::Books,
    pub(super) chain: Option<String>,
    pub(super) tally: Tally,
    pub(super) windows: HashMap<NaiveDate, RefundWindow>,
    pub(super) workdays: HashMap<(NaiveDate, u32), NaiveDate>,
    /// Rows ready for the writer, in an order the foreign keys accept.
    pub(super) out: Vec<Row>,
    /// This merchant's SMS and audit entries, written after its records.
    pub(super) tail: Vec<Row>,
}

impl<'a> Gen<'a> {
    pub(super) fn new(
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
            people: super::people::Registry::new(&mut rng, start.people, merchants),
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
            serials: start.serials,
            books: super::books::Books::default(),
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
    pub(super) fn log(&mut self, at: &str, staff: Option<i64>, e: Entry) {
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

    pub(super) fn sms(
        &mut self,
        at: &str,
        phone: &str,
        sms: crate::desk::messages::Sms,
        application_id: i64,
    ) {
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
    pub(super) fn flush_tail(&mut self) {
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

    /// The next serial of `model`, in the model's own format and counting up,
    /// as devices come from the factory (which also keeps the serial index
    /// growing at its end).
    pub(super) fn next_serial(&mut self, model: &str) -> String {
        loop {
            self.serial_no += 1;
            let n = self.serial_no;
            let serial = match model {
                "LD-A8" => format!("LDA8{:010}", 1_000_000_000 + n),
                "NL-ME31" => format!("N31{:012X}", 0xA00_0000_0000 + n),
                // These two count up already.
                _ => crate::desk::demo::demo_serial(model, n, self.seed),
            };
            if !self.serials.contains(&serial) {
                return serial;
            }
        }
    }

    /// Whether something planned for `t` has happened by now.
    pub(super) fn happened(&self, t: DateTime<Utc>) -> bool {
        t <= self.now
    }

    /// `t` at `h`:`m` in the counter's calendar on `day`.
    pub(super) fn at_local(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        day.and_hms_opt(h, m, 0)
            .and_then(|t| t.and_local_timezone(china_offset()).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    pub(super) fn day_of(t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&china_offset()).date_naive()
    }

    /// The refund window a confirmation on `day` fixes.
    pub(super) fn window(&mut self, day: NaiveDate) -> RefundWindow {
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
    pub(super) fn workdays_after(&mut self, day: NaiveDate, n: u32) -> NaiveDate {
        let calendar = self.calendar;
        *self
            .workdays
            .entry((day, n))
            .or_insert_with(|| calendar.add_workdays(day, n).date)
    }
}

/// Take the next id of a table.
pub(super) fn next(id: &mut i64) -> i64 {
    let this = *id;
    *id += 1;
    this
}

pub(super) fn stamp(t: DateTime<Utc>) -> String {
    store::instant(t)
}
