//! Reserve and bind a device, hand it over with the deposit, activate it.

use super::apply::{check_terminal_limit, load, release_device, transition};
use super::auth::Actor;
use super::error::{refuse, DeskResult};
use super::{audit, Ctx, Desk};
use crate::domain::lifecycle::{device_can_move, ApplicationEvent, ApplicationState, DeviceState};
use crate::domain::money::Fen;
use crate::domain::permission::UseCase;
use crate::domain::problem::Problem;
use crate::domain::resident_id::ResidentId;
use crate::store;
use crate::store::application::ApplicationRow;
use crate::store::device::DeviceRow;
use crate::store::money::PaidFor;
use rusqlite::Connection;
use serde::Serialize;

pub const PAYMENT_METHODS: [&str; 4] = ["cash", "unionpay", "wechat", "alipay"];

#[derive(Debug, Clone, Serialize)]
pub struct HandOver {
    pub deposit_id: i64,
    pub deposit: Fen,
    pub method: String,
}

/// The device a scanner or clerk named, checked against this application.
fn device_for(
    tx: &Connection,
    ctx: &Ctx,
    app: &ApplicationRow,
    serial: &str,
) -> DeskResult<DeviceRow> {
    let model = ctx.policy.require_model(&app.form.model_code)?;
    let serial = crate::domain::policy::DeviceModel::normalize_serial(serial);
    let Some(device) = store::device::by_serial(tx, &serial)? else {
        // Say why: a wrong model's serial reads differently from an unknown one.
        model.check_serial(&serial)?;
        return Err(Problem::new(
            "device.unknown",
            format!("Serial {serial} is not in stock anywhere; check the label."),
        )
        .with("serial", &serial)
        .into());
    };
    if device.model_code != model.code {
        return Err(Problem::new(
            "device.wrong_model",
            format!(
                "{serial} is a {}, but this application is for a {}.",
                device.model_code, model.code
            ),
        )
        .with("serial", &serial)
        .with("model", &device.model_code)
        .with("wanted", &model.code)
        .into());
    }
    model.check_serial(&serial)?;
    if device.pickup_point_id != app.pickup_point_id {
        return Err(Problem::new(
            "device.other_point",
            format!("{serial} belongs to another pickup point's stock, not this one's."),
        )
        .with("serial", &serial)
        .into());
    }
    Ok(device)
}

fn merchant_of(app: &ApplicationRow) -> DeskResult<i64> {
    app.merchant_id.ok_or_else(|| {
        Problem::new(
            "application.no_merchant",
            "This application has no merchant yet; submit it first.",
        )
        .into()
    })
}

pub(crate) fn reserve(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    serial: &str,
) -> DeskResult<DeviceRow> {
    actor.require(UseCase::BindDevice)?;
    let app = load(tx, id)?;
    if !matches!(
        app.state,
        ApplicationState::Approved | ApplicationState::Verified | ApplicationState::Contracted
    ) {
        return Err(Problem::new(
            "device.reserve_state",
            format!(
                "A device is reserved for an approved application; this one is {}.",
                app.state
            ),
        )
        .with_key("state", format!("state.{}", app.state.as_str()))
        .into());
    }
    let device = device_for(tx, ctx, &app, serial)?;
    if device.reserved_for == Some(id) {
        return Ok(device);
    }
    if device.state != DeviceState::InStock {
        return Err(Problem::new(
            "device.not_in_stock",
            format!("{} is {}, not in stock.", device.serial, device.state),
        )
        .with("serial", &device.serial)
        .into());
    }
    check_terminal_limit(tx, ctx, merchant_of(&app)?, id, true)?;
    if let Some(other) = store::device::reserved_for(tx, id)? {
        release_device(tx, ctx, actor, other.id, DeviceState::Reserved)?;
    }
    move_device(
        tx,
        ctx,
        actor,
        &device,
        DeviceState::Reserved,
        Some(id),
        "reserve",
    )?;
    Ok(DeviceRow {
        state: DeviceState::Reserved,
        reserved_for: Some(id),
        ..device
    })
}

fn move_device(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    device: &DeviceRow,
    to: DeviceState,
    reserved_for: Option<i64>,
    action: &str,
) -> DeskResult<()> {
    device_can_move(device.state, to)?;
    store::device::set_state(tx, device.id, device.state, to, reserved_for, &ctx.stamp())?;
    audit(
        tx,
        ctx,
        Some(actor),
        "device",
        device.id,
        action,
        Some(device.state.as_str()),
        Some(to.as_str()),
        None,
    )
}

