//! The demo's money after pickup: card volumes, fees paid, refunds requested,
//! confirmed, sent to the bank in batches, refunded or failed, a breach and a
//! forfeit — each through the real use cases, at dates in the recent past.

use super::error::DeskResult;
use super::{Actor, Clock, Desk, NewCard};
use crate::domain::bank_card::luhn_check_digit;
use crate::store;
use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

impl Desk {
    pub(crate) fn demo_money(
        &mut self,
        rng: &mut ChaCha8Rng,
        clerk: &Actor,
        sup: &Actor,
    ) -> DeskResult<BTreeMap<String, usize>> {
        let now = self.clock.now();
        let saved_clock = self.clock.clone();
        let result = self.demo_money_inner(rng, clerk, sup, now);
        self.clock = saved_clock;
        result?;
        let mut by_state = BTreeMap::new();
        for (state, n, _) in store::refund::summary(&self.conn)? {
            if n > 0 {
                by_state.insert(state, n as usize);
            }
        }
        Ok(by_state)
    }

    fn at(&mut self, t: DateTime<Utc>) {
        self.clock = Clock::Fixed(t);
    }

    fn demo_money_inner(
        &mut self,
        rng: &mut ChaCha8Rng,
        clerk: &Actor,
        sup: &Actor,
        now: DateTime<Utc>,
    ) -> DeskResult<()> {
        let activated = store::refund::demo_activated(&self.conn)?;
        if activated.is_empty() {
            return Ok(());
        }
        // Card volumes: most terminals with a target reach it.
        let mut csv = String::from("serial,date,amount\n");
        for a in &activated {
            let serial = &a.serial;
            if let Some(t) = self
                .policy
                .model(&a.model_code)
                .and_then(|m| m.volume_target)
            {
                let start = a
                    .activated_at
                    .with_timezone(&super::china_offset())
                    .date_naive();
                let share = if rng.random_bool(0.75) {
                    110
                } else {
                    rng.random_range(10..90)
                };
                let total = t.amount.fen() / 100 * share / 100;
                for k in 0..4 {
                    csv.push_str(&format!(
                        "{serial},{},{}.00\n",
                        start + Duration::days(k * 9 + 1),
                        total / 4
                    ));
                }
            }
        }
        self.at(now);
        if csv.lines().count() > 1 {
            self.import_volumes(sup, "acquirer-volumes-demo.csv", csv.as_bytes())?;
        }
        // Monthly fees: most merchants are paid up.
        for a in &activated {
            let owed = self.fee_status(a.application_id)?.outstanding;
            if !owed.is_zero() && rng.random_bool(0.8) {
                self.pay_fees(clerk, a.application_id, owed, "wechat")?;
            }
        }
        let mut eligible: Vec<i64> = activated
            .iter()
            .map(|a| a.application_id)
            .filter(|a| {
                store::refund::deposit_of_application(&self.conn, *a)
                    .ok()
                    .flatten()
                    .is_some_and(|d| d.state == "eligible")
            })
            .collect();
        if let Some(app) = eligible.pop() {
            self.record_breach(sup, app, "机具被转借他人使用")?;
        }
        if let Some(app) = eligible.pop() {
            self.forfeit(sup, app, "机具遗失，未能归还")?;
        }
        // Half the rest ask for their deposit back: an older group goes through
        // the bank 12 days ago, a newer one is still on its way.
        let mut old = Vec::new();
        let mut recent = Vec::new();
        for app in eligible {
            match rng.random_range(0..10) {
                0..=2 => old.push(app),
                3..=5 => recent.push(app),
                _ => {}
            }
        }
        self.at(now - Duration::days(20));
        let mut refunds = Vec::new();
        for app in &old {
            let r = self.request_refund(clerk, *app, None)?;
            self.confirm_refund(clerk, r.id)?;
            refunds.push(r);
        }
        self.at(now - Duration::days(19));
        // Unique per call too: desks in one process (parallel tests) load demos at once.
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "posdesk-demo-{}-{}-{}",
            std::process::id(),
            rng.random::<u32>(),
            CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(anyhow::Error::from)?;
        if !refunds.is_empty() {
            self.export_batch(sup, &dir.join("batch-old.csv"))?;
            self.at(now - Duration::days(12));
            let mut result = String::from("refund_ref,result,bank_ref,amount,reason\n");
            let mut failed = Vec::new();
            for (i, r) in refunds.iter().enumerate() {
                match i % 10 {
                    // Still with the bank: these become overdue.
                    0 => {}
                    1 => {
                        let reason = ["账户冻结", "户名不符", "账户已销户"]
                            .choose(rng)
                            .unwrap_or(&"账户冻结");
                        result.push_str(&format!(
                            "{},failed,,{},{reason}\n",
                            r.reference,
                            r.amount.plain()
                        ));
                        failed.push(r.deposit_id);
                    }
                    _ => result.push_str(&format!(
                        "{},success,BK{:010},{},\n",
                        r.reference,
                        rng.random_range(0..10_000_000_000u64),
                        r.amount.plain()
                    )),
                }
            }
            if result.lines().count() > 1 {
                self.import_settlement(sup, "bank-result-demo.csv", result.as_bytes())?;
            }
            // One failed refund goes again to a new card in the merchant's own name.
            if let Some(deposit) = failed
                .first()
                .and_then(|d| store::refund::deposit(&self.conn, *d).ok().flatten())
            {
                self.at(now - Duration::days(3));
                let app = super::apply::load(&self.conn, deposit.application_id)?;
                let payload = format!("621700{:012}", rng.random_range(0..1_000_000_000_000u64));
                let card = format!("{payload}{}", luhn_check_digit(&payload).unwrap_or('0'));
                self.request_refund(
                    clerk,
                    app.id,
                    Some(NewCard {
                        number: &card,
                        holder: &app.form.full_name,
                        luhn_confirmed: false,
                    }),
                )?;
            }
        }
        // Recent ones: some sent yesterday, some confirmed today, some only requested.
        self.at(now - Duration::days(2));
        let mut requested = Vec::new();
        for app in &recent {
            requested.push(self.request_refund(clerk, *app, None)?);
        }
        let (early, late) = requested.split_at(requested.len() / 2);
        for r in early {
            self.confirm_refund(clerk, r.id)?;
        }
        if !early.is_empty() {
            self.at(now - Duration::days(1));
            self.export_batch(sup, &dir.join("batch-recent.csv"))?;
        }
        self.at(now);
        for r in late.iter().take(late.len() / 2) {
            self.confirm_refund(clerk, r.id)?;
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
