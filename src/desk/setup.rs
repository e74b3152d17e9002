//! Pickup points, staff and stock: the things a counter needs before a merchant comes.

use super::auth::{actor_of, check_pin_shape, hash_pin, Actor};
use super::error::{refuse, DeskResult};
use super::{audit, Desk};
use crate::domain::checklist::Role;
use crate::domain::lifecycle::DeviceState;
use crate::domain::permission::UseCase;
use crate::domain::policy::DeviceModel;
use crate::domain::problem::Problem;
use crate::store;
use serde::Serialize;

pub struct NewPoint<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
}

pub struct NewStaffMember<'a> {
    pub staff_no: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub pin: &'a str,
    /// Pickup point code; clerks need one.
    pub point_code: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddedDevice {
    pub id: i64,
    pub serial: String,
    pub model_code: String,
}

fn check_code(code: &str, what: &str) -> DeskResult<String> {
    let c = code.trim().to_ascii_uppercase();
    if c.is_empty() || c.len() > 16 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        return refuse(
            "setup.code",
            format!("A {what} is 1 to 16 letters, digits or dashes."),
        );
    }
    Ok(c)
}

fn check_text(text: &str, what: &str) -> DeskResult<String> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 200 {
        return refuse(
            "setup.text",
            format!("The {what} must be 1 to 200 characters."),
        );
    }
    Ok(t.to_string())
}

impl Desk {
    /// On an empty store: the first pickup point and its supervisor, in one go.
    pub fn bootstrap(&mut self, point: NewPoint, staff: NewStaffMember) -> DeskResult<Actor> {
        if store::staff::count(&self.conn)? > 0 {
            return refuse(
                "setup.not_empty",
                "This store already has staff; log in and add people from there.",
            );
        }
        if staff.role != Role::Supervisor {
            return refuse(
                "setup.first_supervisor",
                "The first staff member must be a supervisor.",
            );
        }
        let point_code = check_code(point.code, "pickup point code")?;
        let point_name = check_text(point.name, "pickup point name")?;
        let address = check_text(point.address, "address")?;
        let (staff_no, name, hash) = staff_fields(&staff)?;
        self.run(|tx, ctx| {
            let now = ctx.stamp();
            let point_id = store::point::insert(tx, &point_code, &point_name, &address, &now)?;
            let id = store::staff::insert(
                tx,
                &store::staff::NewStaff {
                    staff_no: &staff_no,
                    name: &name,
                    role: Role::Supervisor.as_str(),
                    pickup_point_id: Some(point_id),
                    pin_hash: &hash,
                },
                &now,
            )?;
            let s = store::staff::get(tx, id)?.ok_or_else(|| anyhow::anyhow!("staff vanished"))?;
            let actor = actor_of(&s);
            audit(
                tx,
                ctx,
                Some(&actor),
                "pickup_point",
                point_id,
                "create",
                None,
                None,
                None,
            )?;
            audit(
                tx,
                ctx,
                Some(&actor),
                "staff",
                id,
                "create",
                None,
                Some("supervisor"),
                Some("first supervisor"),
            )?;
            Ok(actor)
        })
    }

    pub fn add_point(&mut self, actor: &Actor, point: NewPoint) -> DeskResult<i64> {
        actor.require(crate::domain::permission::UseCase::AddPoint)?;
        let code = check_code(point.code, "pickup point code")?;
        let name = check_text(point.name, "pickup point name")?;
        let address = check_text(point.address, "address")?;
        self.run(|tx, ctx| {
            if store::point::by_code(tx, &code)?.is_some() {
                return Err(Problem::new(
                    "setup.duplicate_point",
                    format!("Pickup point {code} exists already."),
                )
                .with("code", &code)
                .into());
            }
            let id = store::point::insert(tx, &code, &name, &address, &ctx.stamp())?;
            audit(
                tx,
                ctx,
                Some(actor),
                "pickup_point",
                id,
                "create",
                None,
                None,
                None,
            )?;
            Ok(id)
        })
    }

