//! Bulk loading for the demo generator: each table's rows in their final state,
//! as the use cases leave them, written with prepared statements inside one
//! transaction. Ids are given by the caller (it holds the write lock), so
//! references like `AP00000042` are known before the row is written.

use super::application::FormColumns;
use crate::domain::application_form::ApplicationForm;
use anyhow::Result;
use rusqlite::{params, Connection, Statement};
use std::borrow::Cow;
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
        Ok(conn.query_row(&format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"), [], |r| {
            r.get(0)
        })?)
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

pub struct Application {
    pub id: i64,
    pub state: &'static str,
    pub merchant_id: Option<i64>,
    pub point_id: i64,
    pub form: ApplicationForm,
    pub terms_version: Option<String>,
    pub terms_agreed_at: Option<String>,
    pub reason: Option<&'static str>,
    pub created_by: i64,
    pub created_at: String,
    pub updated_at: String,
}

pub struct Refund {
    pub id: i64,
    pub deposit_id: i64,
    pub amount_fen: i64,
    pub card_number: String,
    pub card_holder: String,
    pub card_bank: Option<String>,
    pub state: &'static str,
    pub requested_at: String,
    pub requested_by: i64,
    pub confirmed_at: Option<String>,
    pub confirmed_by: Option<i64>,
    pub window: Option<(String, String, bool)>,
    pub batch_id: Option<i64>,
    pub bank_ref: Option<String>,
    pub failure_reason: Option<&'static str>,
    pub completed_at: Option<String>,
}

pub struct Audit {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: Cow<'static, str>,
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    pub reason: Option<String>,
    /// The audit chain's hash, when the store keeps one.
    pub hash: Option<String>,
}

/// One row of one table, in its final state.
pub enum Row {
    Merchant {
        id: i64,
        id_number: String,
        full_name: String,
        birth_date: String,
        sex: &'static str,
        created_at: String,
    },
    Application(Box<Application>),
    Checklist {
        application_id: i64,
        item: &'static str,
        note: Option<String>,
        staff_id: i64,
        recorded_at: String,
    },
    PhoneCode {
        id: i64,
        application_id: i64,
        code: String,
        created_at: String,
        expires_at: String,
        /// Typed in (one attempt), or not yet.
        used_at: Option<String>,
    },
    Contract {
        id: i64,
        application_id: i64,
        version: String,
        signed_name: String,
        signed_at: String,
        staff_id: i64,
    },
    Device {
        id: i64,
        serial: String,
        model_code: String,
        state: &'static str,
        point_id: i64,
        reserved_for: Option<i64>,
        created_at: String,
        updated_at: String,
    },
    Binding {
        id: i64,
        device_id: i64,
        application_id: i64,
        merchant_id: i64,
        bound_at: String,
        bound_by: i64,
        activated_at: Option<String>,
        activation_ref: Option<String>,
    },
    Deposit {
        id: i64,
        application_id: i64,
        merchant_id: i64,
        device_id: i64,
        amount_fen: i64,
        state: &'static str,
        reason: Option<&'static str>,
        created_at: String,
        updated_at: String,
        point_id: i64,
    },
    /// The refund a deposit is on now (a refund row needs its deposit first).
    DepositRefund { deposit_id: i64, refund_id: i64 },
    Fee {
        id: i64,
        application_id: i64,
        kind: &'static str,
        period: Option<String>,
        amount_fen: i64,
        due_date: String,
        created_at: String,
    },
    Payment {
        id: i64,
        application_id: i64,
        deposit_id: Option<i64>,
        fee_id: Option<i64>,
        amount_fen: i64,
        method: &'static str,
        staff_id: i64,
        paid_at: String,
    },
    RefundBatch {
        id: i64,
        created_at: String,
        created_by: i64,
        file_name: String,
    },
    /// A batch's count and total, once all its refunds are written.
    BatchTotals { id: i64, count: i64, total_fen: i64 },
    Refund(Box<Refund>),
    Breach {
        id: i64,
        application_id: i64,
        reason: &'static str,
        recorded_by: i64,
        recorded_at: String,
    },
    ImportFile {
        id: i64,
        kind: &'static str,
        sha256: String,
        name: String,
        imported_at: String,
        imported_by: i64,
    },
    /// An imported file's line count, once all its lines are written.
    ImportFileRows { id: i64, rows: i64 },
    Volume {
        id: i64,
        device_id: i64,
        day: String,
        amount_fen: i64,
        file_id: i64,
    },
    Sms {
        id: i64,
        phone: String,
        template: &'static str,
        body: String,
        application_id: i64,
        created_at: String,
    },
    Audit(Box<Audit>),
}

