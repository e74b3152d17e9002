//! Every table's row as the generator hands it over: owned values in the
//! shape the use cases leave them, the last state only.

use crate::domain::application_form::ApplicationForm;
use std::borrow::Cow;

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
    DepositRefund {
        deposit_id: i64,
        refund_id: i64,
    },
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
    BatchTotals {
        id: i64,
        count: i64,
        total_fen: i64,
    },
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
    ImportFileRows {
        id: i64,
        rows: i64,
    },
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
