//! Prepared statements for every table, kept for the whole load, each writing
//! `MANY` rows at a time.

use super::rows::Row;
use crate::store::application::FormColumns;
use anyhow::Result;
use rusqlite::{params, Connection, Statement};

/// Rows per insert statement: one statement for many rows spares SQLite
/// opening and closing its cursors, and the writer a call, for each row. The
/// writer is the load's narrow thread (the generator waits on it).
const MANY: usize = 32;

/// One table's inserts: a statement for a row, one for `MANY` rows, and the
/// rows waiting to go in.
struct Table<'c> {
    one: Statement<'c>,
    many: Statement<'c>,
    per_row: usize,
    waiting: Vec<Row>,
}

impl<'c> Table<'c> {
    /// `values` is one row's `(…)` with its parameters numbered from `?1`.
    fn new(conn: &'c Connection, insert: &str, values: &str) -> Result<Self> {
        let per_row = highest_parameter(values);
        let all: Vec<String> = (0..MANY).map(|r| renumber(values, r * per_row)).collect();
        Ok(Table {
            one: conn.prepare(&format!("{insert} VALUES {values}"))?,
            many: conn.prepare(&format!("{insert} VALUES {}", all.join(", ")))?,
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
            bind(&mut self.many, row, i * self.per_row, self.per_row)?;
        }
        self.many.raw_execute()?;
        self.waiting.clear();
        Ok(())
    }

    /// Write the rows still waiting, one at a time.
    fn flush(&mut self) -> Result<()> {
        for row in self.waiting.drain(..) {
            bind(&mut self.one, &row, 0, self.per_row)?;
            self.one.raw_execute()?;
        }
        Ok(())
    }
}

/// The largest `?N` in `sql`.
fn highest_parameter(sql: &str) -> usize {
    let mut highest = 0;
    let mut rest = sql;
    while let Some(at) = rest.find('?') {
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        highest = highest.max(rest[..digits].parse().unwrap_or(0));
    }
    highest
}

/// `sql` with every `?N` made `?(N + base)`.
fn renumber(sql: &str, base: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut rest = sql;
    while let Some(at) = rest.find('?') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(n) = rest[..digits].parse::<usize>() {
            out.push_str(&(n + base).to_string());
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Bind values to parameters `base + 1`, `base + 2`, … of a statement.
macro_rules! bind_all {
    ($stmt:expr, $base:expr; $($value:expr),+ $(,)?) => {{
        let mut n = $base;
        $(
            n += 1;
            $stmt.raw_bind_parameter(n, $value)?;
        )+
    }};
}

/// Bind one row's values as the row numbered `base / per_row` of a statement.
fn bind(stmt: &mut Statement, row: &Row, base: usize, per_row: usize) -> Result<()> {
    match row {
        Row::Merchant {
            id,
            id_number,
            full_name,
            birth_date,
            sex,
            created_at,
        } => bind_all!(stmt, base; id, id_number, full_name, birth_date, sex, created_at),
        Row::Application(a) => {
            let c = FormColumns::of(&a.form);
            bind_all!(stmt, base;
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
                &a.terms_version,
                &a.terms_agreed_at,
                a.reason,
                a.created_by,
                &a.created_at,
                &a.updated_at,
            )
        }
        Row::Checklist {
            application_id,
            item,
            note,
            staff_id,
            recorded_at,
        } => bind_all!(stmt, base; application_id, item, note, staff_id, recorded_at),
        Row::PhoneCode {
            id,
            application_id,
            code,
            created_at,
            expires_at,
            used_at,
        } => bind_all!(stmt, base; id, application_id, code, created_at, expires_at, used_at),
        Row::Contract {
            id,
            application_id,
            version,
            signed_name,
            signed_at,
            staff_id,
        } => bind_all!(stmt, base; id, application_id, version, signed_name, signed_at, staff_id),
        Row::Device {
            id,
            serial,
            model_code,
            state,
            point_id,
            reserved_for,
            created_at,
            updated_at,
        } => bind_all!(stmt, base;
            id, serial, model_code, state, point_id, reserved_for, created_at, updated_at
        ),
        Row::Binding {
            id,
            device_id,
            application_id,
            merchant_id,
            bound_at,
            bound_by,
            activated_at,
            activation_ref,
        } => bind_all!(stmt, base;
            id, device_id, application_id, merchant_id, bound_at, bound_by, activated_at,
            activation_ref
        ),
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
        } => bind_all!(stmt, base;
            id, application_id, merchant_id, device_id, amount_fen, state, reason, created_at,
            updated_at, point_id
        ),
        Row::Fee {
            id,
            application_id,
            kind,
            period,
            amount_fen,
            due_date,
            created_at,
        } => bind_all!(stmt, base;
            id, application_id, kind, period, amount_fen, due_date, created_at
        ),
        Row::Payment {
            id,
            application_id,
            deposit_id,
            fee_id,
            amount_fen,
            method,
            staff_id,
            paid_at,
        } => bind_all!(stmt, base;
            id, application_id, deposit_id, fee_id, amount_fen, method, staff_id, paid_at
        ),
        Row::RefundBatch {
            id,
            created_at,
            created_by,
            file_name,
        } => bind_all!(stmt, base; id, created_at, created_by, file_name),
        Row::Refund(r) => {
            let (earliest, latest, complete) = match &r.window {
                Some((a, b, c)) => (Some(a.as_str()), Some(b.as_str()), Some(*c)),
                None => (None, None, None),
            };
            bind_all!(stmt, base;
                r.id,
                r.deposit_id,
                r.amount_fen,
                &r.card_number,
                &r.card_holder,
                &r.card_bank,
                r.state,
                &r.requested_at,
                r.requested_by,
                &r.confirmed_at,
                r.confirmed_by,
                earliest,
                latest,
                complete,
                r.batch_id,
                &r.bank_ref,
                r.failure_reason,
                &r.completed_at,
            )
        }
        Row::Breach {
            id,
            application_id,
            reason,
            recorded_by,
            recorded_at,
        } => bind_all!(stmt, base; id, application_id, reason, recorded_by, recorded_at),
        Row::ImportFile {
            id,
            kind,
            sha256,
            name,
            imported_at,
            imported_by,
        } => bind_all!(stmt, base; id, kind, sha256, name, imported_at, imported_by),
        Row::Volume {
            id,
            device_id,
            day,
            amount_fen,
            file_id,
        } => bind_all!(stmt, base; id, device_id, day, amount_fen, file_id),
        Row::Sms {
            id,
            phone,
            template,
            body,
            application_id,
            created_at,
        } => bind_all!(stmt, base; id, phone, template, body, application_id, created_at),
        Row::Audit(a) => {
            bind_all!(stmt, base;
                a.id,
                &a.at,
                a.staff_id,
                a.entity,
                a.entity_id,
                a.action.as_ref(),
                a.from,
                a.to,
                &a.reason,
            );
            // Ten parameters a row when the audit log has its hash column.
            if per_row == 10 {
                stmt.raw_bind_parameter(base + 10, &a.hash)?;
            }
        }
        Row::DepositRefund { .. } | Row::BatchTotals { .. } | Row::ImportFileRows { .. } => {
            anyhow::bail!("an update among the inserts")
        }
    }
    Ok(())
}

/// Every table's inserts, and the three updates a load makes to rows it wrote.
pub struct Writer<'c> {
    merchant: Table<'c>,
    application: Table<'c>,
    checklist: Table<'c>,
    phone_code: Table<'c>,
    contract: Table<'c>,
    device: Table<'c>,
    binding: Table<'c>,
    deposit: Table<'c>,
    fee: Table<'c>,
    payment: Table<'c>,
    refund_batch: Table<'c>,
    refund: Table<'c>,
    breach: Table<'c>,
    import_file: Table<'c>,
    volume: Table<'c>,
    sms: Table<'c>,
    audit: Table<'c>,
    deposit_refund: Statement<'c>,
    batch_totals: Statement<'c>,
    import_file_rows: Statement<'c>,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        let audit_hashed = super::has_column(conn, "audit_log", "hash")?;
        let table = |insert: &str, values: &str| Table::new(conn, insert, values);
        Ok(Writer {
            merchant: table(
                "INSERT INTO merchant (id, id_number, id_last6, full_name, birth_date, sex, created_at)",
                "(?1, ?2, substr(?2, 13), ?3, ?4, ?5, ?6)",
            )?,
            application: table(
                "INSERT INTO application (id, state, merchant_id, pickup_point_id, full_name, id_number,
                   id_valid_until, id_long_term, phone, business_name, business_address, card_number,
                   card_bank, card_branch, card_holder, card_kind, card_luhn_confirmed, model_code,
                   terms_version, terms_agreed_at, reason, created_by, created_at, updated_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                   ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            )?,
            checklist: table(
                "INSERT INTO checklist_item (application_id, item, outcome, note, staff_id, recorded_at)",
                "(?1, ?2, 'passed', ?3, ?4, ?5)",
            )?,
            phone_code: table(
                "INSERT INTO phone_code (id, application_id, code, created_at, expires_at, attempts, used_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6 IS NOT NULL, ?6)",
            )?,
            contract: table(
                "INSERT INTO contract (id, application_id, version, signed_name, signed_at, staff_id)",
                "(?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            device: table(
                "INSERT INTO device (id, serial, model_code, state, pickup_point_id, reserved_for,
                   created_at, updated_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            binding: table(
                "INSERT INTO binding (id, device_id, application_id, merchant_id, bound_at, bound_by,
                   activated_at, activation_ref)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            deposit: table(
                "INSERT INTO deposit (id, application_id, merchant_id, device_id, amount_fen, state,
                   reason, created_at, updated_at, pickup_point_id)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            fee: table(
                "INSERT INTO fee (id, application_id, kind, period, amount_fen, due_date, created_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            payment: table(
                "INSERT INTO payment (id, application_id, deposit_id, fee_id, amount_fen, method,
                   staff_id, paid_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            refund_batch: table(
                "INSERT INTO refund_batch (id, ref, created_at, created_by, file_name, count, total_fen)",
                "(?1, printf('RB%06d', ?1), ?2, ?3, ?4, 0, 0)",
            )?,
            refund: table(
                "INSERT INTO refund (id, ref, deposit_id, amount_fen, card_number, card_holder,
                   card_bank, state, requested_at, requested_by, confirmed_at, confirmed_by,
                   window_earliest, window_latest, window_complete, batch_id, bank_ref,
                   failure_reason, completed_at)",
                "(?1, printf('RF%08d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                   ?13, ?14, ?15, ?16, ?17, ?18)",
            )?,
            breach: table(
                "INSERT INTO breach (id, application_id, reason, recorded_by, recorded_at)",
                "(?1, ?2, ?3, ?4, ?5)",
            )?,
            import_file: table(
                "INSERT INTO import_file (id, kind, sha256, name, rows, imported_at, imported_by)",
                "(?1, ?2, ?3, ?4, 0, ?5, ?6)",
            )?,
            volume: table(
                "INSERT INTO volume (id, device_id, day, amount_fen, file_id)",
                "(?1, ?2, ?3, ?4, ?5)",
            )?,
            sms: table(
                "INSERT INTO sms_outbox (id, phone, template, body, application_id, created_at)",
                "(?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            audit: if audit_hashed {
                table(
                    "INSERT INTO audit_log (id, at, staff_id, entity, entity_id, action, from_state,
                       to_state, reason, hash)",
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
            } else {
                table(
                    "INSERT INTO audit_log (id, at, staff_id, entity, entity_id, action, from_state,
                       to_state, reason)",
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
            },
            deposit_refund: conn.prepare("UPDATE deposit SET refund_id = ?2 WHERE id = ?1")?,
            batch_totals: conn
                .prepare("UPDATE refund_batch SET count = ?2, total_fen = ?3 WHERE id = ?1")?,
            import_file_rows: conn.prepare("UPDATE import_file SET rows = ?2 WHERE id = ?1")?,
        })
    }

    fn tables(&mut self) -> [&mut Table<'c>; 17] {
        [
            &mut self.merchant,
            &mut self.application,
            &mut self.checklist,
            &mut self.phone_code,
            &mut self.contract,
            &mut self.device,
            &mut self.binding,
            &mut self.deposit,
            &mut self.fee,
            &mut self.payment,
            &mut self.refund_batch,
            &mut self.refund,
            &mut self.breach,
            &mut self.import_file,
            &mut self.volume,
            &mut self.sms,
            &mut self.audit,
        ]
    }

    /// Write what is still waiting; before a commit, and at the end.
    pub fn flush(&mut self) -> Result<()> {
        for table in self.tables() {
            table.flush()?;
        }
        Ok(())
    }

    /// Write a row: inserts wait to go `MANY` at a time; an update first
    /// writes the rows waiting in its table (it may be for one of them).
    pub fn write(&mut self, row: Row) -> Result<()> {
        match row {
            Row::Merchant { .. } => self.merchant.push(row),
            Row::Application(_) => self.application.push(row),
            Row::Checklist { .. } => self.checklist.push(row),
            Row::PhoneCode { .. } => self.phone_code.push(row),
            Row::Contract { .. } => self.contract.push(row),
            Row::Device { .. } => self.device.push(row),
            Row::Binding { .. } => self.binding.push(row),
            Row::Deposit { .. } => self.deposit.push(row),
            Row::Fee { .. } => self.fee.push(row),
            Row::Payment { .. } => self.payment.push(row),
            Row::RefundBatch { .. } => self.refund_batch.push(row),
            Row::Refund(_) => self.refund.push(row),
            Row::Breach { .. } => self.breach.push(row),
            Row::ImportFile { .. } => self.import_file.push(row),
            Row::Volume { .. } => self.volume.push(row),
            Row::Sms { .. } => self.sms.push(row),
            Row::Audit(_) => self.audit.push(row),
            Row::DepositRefund {
                deposit_id,
                refund_id,
            } => {
                self.deposit.flush()?;
                self.deposit_refund
                    .execute(params![deposit_id, refund_id])?;
                Ok(())
            }
            Row::BatchTotals {
                id,
                count,
                total_fen,
            } => {
                self.refund_batch.flush()?;
                self.batch_totals.execute(params![id, count, total_fen])?;
                Ok(())
            }
            Row::ImportFileRows { id, rows } => {
                self.import_file.flush()?;
                self.import_file_rows.execute(params![id, rows])?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_moves_every_parameter_and_keeps_the_rest() {
        let values = "(?1, printf('RB%06d', ?1), ?2, ?10 IS NOT NULL, 'x?')";
        assert_eq!(highest_parameter(values), 10);
        assert_eq!(
            renumber(values, 20),
            "(?21, printf('RB%06d', ?21), ?22, ?30 IS NOT NULL, 'x?')"
        );
        assert_eq!(renumber("(?1)", 0), "(?1)");
    }
}
