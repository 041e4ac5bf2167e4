DROP INDEX credentials_expiry_unwarned;
ALTER TABLE credentials DROP COLUMN expiry_warned_at;
ALTER TABLE credentials DROP COLUMN expires_at;
