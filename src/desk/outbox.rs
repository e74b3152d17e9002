//! Handing messages to the operator's SMS gateway.

use super::error::DeskResult;
use super::Desk;
use crate::store;
use crate::store::outbox::Message;

impl Desk {
    pub fn pending_messages(&self, limit: i64) -> DeskResult<Vec<Message>> {
        Ok(store::outbox::pending(&self.conn, limit)?)
    }

    /// Hand the pending messages to the gateway (`hand_over`, one at a time)
    /// and mark them sent, in one transaction: two gateways draining at once
    /// never both get a message, and if the hand-over fails part-way (the
    /// gateway stops reading, the process is killed) nothing is marked sent and
    /// the next drain offers every message again. A message is so handed over
    /// at least once, never lost.
    pub fn drain_outbox(
        &mut self,
        limit: i64,
        hand_over: &mut dyn FnMut(&Message) -> anyhow::Result<()>,
    ) -> DeskResult<usize> {
        self.run(|tx, ctx| {
            let messages = store::outbox::pending(tx, limit)?;
            for m in &messages {
                hand_over(m)?;
                store::outbox::mark_sent(tx, m.id, &ctx.stamp())?;
            }
            Ok(messages.len())
        })
    }

    pub fn messages_for(&self, application_id: i64) -> DeskResult<Vec<Message>> {
        Ok(store::outbox::for_application(&self.conn, application_id)?)
    }
}
