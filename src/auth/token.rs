//! Access tokens: short-lived EdDSA JWTs with every registered claim required and checked.

use std::time::Duration;

use chrono::Utc;
use jsonwebtoken::{Algorithm, Header, Validation};
use mini_moka::sync::Cache;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::keys::SigningKeys;
use crate::config::Settings;
use crate::error::ApiError;

/// The JOSE header `typ` of an access token (RFC 9068).
const HEADER_TYP: &str = "at+jwt";

/// The most tokens [`TokenService`] remembers as verified.
const VERIFIED_TOKENS: u64 = 10_000;

/// The `client_id` (RFC 9068 §2.2) of staff tokens: the portal's own sign-in, the OAuth client
/// that asked for them. An API client's tokens carry its own client id (= `sub`).
pub const STAFF_CLIENT_ID: &str = "report-portal-staff-sign-in";

/// Who a token was issued to; a token of one kind never serves as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    /// An organization's API client (OAuth client credentials).
    Client,
    /// A DHS staff member who signed in.
    Staff,
    /// A partner agency's platform (OAuth client credentials): for the TAXII server only, under
    /// an audience of its own.
    Partner,
}

/// The claims of an access token. Every field is required: a token missing one is refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer: the configured `token_issuer`.
    pub iss: String,
    /// Audience: the configured `token_audience`.
    pub aud: String,
    /// Subject: the API client id, or the staff user id.
    pub sub: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before (seconds since the epoch).
    pub nbf: i64,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
    /// The OAuth client the token was issued to (RFC 9068 §2.2): the API client id, or
    /// [`STAFF_CLIENT_ID`].
    pub client_id: String,
    /// What kind of principal the token is for.
    pub typ: TokenType,
    /// The role: `reporter` for API clients.
    pub role: String,
}

/// The answer of the token endpoints (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    /// The bearer token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// A staff sign-in's refresh token: exchange it at `/auth/token` with
    /// `grant_type=refresh_token` for new tokens (once: each exchange answers a new one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// Issues and verifies access tokens.
pub struct TokenService {
    keys: SigningKeys,
    issuer: String,
    audience: String,
    partner_audience: String,
    ttl_seconds: u64,
    validation: Validation,
    /// The claims of tokens already verified, by the SHA-256 of the token's text. An API client
    /// sends the same token with every request until it expires, and the same text checks out
    /// the same way again (signature, header, issuer, audience, kind): only its times are
    /// checked again. Its signature costs a tenth of a submission's CPU time. At most
    /// [`VERIFIED_TOKENS`], each kept no longer than a token lives.
    verified: Cache<[u8; 32], Claims>,
}

