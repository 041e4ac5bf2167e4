-- Correlation: the indicators of every report (accounts, handles, phone numbers, e-mail
-- addresses, URLs, media hashes), normalized, for "where else have we seen this?".
-- The organization and mode of the report are repeated here so that the scope of a match
-- (live with live; test only within one organization) needs no join.

-- Values matched exactly, kept only as keyed hashes (HMAC-SHA256 of kind and normalized value
-- under the search key), never in the clear.
CREATE TABLE indicator_index (
    value_hash TEXT NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    pointer TEXT NOT NULL,
    PRIMARY KEY (value_hash, report_id)
);

CREATE INDEX indicator_index_report ON indicator_index (report_id);

-- PDQ perceptual hashes, matched within a Hamming distance of 31. Kept in the clear (the
-- fingerprint of an image is not personal data) and cut into 16 chunks of 16 bits, each indexed:
-- two hashes within 31 bits share a chunk that differs in at most one bit. Each chunk's index
-- holds the whole hash too, so that the candidates of a lookup are read from the indexes alone.
CREATE TABLE pdq_index (
    report_id TEXT NOT NULL REFERENCES reports (id),
    pdq TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    pointer TEXT NOT NULL,
    c0 INTEGER NOT NULL,
    c1 INTEGER NOT NULL,
    c2 INTEGER NOT NULL,
    c3 INTEGER NOT NULL,
    c4 INTEGER NOT NULL,
    c5 INTEGER NOT NULL,
    c6 INTEGER NOT NULL,
    c7 INTEGER NOT NULL,
    c8 INTEGER NOT NULL,
    c9 INTEGER NOT NULL,
    c10 INTEGER NOT NULL,
    c11 INTEGER NOT NULL,
    c12 INTEGER NOT NULL,
    c13 INTEGER NOT NULL,
    c14 INTEGER NOT NULL,
    c15 INTEGER NOT NULL,
    PRIMARY KEY (pdq, report_id)
);

CREATE INDEX pdq_index_report ON pdq_index (report_id);

CREATE INDEX pdq_index_c0 ON pdq_index (c0, pdq);
CREATE INDEX pdq_index_c1 ON pdq_index (c1, pdq);
CREATE INDEX pdq_index_c2 ON pdq_index (c2, pdq);
CREATE INDEX pdq_index_c3 ON pdq_index (c3, pdq);
CREATE INDEX pdq_index_c4 ON pdq_index (c4, pdq);
CREATE INDEX pdq_index_c5 ON pdq_index (c5, pdq);
CREATE INDEX pdq_index_c6 ON pdq_index (c6, pdq);
CREATE INDEX pdq_index_c7 ON pdq_index (c7, pdq);
CREATE INDEX pdq_index_c8 ON pdq_index (c8, pdq);
CREATE INDEX pdq_index_c9 ON pdq_index (c9, pdq);
CREATE INDEX pdq_index_c10 ON pdq_index (c10, pdq);
CREATE INDEX pdq_index_c11 ON pdq_index (c11, pdq);
CREATE INDEX pdq_index_c12 ON pdq_index (c12, pdq);
CREATE INDEX pdq_index_c13 ON pdq_index (c13, pdq);
CREATE INDEX pdq_index_c14 ON pdq_index (c14, pdq);
CREATE INDEX pdq_index_c15 ON pdq_index (c15, pdq);
