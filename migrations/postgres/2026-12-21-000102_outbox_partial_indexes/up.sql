-- Each outbox row names one thing: a report, a staff enrollment or a webhook endpoint. The
-- indexes that find the rows of an enrollment or an endpoint (when it is deleted) hold only
-- the rows that name one, not an entry for every report's notification.
DROP INDEX outbox_enrollment_id;
CREATE INDEX outbox_enrollment_id ON outbox (enrollment_id) WHERE enrollment_id IS NOT NULL;
DROP INDEX outbox_webhook_endpoint_id;
CREATE INDEX outbox_webhook_endpoint_id ON outbox (webhook_endpoint_id)
    WHERE webhook_endpoint_id IS NOT NULL;
