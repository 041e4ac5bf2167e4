-- API credentials expire (issue 21): `expires_at` is set when a credential is issued (issue time
-- plus `credential_lifetime_days`); a credential that exists already gets now + 365 days (the
-- default lifetime) here. `expiry_warned_at` records the `credential.expiring` event, sent once.
-- (SQLite adds a NOT NULL column only with a default; every insert sets it.)
ALTER TABLE credentials ADD COLUMN expires_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
ALTER TABLE credentials ADD COLUMN expiry_warned_at TIMESTAMP;
UPDATE credentials SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+365 days');
-- The credentials still to warn of, soonest first.
CREATE INDEX credentials_expiry_unwarned ON credentials (expires_at)
    WHERE expiry_warned_at IS NULL AND revoked_at IS NULL;
