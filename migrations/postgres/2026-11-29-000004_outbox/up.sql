-- The e-mail outbox: one row per message to send, written in the same transaction as the change
-- it tells of. A worker claims due rows with a lease: it names itself in `lease_owner` and pushes
-- `next_attempt_at` to the end of the lease, so a crashed worker's rows fall due again then.
CREATE TABLE outbox (
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

-- Claiming: pending rows, urgent first, oldest first.
CREATE INDEX outbox_status_urgent_id ON outbox (status, urgent, id);
-- The admins' list by status, newest first.
CREATE INDEX outbox_status_id ON outbox (status, id);
CREATE INDEX outbox_report_id ON outbox (report_id);
