//! The headless face of posdesk: clap subcommands over `desk/`, for scripts,
//! imports and checks. Exit codes: 0 done, 1 refused or invalid, 2 usage.

mod admin;
mod app;
mod calendar;
mod check;
mod keys;
mod money;
mod output;
mod secret;

use crate::desk::{Actor, Desk, DeskError, Setup};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "posdesk",
    version,
    about = "Counter desk for POS terminals: applications, identity checks, device binding and deposits",
    long_about = "posdesk walks a counter clerk through a merchant's POS-terminal application, \
identity verification, contract, device binding and activation, and keeps the store of it all \
in one SQLite file. Run without a subcommand to see the store's status."
)]
pub struct Cli {
    /// The store file (created and migrated on first use).
    #[arg(long, global = true, env = "POSDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The staff number acting; the PIN comes from POSDESK_PIN or the first line of stdin.
    #[arg(
        long = "as",
        global = true,
        env = "POSDESK_STAFF",
        value_name = "STAFF_NO"
    )]
    pub staff: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show the store: where it is, what is in it, what to do next.
    Status(admin::StatusArgs),
    /// Check an ID number, a mobile number or a bank card number.
    Check(check::CheckArgs),
    /// Working days and the official holiday schedule.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Fill the store with realistic demo data and print the demo logins.
    Demo(admin::DemoArgs),
    /// Set up an empty store: the first pickup point and its supervisor.
    Init(admin::InitArgs),
    /// Staff accounts (supervisor).
    #[command(subcommand)]
    Staff(admin::StaffCommand),
    /// Pickup points (supervisor).
    #[command(subcommand)]
    Point(admin::PointCommand),
    /// Device stock.
    #[command(subcommand)]
    Device(admin::DeviceCommand),
    /// Applications: from draft to activated terminal.
    #[command(subcommand)]
    App(Box<app::AppCommand>),
    /// Messages for merchants waiting for the SMS gateway.
    Outbox(admin::OutboxArgs),
    /// Fees after activation.
    #[command(subcommand)]
    Fees(money::FeesCommand),
    /// Card volumes from the acquirer.
    #[command(subcommand)]
    Volumes(money::VolumesCommand),
    /// Deposits and refunds: eligibility, request, confirm, bank batches, results.
    #[command(subcommand)]
    Refunds(Box<money::RefundsCommand>),
    /// Reports.
    #[command(subcommand)]
    Report(money::ReportCommand),
    /// Copy the store while it is in use (SQLite online backup; supervisor).
    Backup { file: PathBuf },
    /// Replace the store with a backup after checking it (supervisor). The
    /// current store is kept beside it first.
    Restore {
        file: PathBuf,
        /// Don't ask.
        #[arg(long)]
        yes: bool,
    },
    /// The audit log: check its hash chain.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// The merchant kiosk: merchants check their own terminal and deposit; a staff PIN leaves it.
    Kiosk,
    /// Every screen's commands and their keys: the names config.toml's [keys] takes.
    Keys,
}

/// Parse, run, and turn the outcome into an exit code.
pub fn main() -> i32 {
    let matches = Cli::command().get_matches();
    let command = command_name(&matches);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli, command) {
        Ok(code) => code,
        Err(e) => {
            report(&e);
            1
        }
    }
}

/// `refunds import`: the subcommand path only, never its arguments (they may
/// be ID, card or phone numbers), for the log.
fn command_name(matches: &clap::ArgMatches) -> String {
    let mut names = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        names.push(name.to_string());
        m = sub;
    }
    names.join(" ")
}

fn report(e: &anyhow::Error) {
    match e.downcast_ref::<DeskError>() {
        Some(DeskError::Refused(p)) => {
            // The code only: a refusal's words may quote what was typed.
            tracing::info!(code = p.code, "refused");
            eprintln!("refused: {}", p.message)
        }
        _ => {
            tracing::error!("failed: {e:#}");
            eprintln!("error: {e:#}")
        }
    }
}

