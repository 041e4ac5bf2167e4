-- The search words and the correlation index are derived from their report: written in the
-- report's own transaction (a submission, an amendment) and deleted in the purge's, never on
-- their own. A foreign key checked each of their rows (some 40 a report) against `reports`, a
-- third of what storing a report cost PostgreSQL; the purge test checks that none is left.
ALTER TABLE report_words DROP CONSTRAINT report_words_report_id_fkey;
ALTER TABLE indicator_index DROP CONSTRAINT indicator_index_report_id_fkey;
ALTER TABLE pdq_index DROP CONSTRAINT pdq_index_report_id_fkey;
