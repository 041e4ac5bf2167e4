-- Nothing here: SQLite's search words are an FTS5 index whose documents are keyed by the
-- report's `seq` already (`words_in_fts5`); the PostgreSQL migration of this name keys
-- PostgreSQL's rows by it too.
SELECT 1;
