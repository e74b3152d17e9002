//! One prepared statement per kind of row, kept for the whole load.

use super::rows::{Audit, Row};
use crate::store::application::FormColumns;
use anyhow::Result;
use rusqlite::{params, Connection, Statement};

/// Prepared statements for every kind of row; lives inside the transaction.
pub struct Writer<'c> {
    merchant: Statement<'c>,
    application: Statement<'c>,
    checklist: Statement<'c>,
    phone_code: Statement<'c>,
    contract: Statement<'c>,
    device: Statement<'c>,
    binding: Statement<'c>,
    deposit: Statement<'c>,
    deposit_refund: Statement<'c>,
    fee: Statement<'c>,
    payment: Statement<'c>,
    refund_batch: Statement<'c>,
    batch_totals: Statement<'c>,
    refund: Statement<'c>,
    breach: Statement<'c>,
    import_file: Statement<'c>,
    import_file_rows: Statement<'c>,
    volume: Statement<'c>,
    sms: Statement<'c>,
    audit: Statement<'c>,
    audit_hashed: bool,
    /// Audit entries and checklist items, `MANY` to a statement.
    audit_many: Many<'c>,
    checklist_many: Many<'c>,
}

/// Rows per insert statement for the most numerous kinds (audit entries are
/// half the rows of a store, checklist items the next): one statement for
/// many rows spares SQLite opening and closing its cursors for each.
const MANY: usize = 32;

/// Rows of one kind waiting to go in `MANY` at a time.
struct Many<'c> {
    stmt: Statement<'c>,
    per_row: usize,
    waiting: Vec<Row>,
}

impl<'c> Many<'c> {
    /// `values(base)` is one row's `(…)` with its parameters numbered after `base`.
    fn new(
        conn: &'c Connection,
        insert: &str,
        per_row: usize,
        values: fn(usize) -> String,
    ) -> Result<Self> {
        let all: Vec<String> = (0..MANY).map(|r| values(r * per_row)).collect();
        Ok(Many {
            stmt: conn.prepare(&format!("{insert} VALUES {}", all.join(", ")))?,
            per_row,
            waiting: Vec::with_capacity(MANY),
        })
    }

    /// Keep a row; write all waiting when there are `MANY`.
    fn push(&mut self, row: Row) -> Result<()> {
        self.waiting.push(row);
        if self.waiting.len() < MANY {
            return Ok(());
        }
        for (i, row) in self.waiting.iter().enumerate() {
            let base = i * self.per_row;
            match row {
                // Ten parameters a row when the audit log has its hash column.
                Row::Audit(a) => bind_audit(&mut self.stmt, a, self.per_row == 10, base)?,
                Row::Checklist {
                    application_id,
                    item,
                    note,
                    staff_id,
                    recorded_at,
                } => {
                    self.stmt.raw_bind_parameter(base + 1, application_id)?;
                    self.stmt.raw_bind_parameter(base + 2, item)?;
                    self.stmt.raw_bind_parameter(base + 3, note)?;
                    self.stmt.raw_bind_parameter(base + 4, staff_id)?;
                    self.stmt.raw_bind_parameter(base + 5, recorded_at)?;
                }
                _ => anyhow::bail!("a row of another kind among those waiting"),
            }
        }
        self.stmt.raw_execute()?;
        self.waiting.clear();
        Ok(())
    }
}

const AUDIT_INSERT: &str = "INSERT INTO audit_log (id, at, staff_id, entity, entity_id, action, from_state, to_state, reason";
const CHECKLIST_INSERT: &str =
    "INSERT INTO checklist_item (application_id, item, outcome, note, staff_id, recorded_at)";

fn checklist_values(b: usize) -> String {
    format!(
        "(?{}, ?{}, 'passed', ?{}, ?{}, ?{})",
        b + 1,
        b + 2,
        b + 3,
        b + 4,
        b + 5
    )
}

