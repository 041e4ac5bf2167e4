//! Signed receipts: proof, verifiable by the submitter with `/.well-known/jwks.json`, that the
//! portal received exactly a given body for a report at a given time.
//!
//! A receipt is a compact JWS (EdDSA, the access tokens' key and `kid`) whose header `typ` is
//! `report-receipt+jwt`, so it can never pass for an access token, nor one for it. Ed25519
//! signatures are deterministic: the same facts and key always give the same receipt, which is
//! how a replayed submission answers the original receipt without storing it. Receipts are
//! made here with the key directly (RFC 7515 compact serialization), a batch signing up to a
//! hundred: `jsonwebtoken` would decode the PKCS#8 key again for every one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::keys::SigningKeys;
use crate::error::ApiError;

/// The JOSE header `typ` of a receipt.
pub const RECEIPT_TYP: &str = "report-receipt+jwt";

/// What a receipt attests (its JWS payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptClaims {
    /// The portal (`token_issuer`).
    pub iss: String,
    /// When the portal received the body, in seconds since the epoch.
    pub iat: i64,
    /// The report's id.
    pub report_id: String,
    /// The submitting organization's id.
    pub organization_id: String,
    /// The organization's own identifier of the report.
    pub external_id: String,
    /// For an amendment: its number (1, 2, …); absent for the report itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<i32>,
    /// SHA-256 (hex) of the body as received, in canonical JSON.
    pub body_sha256: String,
    /// When the portal received the body (UTC, microseconds).
    pub received_at: DateTime<Utc>,
}

/// Signs receipts with the server's signing key.
#[derive(Clone)]
pub struct ReceiptSigner {
    key: SigningKey,
    /// The encoded JOSE header, the same for every receipt.
    header: String,
    issuer: String,
}

impl ReceiptSigner {
    /// A signer using `keys` (those of the access tokens), naming `issuer` in every receipt.
    pub fn new(keys: &SigningKeys, issuer: &str) -> Self {
        let header = serde_json::json!({"alg": "EdDSA", "kid": keys.kid, "typ": RECEIPT_TYP});
        Self {
            key: keys.signing.clone(),
            header: URL_SAFE_NO_PAD.encode(header.to_string()),
            issuer: issuer.to_owned(),
        }
    }

    /// The receipt (compact JWS) attesting `received`.
    pub fn sign(&self, received: Received<'_>) -> Result<String, ApiError> {
        let claims = ReceiptClaims {
            iss: self.issuer.clone(),
            iat: received.received_at.timestamp(),
            report_id: received.report_id.to_owned(),
            organization_id: received.organization_id.to_owned(),
            external_id: received.external_id.to_owned(),
            amendment: received.amendment,
            body_sha256: received.body_sha256.to_owned(),
            received_at: received.received_at,
        };
        let claims = serde_json::to_vec(&claims)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot encode a receipt: {e}")))?;
        let signed = format!("{}.{}", self.header, URL_SAFE_NO_PAD.encode(claims));
        let signature = self.key.sign(signed.as_bytes());
        Ok(format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

/// What a receipt attests: a body received for a report (or for one of its amendments).
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The report's id.
    pub report_id: &'a str,
    /// The submitting organization's id.
    pub organization_id: &'a str,
    /// The organization's own identifier of the report.
    pub external_id: &'a str,
    /// For an amendment, its number.
    pub amendment: Option<i32>,
    /// SHA-256 (hex) of the body as received, in canonical JSON.
    pub body_sha256: &'a str,
    /// When the portal received it.
    pub received_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};

    #[test]
    fn a_receipt_is_deterministic_and_verifies_with_the_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys = SigningKeys::load_or_create(&dir.path().join("k.pem")).unwrap();
        let signer = ReceiptSigner::new(&keys, "report-portal");
        let received = Received {
            report_id: "r",
            organization_id: "o",
            external_id: "e",
            amendment: Some(2),
            body_sha256: "00",
            received_at: DateTime::from_timestamp(1_800_000_000, 123_456_000).unwrap(),
        };
        let receipt = signer.sign(received).unwrap();
        assert_eq!(receipt, signer.sign(received).unwrap());
        let header = jsonwebtoken::decode_header(&receipt).unwrap();
        assert_eq!(header.typ.as_deref(), Some(RECEIPT_TYP));
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let decoded =
            jsonwebtoken::decode::<ReceiptClaims>(&receipt, &keys.decoding, &validation).unwrap();
        let claims = decoded.claims;
        assert_eq!(claims.iss, "report-portal");
        assert_eq!(claims.iat, 1_800_000_000);
        assert_eq!(
            (claims.report_id.as_str(), claims.amendment),
            ("r", Some(2))
        );
        assert_eq!(claims.received_at, received.received_at);
        let other = SigningKeys::load_or_create(&dir.path().join("other.pem")).unwrap();
        let wrong: &DecodingKey = &other.decoding;
        assert!(jsonwebtoken::decode::<ReceiptClaims>(&receipt, wrong, &validation).is_err());
    }
}
