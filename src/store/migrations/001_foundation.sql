-- posdesk schema 1. Instants are UTC RFC 3339 text; dates are YYYY-MM-DD in the
-- counter's calendar; money is INTEGER fen. Nothing that records a person, a
-- device or money may be deleted (triggers below), and the audit log is append-only.

CREATE TABLE pickup_point (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE staff (
    id               INTEGER PRIMARY KEY,
    staff_no         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    pickup_point_id  INTEGER REFERENCES pickup_point(id),
    pin_hash         TEXT NOT NULL,
    failed_pins      INTEGER NOT NULL DEFAULT 0 CHECK (failed_pins >= 0),
    locked           INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL
);

-- The person, by resident ID number (unique); contact details live on each application.
CREATE TABLE merchant (
    id          INTEGER PRIMARY KEY,
    id_number   TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
    id_last6    TEXT NOT NULL CHECK (length(id_last6) = 6),
    full_name   TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    created_at  TEXT NOT NULL
);
CREATE INDEX merchant_last6 ON merchant(id_last6);

CREATE TABLE application (
    id                   INTEGER PRIMARY KEY,
    state                TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved',
                           'rejected', 'verified', 'contracted', 'ready_for_pickup',
                           'picked_up', 'activated', 'cancelled')),
    merchant_id          INTEGER REFERENCES merchant(id),
    pickup_point_id      INTEGER NOT NULL REFERENCES pickup_point(id),
    -- applicant (may be incomplete while a draft)
    full_name            TEXT,
    id_number            TEXT,
    id_valid_until       TEXT,          -- NULL with id_long_term = 1 means 长期
    id_long_term         INTEGER NOT NULL DEFAULT 0 CHECK (id_long_term IN (0, 1)),
    -- contact
    phone                TEXT,
    business_name        TEXT,
    business_address     TEXT,
    -- settlement card
    card_number          TEXT,
    card_bank            TEXT,
    card_branch          TEXT,
    card_holder          TEXT,
    card_kind            TEXT CHECK (card_kind IN ('debit', 'credit')),
    card_luhn_confirmed  INTEGER NOT NULL DEFAULT 0 CHECK (card_luhn_confirmed IN (0, 1)),
    -- device and terms
    model_code           TEXT,
    terms_version        TEXT,
    terms_agreed_at      TEXT,
    reason               TEXT,          -- why rejected or cancelled
    created_by           INTEGER NOT NULL REFERENCES staff(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (state = 'draft' OR state = 'cancelled' OR merchant_id IS NOT NULL)
);
CREATE INDEX application_point_state ON application(pickup_point_id, state, updated_at);
CREATE INDEX application_merchant ON application(merchant_id);
CREATE INDEX application_phone ON application(phone);
CREATE INDEX application_name ON application(full_name);
CREATE INDEX application_state_updated ON application(state, updated_at);

CREATE TABLE checklist_item (
    application_id  INTEGER NOT NULL REFERENCES application(id),
    item            TEXT NOT NULL CHECK (item IN ('id_document', 'id_photos', 'face_check',
                      'capacity', 'phone_code', 'card_own_name', 'terms')),
    outcome         TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
    note            TEXT,
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (application_id, item)
);

-- One-time codes that prove the phone; the code itself goes out through the outbox.
CREATE TABLE phone_code (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES application(id),
    code            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    used_at         TEXT
);
CREATE INDEX phone_code_application ON phone_code(application_id, id);

CREATE TABLE contract (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL UNIQUE REFERENCES application(id),
    version         TEXT NOT NULL,
    signed_name     TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    staff_id        INTEGER NOT NULL REFERENCES staff(id)
);

CREATE TABLE device (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,
    model_code       TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('in_stock', 'reserved', 'bound',
                       'activated', 'returned', 'faulty')),
    pickup_point_id  INTEGER NOT NULL REFERENCES pickup_point(id),
    reserved_for     INTEGER REFERENCES application(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((state = 'reserved') = (reserved_for IS NOT NULL))
);
CREATE INDEX device_point_state ON device(pickup_point_id, state, model_code);