    pub fn add_staff(&mut self, actor: &Actor, staff: NewStaffMember) -> DeskResult<i64> {
        actor.require(crate::domain::permission::UseCase::AddStaff)?;
        let (staff_no, name, hash) = staff_fields(&staff)?;
        let point_code = staff.point_code.map(|c| c.trim().to_ascii_uppercase());
        let role = staff.role;
        self.run(|tx, ctx| {
            if store::staff::by_no(tx, &staff_no)?.is_some() {
                return Err(Problem::new(
                    "setup.duplicate_staff",
                    format!("Staff number {staff_no} is taken."),
                )
                .with("staff_no", &staff_no)
                .into());
            }
            let point_id = match &point_code {
                Some(code) => Some(point_id(tx, code)?),
                None if role == Role::Clerk => {
                    return refuse(
                        "setup.clerk_point",
                        "A clerk works at a pickup point: give its code.",
                    )
                }
                None => None,
            };
            let id = store::staff::insert(
                tx,
                &store::staff::NewStaff {
                    staff_no: &staff_no,
                    name: &name,
                    role: role.as_str(),
                    pickup_point_id: point_id,
                    pin_hash: &hash,
                },
                &ctx.stamp(),
            )?;
            audit(
                tx,
                ctx,
                Some(actor),
                "staff",
                id,
                "create",
                None,
                Some(role.as_str()),
                None,
            )?;
            Ok(id)
        })
    }

    pub fn unlock_staff(&mut self, actor: &Actor, staff_no: &str) -> DeskResult<()> {
        actor.require(crate::domain::permission::UseCase::UnlockStaff)?;
        let staff_no = staff_no.trim().to_ascii_uppercase();
        self.run(|tx, ctx| {
            let Some(s) = store::staff::by_no(tx, &staff_no)? else {
                return Err(Problem::new(
                    "setup.unknown_staff",
                    format!("There is no staff number {staff_no}."),
                )
                .with("staff_no", &staff_no)
                .into());
            };
            store::staff::set_pin_failures(tx, s.id, 0, false)?;
            audit(
                tx,
                ctx,
                Some(actor),
                "staff",
                s.id,
                "unlock",
                None,
                None,
                None,
            )?;
            Ok(())
        })
    }

    /// Take a device into a pickup point's stock (the actor's own point unless named).
    pub fn add_device(
        &mut self,
        actor: &Actor,
        serial: &str,
        model_code: &str,
        point_code: Option<&str>,
    ) -> DeskResult<AddedDevice> {
        actor.require(UseCase::AddDevice)?;
        let model = self.policy.require_model(model_code)?.clone();
        let serial = model.check_serial(serial)?;
        let point_code = point_code.map(|c| c.trim().to_ascii_uppercase());
        self.run(|tx, ctx| {
            let point_id = match &point_code {
                Some(code) => point_id(tx, code)?,
                None => actor.point_id.ok_or_else(|| {
                    Problem::new(
                        "setup.no_point",
                        "Name the pickup point the device goes to.",
                    )
                })?,
            };
            if let Some(d) = store::device::by_serial(tx, &serial)? {
                return Err(Problem::new(
                    "device.duplicate",
                    format!("Serial {} is already registered ({}).", d.serial, d.state),
                )
                .with("serial", &d.serial)
                .into());
            }
            let id = store::device::insert(tx, &serial, &model.code, point_id, &ctx.stamp())?;
            audit(
                tx,
                ctx,
                Some(actor),
                "device",
                id,
                "stock in",
                None,
                Some(DeviceState::InStock.as_str()),
                None,
            )?;
            Ok(AddedDevice {
                id,
                serial,
                model_code: model.code.clone(),
            })
        })
    }

    pub fn model(&self, code: &str) -> DeskResult<&DeviceModel> {
        Ok(self.policy.require_model(code)?)
    }
}

fn staff_fields(staff: &NewStaffMember) -> DeskResult<(String, String, String)> {
    let staff_no = check_code(staff.staff_no, "staff number")?;
    let name = check_text(staff.name, "name")?;
    check_pin_shape(staff.pin)?;
    let hash = hash_pin(staff.pin)?;
    Ok((staff_no, name, hash))
}

pub(crate) fn point_id(tx: &rusqlite::Connection, code: &str) -> DeskResult<i64> {
    match store::point::by_code(tx, code)? {
        Some(p) => Ok(p.id),
        None => Err(Problem::new(
            "setup.unknown_point",
            format!("There is no pickup point {code}."),
        )
        .with("code", code)
        .into()),
    }
}
