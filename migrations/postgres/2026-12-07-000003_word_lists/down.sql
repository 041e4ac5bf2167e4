-- Nothing here: PostgreSQL keeps a report's word keys in one row already (an array, see
-- `compact_storage`); the SQLite migration of this name gives SQLite a list per report.
SELECT 1;
