CREATE TABLE outbox_old (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    urgent BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    recipients TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);

INSERT INTO outbox_old (id, kind, report_id, urgent, status, attempts, next_attempt_at,
                        lease_owner, recipients, last_error, created_at, sent_at)
SELECT id, kind, report_id, urgent, status, attempts, next_attempt_at,
       lease_owner, recipients, last_error, created_at, sent_at
FROM outbox WHERE report_id IS NOT NULL;

DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;

CREATE INDEX outbox_status_urgent_id ON outbox (status, urgent, id);
CREATE INDEX outbox_status_id ON outbox (status, id);
CREATE INDEX outbox_report_id ON outbox (report_id);

DROP TABLE staff_enrollments;
