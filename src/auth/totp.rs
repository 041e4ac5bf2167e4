//! The TOTP second factor of local staff accounts (RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, the profile authenticator apps read from an `otpauth://` URI), through the `totp-rs`
//! crate, and single-use recovery codes.
//!
//! A code is accepted for the current step and one step either side, and only for a step later
//! than the last one accepted ([`matching_step`]), so that no code serves twice.

use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use super::secret;
use crate::error::ApiError;

/// Seconds per step.
const STEP_SECONDS: u64 = 30;
/// Digits per code.
const DIGITS: usize = 6;
/// Steps accepted either side of the current one.
const SKEW_STEPS: u64 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;
/// Recovery codes issued at enrollment.
pub const RECOVERY_CODES: usize = 10;
/// The issuer an authenticator app shows beside the code.
const ISSUER: &str = "report-portal";

/// A TOTP generator over `secret` (raw bytes) for the account `label`.
fn generator(secret: Vec<u8>, label: &str) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS as u8,
        STEP_SECONDS,
        secret,
        Some(ISSUER.to_owned()),
        label.replace(':', "_"),
    )
}

/// A new random secret, base32 (RFC 4648, no padding), as stored (sealed) and shown once.
pub fn new_secret() -> String {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes).to_encoded().to_string()
}

fn secret_bytes(secret_base32: &str) -> Result<Vec<u8>, ApiError> {
    Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("a stored TOTP secret is not base32")))
}

/// The `otpauth://totp/…` URI an authenticator app reads (as text or a QR code).
pub fn otpauth_uri(secret_base32: &str, label: &str) -> Result<String, ApiError> {
    Ok(generator(secret_bytes(secret_base32)?, label).get_url())
}

/// The time step of `unix_seconds`.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The step, among the current one (of `unix_seconds`) and one either side, whose code is
/// `code`, provided it is later than `last_step` (the last accepted); `None` otherwise.
pub fn matching_step(
    secret_base32: &str,
    code: &str,
    unix_seconds: u64,
    last_step: Option<u64>,
) -> Result<Option<u64>, ApiError> {
    let totp = generator(secret_bytes(secret_base32)?, "");
    let current = step_of(unix_seconds);
    let code = code.trim();
    Ok((current.saturating_sub(SKEW_STEPS)..=current + SKEW_STEPS)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = totp.generate(step * STEP_SECONDS);
            bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
        }))
}

/// New recovery codes: ten of 10 random base32 characters (50 bits) each, as `xxxxx-xxxxx`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let text = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
            let text = text[..10].to_lowercase();
            format!("{}-{}", &text[..5], &text[5..])
        })
        .collect()
}

/// The stored form of a recovery code as typed (any case, with or without the dash or spaces).
pub fn recovery_code_hash(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    secret::hash_secret(&normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890", in base32.
    const RFC_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /// RFC 6238 Appendix B, SHA-1 rows: (time, 8-digit TOTP). The 6-digit code is the last six.
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn codes_are_those_of_rfc_6238() {
        for (time, eight) in RFC_VECTORS {
            let eight_digit = TOTP::new_unchecked(
                Algorithm::SHA1,
                8,
                1,
                30,
                secret_bytes(RFC_SEED).unwrap(),
                None,
                String::new(),
            );
            assert_eq!(eight_digit.generate(time), eight, "t={time}");
            let six = &eight[2..];
            assert_eq!(
                matching_step(RFC_SEED, six, time, None).unwrap(),
                Some(step_of(time)),
                "t={time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_two() {
        let (time, six) = (1_111_111_109, "081804");
        assert_eq!(
            matching_step(RFC_SEED, six, time + 30, None).unwrap(),
            Some(step_of(time))
        );
        assert_eq!(
            matching_step(RFC_SEED, six, time - 30, None).unwrap(),
            Some(step_of(time))
        );
        assert_eq!(matching_step(RFC_SEED, six, time + 60, None).unwrap(), None);
        assert_eq!(matching_step(RFC_SEED, six, time - 60, None).unwrap(), None);
    }

    #[test]
    fn a_code_of_an_accepted_step_is_refused() {
        let (time, six) = (1_111_111_109, "081804");
        let step = step_of(time);
        assert_eq!(
            matching_step(RFC_SEED, six, time, Some(step)).unwrap(),
            None
        );
        assert_eq!(
            matching_step(RFC_SEED, six, time, Some(step - 1)).unwrap(),
            Some(step)
        );
    }

    #[test]
    fn the_uri_names_the_profile() {
        let uri = otpauth_uri(RFC_SEED, "analyst@example.gov").unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={RFC_SEED}")), "{uri}");
        assert!(uri.contains("issuer=report-portal"), "{uri}");
        assert!(!uri.contains("digits=8"), "{uri}");
    }

    #[test]
    fn recovery_codes_differ_and_hash_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        assert_eq!(
            recovery_code_hash(code),
            recovery_code_hash(&code.to_uppercase().replace('-', " "))
        );
    }
}