fn audit_values(b: usize) -> String {
    let marks: Vec<String> = (1..=9).map(|c| format!("?{}", b + c)).collect();
    format!("({})", marks.join(", "))
}

fn audit_values_hashed(b: usize) -> String {
    let marks: Vec<String> = (1..=10).map(|c| format!("?{}", b + c)).collect();
    format!("({})", marks.join(", "))
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        let audit_hashed = super::has_column(conn, "audit_log", "hash")?;
        Ok(Writer {
            merchant: conn.prepare(
                "INSERT INTO merchant (id, id_number, id_last6, full_name, birth_date, sex, created_at)
                 VALUES (?1, ?2, substr(?2, 13), ?3, ?4, ?5, ?6)",
            )?,
            application: conn.prepare(
                "INSERT INTO application (id, state, merchant_id, pickup_point_id, full_name, id_number,
                   id_valid_until, id_long_term, phone, business_name, business_address, card_number,
                   card_bank, card_branch, card_holder, card_kind, card_luhn_confirmed, model_code,
                   terms_version, terms_agreed_at, reason, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                   ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            )?,
            checklist: conn.prepare(
                "INSERT INTO checklist_item (application_id, item, outcome, note, staff_id, recorded_at)
                 VALUES (?1, ?2, 'passed', ?3, ?4, ?5)",
            )?,
            phone_code: conn.prepare(
                "INSERT INTO phone_code (id, application_id, code, created_at, expires_at, attempts, used_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6 IS NOT NULL, ?6)",
            )?,
            contract: conn.prepare(
                "INSERT INTO contract (id, application_id, version, signed_name, signed_at, staff_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            device: conn.prepare(
                "INSERT INTO device (id, serial, model_code, state, pickup_point_id, reserved_for,
                   created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            binding: conn.prepare(
                "INSERT INTO binding (id, device_id, application_id, merchant_id, bound_at, bound_by,
                   activated_at, activation_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            deposit: conn.prepare(
                "INSERT INTO deposit (id, application_id, merchant_id, device_id, amount_fen, state,
                   reason, created_at, updated_at, pickup_point_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            deposit_refund: conn.prepare("UPDATE deposit SET refund_id = ?2 WHERE id = ?1")?,
            fee: conn.prepare(
                "INSERT INTO fee (id, application_id, kind, period, amount_fen, due_date, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            payment: conn.prepare(
                "INSERT INTO payment (id, application_id, deposit_id, fee_id, amount_fen, method,
                   staff_id, paid_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            refund_batch: conn.prepare(
                "INSERT INTO refund_batch (id, ref, created_at, created_by, file_name, count, total_fen)
                 VALUES (?1, printf('RB%06d', ?1), ?2, ?3, ?4, 0, 0)",
            )?,
            batch_totals: conn
                .prepare("UPDATE refund_batch SET count = ?2, total_fen = ?3 WHERE id = ?1")?,
            refund: conn.prepare(
                "INSERT INTO refund (id, ref, deposit_id, amount_fen, card_number, card_holder,
                   card_bank, state, requested_at, requested_by, confirmed_at, confirmed_by,
                   window_earliest, window_latest, window_complete, batch_id, bank_ref,
                   failure_reason, completed_at)
                 VALUES (?1, printf('RF%08d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                   ?13, ?14, ?15, ?16, ?17, ?18)",
            )?,
            breach: conn.prepare(
                "INSERT INTO breach (id, application_id, reason, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            import_file: conn.prepare(
                "INSERT INTO import_file (id, kind, sha256, name, rows, imported_at, imported_by)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
            )?,
            import_file_rows: conn.prepare("UPDATE import_file SET rows = ?2 WHERE id = ?1")?,
            volume: conn.prepare(
                "INSERT INTO volume (id, device_id, day, amount_fen, file_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            sms: conn.prepare(
                "INSERT INTO sms_outbox (id, phone, template, body, application_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            audit: conn.prepare(&format!(
                "{AUDIT_INSERT}{}) VALUES {}",
                if audit_hashed { ", hash" } else { "" },
                if audit_hashed { audit_values_hashed(0) } else { audit_values(0) }
            ))?,
            audit_hashed,
            audit_many: if audit_hashed {
                Many::new(conn, &format!("{AUDIT_INSERT}, hash)"), 10, audit_values_hashed)?
            } else {
                Many::new(conn, &format!("{AUDIT_INSERT})"), 9, audit_values)?
            },
            checklist_many: Many::new(conn, CHECKLIST_INSERT, 5, checklist_values)?,
        })
    }

    /// Write what is still waiting; before a commit, and at the end.
    pub fn flush(&mut self) -> Result<()> {
        let waiting = [
            std::mem::take(&mut self.audit_many.waiting),
            std::mem::take(&mut self.checklist_many.waiting),
        ];
        for row in waiting.iter().flatten() {
            self.write_one(row)?;
        }
        Ok(())
    }

    /// Write a row; audit entries and checklist items wait to go `MANY` at a time.
    pub fn write(&mut self, row: Row) -> Result<()> {
        match row {
            Row::Audit(_) => self.audit_many.push(row),
            Row::Checklist { .. } => self.checklist_many.push(row),
            row => self.write_one(&row),
        }
    }

    fn write_one(&mut self, row: &Row) -> Result<()> {
        match row {
            Row::Merchant {
                id,
                id_number,
                full_name,
                birth_date,
                sex,
                created_at,
            } => self.merchant.execute(params![
                id, id_number, full_name, birth_date, sex, created_at
            ])?,
            Row::Application(a) => {
                let c = FormColumns::of(&a.form);
                self.application.execute(params![
                    a.id,
                    a.state,
                    a.merchant_id,
                    a.point_id,
                    c.full_name,
                    c.id_number,
                    c.id_valid_until,
                    c.id_long_term,
                    c.phone,
                    c.business_name,
                    c.business_address,
                    c.card_number,
                    c.card_bank,
                    c.card_branch,
                    c.card_holder,
                    c.card_kind,
                    c.card_luhn_confirmed,
                    c.model_code,
                    a.terms_version,
                    a.terms_agreed_at,
                    a.reason,
                    a.created_by,
                    a.created_at,
                    a.updated_at,
                ])?
            }
            Row::Checklist {
                application_id,
                item,
                note,
                staff_id,
                recorded_at,
            } => self.checklist.execute(params![
                application_id,
                item,
                note,
                staff_id,
                recorded_at
            ])?,
            Row::PhoneCode {
                id,
                application_id,
                code,
                created_at,
                expires_at,
                used_at,
            } => self.phone_code.execute(params![
                id,
                application_id,
                code,
                created_at,
                expires_at,
                used_at
            ])?,
            Row::Contract {
                id,
                application_id,
                version,
                signed_name,
                signed_at,
                staff_id,
            } => self.contract.execute(params![
                id,
                application_id,
                version,
                signed_name,
                signed_at,
                staff_id
            ])?,
            Row::Device {
                id,
                serial,
                model_code,
                state,
                point_id,
                reserved_for,
                created_at,
                updated_at,
            } => self.device.execute(params![
                id,
                serial,
                model_code,
                state,
                point_id,
                reserved_for,
                created_at,
                updated_at
            ])?,
            Row::Binding {
                id,
                device_id,
                application_id,
                merchant_id,
                bound_at,
                bound_by,
                activated_at,
                activation_ref,
            } => self.binding.execute(params![
                id,
                device_id,
                application_id,
                merchant_id,
                bound_at,
                bound_by,
                activated_at,
                activation_ref
            ])?,
            Row::Deposit {
                id,
                application_id,
                merchant_id,
                device_id,
                amount_fen,
                state,
                reason,
                created_at,
                updated_at,
                point_id,
            } => self.deposit.execute(params![
                id,
                application_id,
                merchant_id,
                device_id,
                amount_fen,
                state,
                reason,
                created_at,
                updated_at,
                point_id
            ])?,
            Row::DepositRefund {
                deposit_id,
                refund_id,
            } => self
                .deposit_refund
                .execute(params![deposit_id, refund_id])?,
            Row::Fee {
                id,
                application_id,
                kind,
                period,
                amount_fen,
                due_date,
                created_at,
            } => self.fee.execute(params![
                id,
                application_id,
                kind,
                period,
                amount_fen,
                due_date,
                created_at
            ])?,
            Row::Payment {
                id,
                application_id,
                deposit_id,
                fee_id,
                amount_fen,
                method,
                staff_id,
                paid_at,
            } => self.payment.execute(params![
                id,
                application_id,
                deposit_id,
                fee_id,
                amount_fen,
                method,
                staff_id,
                paid_at
            ])?,
            Row::RefundBatch {
                id,
                created_at,
                created_by,
                file_name,
            } => self
                .refund_batch
                .execute(params![id, created_at, created_by, file_name])?,
            Row::BatchTotals {
                id,
                count,
                total_fen,
            } => self.batch_totals.execute(params![id, count, total_fen])?,
            Row::Refund(r) => {
                let (earliest, latest, complete) = match &r.window {
                    Some((a, b, c)) => (Some(a.as_str()), Some(b.as_str()), Some(*c)),
                    None => (None, None, None),
                };
                self.refund.execute(params![
                    r.id,
                    r.deposit_id,
                    r.amount_fen,
                    r.card_number,
                    r.card_holder,
                    r.card_bank,
                    r.state,
                    r.requested_at,
                    r.requested_by,
                    r.confirmed_at,
                    r.confirmed_by,
                    earliest,
                    latest,
                    complete,
                    r.batch_id,
                    r.bank_ref,
                    r.failure_reason,
                    r.completed_at,
                ])?
            }
            Row::Breach {
                id,
                application_id,
                reason,
                recorded_by,
                recorded_at,
            } => self.breach.execute(params![
                id,
                application_id,
                reason,
                recorded_by,
                recorded_at
            ])?,
            Row::ImportFile {
                id,
                kind,
                sha256,
                name,
                imported_at,
                imported_by,
            } => self.import_file.execute(params![
                id,
                kind,
                sha256,
                name,
                imported_at,
                imported_by
            ])?,
            Row::ImportFileRows { id, rows } => self.import_file_rows.execute(params![id, rows])?,
            Row::Volume {
                id,
                device_id,
                day,
                amount_fen,
                file_id,
            } => self
                .volume
                .execute(params![id, device_id, day, amount_fen, file_id])?,
            Row::Sms {
                id,
                phone,
                template,
                body,
                application_id,
                created_at,
            } => self.sms.execute(params![
                id,
                phone,
                template,
                body,
                application_id,
                created_at
            ])?,
            Row::Audit(a) => {
                bind_audit(&mut self.audit, a, self.audit_hashed, 0)?;
                self.audit.raw_execute()?
            }
        };
        Ok(())
    }
}

fn bind_audit(stmt: &mut Statement, a: &Audit, hashed: bool, base: usize) -> Result<()> {
    stmt.raw_bind_parameter(base + 1, a.id)?;
    stmt.raw_bind_parameter(base + 2, &a.at)?;
    stmt.raw_bind_parameter(base + 3, a.staff_id)?;
    stmt.raw_bind_parameter(base + 4, a.entity)?;
    stmt.raw_bind_parameter(base + 5, a.entity_id)?;
    stmt.raw_bind_parameter(base + 6, a.action.as_ref())?;
    stmt.raw_bind_parameter(base + 7, a.from)?;
    stmt.raw_bind_parameter(base + 8, a.to)?;
    stmt.raw_bind_parameter(base + 9, &a.reason)?;
    if hashed {
        stmt.raw_bind_parameter(base + 10, &a.hash)?;
    }
    Ok(())
}
