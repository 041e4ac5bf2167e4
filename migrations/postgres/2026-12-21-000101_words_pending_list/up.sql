-- The search words' GIN index takes new reports' keys in its pending list, merged into the index
-- in one sorted pass when the list passes 256 kB (by the insert that fills it, or autovacuum),
-- instead of about 45 separate descents of the index a report, which made it a submission's
-- costliest statement (179 of 821 us of statement time a report, in
-- benches/results/2026-12-21-cpu.md). A search also reads the pending list (at most 32 pages:
-- well under a millisecond). The correlation index keeps `fastupdate = off`: every submission
-- reads it.
ALTER INDEX report_words_keys SET (fastupdate = on, gin_pending_list_limit = 256);
