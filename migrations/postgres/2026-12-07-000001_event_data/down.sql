-- The whole event again, as the code before wrote it (its time with six decimals).
UPDATE events SET data = json_build_object(
    'id', id,
    'type', event_type,
    'timestamp', to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'data', CASE
        WHEN report_id IS NULL THEN data::jsonb
        ELSE data::jsonb || jsonb_build_object('report_id', report_id)
    END
)::text;
ALTER TABLE events RENAME COLUMN data TO payload;
