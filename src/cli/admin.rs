//! Store status, demo data, setup, staff, points, stock and the SMS outbox.

use super::Session;
use crate::desk::{NewPoint, NewStaffMember};
use crate::domain::checklist::Role;
use clap::{Args, Subcommand};

#[derive(Args, Debug, Default)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
    /// With --id-last6: one merchant's own status, as the kiosk shows it.
    #[arg(long, requires = "id_last6")]
    pub phone: Option<String>,
    /// The last 6 characters of the merchant's ID number.
    #[arg(long, requires = "phone")]
    pub id_last6: Option<String>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many merchants to generate.
    #[arg(long, default_value_t = 200)]
    pub merchants: usize,
    /// The same seed gives the same people, numbers and devices.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate straight into the tables, in the shape the use cases leave them
    /// (every state, fees, refunds, batches, audit entries): over a hundred
    /// thousand rows a second, with a progress bar. The default above 5,000
    /// merchants; fills a new store only (into a copy, renamed over it when whole).
    #[arg(long, conflicts_with = "use_cases")]
    pub bulk: bool,
    /// Take every merchant through the real use cases, one transaction each
    /// (the default up to 5,000 merchants; slow beyond).
    #[arg(long)]
    pub use_cases: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    pub point_code: String,
    #[arg(long)]
    pub point_name: String,
    #[arg(long)]
    pub point_address: String,
    /// The first supervisor's staff number.
    #[arg(long)]
    pub staff_no: String,
    #[arg(long)]
    pub name: String,
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Add a clerk or supervisor; the new PIN comes from POSDESK_NEW_PIN.
    Add {
        #[arg(long)]
        no: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["clerk", "supervisor"])]
        role: String,
        /// Pickup point code (clerks need one).
        #[arg(long)]
        point: Option<String>,
    },
    /// Unlock an account locked by wrong PINs.
    Unlock { no: String },
    /// Change your own PIN (--as you): the current PIN from POSDESK_PIN and the
    /// new one from POSDESK_NEW_PIN, or both asked on a terminal without echo.
    Pin,
    /// List staff.
    List,
}

