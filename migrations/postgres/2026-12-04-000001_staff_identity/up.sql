-- Staff identity (issue 18): rotating refresh tokens, a TOTP second factor with recovery codes
-- for local accounts, and sign-in through the agency's OpenID Connect provider.

-- A family of refresh tokens: one sign-in and every token rotated from it. Revoking it (logout,
-- reuse of a rotated token, deactivation, a change of role) ends every token of it at once.
CREATE TABLE refresh_families (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE INDEX refresh_families_user ON refresh_families (user_id);

-- One refresh token, by the SHA-256 of its value; `rotated_at` once it was exchanged.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family_id TEXT NOT NULL REFERENCES refresh_families (id),
    idle_expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- A local account's TOTP secret, sealed under a data key of the key store (`key_id`); pending
-- until the first sign-in with a code from it. `last_step`: the last time step accepted, so that
-- no code is accepted twice.
CREATE TABLE staff_factors (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    key_id TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT,
    created_at TIMESTAMP NOT NULL
);

-- Single-use recovery codes, by their SHA-256.
CREATE TABLE staff_recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    used_at TIMESTAMP
);

CREATE INDEX staff_recovery_codes_user ON staff_recovery_codes (user_id);

-- The identity provider's `sub` of a staff account that signs in through OpenID Connect.
CREATE TABLE staff_identities (
    subject TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- A sign-in started at the identity provider and not yet back: by the SHA-256 of its `state`,
-- with its nonce and PKCE verifier; single use and short-lived.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT,
    expires_at TIMESTAMP NOT NULL
);