/// Scan or type a serial: it must be this point's stock, of the right model,
/// unbound, and the merchant must stay within the terminal limit.
pub(crate) fn bind(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    serial: &str,
) -> DeskResult<DeviceRow> {
    let app = load(tx, id)?;
    crate::domain::lifecycle::application_next(app.state, ApplicationEvent::BindDevice)?;
    let device = reserve(tx, ctx, actor, id, serial)?;
    if store::device::active_binding(tx, id)?.is_some() {
        return refuse(
            "binding.exists",
            "This application already has a device bound.",
        );
    }
    let merchant_id = merchant_of(&app)?;
    move_device(tx, ctx, actor, &device, DeviceState::Bound, None, "bind")?;
    let binding = store::device::insert_binding(
        tx,
        device.id,
        id,
        merchant_id,
        actor.staff_id,
        &ctx.stamp(),
    )?;
    audit(
        tx,
        ctx,
        Some(actor),
        "binding",
        binding,
        "bind",
        None,
        Some("active"),
        None,
    )?;
    transition(tx, ctx, actor, &app, ApplicationEvent::BindDevice, None)?;
    let point = store::point::get(tx, app.pickup_point_id)?;
    let place = point
        .map(|p| super::messages::pickup_place(&p.name, &p.address))
        .unwrap_or_default();
    let sms = super::messages::ready_for_pickup(&app.reference(), &place);
    store::outbox::enqueue(
        tx,
        &app.form.phone,
        sms.template,
        &sms.body,
        Some(id),
        &ctx.stamp(),
    )?;
    Ok(DeviceRow {
        state: DeviceState::Bound,
        reserved_for: None,
        ..device
    })
}

/// Hand the device over: the applicant shows their ID again, and pays the
/// model's deposit as its own movement of money.
pub(crate) fn hand_over(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    id_shown: &str,
    method: &str,
) -> DeskResult<HandOver> {
    actor.require(UseCase::HandOver)?;
    let app = load(tx, id)?;
    crate::domain::lifecycle::application_next(app.state, ApplicationEvent::HandOver)?;
    let shown = ResidentId::parse(id_shown, ctx.today())?;
    if shown.as_str() != app.form.id_number {
        return refuse(
            "pickup.id_mismatch",
            "The ID card shown is not the applicant's; the device can only go to the applicant.",
        );
    }
    let method = method.trim().to_ascii_lowercase();
    if !PAYMENT_METHODS.contains(&method.as_str()) {
        return refuse(
            "payment.method",
            format!("Payment method is one of: {}.", PAYMENT_METHODS.join(", ")),
        );
    }
    let binding = store::device::active_binding(tx, id)?
        .ok_or_else(|| Problem::new("binding.none", "No device is bound to this application."))?;
    let amount = ctx.policy.require_model(&app.form.model_code)?.deposit;
    let now = ctx.stamp();
    let deposit_id =
        store::money::insert_deposit(tx, id, merchant_of(&app)?, binding.device_id, amount, &now)?;
    audit(
        tx,
        ctx,
        Some(actor),
        "deposit",
        deposit_id,
        "take deposit",
        None,
        Some("held"),
        None,
    )?;
    if !amount.is_zero() {
        store::money::insert_payment(
            tx,
            id,
            PaidFor::Deposit(deposit_id),
            amount,
            &method,
            actor.staff_id,
            &now,
        )?;
    }
    transition(tx, ctx, actor, &app, ApplicationEvent::HandOver, None)?;
    Ok(HandOver {
        deposit_id,
        deposit: amount,
        method,
    })
}

/// Record the activation code or the first transaction's reference.
pub(crate) fn activate(
    tx: &Connection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    activation_ref: &str,
) -> DeskResult<()> {
    actor.require(UseCase::Activate)?;
    let app = load(tx, id)?;
    crate::domain::lifecycle::application_next(app.state, ApplicationEvent::Activate)?;
    let reference = activation_ref.trim();
    if reference.is_empty() || reference.chars().count() > 64 {
        return refuse(
            "activation.code",
            "Type the activation code or the first transaction's reference (up to 64 characters).",
        );
    }
    let binding = store::device::active_binding(tx, id)?
        .ok_or_else(|| Problem::new("binding.none", "No device is bound to this application."))?;
    let device = store::device::get(tx, binding.device_id)?
        .ok_or_else(|| anyhow::anyhow!("bound device {} missing", binding.device_id))?;
    store::device::activate_binding(tx, binding.id, reference, &ctx.stamp())?;
    move_device(
        tx,
        ctx,
        actor,
        &device,
        DeviceState::Activated,
        None,
        "activate",
    )?;
    transition(tx, ctx, actor, &app, ApplicationEvent::Activate, None)?;
    Ok(())
}

impl Desk {
    pub fn reserve_device(
        &mut self,
        actor: &Actor,
        id: i64,
        serial: &str,
    ) -> DeskResult<DeviceRow> {
        self.run(|tx, ctx| reserve(tx, ctx, actor, id, serial))
    }

    pub fn bind_device(&mut self, actor: &Actor, id: i64, serial: &str) -> DeskResult<DeviceRow> {
        self.run(|tx, ctx| {
            let device = bind(tx, ctx, actor, id, serial)?;
            super::test_pause("bind");
            Ok(device)
        })
    }

    pub fn hand_over(
        &mut self,
        actor: &Actor,
        id: i64,
        id_shown: &str,
        method: &str,
    ) -> DeskResult<HandOver> {
        self.run(|tx, ctx| hand_over(tx, ctx, actor, id, id_shown, method))
    }

    pub fn activate(&mut self, actor: &Actor, id: i64, activation_ref: &str) -> DeskResult<()> {
        self.run(|tx, ctx| activate(tx, ctx, actor, id, activation_ref))
    }

    /// This point's devices waiting on the shelf, for the pick list.
    pub fn stock(
        &self,
        point_id: i64,
        model_code: Option<&str>,
        limit: i64,
    ) -> DeskResult<Vec<DeviceRow>> {
        Ok(store::device::in_stock(
            &self.conn, point_id, model_code, limit,
        )?)
    }
}
