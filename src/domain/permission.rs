//! Who may do what: one table, asked by every use case in `desk/`. The screens
//! hide what a role may not do, but the desk is what refuses it.

use super::checklist::Role;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UseCase {
    CreateDraft,
    UpdateDraft,
    Submit,
    Cancel,
    Approve,
    Reject,
    RecordCheck,
    /// The capacity item for a 16–17 year old: a decision, not a check.
    AdmitSixteenSeventeen,
    PhoneCode,
    Verify,
    SignContract,
    AddDevice,
    BindDevice,
    HandOver,
    Activate,
    PayFees,
    ImportVolumes,
    RequestRefund,
    ConfirmRefund,
    ExportBatch,
    ImportSettlement,
    RecordBreach,
    ClearBreach,
    Forfeit,
    Reveal,
    LoadHolidays,
    AddPoint,
    AddStaff,
    UnlockStaff,
    ChangeOwnPin,
    Backup,
    Restore,
}

use UseCase as U;

/// (use case, clerk may, supervisor may, what it is in a clerk's words)
pub const TABLE: &[(UseCase, bool, bool, &str)] = &[
    (U::CreateDraft, true, true, "start an application"),
    (U::UpdateDraft, true, true, "change a draft"),
    (U::Submit, true, true, "submit an application"),
    (U::Cancel, true, true, "cancel an application"),
    (U::Approve, false, true, "approve an application"),
    (U::Reject, false, true, "reject an application"),
    (U::RecordCheck, true, true, "record a checklist item"),
    (
        U::AdmitSixteenSeventeen,
        false,
        true,
        "admit a 16–17 year old applicant",
    ),
    (U::PhoneCode, true, true, "confirm a phone by one-time code"),
    (U::Verify, true, true, "mark an application verified"),
    (U::SignContract, true, true, "record the contract signature"),
    (U::AddDevice, true, true, "take a device into stock"),
    (U::BindDevice, true, true, "bind a device"),
    (U::HandOver, true, true, "hand a device over"),
    (U::Activate, true, true, "record an activation"),
    (U::PayFees, true, true, "take a fee payment"),
    (U::ImportVolumes, true, true, "import card volumes"),
    (U::RequestRefund, true, true, "request a deposit refund"),
    (
        U::ConfirmRefund,
        true,
        true,
        "confirm a refund with the merchant",
    ),
    (U::ExportBatch, false, true, "export a refund batch"),
    (
        U::ImportSettlement,
        false,
        true,
        "import the bank's settlement results",
    ),
    (
        U::RecordBreach,
        false,
        true,
        "record a breach of the agreement",
    ),
    (U::ClearBreach, false, true, "clear a breach"),
    (U::Forfeit, false, true, "forfeit a deposit"),
    (U::Reveal, false, true, "reveal a personal number"),
    (U::LoadHolidays, false, true, "load a holiday schedule"),
    (U::AddPoint, false, true, "add a pickup point"),
    (U::AddStaff, false, true, "add staff"),
    (U::UnlockStaff, false, true, "unlock an account"),
    (U::ChangeOwnPin, true, true, "change your own PIN"),
    (U::Backup, false, true, "make a backup"),
    (U::Restore, false, true, "restore a backup"),
];

impl UseCase {
    fn row(self) -> (bool, bool, &'static str) {
        TABLE
            .iter()
            .find(|(u, ..)| *u == self)
            .map(|(_, c, s, d)| (*c, *s, *d))
            .unwrap_or((false, false, "do this"))
    }

    pub fn allowed(self, role: Role) -> bool {
        let (clerk, supervisor, _) = self.row();
        match role {
            Role::Clerk => clerk,
            Role::Supervisor => supervisor,
        }
    }

    pub fn describe(self) -> &'static str {
        self.row().2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_use_case_is_in_the_table_once_and_supervisors_may_do_everything() {
        for (u, _, supervisor, _) in TABLE {
            assert_eq!(TABLE.iter().filter(|(x, ..)| x == u).count(), 1, "{u:?}");
            assert!(supervisor, "{u:?}");
        }
        assert_eq!(TABLE.len(), 32);
    }

    #[test]
    fn clerks_cannot_decide_or_move_money_out() {
        for u in [
            U::Approve,
            U::Reject,
            U::ExportBatch,
            U::ImportSettlement,
            U::Forfeit,
            U::Reveal,
            U::AddStaff,
            U::Restore,
        ] {
            assert!(!u.allowed(Role::Clerk), "{u:?}");
        }
        assert!(U::BindDevice.allowed(Role::Clerk));
    }
}