impl Row {
    /// Whether writing this row adds a row to a table (the rest update one).
    pub fn is_insert(&self) -> bool {
        !matches!(
            self,
            Row::DepositRefund { .. } | Row::BatchTotals { .. } | Row::ImportFileRows { .. }
        )
    }
}

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
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        let audit_hashed = has_column(conn, "audit_log", "hash")?;
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
            audit: if audit_hashed {
                conn.prepare(
                    "INSERT INTO audit_log (id, at, staff_id, entity, entity_id, action, from_state,
                       to_state, reason, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
            } else {
                conn.prepare(
                    "INSERT INTO audit_log (id, at, staff_id, entity, entity_id, action, from_state,
                       to_state, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
            },
            audit_hashed,
        })
    }

    pub fn write(&mut self, row: &Row) -> Result<()> {
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
            } => self.deposit_refund.execute(params![deposit_id, refund_id])?,
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
                if self.audit_hashed {
                    self.audit.execute(params![
                        a.id,
                        a.at,
                        a.staff_id,
                        a.entity,
                        a.entity_id,
                        a.action,
                        a.from,
                        a.to,
                        a.reason,
                        a.hash
                    ])?
                } else {
                    self.audit.execute(params![
                        a.id,
                        a.at,
                        a.staff_id,
                        a.entity,
                        a.entity_id,
                        a.action,
                        a.from,
                        a.to,
                        a.reason
                    ])?
                }
            }
        };
        Ok(())
    }
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

#[derive(Debug, Default)]
pub struct People {
    pub id_numbers: HashSet<String>,
    pub phones: HashSet<String>,
}

/// Settings for the length of one bulk load, and what they were before.
pub struct BulkPragmas {
    synchronous: i64,
    cache_size: i64,
    threads: i64,
}

/// Relax durability for the load (one transaction: all of it or none of it is
/// kept either way) and give it a larger page cache. Call outside a transaction.
pub fn relax(conn: &Connection, cache_kib: i64) -> Result<BulkPragmas> {
    let before = BulkPragmas {
        synchronous: conn.pragma_query_value(None, "synchronous", |r| r.get(0))?,
        cache_size: conn.pragma_query_value(None, "cache_size", |r| r.get(0))?,
        threads: conn.pragma_query_value(None, "threads", |r| r.get(0))?,
    };
    // temp_store stays on file: building an index sorts more than fits in memory.
    // One helper thread sorts while the other reads (the generator is done by then).
    conn.execute_batch(&format!(
        "PRAGMA synchronous = OFF; PRAGMA cache_size = -{cache_kib}; PRAGMA threads = 1;"
    ))?;
    Ok(before)
}

/// Put the settings back, and fold the load's write-ahead log into the store.
pub fn restore(conn: &Connection, before: BulkPragmas) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {}; PRAGMA cache_size = {}; PRAGMA threads = {};",
        before.synchronous, before.cache_size, before.threads
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
/// ones behind PRIMARY KEY and UNIQUE columns stay and keep checking).
pub fn defer_indexes(conn: &Connection, tables: &[&str]) -> Result<DeferredIndexes> {
    let mut indexes = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name = ?1 ORDER BY rowid",
        )?;
        for table in tables {
            let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                indexes.push(row?);
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

    /// Build every index again; `each` is told before each one.
    pub fn rebuild(self, conn: &Connection, each: &mut dyn FnMut(usize, &str)) -> Result<()> {
        for (i, (name, sql)) in self.indexes.iter().enumerate() {
            each(i, name);
            conn.execute_batch(sql)?;
        }
        Ok(())
    }
}
