-- Back to whole keys (`bytea[]`), each the bytes of its two halves.
CREATE TABLE correlation_key_whole (
    report_seq BIGINT PRIMARY KEY,
    places INTEGER[] NOT NULL,
    value_keys BYTEA[] NOT NULL
);
INSERT INTO correlation_key_whole (report_seq, places, value_keys)
SELECT s.report_seq, s.places,
    ARRAY(SELECT decode(lpad(to_hex(k.head), 16, '0') || lpad(to_hex(k.tail), 16, '0'), 'hex')
          FROM unnest(s.key_heads, s.key_tails) WITH ORDINALITY AS k (head, tail, n) ORDER BY k.n)
FROM correlation_key_sets s
ORDER BY s.report_seq;
DROP TABLE correlation_key_sets;
ALTER TABLE correlation_key_whole RENAME TO correlation_key_sets;
ALTER INDEX correlation_key_whole_pkey RENAME TO correlation_key_sets_pkey;
CREATE INDEX correlation_key_sets_keys ON correlation_key_sets USING gin (value_keys)
    WITH (fastupdate = off);
ANALYZE correlation_key_sets;
