-- posdesk schema: what a million merchants need (issue 5). tests/query_plans.rs
-- runs EXPLAIN QUERY PLAN on the dashboard, home and search queries against a
-- populated store and fails on a scan of a big table; these are its findings.

-- Foreign keys: inserting a row into a table whose inserts fire triggers
-- (application, deposit) makes SQLite look for child rows of the new key, by
-- index or by reading the whole child table. Without these, each new draft
-- read every device, binding, message and breach, and each deposit every
-- payment. They also serve the application's detail (its messages, the device
-- put aside for it) and fee status (what was paid towards each fee).
CREATE INDEX device_reserved_for ON device(reserved_for) WHERE reserved_for IS NOT NULL;
CREATE INDEX binding_application ON binding(application_id);
CREATE INDEX sms_outbox_application ON sms_outbox(application_id);
CREATE INDEX breach_application ON breach(application_id);
CREATE INDEX payment_deposit ON payment(deposit_id) WHERE deposit_id IS NOT NULL;
CREATE INDEX payment_fee ON payment(fee_id) WHERE fee_id IS NOT NULL;
CREATE INDEX deposit_refund ON deposit(refund_id) WHERE refund_id IS NOT NULL;

-- The audit log is most of the rows: every index on it is paid on every
-- change. Reads by time always name the entity and the action too (the daily
-- report, home's counts, the refunds-per-day chart), so (entity, action, at)
-- from 002 serves them all and (at, action) goes.
DROP INDEX audit_at;

-- Dashboard pages by keyset: one point's deposits newest first, any state.
CREATE INDEX deposit_point_id ON deposit(pickup_point_id, id);

-- Refunds on their way, by state and latest day, with what the overdue
-- count and page need (deposit, amount) in the index itself: refund_state
-- with two more columns.
CREATE INDEX refund_in_flight ON refund(state, window_latest, deposit_id, amount_fen);
DROP INDEX refund_state;

-- Refunds completed per day (the dashboard's chart, the daily report): by
-- state and day, not every refund ever refunded; refund_completed had no state.
CREATE INDEX refund_state_completed ON refund(state, completed_at);
DROP INDEX refund_completed;

-- The dashboard's totals for one pickup point, and for a range of counter
-- days (UTC+8), kept by triggers like deposit_summary: filtered totals are a
-- sum of a few summary rows, never a count over the deposits.
CREATE TABLE deposit_point_summary (
    pickup_point_id  INTEGER NOT NULL,
    state            TEXT NOT NULL,
    count            INTEGER NOT NULL DEFAULT 0,
    amount_fen       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pickup_point_id, state)
) WITHOUT ROWID;

CREATE TABLE deposit_day_summary (
    day              TEXT NOT NULL,
    pickup_point_id  INTEGER NOT NULL,
    state            TEXT NOT NULL,
    count            INTEGER NOT NULL DEFAULT 0,
    amount_fen       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, pickup_point_id, state)
) WITHOUT ROWID;

INSERT INTO deposit_point_summary (pickup_point_id, state, count, amount_fen)
SELECT coalesce(pickup_point_id, 0), state, count(*), sum(amount_fen)
FROM deposit GROUP BY 1, 2;

INSERT INTO deposit_day_summary (day, pickup_point_id, state, count, amount_fen)
SELECT date(created_at, '+8 hours'), coalesce(pickup_point_id, 0), state, count(*), sum(amount_fen)
FROM deposit GROUP BY 1, 2, 3;

CREATE TRIGGER deposit_breakdown_insert AFTER INSERT ON deposit
BEGIN
    INSERT INTO deposit_point_summary (pickup_point_id, state, count, amount_fen)
    VALUES (coalesce(NEW.pickup_point_id, 0), NEW.state, 1, NEW.amount_fen)
    ON CONFLICT (pickup_point_id, state) DO UPDATE
    SET count = count + 1, amount_fen = amount_fen + excluded.amount_fen;
    INSERT INTO deposit_day_summary (day, pickup_point_id, state, count, amount_fen)
    VALUES (date(NEW.created_at, '+8 hours'), coalesce(NEW.pickup_point_id, 0), NEW.state, 1,
            NEW.amount_fen)
    ON CONFLICT (day, pickup_point_id, state) DO UPDATE
    SET count = count + 1, amount_fen = amount_fen + excluded.amount_fen;
END;

CREATE TRIGGER deposit_breakdown_update
AFTER UPDATE OF state, amount_fen, pickup_point_id, created_at ON deposit
BEGIN
    UPDATE deposit_point_summary SET count = count - 1, amount_fen = amount_fen - OLD.amount_fen
    WHERE pickup_point_id = coalesce(OLD.pickup_point_id, 0) AND state = OLD.state;
    INSERT INTO deposit_point_summary (pickup_point_id, state, count, amount_fen)
    VALUES (coalesce(NEW.pickup_point_id, 0), NEW.state, 1, NEW.amount_fen)
    ON CONFLICT (pickup_point_id, state) DO UPDATE
    SET count = count + 1, amount_fen = amount_fen + excluded.amount_fen;
    UPDATE deposit_day_summary SET count = count - 1, amount_fen = amount_fen - OLD.amount_fen
    WHERE day = date(OLD.created_at, '+8 hours')
      AND pickup_point_id = coalesce(OLD.pickup_point_id, 0) AND state = OLD.state;
    INSERT INTO deposit_day_summary (day, pickup_point_id, state, count, amount_fen)
    VALUES (date(NEW.created_at, '+8 hours'), coalesce(NEW.pickup_point_id, 0), NEW.state, 1,
            NEW.amount_fen)
    ON CONFLICT (day, pickup_point_id, state) DO UPDATE
    SET count = count + 1, amount_fen = amount_fen + excluded.amount_fen;
END;
