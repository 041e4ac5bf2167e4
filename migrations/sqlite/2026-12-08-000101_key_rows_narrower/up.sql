-- Nothing here: SQLite stores `correlation_keys` (WITHOUT ROWID) as its primary key's b-tree,
-- where the columns' order saves nothing; the PostgreSQL migration of this name narrows its rows.
SELECT 1;
