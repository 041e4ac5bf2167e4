//! API client identifiers and secrets, and enrollment links' tokens: generated at random, shown
//! once, stored only as a hash.
//!
//! A client secret carries 256 random bits, so a fast hash (SHA-256) cannot be reversed by
//! guessing; argon2 is kept for staff passwords, which people choose.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::organization::CredentialMode;

/// A new public client identifier, e.g. `rp_live_9f86d081884c7d659a2feaa0`.
pub fn new_client_id(mode: CredentialMode) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("rp_{}_{}", mode.as_ref(), hex::encode(bytes))
}

/// A new client secret: see [`new_secret`].
pub fn new_client_secret() -> String {
    new_secret()
}

/// A new secret to be shown once and stored only as its hash (a client secret, the token of an
/// enrollment link): 256 random bits, base64url.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` is the one whose hash is `stored_hash`, compared in constant time.
pub fn secret_matches(secret: &str, stored_hash: &str) -> bool {
    hash_secret(secret)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_matches_its_hash_only() {
        let secret = new_client_secret();
        assert!(secret.len() >= 43, "at least 256 bits");
        let stored = hash_secret(&secret);
        assert_ne!(stored, secret);
        assert!(secret_matches(&secret, &stored));
        assert!(!secret_matches(&new_client_secret(), &stored));
    }

    #[test]
    fn client_ids_name_their_mode_and_differ() {
        let id = new_client_id(CredentialMode::Test);
        assert!(id.starts_with("rp_test_"), "{id}");
        assert_ne!(id, new_client_id(CredentialMode::Test));
    }
}
