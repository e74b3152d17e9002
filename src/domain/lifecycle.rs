//! The application and device state machines of design.md. Each transition is
//! a function of (from, event) so an illegal move is refused before any SQL runs.

use super::problem::Problem;
use serde::Serialize;
use std::fmt;

macro_rules! states {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

states!(ApplicationState {
    Draft => "draft",
    Submitted => "submitted",
    Approved => "approved",
    Rejected => "rejected",
    Verified => "verified",
    Contracted => "contracted",
    ReadyForPickup => "ready_for_pickup",
    PickedUp => "picked_up",
    Activated => "activated",
    Cancelled => "cancelled",
});

states!(DeviceState {
    InStock => "in_stock",
    Reserved => "reserved",
    Bound => "bound",
    Activated => "activated",
    Returned => "returned",
    Faulty => "faulty",
});

/// What happens to an application; each names one arrow of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationEvent {
    Submit,
    Approve,
    Reject,
    Verify,
    SignContract,
    BindDevice,
    HandOver,
    Activate,
    Cancel,
}

impl ApplicationEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationEvent::Submit => "submit",
            ApplicationEvent::Approve => "approve",
            ApplicationEvent::Reject => "reject",
            ApplicationEvent::Verify => "verify",
            ApplicationEvent::SignContract => "sign contract",
            ApplicationEvent::BindDevice => "bind device",
            ApplicationEvent::HandOver => "hand over",
            ApplicationEvent::Activate => "activate",
            ApplicationEvent::Cancel => "cancel",
        }
    }
}

pub fn application_next(
    from: ApplicationState,
    event: ApplicationEvent,
) -> Result<ApplicationState, Problem> {
    use ApplicationEvent as E;
    use ApplicationState as S;
    let to = match (from, event) {
        (S::Draft, E::Submit) => S::Submitted,
        (S::Submitted, E::Approve) => S::Approved,
        (S::Submitted, E::Reject) => S::Rejected,
        (S::Approved, E::Verify) => S::Verified,
        (S::Verified, E::SignContract) => S::Contracted,
        (S::Contracted, E::BindDevice) => S::ReadyForPickup,
        (S::ReadyForPickup, E::HandOver) => S::PickedUp,
        (S::PickedUp, E::Activate) => S::Activated,
        (
            S::Draft | S::Submitted | S::Approved | S::Verified | S::Contracted | S::ReadyForPickup,
            E::Cancel,
        ) => S::Cancelled,
        _ => {
            return Err(Problem::new(
                "application.transition",
                format!(
                    "An application that is {} cannot {} ({} → {} is not allowed).",
                    from.as_str().replace('_', " "),
                    event.as_str(),
                    from,
                    intended(event)
                ),
            )
            .with_key("state", format!("state.{}", from.as_str())))
        }
    };
    Ok(to)
}

/// The state an event aims at, to name the refused from→to in a message.
fn intended(event: ApplicationEvent) -> &'static str {
    match event {
        ApplicationEvent::Submit => "submitted",
        ApplicationEvent::Approve => "approved",
        ApplicationEvent::Reject => "rejected",
        ApplicationEvent::Verify => "verified",
        ApplicationEvent::SignContract => "contracted",
        ApplicationEvent::BindDevice => "ready_for_pickup",
        ApplicationEvent::HandOver => "picked_up",
        ApplicationEvent::Activate => "activated",
        ApplicationEvent::Cancel => "cancelled",
    }
}

/// `Bound → InStock` is an application cancelled before the device left the counter.
pub fn device_can_move(from: DeviceState, to: DeviceState) -> Result<(), Problem> {
    use DeviceState as D;
    let ok = matches!(
        (from, to),
        (D::InStock, D::Reserved)
            | (D::InStock, D::Faulty)
            | (D::Reserved, D::Bound)
            | (D::Reserved, D::InStock)
            | (D::Bound, D::InStock)
            | (D::Bound, D::Activated)
            | (D::Bound, D::Returned)
            | (D::Bound, D::Faulty)
            | (D::Activated, D::Returned)
            | (D::Activated, D::Faulty)
            | (D::Returned, D::InStock)
            | (D::Returned, D::Faulty)
    );
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            "device.transition",
            format!(
                "A device that is {} cannot become {} ({} → {} is not allowed).",
                from.as_str().replace('_', " "),
                to.as_str().replace('_', " "),
                from,
                to
            ),
        )
        .with_key("from", format!("device_state.{}", from.as_str()))
        .with_key("to", format!("device_state.{}", to.as_str())))
    }
}

