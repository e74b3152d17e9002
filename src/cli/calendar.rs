//! `posdesk calendar is-workday | add-workdays | load | years`.

use super::Session;
use chrono::NaiveDate;
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// Is DATE a working day? Exit 0 if it is, 1 if not.
    IsWorkday {
        date: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// The N-th working day strictly after DATE.
    AddWorkdays {
        date: NaiveDate,
        n: u32,
        #[arg(long)]
        json: bool,
    },
    /// Load a year's official schedule from a TOML file (same shape as assets/holidays.toml).
    Load { file: PathBuf },
    /// The years whose schedule is loaded.
    Years,
}

fn warn_missing(years: &[i32]) {
    if !years.is_empty() {
        let list: Vec<String> = years.iter().map(i32::to_string).collect();
        eprintln!(
            "warning: no holiday schedule is loaded for {}; weekends only were assumed there. Load it with `posdesk calendar load FILE`.",
            list.join(", ")
        );
    }
}

pub fn run(session: &Session, cmd: CalendarCommand) -> anyhow::Result<i32> {
    match cmd {
        CalendarCommand::IsWorkday { date, json } => {
            let desk = session.open_desk()?;
            let (workday, known) = desk.calendar.is_workday_assuming_weekends(date);
            if !known {
                warn_missing(&[chrono::Datelike::year(&date)]);
            }
            if json {
                super::output::json(
                    &json!({ "date": date, "workday": workday, "complete": known }),
                )?;
            } else {
                println!(
                    "{date} is {}a working day",
                    if workday { "" } else { "not " }
                );
            }
            Ok(if workday { 0 } else { 1 })
        }
        CalendarCommand::AddWorkdays { date, n, json } => {
            let desk = session.open_desk()?;
            let answer = desk.calendar.add_workdays(date, n);
            warn_missing(&answer.missing_years);
            if json {
                super::output::json(&json!({ "date": answer.date, "complete": answer.complete }))?;
            } else {
                println!("{}", answer.date);
            }
            Ok(0)
        }
        CalendarCommand::Load { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let mut desk = session.open_desk()?;
            let actor = if desk.counts()?.staff > 0 {
                Some(session.actor(&mut desk)?)
            } else {
                None
            };
            for (year, replaced) in desk.load_holidays(actor.as_ref(), &text)? {
                println!(
                    "{year}: {}",
                    if replaced {
                        "schedule replaced"
                    } else {
                        "schedule loaded"
                    }
                );
            }
            Ok(0)
        }
        CalendarCommand::Years => {
            let desk = session.open_desk()?;
            for y in desk.calendar.years() {
                println!("{y}");
            }
            Ok(0)
        }
    }
}
