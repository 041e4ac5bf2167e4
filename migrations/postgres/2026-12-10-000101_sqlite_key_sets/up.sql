-- Nothing here: PostgreSQL keeps its exact values as one row per report already
-- (`correlation_key_sets`, migration `correlation_key_sets`); the SQLite migration of this name
-- does the same there.
SELECT 1;
