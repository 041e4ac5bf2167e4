//! The portal as a confidential OpenID Connect client of the agency's identity provider, through
//! the `openidconnect` crate (discovery, the authorization request with PKCE S256, `state` and
//! `nonce`, the code exchange, and the ID token's checks: signature by the provider's JWKS,
//! `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`), and the mapping of the provider's groups to a
//! portal role.
//!
//! The provider's metadata and keys are discovered on first use and kept. An ID token signed by a
//! key the kept set does not hold (the provider rotated its keys) makes the portal fetch the set
//! again, at most once per [`JWKS_REFETCH_INTERVAL`], and check the token again.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::str::FromStr;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, JsonWebKeySet, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tokio::sync::Mutex;

use crate::config::Settings;
use crate::domain::user::Role;

/// The shortest time between two fetches of the provider's keys for an unknown key id, so that
/// tokens naming made-up keys cannot make the portal hammer the provider.
pub const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// Seconds the provider may take to answer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a sign-in at the provider did not give a verified identity, by class (the audit
/// action names it; the detail is only logged).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached, or its metadata or keys are unusable.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code (unknown, used, expired, wrong PKCE verifier).
    #[error("the authorization code was refused: {0}")]
    Code(String),
    /// The ID token is missing or failed a check (signature, issuer, audience, expiry, nonce).
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
}

/// A sign-in to send to the provider: its URL, and what the callback needs.
#[derive(Debug)]
pub struct Authorization {
    /// The provider's authorization URL with every parameter.
    pub url: String,
    /// The `state` (kept only as a hash).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
}

/// What a verified ID token says of the user.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    /// `sub`.
    pub subject: String,
    /// `email`, if the token carries it.
    pub email: Option<String>,
    /// `name`, if the token carries it.
    pub name: Option<String>,
    /// The groups of the role claim (a list of strings, or one string).
    pub groups: Vec<String>,
}

/// The configured provider.
pub struct OidcProvider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect_url: RedirectUrl,
    role_claim: String,
    roles: Vec<(String, Role)>,
    return_to: Vec<String>,
    http: reqwest::Client,
    metadata: Mutex<Option<CoreProviderMetadata>>,
    last_refetch: Mutex<Option<Instant>>,
}

/// Parses `group=role,…` (roles as the API names them; `reporter` is not a staff role).
pub fn parse_role_mapping(text: &str) -> anyhow::Result<Vec<(String, Role)>> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (group, role) = pair
                .rsplit_once('=')
                .ok_or_else(|| anyhow::anyhow!("oidc_roles: {pair:?} is not group=role"))?;
            let role: Role = role
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("oidc_roles: {role:?} is not a role"))?;
            anyhow::ensure!(
                role != Role::Reporter,
                "oidc_roles: reporter is not a staff role"
            );
            Ok((group.trim().to_owned(), role))
        })
        .collect()
}

impl OidcProvider {
    /// The provider of `settings`, or `None` when `oidc_issuer` is empty. Contacts nothing.
    pub fn new(settings: &Settings) -> anyhow::Result<Option<Self>> {
        if !settings.oidc_enabled() {
            return Ok(None);
        }
        anyhow::ensure!(
            !settings.oidc_client_id.is_empty() && !settings.oidc_client_secret.0.is_empty(),
            "oidc_issuer is set: set oidc_client_id and oidc_client_secret too"
        );
        let redirect = if settings.oidc_redirect_url.is_empty() {
            format!(
                "{}/api/v1/auth/oidc/callback",
                settings.public_url.trim_end_matches('/')
            )
        } else {
            settings.oidc_redirect_url.clone()
        };
        let roles = parse_role_mapping(&settings.oidc_roles)?;
        anyhow::ensure!(!roles.is_empty(), "oidc_issuer is set: set oidc_roles too");
        let http = reqwest::Client::builder()
            // The token endpoint must not redirect the code elsewhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()?;
        Ok(Some(Self {
            issuer: IssuerUrl::new(settings.oidc_issuer.clone())?,
            client_id: ClientId::new(settings.oidc_client_id.clone()),
            client_secret: ClientSecret::new(settings.oidc_client_secret.0.clone()),
            redirect_url: RedirectUrl::new(redirect)?,
            role_claim: settings.oidc_role_claim.clone(),
            roles,
            return_to: settings
                .oidc_return_to
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            http,
            metadata: Mutex::default(),
            last_refetch: Mutex::default(),
        }))
    }

