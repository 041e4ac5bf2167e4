-- Reports: the normalized tables, and the body as received (canonical JSON) with its SHA-256.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    client_id TEXT NOT NULL REFERENCES credentials (client_id),
    mode TEXT NOT NULL CHECK (mode IN ('live', 'test')),
    external_id TEXT NOT NULL,
    service TEXT NOT NULL,
    category TEXT NOT NULL,
    category_other TEXT,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    detection_method TEXT NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    activity_start TIMESTAMP,
    activity_end TIMESTAMP,
    languages TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT,
    preservation_reference TEXT,
    status TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    UNIQUE (organization_id, external_id)
);

CREATE INDEX reports_organization_id ON reports (organization_id, id);

CREATE TABLE report_accounts (
    report_id TEXT NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    platform_account_id TEXT NOT NULL,
    handle TEXT,
    display_name TEXT,
    profile_url TEXT,
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
    value TEXT NOT NULL,
    PRIMARY KEY (report_id, account_position, position)
);

CREATE TABLE report_content (
    report_id TEXT NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    url TEXT,
    posted_at TIMESTAMP,
    text_excerpt TEXT,
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
    place TEXT,
    PRIMARY KEY (report_id, position)
);

CREATE TABLE report_groups (
    report_id TEXT NOT NULL REFERENCES reports (id),
    code TEXT NOT NULL,
    PRIMARY KEY (report_id, code)
);

CREATE TABLE report_indicators (
    report_id TEXT NOT NULL REFERENCES reports (id),
    code TEXT NOT NULL,
    PRIMARY KEY (report_id, code)
);

CREATE TABLE report_prior_reports (
    report_id TEXT NOT NULL REFERENCES reports (id),
    prior_report_id TEXT NOT NULL REFERENCES reports (id),
    PRIMARY KEY (report_id, prior_report_id)
);
