//! Realistic, reproducible demo data: points, staff, stock, and merchants in
//! every state of the lifecycle, taken there through the real use cases.

use super::auth::{actor_of, hash_pin, Actor};
use super::error::DeskResult;
use super::{apply, bind, checklist, review, Ctx, Desk};
use crate::domain::application_form::{ApplicationForm, LONG_TERM};
use crate::domain::bank_card::{luhn_check_digit, Bin};
use crate::domain::checklist::{ChecklistItem, Role};
use crate::domain::lifecycle::ApplicationState;
use crate::domain::resident_id::check_character;
use crate::store;
use chrono::{Duration, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::TransactionBehavior;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

pub const POINTS: [(&str, &str, &str); 3] = [
    ("BJ-CY01", "朝阳门便利店", "北京市朝阳区朝阳门外大街18号"),
    ("SH-XH01", "徐家汇服务中心", "上海市徐汇区漕溪北路88号"),
    ("GZ-TH01", "天河路便利店", "广州市天河区天河路385号"),
];

/// Demo logins, printed by `posdesk demo`. Real stores set their own PINs.
pub const LOGINS: [(&str, &str, Role, Option<&str>, &str); 4] = [
    (
        "S001",
        "王主管",
        Role::Supervisor,
        Some("BJ-CY01"),
        "900001",
    ),
    ("C001", "李柜员", Role::Clerk, Some("BJ-CY01"), "100001"),
    ("C002", "陈柜员", Role::Clerk, Some("SH-XH01"), "100002"),
    ("C003", "黄柜员", Role::Clerk, Some("GZ-TH01"), "100003"),
];

#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub merchants: usize,
    pub devices_added: usize,
    pub by_state: BTreeMap<String, usize>,
    /// Deposits by state after the demo's refunds.
    pub deposits: BTreeMap<String, usize>,
    pub logins: Vec<(String, String, String)>,
}

pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳",
    "司马",
];
pub(super) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "文", "浩然", "子涵",
];
/// Names of minority applicants, written with the middle dot.
pub(super) const DOTTED: &[&str] = &[
    "阿卜杜·热合曼",
    "买买提·艾力",
    "古丽·努尔",
    "扎西·多吉",
    "阿依古丽·吐尔逊",
];
pub(super) const AREAS: &[(&str, &str)] = &[
    ("110105", "北京市朝阳区"),
    ("310104", "上海市徐汇区"),
    ("440106", "广州市天河区"),
    ("330106", "杭州市西湖区"),
    ("510107", "成都市武侯区"),
    ("420106", "武汉市武昌区"),
    ("650102", "乌鲁木齐市天山区"),
    ("540102", "拉萨市城关区"),
];
pub(super) const SHOPS: &[&str] = &[
    "便利店",
    "水果店",
    "餐馆",
    "理发店",
    "五金店",
    "奶茶店",
    "烟酒店",
    "药店",
    "花店",
];

/// Where each generated application ends up, weighted like a real network.
pub(super) const TARGETS: &[(ApplicationState, u32)] = &[
    (ApplicationState::Draft, 5),
    (ApplicationState::Submitted, 8),
    (ApplicationState::Approved, 5),
    (ApplicationState::Rejected, 4),
    (ApplicationState::Verified, 4),
    (ApplicationState::Contracted, 4),
    (ApplicationState::ReadyForPickup, 8),
    (ApplicationState::PickedUp, 10),
    (ApplicationState::Activated, 47),
    (ApplicationState::Cancelled, 5),
];

struct Person {
    name: String,
    id_number: String,
    phone: String,
    area: &'static str,
}

impl Desk {
    /// Fill the store with `merchants` demo merchants (and, on an empty store,
    /// points and staff), all in one transaction.
    pub fn load_demo(&mut self, merchants: usize, seed: u64) -> DeskResult<DemoReport> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let base = self.clock.now();
        let today = self.clock.today();
        let bins: Vec<Bin> = self.bins.iter().cloned().collect();
        let policy = self.policy.clone();
        let calendar = self.calendar.clone();
        let bin_table = self.bins.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(super::error::from_sqlite)?;
        let ctx_at = |days_ago: i64, step: i64| Ctx {
            now: base - Duration::days(days_ago) + Duration::minutes(step * 7),
            policy: &policy,
            calendar: &calendar,
            bins: &bin_table,
        };
        let ctx = ctx_at(90, 0);
        let now = ctx.stamp();

