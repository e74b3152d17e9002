//! Loading a new year's holiday schedule without a new release.

use super::auth::Actor;
use super::error::DeskResult;
use super::{audit, Desk};
use crate::domain::calendar::HolidayCalendar;
use crate::store;
use rusqlite::Connection;

/// Years loaded into the store replace the built-in ones.
pub(crate) fn merge_stored_years(
    conn: &Connection,
    calendar: &mut HolidayCalendar,
) -> anyhow::Result<()> {
    for (year, text) in store::holiday::all(conn)? {
        match HolidayCalendar::from_toml_str(&text) {
            Ok(loaded) => calendar.merge(loaded),
            Err(p) => anyhow::bail!(
                "the stored holiday schedule for {year} is damaged: {}",
                p.message
            ),
        }
    }
    Ok(())
}

impl Desk {
    /// Check a schedule file and keep each of its years in the store, all or nothing.
    /// Returns the years loaded, each with whether it replaced an earlier one.
    pub fn load_holidays(
        &mut self,
        actor: Option<&Actor>,
        text: &str,
    ) -> DeskResult<Vec<(i32, bool)>> {
        if let Some(a) = actor {
            a.require(crate::domain::permission::UseCase::LoadHolidays)?;
        }
        let parsed = HolidayCalendar::from_toml_str(text)?;
        let years = parsed.years();
        let loaded = self.run(|tx, ctx| {
            let mut out = Vec::new();
            for y in &years {
                let one = parsed
                    .to_toml_string(*y)
                    .ok_or_else(|| anyhow::anyhow!("year {y} vanished while saving"))?;
                let replaced = store::holiday::save_year(
                    tx,
                    *y,
                    &one,
                    actor.map(|a| a.staff_id),
                    &ctx.stamp(),
                )?;
                let action = if replaced {
                    "replace schedule"
                } else {
                    "load schedule"
                };
                audit(
                    tx,
                    ctx,
                    actor,
                    "holiday_year",
                    i64::from(*y),
                    action,
                    None,
                    None,
                    None,
                )?;
                out.push((*y, replaced));
            }
            Ok(out)
        })?;
        self.calendar.merge(parsed);
        Ok(loaded)
    }
}
