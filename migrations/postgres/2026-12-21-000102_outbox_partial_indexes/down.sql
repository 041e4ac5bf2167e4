DROP INDEX outbox_enrollment_id;
CREATE INDEX outbox_enrollment_id ON outbox (enrollment_id);
DROP INDEX outbox_webhook_endpoint_id;
CREATE INDEX outbox_webhook_endpoint_id ON outbox (webhook_endpoint_id);
