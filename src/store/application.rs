use crate::domain::application_form::{ApplicationForm, LONG_TERM};
use crate::domain::lifecycle::ApplicationState;
use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: i64,
    pub state: ApplicationState,
    pub merchant_id: Option<i64>,
    pub pickup_point_id: i64,
    pub form: ApplicationForm,
    pub terms_version: Option<String>,
    pub reason: Option<String>,
    pub created_by: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl ApplicationRow {
    /// The number a clerk reads out: AP and eight digits.
    pub fn reference(&self) -> String {
        reference(self.id)
    }
}

pub fn reference(id: i64) -> String {
    format!("AP{id:08}")
}

/// `AP00000042`, `ap42` or `42` → 42.
pub fn parse_reference(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t
        .strip_prefix("AP")
        .or_else(|| t.strip_prefix("ap"))
        .unwrap_or(t);
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

fn none_if_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

pub fn insert_draft(
    conn: &Connection,
    form: &ApplicationForm,
    point_id: i64,
    staff_id: i64,
    terms_version: Option<&str>,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO application (state, pickup_point_id, created_by, created_at, updated_at)
         VALUES ('draft', ?1, ?2, ?3, ?3)",
    )?
    .execute(params![point_id, staff_id, now])?;
    let id = conn.last_insert_rowid();
    write_form(conn, id, form, terms_version, now)?;
    Ok(id)
}

/// The form as the table holds it: empty text is NULL, and 长期 is
/// `id_long_term` with no date. `write_form` and the bulk demo both store this.
pub struct FormColumns<'a> {
    pub full_name: Option<&'a str>,
    pub id_number: Option<&'a str>,
    pub id_valid_until: Option<&'a str>,
    pub id_long_term: bool,
    pub phone: Option<&'a str>,
    pub business_name: Option<&'a str>,
    pub business_address: Option<&'a str>,
    pub card_number: Option<&'a str>,
    pub card_bank: Option<&'a str>,
    pub card_branch: Option<&'a str>,
    pub card_holder: Option<&'a str>,
    pub card_kind: Option<&'a str>,
    pub card_luhn_confirmed: bool,
    pub model_code: Option<&'a str>,
}

impl<'a> FormColumns<'a> {
    pub fn of(f: &'a ApplicationForm) -> FormColumns<'a> {
        let long_term = f.id_valid_until == LONG_TERM;
        FormColumns {
            full_name: none_if_empty(&f.full_name),
            id_number: none_if_empty(&f.id_number),
            id_valid_until: if long_term {
                None
            } else {
                none_if_empty(&f.id_valid_until)
            },
            id_long_term: long_term,
            phone: none_if_empty(&f.phone),
            business_name: none_if_empty(&f.business_name),
            business_address: none_if_empty(&f.business_address),
            card_number: none_if_empty(&f.card_number),
            card_bank: none_if_empty(&f.card_bank),
            card_branch: none_if_empty(&f.card_branch),
            card_holder: none_if_empty(&f.card_holder),
            card_kind: none_if_empty(&f.card_kind),
            card_luhn_confirmed: f.card_luhn_confirmed,
            model_code: none_if_empty(&f.model_code),
        }
    }
}

pub fn write_form(
    conn: &Connection,
    id: i64,
    f: &ApplicationForm,
    terms_version: Option<&str>,
    now: &str,
) -> Result<()> {
    let c = FormColumns::of(f);
    let terms_at = f.terms_agreed.then_some(now);
    conn.prepare_cached(
        "UPDATE application SET full_name = ?2, id_number = ?3, id_valid_until = ?4,
           id_long_term = ?5, phone = ?6, business_name = ?7, business_address = ?8,
           card_number = ?9, card_bank = ?10, card_branch = ?11, card_holder = ?12,
           card_kind = ?13, card_luhn_confirmed = ?14, model_code = ?15,
           terms_version = CASE WHEN ?16 IS NULL THEN NULL ELSE ?17 END,
           terms_agreed_at = CASE WHEN ?16 IS NULL THEN NULL
                                  ELSE coalesce(terms_agreed_at, ?16) END,
           updated_at = ?18
         WHERE id = ?1",
    )?
    .execute(params![
        id,
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
        terms_at,
        terms_version,
        now,
    ])?;
    Ok(())
}

const COLUMNS: &str = "id, state, merchant_id, pickup_point_id, full_name, id_number,
    id_valid_until, id_long_term, phone, business_name, business_address, card_number,
    card_bank, card_branch, card_holder, card_kind, card_luhn_confirmed, model_code,
    terms_version, terms_agreed_at, reason, created_by, created_at, updated_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<ApplicationRow> {
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
    };
    let state: String = r.get(1)?;
    let long_term: bool = r.get(7)?;
    let terms_agreed_at: Option<String> = r.get(19)?;
    Ok(ApplicationRow {
        id: r.get(0)?,
        state: ApplicationState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown application state {state:?}").into(),
            )
        })?,
        merchant_id: r.get(2)?,
        pickup_point_id: r.get(3)?,
        form: ApplicationForm {
            full_name: text(4)?,
            id_number: text(5)?,
            id_valid_until: if long_term {
                LONG_TERM.to_string()
            } else {
                text(6)?
            },
            phone: text(8)?,
            business_name: text(9)?,
            business_address: text(10)?,
            card_number: text(11)?,
            card_bank: text(12)?,
            card_branch: text(13)?,
            card_holder: text(14)?,
            card_kind: text(15)?,
            card_luhn_confirmed: r.get(16)?,
            model_code: text(17)?,
            terms_agreed: terms_agreed_at.is_some(),
        },
        terms_version: r.get(18)?,
        reason: r.get(20)?,
        created_by: r.get(21)?,
        created_at: r.get(22)?,
        updated_at: r.get(23)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<ApplicationRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM application WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

