-- posdesk schema 2: what deposits and refunds need on top of the foundation.

-- One fee of a kind per period, so accruing fees twice adds nothing.
CREATE UNIQUE INDEX fee_one_per_period ON fee(application_id, kind, coalesce(period, ''));

-- A recorded breach of the agreement blocks the refund until cleared.
CREATE TABLE breach (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES application(id),
    reason          TEXT NOT NULL,
    recorded_by     INTEGER NOT NULL REFERENCES staff(id),
    recorded_at     TEXT NOT NULL,
    cleared_by      INTEGER REFERENCES staff(id),
    cleared_at      TEXT,
    cleared_reason  TEXT
);
CREATE INDEX breach_open ON breach(application_id) WHERE cleared_at IS NULL;
CREATE TRIGGER breach_no_delete BEFORE DELETE ON breach
BEGIN SELECT RAISE(ABORT, 'breach records are never deleted'); END;

-- Files taken in (acquirer volumes, bank settlements), so the same file twice changes nothing.
CREATE TABLE import_file (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('volumes', 'settlement')),
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    rows         INTEGER NOT NULL CHECK (rows >= 0),
    imported_at  TEXT NOT NULL,
    imported_by  INTEGER REFERENCES staff(id),
    UNIQUE (kind, sha256)
);

-- Card volume per device and day, from the acquirer.
CREATE TABLE volume (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES device(id),
    day         TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    file_id     INTEGER NOT NULL REFERENCES import_file(id)
);
CREATE INDEX volume_device_day ON volume(device_id, day);
CREATE TRIGGER volume_no_delete BEFORE DELETE ON volume
BEGIN SELECT RAISE(ABORT, 'volumes are never deleted'); END;

-- The dashboard's totals, kept by triggers in the same transaction as the change,
-- so they always equal the rows and never need a scan.
CREATE TABLE deposit_summary (
    state       TEXT PRIMARY KEY,
    count       INTEGER NOT NULL DEFAULT 0,
    amount_fen  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO deposit_summary (state) VALUES ('held'), ('eligible'), ('refund_requested'),
  ('refund_confirmed'), ('refund_sent'), ('refunded'), ('refund_failed'), ('forfeited');
INSERT OR REPLACE INTO deposit_summary (state, count, amount_fen)
  SELECT state, count(*), sum(amount_fen) FROM deposit GROUP BY state;

CREATE TRIGGER deposit_summary_insert AFTER INSERT ON deposit
BEGIN
  UPDATE deposit_summary SET count = count + 1, amount_fen = amount_fen + NEW.amount_fen
   WHERE state = NEW.state;
END;
CREATE TRIGGER deposit_summary_update AFTER UPDATE OF state, amount_fen ON deposit
BEGIN
  UPDATE deposit_summary SET count = count - 1, amount_fen = amount_fen - OLD.amount_fen
   WHERE state = OLD.state;
  UPDATE deposit_summary SET count = count + 1, amount_fen = amount_fen + NEW.amount_fen
   WHERE state = NEW.state;
END;

-- The refund a deposit is on now, and the keys the dashboard pages and filters by.
ALTER TABLE deposit ADD COLUMN pickup_point_id INTEGER REFERENCES pickup_point(id);
ALTER TABLE deposit ADD COLUMN refund_id INTEGER REFERENCES refund(id);
UPDATE deposit SET pickup_point_id = (SELECT pickup_point_id FROM application a WHERE a.id = deposit.application_id);
CREATE INDEX deposit_point_state ON deposit(pickup_point_id, state, id);
CREATE INDEX deposit_state_id ON deposit(state, id);
CREATE INDEX deposit_device ON deposit(device_id);
CREATE INDEX refund_window ON refund(window_latest) WHERE state IN ('confirmed', 'sent');
CREATE INDEX refund_completed ON refund(completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX audit_refund_sent ON audit_log(entity, action, at);
