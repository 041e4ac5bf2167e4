DROP INDEX reports_assignee_id;
CREATE INDEX reports_assignee_id ON reports (assignee_id, id);
DROP INDEX reports_closed_retention;
CREATE INDEX reports_closed_retention ON reports (status, closed_at);
DROP INDEX reports_retracted_retention;
CREATE INDEX reports_retracted_retention ON reports (status, retracted_at);
DROP INDEX reports_released_retention;
CREATE INDEX reports_released_retention ON reports (released_at);

-- Back to the normalized copies. The groups come back from their compact table; the copies of
-- accounts, contact handles, content items, locations and indicators come back empty (they
-- are in the sealed bodies, which SQL cannot open).
CREATE TABLE report_group_ids (
    report_id TEXT NOT NULL REFERENCES reports (id),
    code TEXT NOT NULL,
    PRIMARY KEY (report_id, code)
);
INSERT INTO report_group_ids (report_id, code)
SELECT r.id, g.code FROM report_groups g JOIN reports r ON r.seq = g.report_seq;
DROP TABLE report_groups;
ALTER TABLE report_group_ids RENAME TO report_groups;
ALTER INDEX report_group_ids_pkey RENAME TO report_groups_pkey;
CREATE INDEX report_groups_code ON report_groups (code, report_id);

CREATE TABLE report_accounts (
    report_id TEXT NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    platform_account_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TIMESTAMP,
    follower_count BIGINT,
    action_taken TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);
CREATE TABLE report_contact_handles (
    report_id TEXT NOT NULL REFERENCES reports (id),
    account_position INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (report_id, account_position, position)
);
CREATE TABLE report_content (
    report_id TEXT NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    posted_at TIMESTAMP,
    language TEXT,
    sha256 TEXT,
    md5 TEXT,
    pdq TEXT,
    account_ref TEXT,
    preserved BOOLEAN NOT NULL,
    removed BOOLEAN NOT NULL,
    PRIMARY KEY (report_id, position)
);
CREATE TABLE report_locations (
    report_id TEXT NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    country TEXT NOT NULL,
    subdivision TEXT,
    PRIMARY KEY (report_id, position)
);
CREATE TABLE report_indicators (
    report_id TEXT NOT NULL REFERENCES reports (id),
    code TEXT NOT NULL,
    PRIMARY KEY (report_id, code)
);