#[derive(Subcommand, Debug)]
pub enum PointCommand {
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: String,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum DeviceCommand {
    /// Take a device into stock (scan its serial).
    Add {
        serial: String,
        #[arg(long)]
        model: String,
        /// Pickup point code; your own point if left out.
        #[arg(long)]
        point: Option<String>,
    },
    /// Devices on the shelf at a pickup point.
    Stock {
        #[arg(long)]
        point: String,
        #[arg(long)]
        model: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// The device models and their deposits.
    Models,
}

#[derive(Args, Debug)]
pub struct OutboxArgs {
    /// Hand pending messages to the gateway: print them as JSON lines and mark them sent.
    #[arg(long)]
    pub drain: bool,
    #[arg(long, default_value_t = 500)]
    pub limit: i64,
}

pub fn status(session: &Session, args: &StatusArgs) -> anyhow::Result<i32> {
    if let (Some(phone), Some(last6)) = (&args.phone, &args.id_last6) {
        return merchant_status(session, phone, last6, args.json);
    }
    let desk = session.open_desk()?;
    let counts = desk.counts()?;
    if args.json {
        super::output::json(&serde_json::json!({
            "store": session.db,
            "counts": counts,
            "holiday_years": desk.calendar.years(),
        }))?;
        return Ok(0);
    }
    println!("posdesk — store {}", session.db.display());
    if counts.staff == 0 {
        println!();
        println!("This store is empty. To get going:");
        println!("  posdesk demo                      fill it with demo merchants and print the demo logins");
        println!(
            "  POSDESK_PIN=… posdesk init --point-code P001 --point-name … --point-address … \\"
        );
        println!("                 --staff-no S001 --name …   set up your own pickup point and supervisor");
        println!("  posdesk --help                    everything else");
        return Ok(0);
    }
    println!(
        "{} pickup point(s), {} staff, {} merchant(s); {} message(s) waiting for the SMS gateway",
        counts.pickup_points, counts.staff, counts.merchants, counts.sms_pending
    );
    println!();
    println!("Applications");
    for (state, n) in &counts.applications_by_state {
        println!("  {state:<18} {n:>8}");
    }
    println!("Devices");
    for (state, n) in &counts.devices_by_state {
        println!("  {state:<18} {n:>8}");
    }
    println!("Deposits");
    for (state, n, fen) in &counts.deposits_by_state {
        println!(
            "  {state:<18} {n:>8}  {:>14}",
            crate::domain::money::Fen(*fen).to_string()
        );
    }
    let years: Vec<String> = desk.calendar.years().iter().map(i32::to_string).collect();
    println!();
    println!("Holiday schedules loaded: {}", years.join(", "));
    println!("Try: posdesk app show AP00000001    posdesk --help");
    Ok(0)
}

pub fn demo(session: &Session, args: &DemoArgs) -> anyhow::Result<i32> {
    let bulk =
        args.bulk || (!args.use_cases && args.merchants > crate::desk::demo_bulk::BULK_ABOVE);
    let report = if bulk {
        let started = std::time::Instant::now();
        let bar = demo_progress_bar(args.merchants);
        // Into a copy beside the store, renamed over it once whole.
        let setup = crate::desk::Setup::from_config_dir(crate::paths::config_dir().as_deref())?;
        let r = crate::desk::demo_bulk::build_store(
            &session.db,
            setup,
            args.merchants,
            args.seed,
            &mut |p| {
                if !p.finishing {
                    // Told inside the load's transaction: tests/crash.rs stops it here.
                    crate::desk::test_pause("demo_bulk");
                }
                bar.set_position(p.merchants as u64);
                bar.set_message(if p.finishing {
                    format!("{} rows; writing the store to disk", p.rows)
                } else {
                    format!("{} rows", p.rows)
                });
            },
        );
        bar.finish_and_clear();
        let r = r?;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "Generated {} rows in {secs:.1} s ({:.0} rows/s).",
            r.rows,
            r.rows as f64 / secs.max(1e-9)
        );
        let phases: Vec<String> = r
            .phases
            .iter()
            .map(|(name, s)| format!("{name} {s:.1} s"))
            .collect();
        println!("  {}", phases.join(", "));
        r.demo
    } else {
        session.open_desk()?.load_demo(args.merchants, args.seed)?
    };
    println!(
        "Demo store {}: {} merchants, {} devices taken into stock.",
        session.db.display(),
        report.merchants,
        report.devices_added
    );
    println!("Applications:");
    for (state, n) in &report.by_state {
        println!("  {state:<18} {n:>8}");
    }
    println!("Deposits:");
    for (state, n) in &report.deposits {
        println!("  {state:<18} {n:>8}");
    }
    println!();
    println!("Demo logins (staff number / PIN):");
    for (no, role, pin) in &report.logins {
        println!("  {no}  {pin}  {role}");
    }
    println!();
    println!("Example: POSDESK_STAFF=C001 POSDESK_PIN=100001 posdesk app show AP00000001");
    Ok(0)
}

/// Merchants done, rows written, time: on stderr, and only on a terminal.
fn demo_progress_bar(merchants: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(merchants as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} merchants, {msg} (eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn new_pin(var: &str) -> anyhow::Result<String> {
    std::env::var(var).map_err(|_| anyhow::anyhow!("give the new PIN in {var} (4 to 12 digits)"))
}

pub fn init(session: &Session, a: &InitArgs) -> anyhow::Result<i32> {
    let pin = std::env::var("POSDESK_PIN").map_err(|_| {
        anyhow::anyhow!("give the supervisor's new PIN in POSDESK_PIN (4 to 12 digits)")
    })?;
    let mut desk = session.open_desk()?;
    let actor = desk.bootstrap(
        NewPoint {
            code: &a.point_code,
            name: &a.point_name,
            address: &a.point_address,
        },
        NewStaffMember {
            staff_no: &a.staff_no,
            name: &a.name,
            role: Role::Supervisor,
            pin: &pin,
            point_code: Some(&a.point_code),
        },
    )?;
    println!(
        "Store ready. Supervisor {} at pickup point {}.",
        actor.staff_no,
        a.point_code.to_uppercase()
    );
    Ok(0)
}

pub fn staff(session: &Session, cmd: StaffCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    match cmd {
        StaffCommand::Add {
            no,
            name,
            role,
            point,
        } => {
            let actor = session.actor(&mut desk)?;
            let pin = new_pin("POSDESK_NEW_PIN")?;
            let role = Role::parse(&role).unwrap_or(Role::Clerk);
            desk.add_staff(
                &actor,
                NewStaffMember {
                    staff_no: &no,
                    name: &name,
                    role,
                    pin: &pin,
                    point_code: point.as_deref(),
                },
            )?;
            println!("Added {} ({}).", no.to_uppercase(), role.as_str());
        }
        StaffCommand::Unlock { no } => {
            let actor = session.actor(&mut desk)?;
            desk.unlock_staff(&actor, &no)?;
            println!("Unlocked {}.", no.to_uppercase());
        }
        StaffCommand::Pin => {
            let (actor, current) = session.actor_with_pin(&mut desk)?;
            let new = match std::env::var("POSDESK_NEW_PIN") {
                Ok(pin) => pin,
                Err(_) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
                    let first = super::secret::prompt("New PIN (4 to 12 digits): ")?;
                    if super::secret::prompt("New PIN again: ")? != first {
                        anyhow::bail!("the two new PINs differ; nothing changed");
                    }
                    first
                }
                Err(_) => new_pin("POSDESK_NEW_PIN")?,
            };
            desk.change_pin(&actor, &current, &new)?;
            println!("PIN changed for {}.", actor.staff_no);
        }
        StaffCommand::List => {
            for s in crate::store::staff::list(desk.conn())? {
                let state = if s.locked {
                    "locked"
                } else if s.active {
                    "active"
                } else {
                    "inactive"
                };
                println!("{:<8} {:<10} {:<11} {}", s.staff_no, s.role, state, s.name);
            }
        }
    }
    Ok(0)
}

pub fn point(session: &Session, cmd: PointCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    match cmd {
        PointCommand::Add {
            code,
            name,
            address,
        } => {
            let actor = session.actor(&mut desk)?;
            desk.add_point(
                &actor,
                NewPoint {
                    code: &code,
                    name: &name,
                    address: &address,
                },
            )?;
            println!("Added pickup point {}.", code.to_uppercase());
        }
        PointCommand::List => {
            for p in crate::store::point::list(desk.conn())? {
                println!("{:<10} {}  {}", p.code, p.name, p.address);
            }
        }
    }
    Ok(0)
}

pub fn device(session: &Session, cmd: DeviceCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    match cmd {
        DeviceCommand::Add {
            serial,
            model,
            point,
        } => {
            let actor = session.actor(&mut desk)?;
            let d = desk.add_device(&actor, &serial, &model, point.as_deref())?;
            println!("{} ({}) is in stock.", d.serial, d.model_code);
        }
        DeviceCommand::Stock {
            point,
            model,
            limit,
        } => {
            let p = crate::store::point::by_code(desk.conn(), &point.to_uppercase())?
                .ok_or_else(|| anyhow::anyhow!("there is no pickup point {point}"))?;
            for d in desk.stock(p.id, model.as_deref(), limit)? {
                println!("{:<22} {}", d.serial, d.model_code);
            }
        }
        DeviceCommand::Models => {
            for m in &desk.policy.models {
                println!(
                    "{:<10} deposit {:>9}  device fee {:>9}  monthly {:>7}  {}",
                    m.code,
                    m.deposit.to_string(),
                    m.device_fee.to_string(),
                    m.monthly_fee.to_string(),
                    m.name
                );
            }
        }
    }
    Ok(0)
}

pub fn outbox(session: &Session, args: &OutboxArgs) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    if args.drain {
        // The hand-over to the SMS gateway (it needs the number): each line
        // written and flushed before its message is marked sent, all in one
        // transaction that a failed write rolls back.
        let mut out = std::io::stdout().lock();
        let handed = desk.drain_outbox(args.limit, &mut |m| {
            use std::io::Write;
            writeln!(out, "{}", serde_json::to_string(m)?)
                .and_then(|()| out.flush())
                .map_err(|e| {
                    anyhow::anyhow!(
                        "the SMS gateway stopped reading ({e}); no message was marked sent"
                    )
                })
        })?;
        tracing::info!(handed, "outbox drained");
        return Ok(0);
    }
    let messages = desk.pending_messages(args.limit)?;
    for m in &messages {
        let mut shown = m.clone();
        shown.phone = crate::domain::phone::Phone::parse(&m.phone)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "*".repeat(m.phone.chars().count()));
        println!("{}", serde_json::to_string(&shown)?);
    }
    eprintln!(
        "{} message(s) pending; --drain hands them over and marks them sent",
        messages.len()
    );
    Ok(0)
}

