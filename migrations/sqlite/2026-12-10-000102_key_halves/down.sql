-- Nothing here: see up.sql.
SELECT 1;
