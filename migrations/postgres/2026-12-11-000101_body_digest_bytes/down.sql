ALTER TABLE reports ALTER COLUMN body_sha256 TYPE TEXT USING encode(body_sha256, 'hex');
