//! Handing messages to the operator's SMS gateway.

use super::error::DeskResult;
use super::Desk;
use crate::store;
use crate::store::outbox::Message;

impl Desk {
    pub fn pending_messages(&self, limit: i64) -> DeskResult<Vec<Message>> {
        Ok(store::outbox::pending(&self.conn, limit)?)
    }

    /// Take the pending messages and mark them handed over, in one transaction,
    /// so two gateways draining at once never send a message twice.
    pub fn drain_outbox(&mut self, limit: i64) -> DeskResult<Vec<Message>> {
        self.run(|tx, ctx| {
            let messages = store::outbox::pending(tx, limit)?;
            for m in &messages {
                store::outbox::mark_sent(tx, m.id, &ctx.stamp())?;
            }
            Ok(messages)
        })
    }

    pub fn messages_for(&self, application_id: i64) -> DeskResult<Vec<Message>> {
        Ok(store::outbox::for_application(&self.conn, application_id)?)
    }
}
