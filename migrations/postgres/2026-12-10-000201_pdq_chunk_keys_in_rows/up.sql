-- The PDQ hashes' chunk keys on PostgreSQL in each hash's row (issue 20): `chunk_keys`, the 16
-- keys `position << 16 | chunk` of its 16-bit chunks (`Pdq::chunk_keys`), generated from `pdq`
-- and indexed by a GIN, instead of 16 rows a hash in `correlation_pdq_chunks` (each with a
-- primary key entry): about 600 bytes a report instead of 1 080 for the hashes and their chunks.
-- The chunk rows hold only the report, not which of its hashes they came from, so the keys are
-- computed again from each hash (the same keys: the rows were written from them). SQLite keeps
-- its chunk rows (its migration of this name is empty).
ALTER TABLE correlation_pdq ADD COLUMN chunk_keys INTEGER[] NOT NULL GENERATED ALWAYS AS (ARRAY[
        get_byte(pdq, 0) * 256 + get_byte(pdq, 1),
        65536 + get_byte(pdq, 2) * 256 + get_byte(pdq, 3),
        131072 + get_byte(pdq, 4) * 256 + get_byte(pdq, 5),
        196608 + get_byte(pdq, 6) * 256 + get_byte(pdq, 7),
        262144 + get_byte(pdq, 8) * 256 + get_byte(pdq, 9),
        327680 + get_byte(pdq, 10) * 256 + get_byte(pdq, 11),
        393216 + get_byte(pdq, 12) * 256 + get_byte(pdq, 13),
        458752 + get_byte(pdq, 14) * 256 + get_byte(pdq, 15),
        524288 + get_byte(pdq, 16) * 256 + get_byte(pdq, 17),
        589824 + get_byte(pdq, 18) * 256 + get_byte(pdq, 19),
        655360 + get_byte(pdq, 20) * 256 + get_byte(pdq, 21),
        720896 + get_byte(pdq, 22) * 256 + get_byte(pdq, 23),
        786432 + get_byte(pdq, 24) * 256 + get_byte(pdq, 25),
        851968 + get_byte(pdq, 26) * 256 + get_byte(pdq, 27),
        917504 + get_byte(pdq, 28) * 256 + get_byte(pdq, 29),
        983040 + get_byte(pdq, 30) * 256 + get_byte(pdq, 31)
    ]) STORED;
DROP TABLE correlation_pdq_chunks;
CREATE INDEX correlation_pdq_chunk_keys ON correlation_pdq USING gin (chunk_keys)
    WITH (fastupdate = off);
ANALYZE correlation_pdq;
