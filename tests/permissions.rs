//! Every use case × every role, against the one permission table: the desk
//! refuses exactly what the table forbids, whatever the screens show.

use posdesk::desk::{Actor, Desk, DeskError, NewCard, NewPoint, NewStaffMember, Setup};
use posdesk::domain::checklist::{ChecklistItem, Role};
use posdesk::domain::money::Fen;
use posdesk::domain::permission::{UseCase, TABLE};
use posdesk::tui::testing::sample_form;

fn fixture() -> (tempfile::TempDir, Desk, Actor, Actor) {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(
        &dir.path().join("p.db"),
        Setup::builtin().at("2026-11-25T02:00:00Z".parse().unwrap()),
    )
    .unwrap();
    let sup = desk
        .bootstrap(
            NewPoint {
                code: "BJ01",
                name: "朝阳门便利店",
                address: "北京市朝阳区",
            },
            NewStaffMember {
                staff_no: "S001",
                name: "王主管",
                role: Role::Supervisor,
                pin: "900001",
                point_code: Some("BJ01"),
            },
        )
        .unwrap();
    desk.add_staff(
        &sup,
        NewStaffMember {
            staff_no: "C001",
            name: "李柜员",
            role: Role::Clerk,
            pin: "100001",
            point_code: Some("BJ01"),
        },
    )
    .unwrap();
    let clerk = desk.login("C001", "100001").unwrap();
    let mut f = sample_form(1);
    f.id_number = "110105200906010117".into(); // 17 years old: the supervisor's decision
    let id = desk.create_draft(&clerk, None, &f).unwrap().id;
    desk.submit(&clerk, id).unwrap();
    (dir, desk, sup, clerk)
}

/// Run `use_case` as `actor` with whatever arguments; only the role matters here.
fn attempt(
    u: UseCase,
    desk: &mut Desk,
    actor: &Actor,
    dir: &std::path::Path,
) -> Result<(), DeskError> {
    let form = sample_form(2);
    let out = dir.join(format!("{u:?}-{}.out", actor.staff_no));
    match u {
        UseCase::CreateDraft => desk.create_draft(actor, None, &form).map(|_| ()),
        UseCase::UpdateDraft => desk.update_draft(actor, 1, &form).map(|_| ()),
        UseCase::Submit => desk.submit(actor, 1).map(|_| ()),
        UseCase::Cancel => desk.cancel(actor, 1, "申请人放弃"),
        UseCase::Approve => desk.approve(actor, 1, None).map(|_| ()),
        UseCase::Reject => desk.reject(actor, 1, "资料不全").map(|_| ()),
        UseCase::RecordCheck => {
            desk.record_check(actor, 1, ChecklistItem::FaceCheck, false, Some("光线"))
        }
        UseCase::AdmitSixteenSeventeen => desk.record_check(
            actor,
            1,
            ChecklistItem::Capacity,
            true,
            Some("个体经营，收入自立"),
        ),
        UseCase::PhoneCode => desk.send_phone_code(actor, 1),
        UseCase::Verify => desk.verify(actor, 1).map(|_| ()),
        UseCase::SignContract => desk.sign_contract(actor, 1, "张伟").map(|_| ()),
        UseCase::AddDevice => desk
            .add_device(actor, &format!("LDA8{:010}", actor.staff_id), "LD-A8", None)
            .map(|_| ()),
        UseCase::BindDevice => desk.bind_device(actor, 1, "LDA80000000001").map(|_| ()),
        UseCase::HandOver => desk
            .hand_over(actor, 1, &form.id_number, "cash")
            .map(|_| ()),
        UseCase::Activate => desk.activate(actor, 1, "ACT").map(|_| ()),
        UseCase::PayFees => desk.pay_fees(actor, 1, Fen(100), "cash").map(|_| ()),
        UseCase::ImportVolumes => desk
            .import_volumes(actor, "v.csv", b"serial,date,amount\nNOPE,2026-11-25,1\n")
            .map(|_| ()),
        UseCase::RequestRefund => desk.request_refund(actor, 1, None::<NewCard>).map(|_| ()),
        UseCase::ConfirmRefund => desk.confirm_refund(actor, 1).map(|_| ()),
        UseCase::ExportBatch => desk.export_batch(actor, &out).map(|_| ()),
        UseCase::ImportSettlement => desk
            .import_settlement(
                actor,
                "r.csv",
                b"refund_ref,result,bank_ref,amount,reason\n",
            )
            .map(|_| ()),
        UseCase::RecordBreach => desk.record_breach(actor, 1, "擅自移机"),
        UseCase::ClearBreach => desk.clear_breaches(actor, 1, "已整改").map(|_| ()),
        UseCase::Forfeit => desk.forfeit(actor, 1, "设备丢失"),
        UseCase::Reveal => desk
            .reveal(actor, 1, posdesk::desk::Revealable::Phone)
            .map(|_| ()),
        UseCase::LoadHolidays => desk
            .load_holidays(
                Some(actor),
                "[[year]]\nyear = 2027\ndays_off = [\"2027-01-01\"]\nworking_weekends = []\n",
            )
            .map(|_| ()),
        UseCase::AddPoint => desk
            .add_point(
                actor,
                NewPoint {
                    code: &format!("P{}", actor.staff_id),
                    name: "新网点",
                    address: "上海",
                },
            )
            .map(|_| ()),
        UseCase::AddStaff => desk
            .add_staff(
                actor,
                NewStaffMember {
                    staff_no: &format!("N{}", actor.staff_id),
                    name: "新人",
                    role: Role::Clerk,
                    pin: "123456",
                    point_code: Some("BJ01"),
                },
            )
            .map(|_| ()),
        UseCase::UnlockStaff => desk.unlock_staff(actor, "C001"),
        UseCase::ChangeOwnPin => {
            let current = if actor.staff_no == "C001" {
                "100001"
            } else {
                "900001"
            };
            desk.change_pin(actor, current, "246810")
        }
        UseCase::Backup => desk.backup(actor, &out),
        UseCase::Restore => desk
            .restore(actor, &dir.join("missing.db"), &dir.join("safety.db"))
            .map(|_| ()),
    }
}

#[test]
fn the_desk_refuses_exactly_what_the_table_forbids() {
    for &(u, clerk_may, supervisor_may, _) in TABLE {
        for role in [Role::Clerk, Role::Supervisor] {
            let (dir, mut desk, sup, clerk) = fixture();
            let actor = if role == Role::Clerk { clerk } else { sup };
            let result = attempt(u, &mut desk, &actor, dir.path());
            let refused_for_role =
                matches!(&result, Err(DeskError::Refused(p)) if p.code == "role.supervisor_only");
            let may = if role == Role::Clerk {
                clerk_may
            } else {
                supervisor_may
            };
            assert_eq!(!refused_for_role, may, "{u:?} as {role:?}: {result:?}");
            if refused_for_role {
                let Err(DeskError::Refused(p)) = result else {
                    unreachable!()
                };
                assert!(
                    p.message.contains(u.describe()),
                    "the refusal says what was refused: {}",
                    p.message
                );
            }
        }
    }
}
