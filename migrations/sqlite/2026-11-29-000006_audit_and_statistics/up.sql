-- The audit log: appended by every replica at once (hash NULL), then sealed into one hash chain
-- by a single sealer at a time (seq, prev_hash and hash set once, in id order).
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT,
    role TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    ip TEXT,
    request_id TEXT,
    seq BIGINT UNIQUE,
    prev_hash TEXT,
    hash TEXT
);

CREATE INDEX audit_events_unsealed ON audit_events (seq, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_target ON audit_events (target, id);

-- Rollups kept in the same transaction as each write. Counts are split over a few shards so
-- that concurrent writers rarely wait for one another; readers sum the shards.
-- day: the UTC day the report was received (YYYY-MM-DD). dimension: received (key ''),
-- category, severity, status, group, organization, service, country, indicator.
CREATE TABLE report_counts (
    day TEXT NOT NULL,
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, dimension, key, shard)
);

CREATE INDEX report_counts_dimension ON report_counts (dimension, day);

-- Triage times by the day the report was received, in log-scale buckets of seconds.
-- metric: first_review or closure.
CREATE TABLE triage_histogram (
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, metric, bucket, shard)
);
