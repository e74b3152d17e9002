-- posdesk schema: a tamper-evident audit log. Each entry carries the SHA-256 of
-- its own fields and the hash of the entry before it; entries are sealed in the
-- transaction that writes them (store::audit::seal). Sealing is the only change
-- an audit row may ever see.

ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE INDEX audit_unsealed ON audit_log(id) WHERE hash IS NULL;

DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.hash IS NULL AND NEW.hash IS NOT NULL
          AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.staff_id IS OLD.staff_id
          AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
          AND NEW.action = OLD.action AND NEW.from_state IS OLD.from_state
          AND NEW.to_state IS OLD.to_state AND NEW.reason IS OLD.reason)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
