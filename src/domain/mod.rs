//! Pure rules: no I/O, no clock, no SQL. Everything here is testable alone.

pub mod application_form;
pub mod audit_reason;
pub mod bank_card;
pub mod bank_files;
pub mod calendar;
pub mod checklist;
pub mod eligibility;
pub mod fees;
pub mod lifecycle;
pub mod money;
pub mod permission;
pub mod person_name;
pub mod phone;
pub mod policy;
pub mod problem;
pub mod refund;
pub mod resident_id;
pub mod toml_mistake;
