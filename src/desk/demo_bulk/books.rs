//! The day's files: the refund batch exported to the bank, the acquirer's
//! volume file and the bank's settlement file. Each is written when its first
//! line is; its count and totals (and the export's audit entry) once the last
//! merchant is done. Also the spare devices on each point's shelf.

use super::{entry, next, stamp, Gen};
use crate::domain::audit_reason;
use crate::domain::bank_files::sha256_hex;
use crate::domain::money::Fen;
use crate::store::bulk::Row;
use chrono::{Duration, NaiveDate};
use rand::Rng;
use std::collections::BTreeMap;

#[derive(Default)]
pub(super) struct Books {
    batches: BTreeMap<NaiveDate, Tab>,
    volume_files: BTreeMap<NaiveDate, Tab>,
    settlement_files: BTreeMap<NaiveDate, Tab>,
}

struct Tab {
    id: i64,
    at: String,
    lines: i64,
    total: Fen,
}

impl Tab {
    fn add(&mut self, amount: Fen) {
        self.lines += 1;
        self.total = self.total.checked_add(amount).unwrap_or(self.total);
    }
}

impl Gen<'_> {
    /// The refund batch exported on `day` with this refund in it: (id, when).
    pub(super) fn batch(&mut self, day: NaiveDate, amount: Fen) -> (i64, String) {
        if !self.books.batches.contains_key(&day) {
            let id = next(&mut self.ids.refund_batch);
            let at = stamp(Gen::at_local(day, 16, 0));
            self.out.push(Row::RefundBatch {
                id,
                created_at: at.clone(),
                created_by: self.supervisor,
                file_name: format!("batch-{}.csv", day.format("%Y%m%d")),
            });
            self.books.batches.insert(day, tab(id, at));
        }
        let tab = self.books.batches.get_mut(&day).expect("just made");
        tab.add(amount);
        (tab.id, tab.at.clone())
    }

    /// The acquirer's file imported on `day`, with one more line: its id.
    pub(super) fn volume_file(&mut self, day: NaiveDate, amount: Fen) -> i64 {
        if !self.books.volume_files.contains_key(&day) {
            let (id, at) = self.import_file("volumes", day, "acquirer-volumes", 9);
            self.books.volume_files.insert(day, tab(id, at));
        }
        let tab = self.books.volume_files.get_mut(&day).expect("just made");
        tab.add(amount);
        tab.id
    }

    /// The bank's results imported on `day`, with one more line.
    pub(super) fn settlement_file(&mut self, day: NaiveDate) {
        if !self.books.settlement_files.contains_key(&day) {
            let (id, at) = self.import_file("settlement", day, "bank-result", 11);
            self.books.settlement_files.insert(day, tab(id, at));
        }
        if let Some(tab) = self.books.settlement_files.get_mut(&day) {
            tab.add(Fen::ZERO);
        }
    }

    fn import_file(
        &mut self,
        kind: &'static str,
        day: NaiveDate,
        name: &str,
        hour: u32,
    ) -> (i64, String) {
        let id = next(&mut self.ids.import_file);
        let at = stamp(Gen::at_local(day, hour, 0));
        // A stand-in for the file's digest: unique per run, kind and day.
        let digest = format!(
            "posdesk bulk demo {} {} {kind} {day}",
            self.seed, self.first_application
        );
        self.out.push(Row::ImportFile {
            id,
            kind,
            sha256: sha256_hex(digest.as_bytes()),
            name: format!("{name}-{}.csv", day.format("%Y%m%d")),
            imported_at: at.clone(),
            imported_by: self.supervisor,
        });
        (id, at)
    }

    /// Counts and totals of every batch and file, and the entries the export
    /// and the volume import write for them.
    pub(super) fn close_books(&mut self) {
        let sup = Some(self.supervisor);
        let books = std::mem::take(&mut self.books);
        for tab in books.batches.values() {
            self.out.push(Row::BatchTotals {
                id: tab.id,
                count: tab.lines,
                total_fen: tab.total.fen(),
            });
            let e = entry("refund_batch", tab.id, "export")
                .because(audit_reason::batch(tab.lines as u64, tab.total));
            self.log(&tab.at, sup, e);
        }
        for tab in books.volume_files.values() {
            self.out.push(Row::ImportFileRows {
                id: tab.id,
                rows: tab.lines,
            });
            let e = entry("import_file", tab.id, "import volumes")
                .because(audit_reason::volumes(tab.lines as u64, tab.total));
            self.log(&tab.at, sup, e);
        }
        for tab in books.settlement_files.values() {
            self.out.push(Row::ImportFileRows {
                id: tab.id,
                rows: tab.lines,
            });
        }
        self.flush_tail();
    }

    /// Spares on every point's shelf, of every model, delivered lately.
    pub(super) fn spare_stock(&mut self) {
        let per_model = (self.merchants / 2_000).max(6);
        let policy = self.policy;
        let sup = Some(self.supervisor);
        for p in 0..self.points.len() {
            let point = self.points[p].id;
            for model in &policy.models {
                for _ in 0..per_model {
                    let serial = self.next_serial(&model.code);
                    if model.check_serial(&serial).is_err() {
                        break;
                    }
                    let t = self.now - Duration::minutes(self.rng.random_range(60..86_400));
                    let at = stamp(t);
                    let id = next(&mut self.ids.device);
                    let e = entry("device", id, "stock in")
                        .moves(None, "in_stock")
                        .because(audit_reason::DEMO);
                    self.log(&at, sup, e);
                    self.tally.devices_added += 1;
                    self.out.push(Row::Device {
                        id,
                        serial,
                        model_code: model.code.clone(),
                        state: "in_stock",
                        point_id: point,
                        reserved_for: None,
                        created_at: at.clone(),
                        updated_at: at,
                    });
                }
            }
        }
        self.flush_tail();
    }
}

fn tab(id: i64, at: String) -> Tab {
    Tab {
        id,
        at,
        lines: 0,
        total: Fen::ZERO,
    }
}
