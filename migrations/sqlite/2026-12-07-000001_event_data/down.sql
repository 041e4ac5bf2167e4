-- The whole event again, as the code before wrote it (its time as stored, with its decimals).
UPDATE events SET data = json_object(
    'id', id,
    'type', event_type,
    'timestamp', replace(created_at, ' ', 'T') || 'Z',
    'data', CASE
        WHEN report_id IS NULL THEN json(data)
        ELSE json_set(data, '$.report_id', report_id)
    END
);
ALTER TABLE events RENAME COLUMN data TO payload;
