-- The audit chain's anchors, kept here, out of reach of the main database's owner.
-- Each sealed event's position, id and hash as the checkpointer saw it extend the last
-- checkpoint: what verify compares the main database's chain with, event by event.
CREATE TABLE audit_witness (
    seq BIGINT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Signed checkpoints of the chain's head, at most one per head: `jws` (EdDSA, the audit
-- checkpoint key) covers seq, event_id, hash, count and at.
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    jws TEXT NOT NULL
);
