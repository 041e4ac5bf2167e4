//! Signed receipts: proof, verifiable by the submitter with `/.well-known/jwks.json`, that the
//! portal received exactly a given body for a report at a given time.
//!
//! A receipt is a compact JWS (EdDSA, the access tokens' key and `kid`) whose header `typ` is
//! `report-receipt+jwt`, so it can never pass for an access token, nor one for it. Ed25519
//! signatures are deterministic: the same facts and key always give the same receipt, which is
//! how a replayed submission answers the original receipt without storing it.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
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
    key: EncodingKey,
    kid: String,
    issuer: String,
}

impl ReceiptSigner {
    /// A signer using `keys` (those of the access tokens), naming `issuer` in every receipt.
    pub fn new(keys: &SigningKeys, issuer: &str) -> Self {
        Self {
            key: keys.encoding.clone(),
            kid: keys.kid.clone(),
            issuer: issuer.to_owned(),
        }
    }

    /// The issuer named in receipts.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The compact JWS of `claims`.
    pub fn sign(&self, claims: &ReceiptClaims) -> Result<String, ApiError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        header.typ = Some(RECEIPT_TYP.to_owned());
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot sign a receipt: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn a_receipt_is_deterministic_and_verifies_with_the_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys = SigningKeys::load_or_create(&dir.path().join("k.pem")).unwrap();
        let signer = ReceiptSigner::new(&keys, "report-portal");
        let claims = ReceiptClaims {
            iss: "report-portal".into(),
            iat: 1_800_000_000,
            report_id: "r".into(),
            organization_id: "o".into(),
            external_id: "e".into(),
            amendment: None,
            body_sha256: "00".into(),
            received_at: DateTime::from_timestamp(1_800_000_000, 123_456_000).unwrap(),
        };
        let receipt = signer.sign(&claims).unwrap();
        assert_eq!(receipt, signer.sign(&claims).unwrap());
        let header = jsonwebtoken::decode_header(&receipt).unwrap();
        assert_eq!(header.typ.as_deref(), Some(RECEIPT_TYP));
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let decoded =
            jsonwebtoken::decode::<ReceiptClaims>(&receipt, &keys.decoding, &validation).unwrap();
        assert_eq!(decoded.claims, claims);
        let other = SigningKeys::load_or_create(&dir.path().join("other.pem")).unwrap();
        let wrong: &DecodingKey = &other.decoding;
        assert!(jsonwebtoken::decode::<ReceiptClaims>(&receipt, wrong, &validation).is_err());
    }
}