        let (point_ids, staff) = points_and_staff(&tx, &ctx)?;
        let supervisor = staff[0].clone();

        // Stock: enough of every model at every point, plus spares on the shelf.
        let mut devices_added = 0;
        let per_point = merchants / point_ids.len() + 1;
        let mut serial_no: u64 = store::status::counts(&tx)?
            .devices_by_state
            .iter()
            .map(|(_, n)| *n as u64)
            .sum();
        for &point_id in &point_ids {
            for model in &policy.models {
                for _ in 0..(per_point / 2 + 6) {
                    serial_no += 1;
                    let serial = demo_serial(&model.code, serial_no, seed);
                    // A model added by local policy may use serials we can't invent.
                    if model.check_serial(&serial).is_err() {
                        break;
                    }
                    if store::device::by_serial(&tx, &serial)?.is_some() {
                        continue;
                    }
                    let id = store::device::insert(&tx, &serial, &model.code, point_id, &now)?;
                    super::audit(
                        &tx,
                        &ctx,
                        Some(&supervisor),
                        "device",
                        id,
                        "stock in",
                        None,
                        Some("in_stock"),
                        Some(crate::domain::audit_reason::DEMO),
                    )?;
                    devices_added += 1;
                }
            }
        }

        let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
        let mut seen_ids: HashSet<String> = HashSet::new();
        let mut seen_phones: HashSet<String> = HashSet::new();
        let weight_total: u32 = TARGETS.iter().map(|(_, w)| w).sum();
        for i in 0..merchants {
            let person = loop {
                let p = person(&mut rng, today);
                if !seen_ids.contains(&p.id_number)
                    && !seen_phones.contains(&p.phone)
                    && store::merchant::by_id_number(&tx, &p.id_number)?.is_none()
                {
                    break p;
                }
            };
            seen_ids.insert(person.id_number.clone());
            seen_phones.insert(person.phone.clone());
            let mut pick = rng.random_range(0..weight_total);
            let target = TARGETS
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map(|(s, _)| *s)
                .unwrap_or(ApplicationState::Activated);
            let p = i % point_ids.len();
            let clerk = &staff[1 + p];
            let model = policy
                .models
                .choose(&mut rng)
                .ok_or_else(|| anyhow::anyhow!("policy has no models"))?;
            let bin = bins
                .choose(&mut rng)
                .ok_or_else(|| anyhow::anyhow!("no BINs"))?;
            let form = ApplicationForm {
                full_name: person.name.clone(),
                id_number: person.id_number.clone(),
                id_valid_until: if rng.random_bool(0.15) {
                    LONG_TERM.into()
                } else {
                    (today + Duration::days(rng.random_range(200..3650)))
                        .format("%Y-%m-%d")
                        .to_string()
                },
                phone: person.phone.clone(),
                business_name: format!(
                    "{}{}",
                    &person.name,
                    SHOPS.choose(&mut rng).unwrap_or(&"小店")
                ),
                business_address: format!(
                    "{}{}路{}号",
                    person.area,
                    ["人民", "解放", "建设", "中山", "和平"][i % 5],
                    rng.random_range(1..300)
                ),
                card_number: card_number(&mut rng, bin),
                card_bank: String::new(),
                card_branch: format!("{}支行", district(person.area)),
                card_holder: person.name.clone(),
                card_kind: "debit".into(),
                card_luhn_confirmed: false,
                model_code: model.code.clone(),
                terms_agreed: target != ApplicationState::Draft || rng.random_bool(0.5),
            };
            let days_ago = rng.random_range(0..60);
            let mut step = 0;
            let mut at = || {
                step += 1;
                ctx_at(days_ago, step)
            };
            let saved = apply::create_draft(&tx, &at(), clerk, point_ids[p], &form)?;
            let id = saved.id;
            let reached = walk(
                &tx,
                &mut at,
                clerk,
                &supervisor,
                id,
                target,
                &person,
                &mut rng,
            )?;
            *by_state.entry(reached.as_str().to_string()).or_default() += 1;
        }
        super::test_pause("demo");
        crate::store::audit::seal(&tx)?;
        tx.commit().map_err(super::error::from_sqlite)?;
        let deposits = self.demo_money(&mut rng, &staff[1], &supervisor)?;
        Ok(DemoReport {
            deposits,
            merchants,
            devices_added,
            by_state,
            logins: LOGINS
                .iter()
                .map(|(no, _, role, _, pin)| {
                    (no.to_string(), role.as_str().to_string(), pin.to_string())
                })
                .collect(),
        })
    }
}

