//! The device's side of a journey: taken into stock, put aside, bound,
//! activated — each move with the entry `move_device` in bind.rs writes.

use super::{device_id, reference, Device, Journey};
use crate::desk::demo_bulk::{entry, next, stamp, Gen};
use crate::domain::application_form::ApplicationForm;
use crate::domain::lifecycle::ApplicationEvent as E;
use crate::store::bulk::Row;
use chrono::Duration;
use rand::Rng;

/// A device of the application's model taken into this point's stock a while
/// before it is needed; false if the model's serials cannot be made up.
pub(super) fn stock_device(g: &mut Gen, j: &mut Journey, model_code: &str) -> bool {
    let Some(model) = g.policy.model(model_code) else {
        return false;
    };
    let serial = g.next_serial(model_code);
    if model.check_serial(&serial).is_err() {
        return false;
    }
    let stocked = j.t - Duration::minutes(g.rng.random_range(1440..43_200));
    let at = stamp(stocked);
    let id = next(&mut g.ids.device);
    g.log(
        &at,
        Some(g.supervisor),
        entry("device", id, "stock in")
            .moves(None, "in_stock")
            .because(crate::domain::audit_reason::DEMO),
    );
    g.tally.devices_added += 1;
    j.device = Some(Device {
        id,
        serial,
        model_code: model_code.to_string(),
        state: "in_stock",
        reserved_for: None,
        created_at: at.clone(),
        updated_at: at,
    });
    true
}

fn move_device(
    g: &mut Gen,
    j: &mut Journey,
    action: &'static str,
    to: &'static str,
    reserved_for: Option<i64>,
) {
    let at = stamp(j.t);
    let clerk = j.clerk;
    if let Some(d) = j.device.as_mut() {
        g.log(
            &at,
            Some(clerk),
            entry("device", d.id, action).moves(Some(d.state), to),
        );
        d.state = to;
        d.reserved_for = reserved_for;
        d.updated_at = at;
    }
}

pub(super) fn reserve(g: &mut Gen, j: &mut Journey) {
    let id = j.id;
    move_device(g, j, "reserve", "reserved", Some(id));
}

/// `bind` in bind.rs: reserve, bind, the binding, the transition, the message.
pub(super) fn bind(g: &mut Gen, j: &mut Journey, form: &ApplicationForm) {
    reserve(g, j);
    move_device(g, j, "bind", "bound", None);
    let at = stamp(j.t);
    let binding = next(&mut g.ids.binding);
    j.binding = Some(Row::Binding {
        id: binding,
        device_id: device_id(j),
        application_id: j.id,
        merchant_id: j.merchant_id.unwrap_or(0),
        bound_at: at.clone(),
        bound_by: j.clerk,
        activated_at: None,
        activation_ref: None,
    });
    g.log(
        &at,
        Some(j.clerk),
        entry("binding", binding, "bind").moves(None, "active"),
    );
    j.go(g, j.clerk, E::BindDevice, None);
    let sms = crate::desk::messages::ready_for_pickup(&reference(j.id), &g.points[j.point].place);
    g.sms(&at, &form.phone, sms, j.id);
}

/// `activate` in bind.rs: the binding's code, the device, the transition.
pub(super) fn activate(g: &mut Gen, j: &mut Journey) {
    let at = stamp(j.t);
    let code = format!("ACT{:010}", g.rng.random_range(0..10_000_000_000u64));
    if let Some(Row::Binding {
        activated_at,
        activation_ref,
        ..
    }) = j.binding.as_mut()
    {
        *activated_at = Some(at.clone());
        *activation_ref = Some(code);
    }
    move_device(g, j, "activate", "activated", None);
    j.go(g, j.clerk, E::Activate, None);
}
