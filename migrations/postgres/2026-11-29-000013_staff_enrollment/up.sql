-- Staff enrollment: an admin no longer sets or sees a new colleague's password. Each account made
-- through the API (and each account moved to a role that reads report content) gets a one-time
-- link by e-mail; its holder opens it and chooses their own password. The link's token is minted
-- when the e-mail is written and only its SHA-256 is kept here.
CREATE TABLE staff_enrollments (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX staff_enrollments_user ON staff_enrollments (user_id, id);

-- The outbox also carries enrollment e-mail: a message is about a report or an enrollment, never
-- both.
ALTER TABLE outbox ALTER COLUMN report_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN enrollment_id TEXT REFERENCES staff_enrollments (id);
ALTER TABLE outbox ADD CONSTRAINT outbox_one_subject
    CHECK ((report_id IS NULL) <> (enrollment_id IS NULL));
CREATE INDEX outbox_enrollment_id ON outbox (enrollment_id);
