use crate::domain::bank_card::BinTable;
use crate::domain::calendar::HolidayCalendar;
use crate::domain::policy::Policy;
use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::path::Path;

/// The counter's calendar is China Standard Time (UTC+8, no daylight saving),
/// whatever the machine's own time zone is.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    /// Tests and reproducible demos run at a fixed instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&china_offset()).date_naive()
    }
}

/// What a use case sees besides the store.
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub policy: &'a Policy,
    pub calendar: &'a HolidayCalendar,
    pub bins: &'a BinTable,
}

impl Ctx<'_> {
    pub fn stamp(&self) -> String {
        crate::store::instant(self.now)
    }
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&china_offset()).date_naive()
    }
}

/// Policy, calendar and BIN table: built in, then overlaid from the config directory.
pub struct Setup {
    pub policy: Policy,
    pub calendar: HolidayCalendar,
    pub bins: BinTable,
    pub clock: Clock,
}

impl Setup {
    pub fn builtin() -> Setup {
        Setup {
            policy: Policy::builtin(),
            calendar: HolidayCalendar::builtin(),
            bins: BinTable::builtin(),
            clock: Clock::System,
        }
    }

    /// Built-ins plus `policy.toml` and `bins.toml` from `config_dir`, when present.
    pub fn from_config_dir(config_dir: Option<&Path>) -> Result<Setup> {
        let mut setup = Setup::builtin();
        let Some(dir) = config_dir else {
            return Ok(setup);
        };
        let policy = dir.join("policy.toml");
        if policy.exists() {
            let text = std::fs::read_to_string(&policy)
                .with_context(|| format!("cannot read {}", policy.display()))?;
            setup
                .policy
                .overlay(&text)
                .map_err(|p| anyhow::anyhow!("{}: {}", policy.display(), p.message))?;
        }
        let bins = dir.join("bins.toml");
        if bins.exists() {
            let text = std::fs::read_to_string(&bins)
                .with_context(|| format!("cannot read {}", bins.display()))?;
            let extra = BinTable::from_toml_str(&text)
                .map_err(|p| anyhow::anyhow!("{}: {}", bins.display(), p.message))?;
            setup.bins.extend(extra);
        }
        Ok(setup)
    }

    pub fn at(mut self, now: DateTime<Utc>) -> Setup {
        self.clock = Clock::Fixed(now);
        self
    }
}
