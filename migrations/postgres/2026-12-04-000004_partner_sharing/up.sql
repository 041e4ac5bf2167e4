-- Partner sharing (issue 22): partner agencies with client credentials of their own, the TAXII
-- collections admins define and grant them, analysts' shares of a report's indicators into a
-- collection, and the STIX objects each collection serves, one row per object version.
CREATE TABLE partners (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE sharing_collections (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE collection_grants (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    collection_id TEXT NOT NULL REFERENCES sharing_collections (id),
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (partner_id, collection_id)
);

-- One share of a report into a collection; `objects` is the JSON array of the STIX objects it
-- produced (their first versions), `withdrawn_at` set when it was withdrawn.
CREATE TABLE shares (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL,
    collection_id TEXT NOT NULL REFERENCES sharing_collections (id),
    tlp TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at TIMESTAMP NOT NULL,
    objects TEXT NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT
);

CREATE INDEX shares_report ON shares (report_id, id);
CREATE INDEX shares_counts ON shares (collection_id, tlp);

-- What a collection serves over TAXII: each version of each object once. `added_us` is the
-- TAXII date_added in microseconds since the epoch; paging is by (added_us, object_id, version).
CREATE TABLE taxii_objects (
    collection_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    version TEXT NOT NULL,
    added_us BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    is_first BOOLEAN NOT NULL,
    is_latest BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection_id, object_id, version)
);

CREATE INDEX taxii_objects_added ON taxii_objects (collection_id, added_us, object_id, version);
