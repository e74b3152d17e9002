//! Refund batches to the bank, the bank's settlement results back, and the
//! acquirer's card volumes: all or nothing, and the same file twice changes nothing.

use super::auth::Actor;
use super::eligibility::refresh;
use super::error::{refuse, DeskError, DeskResult};
use super::{audit, Desk};
use crate::domain::audit_reason;
use crate::domain::bank_files::{
    excel_digits, excel_text, read_batch_refs, scan_settlement, scan_volumes, sha256_hex, LineError,
};
use crate::domain::money::Fen;
use crate::domain::permission::UseCase;
use crate::domain::problem::Problem;
use crate::store;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct BatchPreview {
    pub count: usize,
    pub total: Fen,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub reference: String,
    pub count: usize,
    pub total: Fen,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub lines: usize,
    pub refunded: usize,
    pub failed: usize,
    /// Lines already applied by an earlier import of the same results.
    pub unchanged: usize,
    /// The whole file was imported before: nothing changed.
    pub already_imported: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VolumeReport {
    pub lines: usize,
    pub total: Fen,
    pub devices: usize,
    pub already_imported: bool,
}

fn bad_lines(what: &str, errors: &mut [LineError]) -> DeskError {
    errors.sort_by_key(|e| e.line);
    let list: Vec<String> = errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.problem.message))
        .collect();
    let lines: Vec<String> = errors.iter().map(|e| e.line.to_string()).collect();
    DeskError::Refused(
        Problem::new(
            "import.bad_lines",
            format!(
                "Nothing was imported: the {what} file has {} bad line(s). {}",
                errors.len(),
                list.join("; ")
            ),
        )
        .with("count", errors.len())
        .with("lines", lines.join(", "))
        .with_lines(errors.to_vec()),
    )
}

fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

impl Desk {
    /// What an export would send now.
    pub fn batch_preview(&self) -> DeskResult<BatchPreview> {
        let refunds = store::refund::confirmed_refunds(&self.conn)?;
        let total = Fen::sum_checked(refunds.iter().map(|r| r.amount))
            .ok_or_else(|| anyhow::anyhow!("total overflows"))?;
        Ok(BatchPreview {
            count: refunds.len(),
            total,
        })
    }

