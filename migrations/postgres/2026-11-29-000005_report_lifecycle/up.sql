-- What a submitter adds to a stored report: numbered amendments (kept verbatim like the report's
-- own body), evidence files (their bytes live encrypted in the evidence store), and the
-- per-report data key that encrypts them, wrapped by the master key.
CREATE TABLE report_amendments (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    number INTEGER NOT NULL,
    client_id TEXT NOT NULL REFERENCES credentials (client_id),
    received_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    UNIQUE (report_id, number)
);

CREATE TABLE report_keys (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    wrapped_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE report_evidence (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    content_index INTEGER,
    description TEXT,
    client_id TEXT NOT NULL REFERENCES credentials (client_id),
    uploaded_at TIMESTAMP NOT NULL,
    UNIQUE (report_id, sha256)
);
