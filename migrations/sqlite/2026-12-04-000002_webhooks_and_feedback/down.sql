CREATE TABLE outbox_old (
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
INSERT INTO outbox_old (id, kind, report_id, enrollment_id, urgent, status, attempts,
                        next_attempt_at, lease_owner, recipients, last_error, created_at, sent_at)
SELECT id, kind, report_id, enrollment_id, urgent, status, attempts,
       next_attempt_at, lease_owner, recipients, last_error, created_at, sent_at
FROM outbox WHERE webhook_endpoint_id IS NULL;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_status_urgent_id ON outbox (status, urgent, id);
CREATE INDEX outbox_status_id ON outbox (status, id);
CREATE INDEX outbox_report_id ON outbox (report_id);
CREATE INDEX outbox_enrollment_id ON outbox (enrollment_id);
DROP TABLE report_feedback;
DROP TABLE webhook_deliveries;
DROP TABLE events;
DROP TABLE webhook_endpoints;