fn merchant_status(session: &Session, phone: &str, last6: &str, json: bool) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    let Some(s) = desk.merchant_status(phone, last6)? else {
        if json {
            super::output::json(&serde_json::json!({ "found": false }))?;
        } else {
            println!("No record found for that phone number and ID number.");
        }
        return Ok(1);
    };
    if json {
        let mut v = serde_json::to_value(&s)?;
        v["found"] = serde_json::Value::Bool(true);
        super::output::json(&v)?;
        return Ok(0);
    }
    println!(
        "{} ({})  application {}",
        s.reference, s.name_hint, s.application_state
    );
    if let Some(d) = &s.device_state {
        println!("  device    {d}");
    }
    if let (Some(amount), Some(state)) = (s.deposit, &s.deposit_state) {
        println!("  deposit   {amount} {state}");
    }
    if let Some(r) = &s.refund_state {
        println!(
            "  refund    {} {r}",
            s.refund_reference.as_deref().unwrap_or("")
        );
    }
    if let (Some(a), Some(b)) = (&s.window_earliest, &s.window_latest) {
        println!(
            "  expected  {a} to {b}{}",
            if s.overdue { "  (overdue)" } else { "" }
        );
    }
    if let Some(reason) = &s.failure_reason {
        println!("  failed    {reason}");
    }
    for u in &s.unmet {
        println!("  still to do: {u}");
    }
    Ok(0)
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 1 and name the first broken entry if any
    /// entry was changed or removed behind posdesk's back.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub fn audit(session: &Session, cmd: AuditCommand) -> anyhow::Result<i32> {
    let AuditCommand::Verify { json } = cmd;
    let desk = session.open_desk()?;
    let report = crate::store::audit::verify(desk.conn())?;
    if json {
        super::output::json(&report)?;
    } else {
        match report.first_broken {
            None => println!(
                "The audit log is intact: {} entries, head {}.",
                report.entries,
                report.head.as_deref().unwrap_or("-")
            ),
            Some(id) => println!(
                "The audit log was changed behind posdesk's back: entry {id} does not match its contents or the entry before it."
            ),
        }
    }
    Ok(if report.first_broken.is_none() { 0 } else { 1 })
}

pub fn backup(session: &Session, file: &std::path::Path) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    let actor = session.actor(&mut desk)?;
    desk.backup(&actor, file)?;
    println!(
        "Backup written to {} (readable by you only).",
        file.display()
    );
    Ok(0)
}

pub fn restore(session: &Session, file: &std::path::Path, yes: bool) -> anyhow::Result<i32> {
    use std::io::IsTerminal;
    let candidate = crate::store::backup::check_candidate(file)?;
    let prompt = format!(
        "{} holds {} application(s) and {} audit entries; it replaces everything in {}.",
        file.display(),
        candidate.applications,
        candidate.audit_entries,
        session.db.display()
    );
    if !yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!("{prompt} Add --yes to restore without asking.");
        }
        eprint!("{prompt} Restore? [y/N] ");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            println!("Nothing changed.");
            return Ok(1);
        }
    }
    let mut desk = session.open_desk()?;
    let actor = session.actor(&mut desk)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let safety = session.db.with_file_name(format!(
        "{}.before-restore-{stamp}",
        session
            .db
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    desk.restore(&actor, file, &safety)?;
    println!(
        "Restored from {}. The store as it was is kept in {}.",
        file.display(),
        safety.display()
    );
    Ok(0)
}
