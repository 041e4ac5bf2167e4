DROP INDEX outbox_status_urgent_id;
CREATE INDEX outbox_status_urgent_id ON outbox (status, urgent, id);
