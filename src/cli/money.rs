//! `posdesk fees | volumes | refunds | report`: the money after pickup.

use super::Session;
use crate::desk::NewCard;
use crate::domain::money::Fen;
use crate::store::application::parse_reference;
use crate::store::dashboard::Filter;
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum FeesCommand {
    /// Fees due and paid for an application's terminal.
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a payment towards the fees due (oldest first; partial is fine, more than owed is refused).
    Pay {
        reference: String,
        /// Amount in yuan: 5, 5.00, ¥1,299.50.
        #[arg(long)]
        amount: String,
        #[arg(long)]
        method: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum VolumesCommand {
    /// Import the acquirer's card volumes: CSV with serial,date,amount.
    Import { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum RefundsCommand {
    /// What still stands between a deposit and its refund.
    Eligibility {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Request the refund (to the card on file, or --card in the applicant's own name).
    Request {
        reference: String,
        #[arg(long)]
        card: Option<String>,
        #[arg(long)]
        holder: Option<String>,
        #[arg(long)]
        confirm_luhn: bool,
    },
    /// Confirm a requested refund with the merchant; fixes the expected window.
    Confirm { refund: String },
    /// Export every confirmed refund as one batch file for the bank (supervisor).
    Export {
        #[arg(long)]
        out: PathBuf,
        /// Don't ask: the count and total are printed and the batch is written.
        #[arg(long)]
        yes: bool,
    },
    /// Import the bank's settlement results (supervisor). All or nothing.
    Import { file: PathBuf },
    /// A refund (RF…) or an application's refunds (AP…), with its timeline.
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Deposits by state, point, search, or overdue; newest first, by pages.
    List {
        #[arg(long)]
        state: Vec<String>,
        #[arg(long)]
        point: Option<String>,
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        search: Option<String>,
        /// Show deposits older than this deposit id (the next page).
        #[arg(long)]
        before: Option<i64>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Totals per deposit state and overdue.
    Totals {
        #[arg(long)]
        json: bool,
    },
    /// Re-check every held or eligible deposit (fees fall due with time).
    Refresh,
    /// Record a breach of the agreement (supervisor); blocks the refund.
    Breach {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Clear recorded breaches (supervisor).
    ClearBreach {
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Keep the deposit (supervisor, with a reason).
    Forfeit {
        reference: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Pickups, activations, deposits taken, refunds sent and completed on a day.
    Daily {
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

fn app_id(reference: &str) -> anyhow::Result<i64> {
    parse_reference(reference).ok_or_else(|| {
        anyhow::anyhow!("{reference:?} is not an application reference (like AP00000042)")
    })
}

fn read(file: &PathBuf) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok((name, bytes))
}

pub fn fees(session: &Session, cmd: FeesCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    match cmd {
        FeesCommand::Show { reference, json } => {
            let s = desk.fee_status(app_id(&reference)?)?;
            if json {
                super::output::json(&s)?;
            } else {
                for f in &s.fees {
                    println!(
                        "{:<8} {:<8} due {}  {:>10}  paid {:>10}",
                        f.kind,
                        f.period.as_deref().unwrap_or(""),
                        f.due_date,
                        f.amount.to_string(),
                        f.paid.to_string()
                    );
                }
                println!("outstanding {}", s.outstanding);
            }
        }
        FeesCommand::Pay {
            reference,
            amount,
            method,
        } => {
            let actor = session.actor(&mut desk)?;
            let amount = Fen::parse(&amount)?;
            let s = desk.pay_fees(&actor, app_id(&reference)?, amount, &method)?;
            println!(
                "{reference}: {amount} taken by {method}; still outstanding {}.",
                s.outstanding
            );
        }
    }
    Ok(0)
}

pub fn volumes(session: &Session, cmd: VolumesCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    let VolumesCommand::Import { file } = cmd;
    let actor = session.actor(&mut desk)?;
    let (name, bytes) = read(&file)?;
    let r = desk.import_volumes(&actor, &name, &bytes)?;
    if r.already_imported {
        println!("{name} was imported before; nothing changed.");
    } else {
        println!(
            "{} lines, {} for {} device(s) imported.",
            r.lines, r.total, r.devices
        );
    }
    Ok(0)
}

fn confirm(prompt: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("{prompt} — add --yes to write the batch without asking");
    }
    eprint!("{prompt} Write the batch? [y/N] ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub fn refunds(session: &Session, cmd: RefundsCommand) -> anyhow::Result<i32> {
    let mut desk = session.open_desk()?;
    match cmd {
        RefundsCommand::Eligibility { reference, json } => {
            let e = desk.eligibility(app_id(&reference)?)?;
            if json {
                super::output::json(&e)?;
            } else if e.eligible {
                println!("{reference}: the deposit can be refunded.");
            } else {
                println!("{reference}: not yet refundable:");
                for u in &e.unmet {
                    println!("  - {}", u.message);
                }
            }
            return Ok(if e.eligible { 0 } else { 1 });
        }
        RefundsCommand::Request {
            reference,
            card,
            holder,
            confirm_luhn,
        } => {
            let actor = session.actor(&mut desk)?;
            let new_card = match (&card, &holder) {
                (Some(number), Some(holder)) => Some(NewCard {
                    number,
                    holder,
                    luhn_confirmed: confirm_luhn,
                }),
                (None, None) => None,
                _ => anyhow::bail!("give both --card and --holder for a different card"),
            };
            let r = desk.request_refund(&actor, app_id(&reference)?, new_card)?;
            let masked = crate::domain::bank_card::BankCard::parse(&r.card_number, &desk.bins)
                .map(|c| c.card.masked())
                .unwrap_or_default();
            println!(
                "{}: refund of {} to {masked} requested; confirm it with the merchant.",
                r.reference, r.amount
            );
        }
        RefundsCommand::Confirm { refund } => {
            let actor = session.actor(&mut desk)?;
            let id = desk.refund_by_reference(&refund)?.id;
            let c = desk.confirm_refund(&actor, id)?;
            println!(
                "{}: confirmed; expected between {} and {}.",
                c.refund.reference, c.window.earliest, c.window.latest
            );
            if !c.window.complete {
                eprintln!("warning: no holiday schedule is loaded for {:?}; the window assumes weekends only there.", c.window.missing_years);
            }
        }
        RefundsCommand::Export { out, yes } => {
            let actor = session.actor(&mut desk)?;
            let p = desk.batch_preview()?;
            let prompt = format!(
                "{} refund(s), {} in total, to {}.",
                p.count,
                p.total,
                out.display()
            );
            if p.count > 0 && !yes && !confirm(&prompt)? {
                println!("Nothing written.");
                return Ok(1);
            }
            let r = desk.export_batch(&actor, &out)?;
            println!(
                "Batch {}: {} refund(s), {} written to {}.",
                r.reference, r.count, r.total, r.file
            );
        }
        RefundsCommand::Import { file } => {
            let actor = session.actor(&mut desk)?;
            let (name, bytes) = read(&file)?;
            let r = desk.import_settlement(&actor, &name, &bytes)?;
            if r.already_imported {
                println!("{name} was imported before; nothing changed.");
            } else if r.refunded + r.failed == 0 {
                println!("Every line of {name} was applied before; nothing changed.");
            } else {
                println!(
                    "{} refunded, {} failed, {} already applied.",
                    r.refunded, r.failed, r.unchanged
                );
            }
        }
        RefundsCommand::Show { reference, json } => {
            let refunds = if reference.to_ascii_uppercase().starts_with("RF") {
                vec![desk.refund_by_reference(&reference)?]
            } else {
                desk.refunds_of_application(app_id(&reference)?)?
            };
            let shown: Vec<_> = refunds
                .into_iter()
                .map(|mut r| {
                    r.card_number =
                        crate::domain::bank_card::BankCard::parse(&r.card_number, &desk.bins)
                            .map(|c| c.card.masked())
                            .unwrap_or_default();
                    r
                })
                .collect();
            if json {
                super::output::json(&shown)?;
            } else {
                for r in &shown {
                    println!(
                        "{} {} {} to {} ({})",
                        r.reference, r.state, r.amount, r.card_number, r.card_holder
                    );
                    if let (Some(a), Some(b)) = (&r.window_earliest, &r.window_latest) {
                        println!("  expected {a} to {b}");
                    }
                    if let Some(reason) = &r.failure_reason {
                        println!("  failed: {reason}");
                    }
                    for row in desk.deposit_timeline(r.deposit_id)? {
                        println!(
                            "  {} {:<6} {} {}",
                            row.at,
                            row.staff_no.as_deref().unwrap_or("-"),
                            row.action,
                            row.reason.as_deref().unwrap_or("")
                        );
                    }
                }
            }
        }
        RefundsCommand::List {
            state,
            point,
            overdue,
            search,
            before,
            limit,
            json,
        } => {
            let point_id = match point {
                Some(code) => Some(
                    crate::store::point::by_code(desk.conn(), &code.to_uppercase())?
                        .ok_or_else(|| anyhow::anyhow!("there is no pickup point {code}"))?
                        .id,
                ),
                None => None,
            };
            let today = desk.clock.today().format("%Y-%m-%d").to_string();
            let filter = Filter {
                states: state,
                point_id,
                overdue_on: overdue.then_some(today),
                search,
                ..Filter::default()
            };
            let mut rows = desk.dashboard_page(&filter, before, limit)?;
            for r in &mut rows {
                r.phone = crate::domain::phone::Phone::parse(&r.phone)
                    .map(|p| p.masked())
                    .unwrap_or_default();
            }
            if json {
                super::output::json(&rows)?;
            } else {
                for r in &rows {
                    println!(
                        "{:>8} {} {:<16} {:<12} {} {:>9} {:<7} {} {}",
                        r.deposit_id,
                        r.reference,
                        r.state,
                        r.full_name,
                        r.phone,
                        r.amount.to_string(),
                        r.point_code,
                        r.refund_ref.as_deref().unwrap_or(""),
                        r.window_latest.as_deref().unwrap_or("")
                    );
                }
                if let Some(last) = rows.last() {
                    eprintln!("next page: --before {}", last.deposit_id);
                }
            }
        }
        RefundsCommand::Totals { json } => {
            let t = desk.refund_totals()?;
            if json {
                super::output::json(&t)?;
            } else {
                for (state, n, amount) in &t.by_state {
                    println!("{state:<18} {n:>8} {:>16}", amount.to_string());
                }
                println!(
                    "{:<18} {:>8} {:>16}",
                    "overdue",
                    t.overdue.0,
                    t.overdue.1.to_string()
                );
            }
        }
        RefundsCommand::Refresh => {
            let n = desk.refresh_all()?;
            println!("{n} deposit(s) changed between held and refundable.");
        }
        RefundsCommand::Breach { reference, reason } => {
            let actor = session.actor(&mut desk)?;
            desk.record_breach(&actor, app_id(&reference)?, &reason)?;
            println!("{reference}: breach recorded; the deposit is held.");
        }
        RefundsCommand::ClearBreach { reference, reason } => {
            let actor = session.actor(&mut desk)?;
            let n = desk.clear_breaches(&actor, app_id(&reference)?, &reason)?;
            println!("{reference}: {n} breach(es) cleared.");
        }
        RefundsCommand::Forfeit { reference, reason } => {
            let actor = session.actor(&mut desk)?;
            desk.forfeit(&actor, app_id(&reference)?, &reason)?;
            println!("{reference}: deposit forfeited.");
        }
    }
    Ok(0)
}

pub fn report(session: &Session, cmd: ReportCommand) -> anyhow::Result<i32> {
    let desk = session.open_desk()?;
    let ReportCommand::Daily { date, json } = cmd;
    let r = desk.daily_report(date.unwrap_or_else(|| desk.clock.today()))?;
    if json {
        super::output::json(&r)?;
    } else {
        println!("Daily report {}", r.date);
        println!("  pickups            {:>6}", r.pickups);
        println!("  activations        {:>6}", r.activations);
        println!(
            "  deposits taken     {:>6}  {:>14}",
            r.deposits_taken,
            r.deposits_amount.to_string()
        );
        println!(
            "  refunds sent       {:>6}  {:>14}",
            r.refunds_sent,
            r.refunds_sent_amount.to_string()
        );
        println!(
            "  refunds completed  {:>6}  {:>14}",
            r.refunds_completed,
            r.refunds_completed_amount.to_string()
        );
        println!("  refunds failed     {:>6}", r.refunds_failed);
    }
    Ok(0)
}
