//! Staff identity: who is acting, proven by staff number + PIN (argon2id).

use super::error::{refuse, DeskResult};
use super::{audit, Desk};
use crate::domain::checklist::Role;
use crate::domain::permission::UseCase;
use crate::domain::problem::Problem;
use crate::store;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use serde::Serialize;

pub const MAX_PIN_FAILURES: i64 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub staff_id: i64,
    pub staff_no: String,
    pub name: String,
    pub role: Role,
    pub point_id: Option<i64>,
}

impl Actor {
    pub fn is_supervisor(&self) -> bool {
        self.role == Role::Supervisor
    }

    /// Ask the permission table; a refusal names what was refused.
    pub fn require(&self, use_case: UseCase) -> DeskResult<()> {
        if use_case.allowed(self.role) {
            Ok(())
        } else {
            refuse(
                "role.supervisor_only",
                format!(
                    "Only a supervisor can {}; ask your supervisor.",
                    use_case.describe()
                ),
            )
        }
    }
}

pub fn check_pin_shape(pin: &str) -> Result<(), Problem> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Problem::new("pin.format", "A PIN is 4 to 12 digits."))
    }
}

pub fn hash_pin(pin: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the PIN: {e}"))
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Desk {
    /// Check a staff member's PIN. Wrong PINs count; the fifth locks the account
    /// until a supervisor unlocks it. The refusal never says which part was wrong.
    pub fn login(&mut self, staff_no: &str, pin: &str) -> DeskResult<Actor> {
        let staff_no = staff_no.trim().to_ascii_uppercase();
        let pin = pin.to_string();
        let outcome = self.run(|tx, ctx| {
            let Some(s) = store::staff::by_no(tx, &staff_no)? else {
                return Ok(Err(wrong()));
            };
            if !s.active {
                return Ok(Err(Problem::new(
                    "login.inactive",
                    "This staff account is no longer active.",
                )));
            }
            if s.locked {
                return Ok(Err(locked()));
            }
            if pin_matches(&pin, &s.pin_hash) {
                if s.failed_pins > 0 {
                    store::staff::set_pin_failures(tx, s.id, 0, false)?;
                }
                let actor = actor_of(&s);
                audit(
                    tx,
                    ctx,
                    Some(&actor),
                    "staff",
                    s.id,
                    "login",
                    None,
                    None,
                    None,
                )?;
                return Ok(Ok(actor));
            }
            Ok(Err(count_wrong_pin(tx, ctx, &s)?.unwrap_or_else(wrong)))
        })?;
        outcome.map_err(Into::into)
    }

    /// Change one's own PIN; the current PIN is asked again. A wrong current PIN
    /// counts towards the lock like a wrong login: a session left open must not
    /// become a way to guess the PIN.
    pub fn change_pin(&mut self, actor: &Actor, current: &str, new: &str) -> DeskResult<()> {
        actor.require(UseCase::ChangeOwnPin)?;
        check_pin_shape(new)?;
        if new == current {
            return refuse(
                "pin.unchanged",
                "The new PIN must differ from the current one.",
            );
        }
        // Hashing is slow on purpose: not while holding the store.
        let hash = hash_pin(new)?;
        let current = current.to_string();
        let outcome = self.run(|tx, ctx| {
            let s = match store::staff::get(tx, actor.staff_id)? {
                Some(s) if s.active => s,
                _ => {
                    return Ok(Err(Problem::new(
                        "login.inactive",
                        "This staff account is no longer active.",
                    )))
                }
            };
            if s.locked {
                return Ok(Err(locked()));
            }
            if !pin_matches(&current, &s.pin_hash) {
                let refusal = count_wrong_pin(tx, ctx, &s)?.unwrap_or_else(|| {
                    Problem::new("pin.wrong_current", "The current PIN is wrong.")
                });
                return Ok(Err(refusal));
            }
            store::staff::set_pin(tx, s.id, &hash)?;
            audit(
                tx,
                ctx,
                Some(actor),
                "staff",
                s.id,
                "change pin",
                None,
                None,
                None,
            )?;
            Ok(Ok(()))
        })?;
        outcome?;
        tracing::info!(staff = %actor.staff_no, "PIN changed");
        Ok(())
    }

    /// The acting staff member, re-read from the store (role or point may have changed).
    pub fn actor(&self, staff_id: i64) -> DeskResult<Actor> {
        match store::staff::get(&self.conn, staff_id)? {
            Some(s) if s.active => Ok(actor_of(&s)),
            _ => refuse("login.inactive", "This staff account is no longer active."),
        }
    }
}

/// One more wrong PIN for `s`; the fifth locks the account (and says so).
fn count_wrong_pin(
    tx: &rusqlite::Connection,
    ctx: &super::Ctx,
    s: &store::staff::StaffRow,
) -> DeskResult<Option<Problem>> {
    let failed = s.failed_pins + 1;
    let lock = failed >= MAX_PIN_FAILURES;
    store::staff::set_pin_failures(tx, s.id, failed, lock)?;
    if !lock {
        return Ok(None);
    }
    audit(
        tx,
        ctx,
        None,
        "staff",
        s.id,
        "locked",
        None,
        None,
        Some("too many wrong PINs"),
    )?;
    Ok(Some(locked()))
}

fn wrong() -> Problem {
    Problem::new("login.wrong", "Wrong staff number or PIN.")
}

fn locked() -> Problem {
    Problem::new(
        "login.locked",
        "This account is locked after too many wrong PINs; a supervisor must unlock it.",
    )
}

pub(crate) fn actor_of(s: &store::staff::StaffRow) -> Actor {
    Actor {
        staff_id: s.id,
        staff_no: s.staff_no.clone(),
        name: s.name.clone(),
        role: Role::parse(&s.role).unwrap_or(Role::Clerk),
        point_id: s.pickup_point_id,
    }
}
