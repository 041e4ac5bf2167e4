-- Nothing here: PostgreSQL keeps its search words in `report_words`, one row per report with
-- its keys in a GIN-indexed array; the SQLite migration of this name moves SQLite's into FTS5.
SELECT 1;
