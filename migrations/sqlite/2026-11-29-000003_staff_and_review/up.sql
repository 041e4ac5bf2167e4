-- Staff users, login throttling, vetting history, and what analysts add to a report:
-- assignment, status details, timeline, notes, and the keyed-hash word index behind `q`.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'supervisor', 'auditor', 'admin')),
    active BOOLEAN NOT NULL,
    password_hash TEXT NOT NULL,
    notify BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Failed sign-ins per account (keyed by a hash of the e-mail, whether or not it exists) and per
-- client address, shared by every replica.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    blocked_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE organization_events (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT
);

CREATE INDEX organization_events_organization ON organization_events (organization_id, id);

ALTER TABLE reports ADD COLUMN assignee_id TEXT REFERENCES users (id);
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN resolution TEXT;
ALTER TABLE reports ADD COLUMN referral_agency TEXT;
ALTER TABLE reports ADD COLUMN referral_reference TEXT;
ALTER TABLE reports ADD COLUMN first_reviewed_at TIMESTAMP;
ALTER TABLE reports ADD COLUMN closed_at TIMESTAMP;

CREATE INDEX reports_mode_id ON reports (mode, id);
CREATE INDEX reports_status_id ON reports (status, id);
CREATE INDEX reports_severity_id ON reports (severity, id);
CREATE INDEX reports_category_id ON reports (category, id);
CREATE INDEX reports_assignee_id ON reports (assignee_id, id);
CREATE INDEX reports_service_id ON reports (service, id);
CREATE INDEX report_groups_code ON report_groups (code, report_id);

CREATE TABLE report_events (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_role TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    reason TEXT,
    detail TEXT
);

CREATE INDEX report_events_report ON report_events (report_id, id);

CREATE TABLE report_notes (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX report_notes_report ON report_notes (report_id, id);

CREATE TABLE report_words (
    word_hash TEXT NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    PRIMARY KEY (word_hash, report_id)
);
