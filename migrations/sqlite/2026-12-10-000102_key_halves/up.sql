-- Nothing here: SQLite keeps its keys whole in a blob per report (migration `sqlite_key_sets`);
-- the PostgreSQL migration of this name splits its GIN-indexed keys into two halves.
SELECT 1;