/// Move `id` from `from` to `to`; refuses if someone else moved it first.
pub fn set_state(
    conn: &Connection,
    id: i64,
    from: ApplicationState,
    to: ApplicationState,
    reason: Option<&str>,
    now: &str,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE application SET state = ?3, reason = coalesce(?4, reason), updated_at = ?5
             WHERE id = ?1 AND state = ?2",
        )?
        .execute(params![id, from.as_str(), to.as_str(), reason, now])?;
    if changed != 1 {
        bail!("application {id} changed under us (expected state {from})");
    }
    Ok(())
}

pub fn set_merchant(conn: &Connection, id: i64, merchant_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE application SET merchant_id = ?2 WHERE id = ?1")?
        .execute(params![id, merchant_id])?;
    Ok(())
}

/// Other merchants' applications with the same phone (a review hint).
pub fn others_with_phone(conn: &Connection, phone: &str, merchant_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(DISTINCT merchant_id) FROM application
             WHERE phone = ?1 AND merchant_id IS NOT NULL AND merchant_id <> ?2",
        )?
        .query_row(params![phone, merchant_id], |r| r.get(0))?)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub reference: String,
    pub state: String,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub model_code: Option<String>,
    pub updated_at: String,
}

/// A point's applications in the given states, newest first.
pub fn queue(
    conn: &Connection,
    point_id: Option<i64>,
    states: &[ApplicationState],
    limit: i64,
) -> Result<Vec<QueueRow>> {
    let mut out = Vec::new();
    // Two statements, so each walks its own index newest first: (point, state,
    // updated_at) reads just the rows shown; `?1 IS NULL OR …` could use neither.
    let mut stmt = conn.prepare_cached(if point_id.is_some() {
        "SELECT id, state, full_name, phone, model_code, updated_at FROM application
         WHERE pickup_point_id = ?1 AND state = ?2
         ORDER BY updated_at DESC, id DESC LIMIT ?3"
    } else {
        "SELECT id, state, full_name, phone, model_code, updated_at FROM application
         WHERE ?1 IS NULL AND state = ?2
         ORDER BY updated_at DESC, id DESC LIMIT ?3"
    })?;
    for s in states {
        let rows = stmt.query_map(params![point_id, s.as_str(), limit], |r| {
            let id: i64 = r.get(0)?;
            Ok(QueueRow {
                id,
                reference: reference(id),
                state: r.get(1)?,
                full_name: r.get(2)?,
                phone: r.get(3)?,
                model_code: r.get(4)?,
                updated_at: r.get(5)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}
