-- Cryptographic erasure. Each report's data key lives in the key store (a database of its own,
-- `keys_database_url`), so the per-report wrapped keys leave this database; a report names its
-- key by `key_id`. The body as received (`reports.body`), amendment bodies and note texts are
-- now stored sealed under that key (AES-256-GCM, base64). The plaintext copies of the free-text
-- and identifying fields that nothing reads are dropped (every read builds them from the
-- decrypted body); `platform_account_id` and `account_ref` now hold keyed hashes.
-- Reports stored before this migration have no key and are not readable after it.
DROP TABLE report_keys;
ALTER TABLE reports ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE reports DROP COLUMN summary;
ALTER TABLE reports DROP COLUMN contact_name;
ALTER TABLE reports DROP COLUMN contact_email;
ALTER TABLE reports DROP COLUMN contact_phone;
ALTER TABLE report_accounts DROP COLUMN handle;
ALTER TABLE report_accounts DROP COLUMN display_name;
ALTER TABLE report_accounts DROP COLUMN profile_url;
ALTER TABLE report_contact_handles DROP COLUMN value;
ALTER TABLE report_content DROP COLUMN url;
ALTER TABLE report_content DROP COLUMN text_excerpt;
ALTER TABLE report_locations DROP COLUMN place;
