DELETE FROM outbox WHERE report_id IS NULL;
DROP INDEX outbox_enrollment_id;
ALTER TABLE outbox DROP CONSTRAINT outbox_one_subject;
ALTER TABLE outbox DROP COLUMN enrollment_id;
ALTER TABLE outbox ALTER COLUMN report_id SET NOT NULL;
DROP TABLE staff_enrollments;