/// The demo's pickup points and staff (POINTS, LOGINS), unless they exist already.
pub(super) fn points_and_staff(
    tx: &rusqlite::Connection,
    ctx: &Ctx,
) -> DeskResult<(Vec<i64>, Vec<Actor>)> {
    let now = ctx.stamp();
    let mut point_ids = Vec::new();
    for (code, name, address) in POINTS {
        let id = match store::point::by_code(tx, code)? {
            Some(p) => p.id,
            None => store::point::insert(tx, code, name, address, &now)?,
        };
        point_ids.push(id);
    }
    let mut staff: Vec<Actor> = Vec::new();
    for (no, name, role, point, pin) in LOGINS {
        let row = match store::staff::by_no(tx, no)? {
            Some(s) => s,
            None => {
                let point_id = match point {
                    Some(code) => store::point::by_code(tx, code)?.map(|p| p.id),
                    None => None,
                };
                let id = store::staff::insert(
                    tx,
                    &store::staff::NewStaff {
                        staff_no: no,
                        name,
                        role: role.as_str(),
                        pickup_point_id: point_id,
                        pin_hash: &hash_pin(pin)?,
                    },
                    &now,
                )?;
                super::audit(
                    tx,
                    ctx,
                    None,
                    "staff",
                    id,
                    "create",
                    None,
                    Some(role.as_str()),
                    Some(crate::domain::audit_reason::DEMO),
                )?;
                store::staff::get(tx, id)?.ok_or_else(|| anyhow::anyhow!("demo staff vanished"))?
            }
        };
        staff.push(actor_of(&row));
    }
    Ok((point_ids, staff))
}

/// Take one application through the real use cases until it reaches `target`.
#[allow(clippy::too_many_arguments)]
fn walk<'a>(
    tx: &rusqlite::Connection,
    at: &mut impl FnMut() -> Ctx<'a>,
    clerk: &Actor,
    supervisor: &Actor,
    id: i64,
    target: ApplicationState,
    person: &Person,
    rng: &mut ChaCha8Rng,
) -> DeskResult<ApplicationState> {
    use ApplicationState as S;
    if target == S::Draft {
        return Ok(S::Draft);
    }
    if target == S::Cancelled {
        apply::cancel(tx, &at(), clerk, id, "申请人放弃申请")?;
        return Ok(S::Cancelled);
    }
    let mut state = apply::submit(tx, &at(), clerk, id)?;
    if target == S::Submitted {
        return Ok(state);
    }
    if target == S::Rejected {
        return review::reject(tx, &at(), supervisor, id, "经营场所信息无法核实");
    }
    state = review::approve(tx, &at(), supervisor, id, None)?;
    if target == S::Approved {
        return Ok(state);
    }
    let code = format!("{:06}", rng.random_range(0..1_000_000));
    checklist::send_phone_code(tx, &at(), clerk, id, &code)?;
    checklist::confirm_phone_code(tx, &at(), clerk, id, &code)?
        .map_err(super::DeskError::Refused)?;
    for item in ChecklistItem::ALL {
        let (actor, note) = match item {
            ChecklistItem::PhoneCode => continue,
            ChecklistItem::IdPhotos => (clerk, Some(format!("IMG-{id:08}-F/B"))),
            ChecklistItem::Capacity if !adult(&person.id_number, at().today()) => (
                supervisor,
                Some("本人经营个体店铺，以劳动收入为主要生活来源".to_string()),
            ),
            _ => (clerk, None),
        };
        checklist::record_check(tx, &at(), actor, id, item, true, note.as_deref())?;
    }
    state = checklist::verify(tx, &at(), clerk, id)?;
    if target == S::Verified {
        return Ok(state);
    }
    state = checklist::sign_contract(tx, &at(), clerk, id, &person.name)?;
    if target == S::Contracted {
        return Ok(state);
    }
    let app = apply::load(tx, id)?;
    let stock = store::device::in_stock(tx, app.pickup_point_id, Some(&app.form.model_code), 1)?;
    let Some(device) = stock.first() else {
        return Ok(state);
    };
    bind::bind(tx, &at(), clerk, id, &device.serial)?;
    if target == S::ReadyForPickup {
        return Ok(S::ReadyForPickup);
    }
    let method = *bind::PAYMENT_METHODS.choose(rng).unwrap_or(&"cash");
    bind::hand_over(tx, &at(), clerk, id, &person.id_number, method)?;
    if target == S::PickedUp {
        return Ok(S::PickedUp);
    }
    bind::activate(
        tx,
        &at(),
        clerk,
        id,
        &format!("ACT{:010}", rng.random_range(0..10_000_000_000u64)),
    )?;
    Ok(S::Activated)
}

