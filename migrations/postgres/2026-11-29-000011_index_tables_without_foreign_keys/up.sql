-- The search words and the correlation index are derived from their report: written in the
-- report's own transaction (a submission, an amendment) and deleted in the purge's, never on
-- their own. A foreign key checked each of their rows (some 40 a report) against `reports`:
-- about a quarter of PostgreSQL's CPU time per report stored in batches. The purge test checks
-- that none is left.
ALTER TABLE report_words DROP CONSTRAINT report_words_report_id_fkey;
ALTER TABLE indicator_index DROP CONSTRAINT indicator_index_report_id_fkey;
ALTER TABLE pdq_index DROP CONSTRAINT pdq_index_report_id_fkey;
