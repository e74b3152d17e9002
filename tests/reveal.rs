//! Revealing a masked personal number: supervisors only, one transaction with
//! an audit entry, and the audit log never holds the number itself.

use posdesk::desk::Revealable;
use posdesk::domain::lifecycle::ApplicationState as S;
use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::{sample_form, Rig};

/// Every column of every audit row, as text.
fn audit_cells(rig: &Rig) -> Vec<String> {
    let conn = rig.app.desk.conn();
    let mut stmt = conn
        .prepare(
            "SELECT id, at, staff_id, entity, entity_id, action, from_state, to_state, reason
             FROM audit_log",
        )
        .expect("audit query");
    let mut cells = Vec::new();
    let mut rows = stmt.query([]).expect("audit rows");
    while let Some(row) = rows.next().expect("row") {
        for i in 0..9 {
            let v: rusqlite::types::Value = row.get(i).expect("cell");
            cells.push(match v {
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Null => String::new(),
                other => format!("{other:?}"),
            });
        }
    }
    cells
}

fn reveals(rig: &Rig, id: i64) -> Vec<String> {
    rig.app
        .desk
        .timeline(id)
        .expect("timeline")
        .into_iter()
        .filter(|r| r.action.starts_with("reveal"))
        .map(|r| format!("{} {}", r.staff_no.unwrap_or_default(), r.action))
        .collect()
}

#[test]
fn a_clerk_is_refused_and_nothing_is_recorded() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Submitted, 1);
    let clerk = rig.clerk.clone();
    for what in Revealable::ALL {
        let err = rig
            .app
            .desk
            .reveal(&clerk, id, what)
            .expect_err("clerks may not reveal");
        assert_eq!(err.code(), "role.supervisor_only");
    }
    assert!(reveals(&rig, id).is_empty());
}

#[test]
fn a_supervisor_gets_the_full_value_and_an_audit_row() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Approved, 2);
    let form = sample_form(2);
    let sup = rig.sup.clone();
    let desk = &mut rig.app.desk;
    assert_eq!(
        desk.reveal(&sup, id, Revealable::IdNumber).expect("id"),
        form.id_number
    );
    assert_eq!(
        desk.reveal(&sup, id, Revealable::CardNumber).expect("card"),
        form.card_number
    );
    assert_eq!(
        desk.reveal(&sup, id, Revealable::Phone).expect("phone"),
        form.phone
    );
    assert_eq!(
        reveals(&rig, id),
        [
            "S001 reveal id_number",
            "S001 reveal card_number",
            "S001 reveal phone"
        ]
    );
    // The view everyone else reads stays masked.
    let view = rig.app.desk.application(id).expect("view");
    assert_ne!(view.form.id_number, form.id_number);
}

#[test]
fn no_personal_number_lands_in_the_audit_log() {
    let mut rig = Rig::new(Lang::En, false);
    let id = rig.application_in(S::Activated, 3);
    let form = sample_form(3);
    let sup = rig.sup.clone();
    for what in Revealable::ALL {
        rig.app.desk.reveal(&sup, id, what).expect("reveal");
    }
    let cells = audit_cells(&rig);
    assert!(cells.iter().any(|c| c == "reveal phone"));
    for secret in [&form.id_number, &form.card_number, &form.phone] {
        for cell in &cells {
            assert!(
                !cell.contains(secret.as_str()),
                "audit cell {cell:?} holds a personal number"
            );
        }
    }
}

#[test]
fn an_unknown_application_is_refused_without_an_entry() {
    let mut rig = Rig::new(Lang::En, false);
    let sup = rig.sup.clone();
    let before = audit_cells(&rig).len();
    let err = rig
        .app
        .desk
        .reveal(&sup, 9_999, Revealable::Phone)
        .expect_err("no such application");
    assert_eq!(err.code(), "application.unknown");
    assert_eq!(audit_cells(&rig).len(), before);
}
