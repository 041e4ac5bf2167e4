-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on the POSTs that `external_id`
-- does not make idempotent: one row per key an organization's credentials of one mode used,
-- in flight (no fingerprint yet) or answered. The answer is sealed under a data key of its
-- own (the key store), destroyed when the row is pruned after its retention (24 h).
CREATE TABLE idempotency_keys (
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT,
    status INTEGER,
    sealed_answer TEXT,
    data_key_id TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, mode, idempotency_key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
