-- An event's row keeps only its data, without the `report_id` its row holds already: its id,
-- type and time are in columns of their own too, and the body a webhook delivery sends (and
-- the feed shows) is made from them (src/store/events.rs). A `report.received` event kept
-- about 225 bytes of JSON, about 45 now.
ALTER TABLE events RENAME COLUMN payload TO data;
UPDATE events SET data = CASE
    WHEN report_id IS NULL THEN json_extract(data, '$.data')
    ELSE json_remove(json_extract(data, '$.data'), '$.report_id')
END;
