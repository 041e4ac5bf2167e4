DROP TABLE oidc_logins;
DROP TABLE staff_identities;
DROP TABLE staff_recovery_codes;
DROP TABLE staff_factors;
DROP TABLE refresh_tokens;
DROP TABLE refresh_families;
