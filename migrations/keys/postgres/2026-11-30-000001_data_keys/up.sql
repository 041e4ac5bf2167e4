-- The key store: each report's data key, wrapped (AES-256-GCM) by the master key version
-- `master_key_id`, with the key's id as associated data. Deleting a row erases the report.
CREATE TABLE data_keys (
    id TEXT PRIMARY KEY NOT NULL,
    wrapped_key TEXT NOT NULL,
    master_key_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX data_keys_master ON data_keys (master_key_id, id);
