-- The plaintext columns come back empty: what was sealed stays sealed.
ALTER TABLE report_locations ADD COLUMN place TEXT;
ALTER TABLE report_content ADD COLUMN text_excerpt TEXT;
ALTER TABLE report_content ADD COLUMN url TEXT;
ALTER TABLE report_contact_handles ADD COLUMN value TEXT NOT NULL DEFAULT '';
ALTER TABLE report_accounts ADD COLUMN profile_url TEXT;
ALTER TABLE report_accounts ADD COLUMN display_name TEXT;
ALTER TABLE report_accounts ADD COLUMN handle TEXT;
ALTER TABLE reports ADD COLUMN contact_phone TEXT;
ALTER TABLE reports ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE reports DROP COLUMN key_id;
CREATE TABLE report_keys (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    wrapped_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