/// The last three characters of an area name: 朝阳区, 天山区.
pub(super) fn district(area: &str) -> String {
    let chars: Vec<char> = area.chars().collect();
    chars[chars.len().saturating_sub(3)..].iter().collect()
}

fn adult(id_number: &str, today: NaiveDate) -> bool {
    crate::domain::resident_id::ResidentId::parse(id_number, today)
        .map(|r| r.is_adult_on(today, 18))
        .unwrap_or(true)
}

fn person(rng: &mut ChaCha8Rng, today: NaiveDate) -> Person {
    let (code, area) = *AREAS.choose(rng).unwrap_or(&AREAS[0]);
    let name = if code == "650102" || code == "540102" {
        DOTTED.choose(rng).unwrap_or(&DOTTED[0]).to_string()
    } else {
        format!(
            "{}{}",
            SURNAMES.choose(rng).unwrap_or(&"王"),
            GIVEN.choose(rng).unwrap_or(&"伟")
        )
    };
    // Mostly adults; a few 16–17 year olds for the supervisor's exception.
    let age_days = if rng.random_bool(0.02) {
        rng.random_range(16 * 366..17 * 365 + 300)
    } else {
        rng.random_range(19 * 366..65 * 365)
    };
    let birth = today - Duration::days(age_days);
    let seq = rng.random_range(0..1000);
    let first17 = format!("{code}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_character(&first17).unwrap_or('0');
    let prefix = ["13", "15", "18", "17", "19", "16", "14"]
        .choose(rng)
        .unwrap_or(&"13")
        .to_string();
    Person {
        name,
        id_number: format!("{first17}{check}"),
        phone: format!("{prefix}{:09}", rng.random_range(0..1_000_000_000u64)),
        area,
    }
}

/// A card number that the BIN table knows, mostly passing Luhn.
pub(super) fn card_number(rng: &mut ChaCha8Rng, bin: &Bin) -> String {
    let mut payload = bin.prefix.clone();
    while payload.len() < usize::from(bin.length) - 1 {
        payload.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let check = luhn_check_digit(&payload).unwrap_or('0');
    payload.push(check);
    payload
}

pub(super) fn demo_serial(model: &str, n: u64, seed: u64) -> String {
    let x = n.wrapping_mul(2_654_435_761).wrapping_add(seed) % 1_000_000_000;
    match model {
        "LD-A8" => format!("LDA8{:010}", x * 10 + n % 10),
        "NL-ME31" => format!("N31{:012X}", x * 4096 + n % 4096),
        "PAX-S90" => format!(
            "S90-{:03}-{:03}-{:03}",
            n / 1_000_000 % 1000,
            n / 1000 % 1000,
            n % 1000
        ),
        "SM-P2" => format!("P2M{:09}", n % 1_000_000_000),
        other => format!("{other}-{n:08}"),
    }
}