    /// Whether a sign-in may return to `url`: it starts with one of the configured prefixes and
    /// is a plain absolute URL (no user info, no fragment).
    pub fn allows_return_to(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        parsed.username().is_empty()
            && parsed.password().is_none()
            && parsed.fragment().is_none()
            && parsed.as_str() == url
            && self.return_to.iter().any(|prefix| url.starts_with(prefix))
    }

    /// The role of a member of `groups`: the first pair of the mapping whose group is among
    /// them.
    pub fn role_of(&self, groups: &[String]) -> Option<Role> {
        self.roles
            .iter()
            .find(|(group, _)| groups.iter().any(|g| g == group))
            .map(|(_, role)| *role)
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        let mut kept = self.metadata.lock().await;
        if let Some(metadata) = kept.as_ref() {
            return Ok(metadata.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("discovery: {e}")))?;
        *kept = Some(metadata.clone());
        Ok(metadata)
    }

    /// Fetches the provider's keys again, unless that was done less than
    /// [`JWKS_REFETCH_INTERVAL`] ago; answers whether it did.
    async fn refetch_keys(&self) -> Result<bool, OidcError> {
        let mut last = self.last_refetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < JWKS_REFETCH_INTERVAL) {
            return Ok(false);
        }
        *last = Some(Instant::now());
        let mut kept = self.metadata.lock().await;
        let Some(metadata) = kept.as_mut() else {
            return Ok(false);
        };
        let keys = JsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("keys: {e}")))?;
        *metadata = metadata.clone().set_jwks(keys);
        tracing::info!("fetched the identity provider's keys again");
        Ok(true)
    }

    fn client(&self, metadata: CoreProviderMetadata) -> Result<OidcClient, OidcError> {
        let client = CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(self.client_secret.clone()),
        )
        .set_redirect_uri(self.redirect_url.clone());
        Ok(OidcClient(client))
    }

    /// A new sign-in: the provider's authorization URL (code flow, PKCE S256, `state`, `nonce`,
    /// scopes `openid email profile`).
    pub async fn authorize(&self) -> Result<Authorization, OidcError> {
        let client = self.client(self.metadata().await?)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .0
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges `code` (with the PKCE verifier) for tokens and checks the ID token against
    /// `nonce`; answers what it says of the user.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let client = self.client(self.metadata().await?)?;
        let response = client
            .0
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unavailable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(refusal) => {
                    OidcError::Code(refusal.to_string())
                }
                other => OidcError::Unavailable(format!("token endpoint: {other}")),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::IdToken("the token response has none".into()))?;
        self.verify_id_token(&id_token.to_string(), nonce).await
    }

    /// Checks ID token `raw` (signature by the provider's keys, fetched again once for an
    /// unknown key id; `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`) and answers what it says.
    pub async fn verify_id_token(
        &self,
        raw: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let id_token = CoreIdToken::from_str(raw)
            .map_err(|e| OidcError::IdToken(format!("malformed: {e}")))?;
        let nonce = Nonce::new(nonce.to_owned());
        let client = self.client(self.metadata().await?)?;
        let verified = match id_token.claims(&client.0.id_token_verifier(), &nonce) {
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(
                openidconnect::SignatureVerificationError::NoMatchingKey,
            )) if self.refetch_keys().await? => {
                let client = self.client(self.metadata().await?)?;
                id_token
                    .claims(&client.0.id_token_verifier(), &nonce)
                    .cloned()
            }
            other => other.cloned(),
        }
        .map_err(|e| OidcError::IdToken(e.to_string()))?;
        Ok(VerifiedIdentity {
            subject: verified.subject().to_string(),
            email: verified.email().map(|e| e.to_string()),
            name: verified
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            groups: self.groups(raw),
        })
    }

    /// The groups in the role claim of an ID token already verified (its payload read again as
    /// JSON, since the claim's name is configured).
    fn groups(&self, id_token: &str) -> Vec<String> {
        let claims: Option<serde_json::Value> = id_token
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        match claims.as_ref().and_then(|c| c.get(&self.role_claim)) {
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            Some(serde_json::Value::Array(many)) => many
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The `openidconnect` client of the provider's current metadata, made for each use (cheap).
struct OidcClient(
    openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_mapping_reads_pairs_in_order() {
        let roles = parse_role_mapping("portal-analysts=analyst, ops=admin,").unwrap();
        assert_eq!(
            roles,
            [
                ("portal-analysts".to_owned(), Role::Analyst),
                ("ops".to_owned(), Role::Admin)
            ]
        );
        assert!(parse_role_mapping("x=reporter").is_err());
        assert!(parse_role_mapping("x=boss").is_err());
        assert!(parse_role_mapping("x").is_err());
    }
}
