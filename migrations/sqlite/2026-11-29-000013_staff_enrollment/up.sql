-- Staff enrollment: an admin no longer sets or sees a new colleague's password. Each account made
-- through the API (and each account moved to a role that reads report content) gets a one-time
-- link by e-mail; its holder opens it and chooses their own password. The link's token is minted
-- when the e-mail is written and only its SHA-256 is kept here.
CREATE TABLE staff_enrollments (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX staff_enrollments_user ON staff_enrollments (user_id, id);

-- The outbox also carries enrollment e-mail: a message is about a report or an enrollment, never
-- both. SQLite cannot drop a NOT NULL, so the table is rebuilt (nothing refers to it).
CREATE TABLE outbox_new (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    enrollment_id TEXT REFERENCES staff_enrollments (id),
    urgent BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    recipients TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    CHECK ((report_id IS NULL) <> (enrollment_id IS NULL))
);

INSERT INTO outbox_new (id, kind, report_id, urgent, status, attempts, next_attempt_at,
                        lease_owner, recipients, last_error, created_at, sent_at)
SELECT id, kind, report_id, urgent, status, attempts, next_attempt_at,
       lease_owner, recipients, last_error, created_at, sent_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_status_urgent_id ON outbox (status, urgent, id);
CREATE INDEX outbox_status_id ON outbox (status, id);
CREATE INDEX outbox_report_id ON outbox (report_id);
CREATE INDEX outbox_enrollment_id ON outbox (enrollment_id);
