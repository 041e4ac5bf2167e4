-- Webhooks, the event feed and outcome feedback (issue 21).
--
-- An organization's webhook endpoints, per credential mode: the URL, the event types it wants,
-- and its Standard Webhooks signing secret sealed under a data key of the key store (`key_id`),
-- so that the secret is readable only with the master key. `disabled` after persistent failure.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    mode TEXT NOT NULL CHECK (mode IN ('live', 'test')),
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    disabled_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX webhook_endpoints_owner ON webhook_endpoints (organization_id, mode, id);

-- What happened to an organization's reports and credentials, written in the transaction of the
-- change: ids and coarse statuses only (`payload`, JSON), never report content. The id (UUIDv7)
-- orders the feed and is its cursor, and is the deliveries' `webhook-id`. A test event is
-- addressed to one endpoint (`endpoint_id`) and stays out of the feed. No foreign key on the
-- report: a purge leaves its events (the last says it was purged).
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('live', 'test')),
    event_type TEXT NOT NULL,
    report_id TEXT,
    endpoint_id TEXT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX events_feed ON events (organization_id, mode, id);
CREATE INDEX events_created_at ON events (created_at);

-- The webhook outbox: one row per event and endpoint, claimed under a lease as the e-mail outbox
-- is. `order_key` (the report, or the event itself) keeps a report's events in order: a delivery
-- is due only when no earlier one of the same endpoint and key is pending.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    event_id TEXT NOT NULL REFERENCES events (id),
    order_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, status, id);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- What an analyst told the submitter on closing a report: whether it was actionable, and a
-- coded reason. Never whether or where it was referred.
CREATE TABLE report_feedback (
    report_id TEXT PRIMARY KEY NOT NULL,
    actionable BOOLEAN NOT NULL,
    reason TEXT,
    recorded_at TIMESTAMP NOT NULL
);

-- The e-mail outbox also tells an organization that its webhook endpoint was disabled.
ALTER TABLE outbox ADD COLUMN webhook_endpoint_id TEXT REFERENCES webhook_endpoints (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_one_subject;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_subject CHECK (
    (report_id IS NOT NULL)::int + (enrollment_id IS NOT NULL)::int
        + (webhook_endpoint_id IS NOT NULL)::int = 1
);
CREATE INDEX outbox_webhook_endpoint_id ON outbox (webhook_endpoint_id);