    /// Write every confirmed refund into one file for the bank (UTF-8 with BOM,
    /// Excel-safe, owner-only) and mark them sent, in one transaction.
    pub fn export_batch(&mut self, actor: &Actor, out: &Path) -> DeskResult<BatchReport> {
        actor.require(crate::domain::permission::UseCase::ExportBatch)?;
        if out.exists() {
            return Err(Problem::new(
                "batch.exists",
                format!("{} exists already; choose a new file name.", out.display()),
            )
            .with("file", out.display())
            .into());
        }
        let partial = out.with_extension("partial");
        if partial.exists() {
            self.leftover_export(&partial, out)?;
        }
        let file_name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let report = self.run(|tx, ctx| {
            let refunds = store::refund::confirmed_refunds(tx)?;
            if refunds.is_empty() {
                return refuse(
                    "batch.empty",
                    "No confirmed refund is waiting to go to the bank.",
                );
            }
            let total = Fen::sum_checked(refunds.iter().map(|r| r.amount))
                .ok_or_else(|| anyhow::anyhow!("total overflows"))?;
            let (batch_id, reference) = store::refund::insert_batch(
                tx,
                &file_name,
                refunds.len() as i64,
                total,
                actor.staff_id,
                &ctx.stamp(),
            )?;
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record([
                "批次号 batch",
                "退款编号 refund_ref",
                "户名 holder",
                "卡号 card",
                "开户行 bank",
                "金额 amount",
                "摘要 memo",
            ])
            .map_err(anyhow::Error::from)?;
            for r in &refunds {
                w.write_record([
                    reference.as_str(),
                    r.reference.as_str(),
                    &excel_text(&r.card_holder),
                    &excel_digits(&r.card_number),
                    &excel_text(r.card_bank.as_deref().unwrap_or("")),
                    &r.amount.plain(),
                    "POS机具押金退还",
                ])
                .map_err(anyhow::Error::from)?;
                store::refund::mark_sent(tx, r.id, batch_id)?;
                let d = store::refund::deposit(tx, r.deposit_id)?
                    .ok_or_else(|| anyhow::anyhow!("deposit vanished"))?;
                store::refund::set_deposit_state(
                    tx,
                    d.id,
                    &d.state,
                    "refund_sent",
                    None,
                    None,
                    &ctx.stamp(),
                )?;
                audit(
                    tx,
                    ctx,
                    Some(actor),
                    "refund",
                    r.id,
                    "send to bank",
                    Some("confirmed"),
                    Some("sent"),
                    Some(&reference),
                )?;
                audit(
                    tx,
                    ctx,
                    Some(actor),
                    "deposit",
                    d.id,
                    "refund sent",
                    Some(&d.state),
                    Some("refund_sent"),
                    None,
                )?;
                if let Some(app) = store::application::get(tx, d.application_id)? {
                    let window = match (&r.window_earliest, &r.window_latest) {
                        (Some(a), Some(b)) => Some((a.as_str(), b.as_str())),
                        _ => None,
                    };
                    let sms = super::messages::refund_sent(&r.reference, r.amount, window);
                    store::outbox::enqueue(
                        tx,
                        &app.form.phone,
                        sms.template,
                        &sms.body,
                        Some(app.id),
                        &ctx.stamp(),
                    )?;
                }
            }
            audit(
                tx,
                ctx,
                Some(actor),
                "refund_batch",
                batch_id,
                "export",
                None,
                None,
                Some(&audit_reason::batch(refunds.len() as u64, total)),
            )?;
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(
                w.into_inner()
                    .map_err(|e| anyhow::anyhow!("cannot write the batch: {e}"))?,
            );
            // The file is complete on disk before the refunds count as sent.
            // If it cannot be (no such folder, no permission, disk full), the
            // clerk is told so and nothing is recorded.
            if let Err(e) = write_owner_only(&partial, &bytes) {
                // What this write began (a full disk) goes; a file that was
                // there already is not this export's to remove.
                if e.kind() != std::io::ErrorKind::AlreadyExists {
                    let _ = std::fs::remove_file(&partial);
                }
                return Err(Problem::new(
                    "export.cannot_write",
                    format!(
                        "The batch file {} cannot be written ({e}); nothing was sent. \
                         Choose another place for it.",
                        out.display()
                    ),
                )
                .with("file", out.display())
                .with_key("why", super::io_reason_key(&e))
                .into());
            }
            super::test_pause("export");
            Ok(BatchReport {
                reference,
                count: refunds.len(),
                total,
                file: out.display().to_string(),
            })
        });
        match report {
            Ok(r) => {
                super::test_pause("export_rename");
                std::fs::rename(&partial, out).map_err(|e| {
                    anyhow::anyhow!(
                        "the batch is recorded but {} could not be renamed to {}: {e}",
                        partial.display(),
                        out.display()
                    )
                })?;
                tracing::info!(batch = %r.reference, count = r.count, "refund batch exported");
                Ok(r)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }

    /// A `.partial` left by an export that was stopped (a crash, a kill): if
    /// its batch was committed, the file is that batch's and is put in place —
    /// refused, so the supervisor sees it; if not, nothing was sent and it goes.
    fn leftover_export(&self, partial: &Path, out: &Path) -> DeskResult<()> {
        let bytes = std::fs::read(partial)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", partial.display()))?;
        if let Some((batch, refs)) = read_batch_refs(&bytes) {
            // A rolled-back batch's number is given again: the refunds must match too.
            if store::refund::batch_refund_refs(&self.conn, &batch)?.as_ref() == Some(&refs) {
                std::fs::rename(partial, out)
                    .map_err(|e| anyhow::anyhow!("cannot rename {}: {e}", partial.display()))?;
                tracing::info!(batch = %batch, "interrupted export put in place");
                return Err(Problem::new(
                    "export.recovered",
                    format!(
                        "Batch {batch} ({} refunds) was recorded by an export that stopped before \
                         its file was in place; the file is now {}. Send it to the bank, then \
                         export again for any newer refunds.",
                        refs.len(),
                        out.display()
                    ),
                )
                .with("batch", &batch)
                .with("count", refs.len())
                .with("file", out.display())
                .into());
            }
        }
        std::fs::remove_file(partial)
            .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", partial.display()))?;
        tracing::info!("unfinished export file removed: its batch was never recorded");
        Ok(())
    }

    /// Apply the bank's results. Any bad line and nothing is applied; every bad
    /// line is listed with its number.
    pub fn import_settlement(
        &mut self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
    ) -> DeskResult<ImportReport> {
        actor.require(crate::domain::permission::UseCase::ImportSettlement)?;
        let (lines, read_errors) = scan_settlement(bytes);
        let sha = sha256_hex(bytes);
        self.run(|tx, ctx| {
            if store::refund::file_seen(tx, "settlement", &sha)?.is_some() {
                return Ok(ImportReport {
                    lines: lines.len(),
                    refunded: 0,
                    failed: 0,
                    unchanged: lines.len(),
                    already_imported: true,
                });
            }
            let mut errors = read_errors;
            let mut todo = Vec::new();
            let mut unchanged = 0;
            for l in &lines {
                let Some(r) = store::refund::refund_by_ref(tx, &l.refund_ref)? else {
                    errors.push(LineError::new(
                        l.line,
                        Problem::new(
                            "import.unknown_refund",
                            format!("{} is not a refund posdesk knows", l.refund_ref),
                        )
                        .with("reference", &l.refund_ref),
                    ));
                    continue;
                };
                if r.amount != l.amount {
                    errors.push(LineError::new(
                        l.line,
                        Problem::new(
                            "import.amount_differs",
                            format!(
                                "{}: the amount is {}, the file says {}",
                                r.reference, r.amount, l.amount
                            ),
                        )
                        .with("reference", &r.reference)
                        .with("amount", r.amount)
                        .with("file_amount", l.amount),
                    ));
                    continue;
                }
                let done = (r.state == "refunded"
                    && l.success
                    && r.bank_ref.as_deref() == Some(l.bank_ref.as_str()))
                    || (r.state == "failed" && !l.success && r.failure_reason == l.reason);
                if done {
                    unchanged += 1;
                } else if r.state != "sent" {
                    errors.push(LineError::new(
                        l.line,
                        Problem::new(
                            "import.refund_state",
                            format!("{} is {}, not waiting for the bank", r.reference, r.state),
                        )
                        .with("reference", &r.reference)
                        .with_key("state", format!("refund_state.{}", r.state)),
                    ));
                } else {
                    todo.push((l, r));
                }
            }
            if !errors.is_empty() {
                return Err(bad_lines("settlement", &mut errors));
            }
            let (mut refunded, mut failed) = (0, 0);
            for (l, r) in todo {
                store::refund::settle(
                    tx,
                    r.id,
                    l.success,
                    &l.bank_ref,
                    l.reason.as_deref(),
                    &ctx.stamp(),
                )?;
                let d = store::refund::deposit(tx, r.deposit_id)?
                    .ok_or_else(|| anyhow::anyhow!("deposit vanished"))?;
                let (to, action) = if l.success {
                    ("refunded", "refunded")
                } else {
                    ("refund_failed", "refund failed")
                };
                store::refund::set_deposit_state(
                    tx,
                    d.id,
                    &d.state,
                    to,
                    l.reason.as_deref(),
                    None,
                    &ctx.stamp(),
                )?;
                audit(
                    tx,
                    ctx,
                    Some(actor),
                    "refund",
                    r.id,
                    "bank result",
                    Some("sent"),
                    Some(if l.success { "refunded" } else { "failed" }),
                    l.reason.as_deref(),
                )?;
                audit(
                    tx,
                    ctx,
                    Some(actor),
                    "deposit",
                    d.id,
                    action,
                    Some(&d.state),
                    Some(to),
                    l.reason.as_deref(),
                )?;
                if let Some(app) = store::application::get(tx, d.application_id)? {
                    let sms = if l.success {
                        super::messages::refund_done(r.amount, &r.card_number)
                    } else {
                        super::messages::refund_failed(
                            &r.reference,
                            l.reason.as_deref().unwrap_or(""),
                        )
                    };
                    store::outbox::enqueue(
                        tx,
                        &app.form.phone,
                        sms.template,
                        &sms.body,
                        Some(app.id),
                        &ctx.stamp(),
                    )?;
                }
                if l.success {
                    refunded += 1;
                } else {
                    failed += 1;
                }
                super::test_pause("import");
            }
            store::refund::insert_file(
                tx,
                "settlement",
                &sha,
                name,
                lines.len() as i64,
                Some(actor.staff_id),
                &ctx.stamp(),
            )?;
            Ok(ImportReport {
                lines: lines.len(),
                refunded,
                failed,
                unchanged,
                already_imported: false,
            })
        })
    }

    /// Take in the acquirer's card volumes (serial, date, amount) and re-check the
    /// deposits they count towards.
    pub fn import_volumes(
        &mut self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
    ) -> DeskResult<VolumeReport> {
        actor.require(UseCase::ImportVolumes)?;
        let (lines, read_errors) = scan_volumes(bytes);
        let sha = sha256_hex(bytes);
        self.run(|tx, ctx| {
            if store::refund::file_seen(tx, "volumes", &sha)?.is_some() {
                return Ok(VolumeReport {
                    lines: lines.len(),
                    total: Fen::ZERO,
                    devices: 0,
                    already_imported: true,
                });
            }
            let mut errors = read_errors;
            let mut rows = Vec::new();
            for l in &lines {
                match store::device::by_serial(tx, &l.serial)? {
                    Some(d) => rows.push((d.id, l)),
                    None => errors.push(LineError::new(
                        l.line,
                        Problem::new(
                            "import.unknown_device",
                            format!("{} is not a device posdesk knows", l.serial),
                        )
                        .with("serial", &l.serial),
                    )),
                }
            }
            if !errors.is_empty() {
                return Err(bad_lines("volume", &mut errors));
            }
            let file = store::refund::insert_file(
                tx,
                "volumes",
                &sha,
                name,
                lines.len() as i64,
                Some(actor.staff_id),
                &ctx.stamp(),
            )?;
            let mut total = Fen::ZERO;
            let mut devices = std::collections::BTreeSet::new();
            for (device, l) in rows {
                store::refund::insert_volume(
                    tx,
                    device,
                    &l.day.format("%Y-%m-%d").to_string(),
                    l.amount,
                    file,
                )?;
                total = total
                    .checked_add(l.amount)
                    .ok_or_else(|| anyhow::anyhow!("volume total overflows"))?;
                devices.insert(device);
            }
            for device in &devices {
                if let Some(app) = store::refund::application_of_device(tx, *device)? {
                    refresh(tx, ctx, Some(actor), app)?;
                }
            }
            audit(
                tx,
                ctx,
                Some(actor),
                "import_file",
                file,
                "import volumes",
                None,
                None,
                Some(&audit_reason::volumes(lines.len() as u64, total)),
            )?;
            Ok(VolumeReport {
                lines: lines.len(),
                total,
                devices: devices.len(),
                already_imported: false,
            })
        })
    }
}