impl ApplicationState {
    /// Before pickup an application can still be cancelled.
    pub fn is_open(self) -> bool {
        application_next(self, ApplicationEvent::Cancel).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationEvent as E;
    use ApplicationState as S;

    const EVENTS: [ApplicationEvent; 9] = [
        E::Submit,
        E::Approve,
        E::Reject,
        E::Verify,
        E::SignContract,
        E::BindDevice,
        E::HandOver,
        E::Activate,
        E::Cancel,
    ];

    fn legal() -> Vec<(S, E, S)> {
        vec![
            (S::Draft, E::Submit, S::Submitted),
            (S::Submitted, E::Approve, S::Approved),
            (S::Submitted, E::Reject, S::Rejected),
            (S::Approved, E::Verify, S::Verified),
            (S::Verified, E::SignContract, S::Contracted),
            (S::Contracted, E::BindDevice, S::ReadyForPickup),
            (S::ReadyForPickup, E::HandOver, S::PickedUp),
            (S::PickedUp, E::Activate, S::Activated),
            (S::Draft, E::Cancel, S::Cancelled),
            (S::Submitted, E::Cancel, S::Cancelled),
            (S::Approved, E::Cancel, S::Cancelled),
            (S::Verified, E::Cancel, S::Cancelled),
            (S::Contracted, E::Cancel, S::Cancelled),
            (S::ReadyForPickup, E::Cancel, S::Cancelled),
        ]
    }

    #[test]
    fn every_application_pair_is_legal_exactly_when_listed() {
        let legal = legal();
        for &from in S::ALL {
            for event in EVENTS {
                let expected = legal
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match (application_next(from, event), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from} {event:?}"),
                    (Err(p), None) => {
                        assert_eq!(p.code, "application.transition");
                        assert!(p.message.contains(from.as_str()), "{}", p.message);
                    }
                    (got, want) => panic!("{from} {event:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn nothing_leaves_the_final_states() {
        for from in [S::Rejected, S::Cancelled, S::Activated] {
            for event in EVENTS {
                assert!(application_next(from, event).is_err(), "{from} {event:?}");
            }
        }
    }

    #[test]
    fn picked_up_can_no_longer_be_cancelled() {
        let err = application_next(S::PickedUp, E::Cancel).unwrap_err();
        assert!(
            err.message.contains("picked_up → cancelled"),
            "{}",
            err.message
        );
    }

    #[test]
    fn device_moves() {
        use DeviceState as D;
        let legal = [
            (D::InStock, D::Reserved),
            (D::InStock, D::Faulty),
            (D::Reserved, D::Bound),
            (D::Reserved, D::InStock),
            (D::Bound, D::InStock),
            (D::Bound, D::Activated),
            (D::Bound, D::Returned),
            (D::Bound, D::Faulty),
            (D::Activated, D::Returned),
            (D::Activated, D::Faulty),
            (D::Returned, D::InStock),
            (D::Returned, D::Faulty),
        ];
        for &from in D::ALL {
            for &to in D::ALL {
                let ok = legal.contains(&(from, to));
                let got = device_can_move(from, to);
                assert_eq!(got.is_ok(), ok, "{from} → {to}");
                if let Err(p) = got {
                    assert!(p.message.contains(&format!("{from} → {to}")));
                }
            }
        }
    }

    #[test]
    fn states_round_trip_through_text() {
        for &s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        for &d in DeviceState::ALL {
            assert_eq!(DeviceState::parse(d.as_str()), Some(d));
        }
        assert_eq!(S::parse("approved "), None);
    }
}

states!(DepositState {
    Held => "held",
    Eligible => "eligible",
    RefundRequested => "refund_requested",
    RefundConfirmed => "refund_confirmed",
    RefundSent => "refund_sent",
    Refunded => "refunded",
    RefundFailed => "refund_failed",
    Forfeited => "forfeited",
});