CREATE TABLE binding (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER NOT NULL REFERENCES device(id),
    application_id  INTEGER NOT NULL REFERENCES application(id),
    merchant_id     INTEGER NOT NULL REFERENCES merchant(id),
    bound_at        TEXT NOT NULL,
    bound_by        INTEGER NOT NULL REFERENCES staff(id),
    activated_at    TEXT,
    activation_ref  TEXT,
    ended_at        TEXT,
    ended_reason    TEXT
);
-- One active binding per device and per application, enforced by the schema.
CREATE UNIQUE INDEX binding_one_active_per_device ON binding(device_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX binding_one_active_per_application ON binding(application_id) WHERE ended_at IS NULL;
CREATE INDEX binding_merchant_active ON binding(merchant_id) WHERE ended_at IS NULL;

CREATE TABLE deposit (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL UNIQUE REFERENCES application(id),
    merchant_id     INTEGER NOT NULL REFERENCES merchant(id),
    device_id       INTEGER NOT NULL REFERENCES device(id),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
    state           TEXT NOT NULL CHECK (state IN ('held', 'eligible', 'refund_requested',
                      'refund_confirmed', 'refund_sent', 'refunded', 'refund_failed',
                      'forfeited')),
    reason          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX deposit_state ON deposit(state, updated_at);
CREATE INDEX deposit_merchant ON deposit(merchant_id);

CREATE TABLE fee (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES application(id),
    kind            TEXT NOT NULL CHECK (kind IN ('device', 'monthly')),
    period          TEXT,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
    due_date        TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX fee_application ON fee(application_id);

-- Money in: deposits and fees. A deposit is its own movement of money, never netted
-- against settlement funds (facts.md).
CREATE TABLE payment (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES application(id),
    deposit_id      INTEGER REFERENCES deposit(id),
    fee_id          INTEGER REFERENCES fee(id),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'unionpay', 'wechat', 'alipay')),
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    paid_at         TEXT NOT NULL,
    CHECK ((deposit_id IS NULL) <> (fee_id IS NULL))
);
CREATE INDEX payment_application ON payment(application_id);

CREATE TABLE refund_batch (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES staff(id),
    file_name   TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    total_fen   INTEGER NOT NULL CHECK (total_fen >= 0)
);

-- Money out: one row per attempt to return a deposit.
CREATE TABLE refund (
    id               INTEGER PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,
    deposit_id       INTEGER NOT NULL REFERENCES deposit(id),
    amount_fen       INTEGER NOT NULL CHECK (amount_fen > 0),
    card_number      TEXT NOT NULL,
    card_holder      TEXT NOT NULL,
    card_bank        TEXT,
    state            TEXT NOT NULL CHECK (state IN ('requested', 'confirmed', 'sent',
                       'refunded', 'failed')),
    requested_at     TEXT NOT NULL,
    requested_by     INTEGER NOT NULL REFERENCES staff(id),
    confirmed_at     TEXT,
    confirmed_by     INTEGER REFERENCES staff(id),
    window_earliest  TEXT,
    window_latest    TEXT,
    window_complete  INTEGER CHECK (window_complete IN (0, 1)),
    batch_id         INTEGER REFERENCES refund_batch(id),
    bank_ref         TEXT,
    failure_reason   TEXT,
    completed_at     TEXT
);
CREATE INDEX refund_deposit ON refund(deposit_id);
CREATE INDEX refund_state ON refund(state, window_latest);
CREATE INDEX refund_batch_id ON refund(batch_id);

CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    phone           TEXT NOT NULL,
    template        TEXT NOT NULL,
    body            TEXT NOT NULL,
    application_id  INTEGER REFERENCES application(id),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX sms_outbox_pending ON sms_outbox(id) WHERE state = 'pending';

-- Holiday schedules loaded after release (the built-in years ship in assets/).
CREATE TABLE holiday_year (
    year       INTEGER PRIMARY KEY,
    schedule   TEXT NOT NULL,
    loaded_at  TEXT NOT NULL,
    loaded_by  INTEGER REFERENCES staff(id)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id),
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT,
    reason      TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_at ON audit_log(at, action);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Records of people, devices and money are kept (AML: at least 5 years after the
-- relationship ends); they change state, they are never deleted.
CREATE TRIGGER merchant_no_delete BEFORE DELETE ON merchant
BEGIN SELECT RAISE(ABORT, 'merchant records are never deleted'); END;
CREATE TRIGGER application_no_delete BEFORE DELETE ON application
BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;
CREATE TRIGGER checklist_no_delete BEFORE DELETE ON checklist_item
BEGIN SELECT RAISE(ABORT, 'checklist records are never deleted'); END;
CREATE TRIGGER contract_no_delete BEFORE DELETE ON contract
BEGIN SELECT RAISE(ABORT, 'contracts are never deleted'); END;
CREATE TRIGGER device_no_delete BEFORE DELETE ON device
BEGIN SELECT RAISE(ABORT, 'devices are never deleted'); END;
CREATE TRIGGER binding_no_delete BEFORE DELETE ON binding
BEGIN SELECT RAISE(ABORT, 'bindings are never deleted'); END;
CREATE TRIGGER deposit_no_delete BEFORE DELETE ON deposit
BEGIN SELECT RAISE(ABORT, 'deposits are never deleted'); END;
CREATE TRIGGER fee_no_delete BEFORE DELETE ON fee
BEGIN SELECT RAISE(ABORT, 'fees are never deleted'); END;
CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;
CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'payments are never changed'); END;
CREATE TRIGGER refund_no_delete BEFORE DELETE ON refund
BEGIN SELECT RAISE(ABORT, 'refunds are never deleted'); END;
CREATE TRIGGER refund_batch_no_delete BEFORE DELETE ON refund_batch
BEGIN SELECT RAISE(ABORT, 'refund batches are never deleted'); END;
CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff
BEGIN SELECT RAISE(ABORT, 'staff records are never deleted; deactivate instead'); END;
CREATE TRIGGER sms_outbox_no_delete BEFORE DELETE ON sms_outbox
BEGIN SELECT RAISE(ABORT, 'messages are never deleted'); END;
