-- posdesk schema: find what a clerk types, by index, on a million applications.
-- Numbers are matched exactly on the application itself, so drafts are found too;
-- names by substring: FTS5 trigrams for 3+ characters, and for the 1- and
-- 2-character queries trigrams cannot answer (a surname 王, a name 张伟) a table of
-- every 1- and 2-character piece of each name. Both are kept by triggers.

CREATE INDEX IF NOT EXISTS application_id_number ON application(id_number);
-- Last 6 / last 4 of the ID number: the expressions store::search queries with.
CREATE INDEX IF NOT EXISTS application_id_last6 ON application(substr(id_number, -6));
CREATE INDEX IF NOT EXISTS application_id_last4 ON application(substr(id_number, -4));
-- Serial → every application the device was ever bound to.
CREATE INDEX IF NOT EXISTS binding_device ON binding(device_id);

-- Positions 1..40 (the longest name allowed): triggers cannot use a recursive CTE,
-- and a range on this key is cheaper than any other way to cut a name into grams.
CREATE TABLE name_gram_position (n INTEGER PRIMARY KEY);
INSERT INTO name_gram_position(n)
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 40)
SELECT n FROM p;

-- Grams are ASCII-lowercased (SQLite's lower()); the id order is newest first.
CREATE TABLE name_gram (
    gram            TEXT NOT NULL,
    application_id  INTEGER NOT NULL,
    PRIMARY KEY (gram, application_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE name_trigram USING fts5(
    full_name, content = 'application', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER name_search_insert AFTER INSERT ON application
WHEN NEW.full_name IS NOT NULL AND NEW.full_name <> ''
BEGIN
    INSERT OR IGNORE INTO name_gram(gram, application_id)
    SELECT substr(lower(NEW.full_name), n, 1), NEW.id FROM name_gram_position
    WHERE n <= length(NEW.full_name);
    INSERT OR IGNORE INTO name_gram(gram, application_id)
    SELECT substr(lower(NEW.full_name), n, 2), NEW.id FROM name_gram_position
    WHERE n < length(NEW.full_name);
    INSERT INTO name_trigram(rowid, full_name) VALUES (NEW.id, NEW.full_name);
END;

CREATE TRIGGER name_search_update AFTER UPDATE OF full_name ON application
WHEN OLD.full_name IS NOT NEW.full_name
BEGIN
    -- By primary key, gram by gram: there is no index on application_id alone.
    DELETE FROM name_gram
    WHERE application_id = OLD.id
      AND gram IN (SELECT substr(lower(OLD.full_name), n, 1) FROM name_gram_position
                   WHERE n <= length(OLD.full_name)
                   UNION ALL
                   SELECT substr(lower(OLD.full_name), n, 2) FROM name_gram_position
                   WHERE n < length(OLD.full_name));
    INSERT INTO name_trigram(name_trigram, rowid, full_name)
    SELECT 'delete', OLD.id, OLD.full_name
    WHERE OLD.full_name IS NOT NULL AND OLD.full_name <> '';
    INSERT OR IGNORE INTO name_gram(gram, application_id)
    SELECT substr(lower(NEW.full_name), n, 1), NEW.id FROM name_gram_position
    WHERE n <= length(NEW.full_name);
    INSERT OR IGNORE INTO name_gram(gram, application_id)
    SELECT substr(lower(NEW.full_name), n, 2), NEW.id FROM name_gram_position
    WHERE n < length(NEW.full_name);
    INSERT INTO name_trigram(rowid, full_name)
    SELECT NEW.id, NEW.full_name
    WHERE NEW.full_name IS NOT NULL AND NEW.full_name <> '';
END;

-- Applications are never deleted (001), so there is no delete trigger.

-- Backfill what is already there.
INSERT OR IGNORE INTO name_gram(gram, application_id)
SELECT substr(lower(a.full_name), p.n, 1), a.id
FROM application a JOIN name_gram_position p ON p.n <= length(a.full_name);
INSERT OR IGNORE INTO name_gram(gram, application_id)
SELECT substr(lower(a.full_name), p.n, 2), a.id
FROM application a JOIN name_gram_position p ON p.n < length(a.full_name);
INSERT INTO name_trigram(rowid, full_name)
SELECT id, full_name FROM application WHERE full_name IS NOT NULL AND full_name <> '';
