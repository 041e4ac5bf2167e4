-- Nothing to mark here: `compact_storage` converted PostgreSQL's bodies in SQL (the SQLite
-- migration of this name marks its bodies for `store::reports::upgrade_bodies`).
SELECT 1;
