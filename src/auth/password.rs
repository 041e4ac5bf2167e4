//! Staff passwords: argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash that matches no password, checked when the e-mail is unknown so that an unknown
/// e-mail and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash("no password matches this one"));

/// The PHC-format argon2id hash of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid parameters")
        .to_string()
}

/// Whether `password` matches `stored` (a PHC string); with `None`, spends the same time and answers no.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let found = stored.is_some();
    let stored = stored.unwrap_or(&DUMMY_HASH);
    let matches = PasswordHash::new(stored)
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok());
    found && matches
}

/// A generated password: 128 random bits, base64url (22 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hash of a random password nobody is told: the account it is set on cannot sign in until
/// its holder chooses a password through an enrollment link, and signing in to it takes as long
/// as to any other account.
pub fn unusable() -> String {
    hash(&generate())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash("orbit-Lantern-97-quietly");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("orbit-Lantern-97-quietly", Some(&stored)));
        assert!(!verify("orbit-Lantern-97-quietlY", Some(&stored)));
        assert!(!verify("no password matches this one", None));
    }
}
