-- Nothing here: SQLite's search words are an FTS5 index, which merges its segments itself; the
-- PostgreSQL migration of this name gives its GIN index a pending list.
SELECT 1;