pub struct Session {
    pub cli_staff: Option<String>,
    pub db: PathBuf,
    /// The subcommand, for the log.
    pub command: String,
}

impl Session {
    pub fn open_desk(&self) -> anyhow::Result<Desk> {
        let setup = Setup::from_config_dir(crate::paths::config_dir().as_deref())?;
        let mut desk = Desk::open(&self.db, setup)?;
        crate::logging::init(&self.db);
        tracing::info!(command = %self.command, "cli");
        desk.on_busy = Some(Box::new(|attempt| {
            eprintln!("store busy (another counter is writing), retrying… [{attempt}]")
        }));
        Ok(desk)
    }

    /// Log in as `--as` with the PIN from POSDESK_PIN or stdin.
    pub fn actor(&self, desk: &mut Desk) -> anyhow::Result<Actor> {
        if self.cli_staff.is_none() {
            anyhow::bail!(
                "say who is acting: --as STAFF_NO (or POSDESK_STAFF), with the PIN in POSDESK_PIN"
            );
        }
        Ok(self.actor_with_pin(desk)?.0)
    }

    /// The acting staff member's current PIN (POSDESK_PIN or stdin), and the
    /// PIN checked.
    pub fn actor_with_pin(&self, desk: &mut Desk) -> anyhow::Result<(Actor, String)> {
        let Some(staff_no) = &self.cli_staff else {
            anyhow::bail!("say whose PIN: --as STAFF_NO (or POSDESK_STAFF)");
        };
        let pin = match std::env::var("POSDESK_PIN") {
            Ok(pin) => pin,
            Err(_) => read_pin()?,
        };
        let actor = desk.login(staff_no, &pin)?;
        tracing::info!(staff = %actor.staff_no, "acting");
        Ok((actor, pin))
    }
}

fn read_pin() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return secret::prompt("PIN: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pin = line.trim().to_string();
    if pin.is_empty() {
        anyhow::bail!("no PIN given: set POSDESK_PIN or pass it on the first line of stdin");
    }
    Ok(pin)
}

fn run(cli: Cli, command: String) -> anyhow::Result<i32> {
    let session = Session {
        cli_staff: cli.staff.clone(),
        db: cli.db.clone().unwrap_or_else(crate::paths::default_store),
        command,
    };
    match cli.command {
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            crate::tui::run(&session.db)?;
            Ok(0)
        }
        // Not a terminal (a pipe, a script): say what is in the store instead.
        None => admin::status(&session, &admin::StatusArgs::default()),
        Some(Command::Status(a)) => admin::status(&session, &a),
        Some(Command::Check(a)) => check::run(&a),
        Some(Command::Calendar(c)) => calendar::run(&session, c),
        Some(Command::Demo(a)) => admin::demo(&session, &a),
        Some(Command::Init(a)) => admin::init(&session, &a),
        Some(Command::Staff(c)) => admin::staff(&session, c),
        Some(Command::Point(c)) => admin::point(&session, c),
        Some(Command::Device(c)) => admin::device(&session, c),
        Some(Command::App(c)) => app::run(&session, *c),
        Some(Command::Outbox(a)) => admin::outbox(&session, &a),
        Some(Command::Fees(c)) => money::fees(&session, c),
        Some(Command::Volumes(c)) => money::volumes(&session, c),
        Some(Command::Refunds(c)) => money::refunds(&session, *c),
        Some(Command::Report(c)) => money::report(&session, c),
        Some(Command::Audit(c)) => admin::audit(&session, c),
        Some(Command::Backup { file }) => admin::backup(&session, &file),
        Some(Command::Restore { file, yes }) => admin::restore(&session, &file, yes),
        Some(Command::Kiosk) if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            crate::tui::run_kiosk(&session.db)?;
            Ok(0)
        }
        Some(Command::Kiosk) => anyhow::bail!("posdesk kiosk needs a terminal"),
        Some(Command::Keys) => keys::run(),
    }
}
