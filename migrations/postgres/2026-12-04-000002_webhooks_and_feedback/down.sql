DELETE FROM outbox WHERE webhook_endpoint_id IS NOT NULL;
DROP INDEX outbox_webhook_endpoint_id;
ALTER TABLE outbox DROP CONSTRAINT outbox_one_subject;
ALTER TABLE outbox DROP COLUMN webhook_endpoint_id;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_subject
    CHECK ((report_id IS NULL) <> (enrollment_id IS NULL));
DROP TABLE report_feedback;
DROP TABLE webhook_deliveries;
DROP TABLE events;
DROP TABLE webhook_endpoints;
