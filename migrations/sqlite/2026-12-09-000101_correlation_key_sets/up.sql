-- Nothing here: SQLite keeps one row per exact value and report in `correlation_keys` (WITHOUT
-- ROWID, stored as its primary key's b-tree); the PostgreSQL migration of this name makes them one
-- row per report with its keys in a GIN-indexed array.
SELECT 1;