impl TokenService {
    /// A token service signing with `keys` under the issuer, audience and lifetime of `settings`.
    pub fn new(keys: SigningKeys, settings: &Settings) -> Self {
        let partner_audience = format!("{}/taxii2", settings.token_audience);
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&settings.token_issuer]);
        validation.set_audience(&[&settings.token_audience, &partner_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Self {
            keys,
            issuer: settings.token_issuer.clone(),
            audience: settings.token_audience.clone(),
            partner_audience,
            ttl_seconds: settings.token_ttl_seconds,
            validation,
            verified: Cache::builder()
                .max_capacity(VERIFIED_TOKENS)
                .time_to_live(Duration::from_secs(settings.token_ttl_seconds))
                .build(),
        }
    }

    /// The audience of tokens of kind `typ`: partners' tokens serve the TAXII server only, and
    /// no other token serves it.
    fn audience_of(&self, typ: TokenType) -> &str {
        match typ {
            TokenType::Partner => &self.partner_audience,
            TokenType::Client | TokenType::Staff => &self.audience,
        }
    }

    /// The public keys that verify tokens.
    pub fn keys(&self) -> &SigningKeys {
        &self.keys
    }

    /// A new token for `subject` of kind `typ` with `role`.
    pub fn issue(
        &self,
        subject: &str,
        typ: TokenType,
        role: &str,
    ) -> Result<AccessToken, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience_of(typ).to_owned(),
            sub: subject.to_owned(),
            exp: now + self.ttl_seconds as i64,
            nbf: now,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            client_id: match typ {
                TokenType::Client | TokenType::Partner => subject.to_owned(),
                TokenType::Staff => STAFF_CLIENT_ID.to_owned(),
            },
            typ,
            role: role.to_owned(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.keys.kid.clone());
        header.typ = Some(HEADER_TYP.to_owned());
        let access_token = jsonwebtoken::encode(&header, &claims, &self.keys.encoding)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot sign a token: {e}")))?;
        Ok(AccessToken {
            access_token,
            token_type: "Bearer",
            expires_in: self.ttl_seconds,
            refresh_token: None,
        })
    }

    /// The claims of `token` if its signature, algorithm, key id, issuer, audience, times and
    /// lifetime are all right and its header asks for no extension (`crit`, RFC 7515 §4.1.11);
    /// otherwise 401, whose body says only that the token is not valid (the reason is logged).
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        self.verify_at(token, Utc::now().timestamp())
    }

    /// [`Self::verify`] at `now` (seconds since the epoch) for a token verified before; one not
    /// seen before is checked in full, on the clock.
    fn verify_at(&self, token: &str, now: i64) -> Result<Claims, ApiError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let checked = match self.verified.get(&digest) {
            Some(claims) => self.in_time(claims, now),
            None => self
                .check(token)
                .inspect(|claims| self.verified.insert(digest, claims.clone())),
        };
        checked.map_err(|reason| {
            tracing::info!(reason, "access token refused");
            ApiError::Unauthenticated("the access token is not valid".into())
        })
    }

    /// `claims` if `now` is within their validity, with the leeway of a full check.
    fn in_time(&self, claims: Claims, now: i64) -> Result<Claims, &'static str> {
        let leeway = self.validation.leeway as i64;
        if claims.exp < now - leeway {
            return Err("expired");
        }
        if claims.nbf > now + leeway {
            return Err("not yet valid");
        }
        Ok(claims)
    }

    /// The claims of `token`, or why it is refused.
    fn check(&self, token: &str) -> Result<Claims, &'static str> {
        use jsonwebtoken::errors::ErrorKind;
        let header = jsonwebtoken::decode_header(token).map_err(|_| "malformed")?;
        if header.alg != Algorithm::EdDSA {
            return Err("wrong algorithm");
        }
        if header.kid.as_deref() != Some(self.keys.kid.as_str()) {
            return Err("unknown signing key");
        }
        if header.typ.as_deref() != Some(HEADER_TYP) {
            return Err("not an access token");
        }
        // No extension is understood, so a token that makes one critical is not understood.
        if header.crit.is_some() {
            return Err("critical header extension");
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.keys.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => "expired",
                ErrorKind::ImmatureSignature => "not yet valid",
                ErrorKind::InvalidIssuer => "wrong issuer",
                ErrorKind::InvalidAudience => "wrong audience",
                ErrorKind::InvalidSignature => "bad signature",
                ErrorKind::MissingRequiredClaim(_) => "missing claim",
                _ => "malformed claims",
            })?;
        let claims = data.claims;
        if claims.aud != self.audience_of(claims.typ) {
            return Err("wrong audience for its kind");
        }
        let client = match claims.typ {
            TokenType::Client | TokenType::Partner => claims.sub.as_str(),
            TokenType::Staff => STAFF_CLIENT_ID,
        };
        if claims.client_id != client {
            return Err("client_id does not match the token's kind and subject");
        }
        if claims.iat > Utc::now().timestamp() + self.validation.leeway as i64 {
            return Err("issued in the future");
        }
        if claims.exp.saturating_sub(claims.iat) > self.ttl_seconds as i64 {
            return Err("lifetime longer than configured");
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token service (its key in the folder) and a client's token it issued and verified.
    fn verified_token() -> (tempfile::TempDir, TokenService, String) {
        let dir = tempfile::tempdir().unwrap();
        let keys = SigningKeys::load_or_create(&dir.path().join("k.pem")).unwrap();
        let tokens = TokenService::new(keys, &Settings::default());
        let token = tokens
            .issue("client", TokenType::Client, "reporter")
            .unwrap()
            .access_token;
        tokens.verify(&token).unwrap();
        (dir, tokens, token)
    }

    #[test]
    fn a_token_verified_before_is_refused_once_it_has_expired() {
        let (_dir, tokens, token) = verified_token();
        let claims = tokens.verify(&token).unwrap();
        let leeway = tokens.validation.leeway as i64;
        assert!(
            tokens.verify_at(&token, claims.exp + leeway).is_ok(),
            "valid to its expiry, with the leeway"
        );
        assert!(
            tokens.verify_at(&token, claims.exp + leeway + 1).is_err(),
            "refused after"
        );
        assert!(
            tokens.verify_at(&token, claims.nbf - leeway - 1).is_err(),
            "refused before it is valid"
        );
    }

    #[test]
    fn a_token_differing_from_a_verified_one_is_checked_in_full() {
        let (_dir, tokens, token) = verified_token();
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let mut forged = signature.as_bytes().to_vec();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        let forged = format!("{signed}.{}", String::from_utf8(forged).unwrap());
        assert!(tokens.verify(&forged).is_err(), "a changed signature");
        assert!(tokens.verify(&token).is_ok(), "the original still");
    }
}
