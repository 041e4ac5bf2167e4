//! The Ed25519 key that signs access tokens, and its public half as a JWK Set.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The token signing key: private half for signing, public half for verifying and publishing.
pub struct SigningKeys {
    /// The key id (`kid`): the key's RFC 7638 JWK thumbprint.
    pub kid: String,
    /// Signs tokens.
    pub encoding: EncodingKey,
    /// Verifies tokens.
    pub decoding: DecodingKey,
    /// The private key itself, for JWS made without `jsonwebtoken` (receipts).
    pub signing: SigningKey,
    jwk: Jwk,
}

/// A public key in JWK form (RFC 8037: `OKP`, `Ed25519`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwk {
    /// Always `OKP`.
    pub kty: &'static str,
    /// Always `Ed25519`.
    pub crv: &'static str,
    /// The public key, base64url.
    pub x: String,
    /// The key id that what it verifies carries in its header (its RFC 7638 thumbprint).
    pub kid: String,
    /// Always `EdDSA`.
    pub alg: &'static str,
    /// `sig` for access tokens and receipts, `audit-checkpoint` for audit checkpoints.
    #[serde(rename = "use")]
    pub key_use: &'static str,
}

/// The JWK Set served at `/.well-known/jwks.json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwks {
    /// First the key that verifies access tokens and receipts (`use` `sig`), then the key that
    /// verifies audit checkpoints (`use` `audit-checkpoint`).
    pub keys: Vec<Jwk>,
}

impl SigningKeys {
    /// Loads the PKCS#8 PEM key at `path`, or, when no file is there, generates one and keeps it
    /// there readable by its owner only (0600), so tokens survive a restart.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        let pem = crate::secret_file::load_or_create(path, || {
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            Ok(key.to_pkcs8_pem(LineEnding::LF)?.to_string())
        })?;
        Self::from_pem(&pem)
    }

    /// The keys for an Ed25519 private key in PKCS#8 PEM form.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let key = SigningKey::from_pkcs8_pem(pem)
            .map_err(|e| anyhow::anyhow!("not an Ed25519 PKCS#8 key: {e}"))?;
        let public = key.verifying_key().to_bytes();
        let x = URL_SAFE_NO_PAD.encode(public);
        let thumbprint_input = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint_input.as_bytes()));
        Ok(Self {
            encoding: EncodingKey::from_ed_der(key.to_pkcs8_der()?.as_bytes()),
            decoding: DecodingKey::from_ed_der(&public),
            jwk: Jwk {
                kty: "OKP",
                crv: "Ed25519",
                x,
                kid: kid.clone(),
                alg: "EdDSA",
                key_use: "sig",
            },
            kid,
            signing: key,
        })
    }

    /// The public key in JWK form.
    pub fn jwk(&self) -> Jwk {
        self.jwk.clone()
    }

    /// A JWK Set of this key alone.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: vec![self.jwk()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_reloaded_with_the_same_key_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt.pem");
        let first = SigningKeys::load_or_create(&path).unwrap();
        let second = SigningKeys::load_or_create(&path).unwrap();
        assert_eq!(first.kid, second.kid);
        assert_eq!(first.jwks().keys[0].x, second.jwks().keys[0].x);
    }
}
