-- Nothing here: SQLite keeps its PDQ chunk keys as rows (`correlation_pdq_chunks`); the
-- PostgreSQL migration of this name moves PostgreSQL's into each hash's row, GIN-indexed.
SELECT 1;
