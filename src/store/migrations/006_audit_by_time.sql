-- posdesk schema: the audit log read by time, for the few actions that are.
-- The daily report, home's counts and the refunds-per-day chart each name one
-- action literally ('hand over', 'send to bank' …); the other four fifths of
-- the entries (checklist items, fees, devices, deposits) are never read by
-- time. An index over the few only is a fifth of the size, and of the work to
-- build after a bulk load. SQLite takes a partial index whose WHERE is an OR
-- of terms when a query has one of those terms, literally
-- (tests/query_plans.rs checks every such query uses it).
DROP INDEX audit_refund_sent;
CREATE INDEX audit_by_time ON audit_log(entity, action, at)
WHERE action = 'create draft' OR action = 'submit' OR action = 'approve'
   OR action = 'hand over' OR action = 'activate' OR action = 'send to bank';
