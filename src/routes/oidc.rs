//! Staff sign-in through the agency's OpenID Connect provider: the start (a redirect to the
//! provider) and the callback (the code exchanged, the ID token checked, the account created or
//! updated, the portal's token pair answered). Each step is audited; a failure's action names
//! its class (`auth.oidc.failure.<class>`), never a secret.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::meta::RequestMeta;
use super::responses::AddressLimited;
use crate::auth::oidc::{OidcError, OidcProvider};
use crate::auth::secret;
use crate::auth::token::AccessToken;
use crate::domain::storable::is_storable_text;
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::oidc::{Identity, IdentityRefusal, PendingLogin};

/// How long a started sign-in may take at the provider.
const LOGIN_TTL_MINUTES: i64 = 10;
/// The longest `return_to`, `code` or `state` read.
const MAX_PARAMETER_CHARS: usize = 2048;

/// The provider, or 404 when OpenID Connect is not configured.
fn provider(state: &AppState) -> Result<&OidcProvider, ApiError> {
    state.oidc.as_deref().ok_or(ApiError::NotFound)
}

async fn append(state: &AppState, event: NewAuditEvent) -> Result<(), ApiError> {
    state.db(move |conn| Ok(audit::append(conn, &event)?)).await
}

/// The query of a sign-in's start.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StartQuery {
    /// Where the front end goes once signed in: a URL starting with one of `oidc_return_to`.
    #[param(max_length = 2048)]
    pub return_to: Option<String>,
}

/// Start a staff sign-in at the agency's identity provider.
///
/// Answers 302 to the provider's authorization endpoint (authorization code flow with PKCE S256,
/// `state` and `nonce`); the sign-in must come back to the callback within 10 minutes, once.
/// `return_to` must start with a prefix the configuration allows (422 otherwise); the callback
/// hands it back. 404 when no provider is configured. Audited as `auth.oidc.start`.
#[utoipa::path(
    tag = "auth",
    params(StartQuery),
    responses(
        (status = 302, description = "To the identity provider"),
        (status = 400, description = "A query string the server cannot read (e.g. holding `%00`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "OpenID Connect is not configured", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`return_to` not allowed", body = Problem, content_type = "application/problem+json"),
        AddressLimited,
        (status = 503, description = "The identity provider cannot be reached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/oidc/start")]
pub async fn start(
    meta: RequestMeta,
    state: web::Data<AppState>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, ApiError> {
    state.rate_limits.check_address(&meta.ip)?;
    let provider = provider(&state)?;
    let return_to = query.into_inner().return_to;
    let allowed = |url: &String| url.len() <= MAX_PARAMETER_CHARS && provider.allows_return_to(url);
    if !return_to.as_ref().is_none_or(allowed) {
        append(
            &state,
            meta.event(None, "auth.oidc.failure.return_to", None)
                .failed(),
        )
        .await?;
        return Err(ApiError::invalid(
            "/return_to",
            "return_to",
            "is not an address this portal returns to",
        ));
    }
    let authorization = provider.authorize().await.map_err(unavailable)?;
    let pending = PendingLogin {
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        return_to,
    };
    let state_hash = secret::hash_secret(&authorization.state);
    let event = meta.event(None, "auth.oidc.start", None);
    state
        .db(move |conn| {
            let ttl = chrono::Duration::minutes(LOGIN_TTL_MINUTES);
            service::sign_in::start_oidc(conn, &state_hash, &pending, ttl, &event)
        })
        .await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, authorization.url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

fn unavailable(error: OidcError) -> ApiError {
    tracing::warn!(error = %error, "identity provider unavailable");
    ApiError::Unavailable
}

/// The query the provider sends back (OpenID Connect Core §3.1.2.5 and §3.1.2.6).
#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` of the sign-in.
    pub state: Option<String>,
    /// The provider's error, when it did not sign the user in.
    pub error: Option<String>,
}

/// The answer of a completed sign-in: the portal's token pair, and where to go.
#[derive(Debug, Serialize, ToSchema)]
pub struct OidcSignIn {
    /// The access and refresh tokens, as `/auth/login` answers them.
    #[serde(flatten)]
    pub tokens: AccessToken,
    /// The `return_to` of the start, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// Complete a staff sign-in at the identity provider.
///
/// The provider redirects here with `code` and `state`. The sign-in must be one this portal
/// started (its `state`, once, within 10 minutes: 400 otherwise); the code is exchanged with the
/// PKCE verifier, and the ID token checked (signature by the provider's keys, `iss`, `aud`,
/// `azp`, `exp`, `nonce`): 401 when the provider refuses the code or the token fails a check.
/// The role comes from the `oidc_role_claim` claim through `oidc_roles`: 403 when it gives none,
/// or when the account was deactivated. The account (keyed by the provider's `sub`) is created
/// on the first sign-in and its e-mail, name and role brought up to date on each. Answers the
/// token pair as `/auth/login` does.
#[utoipa::path(
    tag = "auth",
    params(CallbackQuery),
    responses(
        (status = 200, description = "Signed in", body = OidcSignIn),
        (status = 400, description = "No sign-in of this portal with this `state` (unknown, used or expired), or no `code`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The provider refused the sign-in or the code, or the ID token failed a check", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No role for this user's groups, or the account is deactivated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "OpenID Connect is not configured", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail address is a local account's", body = Problem, content_type = "application/problem+json"),
        AddressLimited,
        (status = 503, description = "The identity provider cannot be reached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/oidc/callback")]
pub async fn callback(
    meta: RequestMeta,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    state.rate_limits.check_address(&meta.ip)?;
    let provider = provider(&state)?;
    let CallbackQuery {
        code,
        state: login_state,
        error,
    } = query.into_inner();
    let fail = |class: &'static str, target: Option<&str>| {
        NewAuditEvent {
            action: class,
            ..meta.event(None, "auth.oidc.failure", target)
        }
        .failed()
    };
    let readable = |v: &Option<String>| {
        v.as_deref()
            .filter(|v| v.len() <= MAX_PARAMETER_CHARS && is_storable_text(v))
            .map(str::to_owned)
    };
    let taken = match readable(&login_state) {
        Some(login_state) => {
            let hash = secret::hash_secret(&login_state);
            state
                .db(move |conn| service::sign_in::take_oidc_login(conn, &hash))
                .await?
        }
        None => None,
    };
    let Some(pending) = taken else {
        append(&state, fail("auth.oidc.failure.state", None)).await?;
        return Err(ApiError::BadRequest(
            "no sign-in of this portal has this state (unknown, used or expired): start again"
                .into(),
        ));
    };
    if error.is_some() {
        append(&state, fail("auth.oidc.failure.provider", None)).await?;
        return Err(ApiError::Unauthenticated(
            "the identity provider did not sign you in".into(),
        ));
    }
    let Some(code) = readable(&code) else {
        append(&state, fail("auth.oidc.failure.code", None)).await?;
        return Err(ApiError::BadRequest("code is required".into()));
    };
    let verified = match provider
        .finish(&code, &pending.pkce_verifier, &pending.nonce)
        .await
    {
        Ok(verified) => verified,
        Err(OidcError::Unavailable(reason)) => {
            append(&state, fail("auth.oidc.failure.unavailable", None)).await?;
            return Err(unavailable(OidcError::Unavailable(reason)));
        }
        Err(refused) => {
            let class = match refused {
                OidcError::Code(_) => "auth.oidc.failure.code",
                _ => "auth.oidc.failure.id_token",
            };
            tracing::info!(reason = %refused, "OpenID Connect sign-in refused");
            append(&state, fail(class, None)).await?;
            return Err(ApiError::Unauthenticated(
                "the identity provider's answer was not accepted; start again".into(),
            ));
        }
    };
    let subject = verified.subject.clone();
    let Some(role) = provider.role_of(&verified.groups) else {
        append(&state, fail("auth.oidc.failure.role", Some(&subject))).await?;
        return Err(ApiError::Forbidden(
            "your groups at the identity provider give you no role in this portal".into(),
        ));
    };
    let email = verified.email.unwrap_or_default().trim().to_lowercase();
    let identity = Identity {
        subject: verified.subject,
        display_name: verified.name.unwrap_or_else(|| email.clone()),
        email,
        role,
    };
    let outcome = state
        .db(move |conn| service::sign_in::oidc_account(conn, &identity))
        .await?;
    let (user, _) = match outcome {
        Ok(signed_in) => signed_in,
        Err(refusal) => {
            let (class, error) = match refusal {
                IdentityRefusal::Deactivated => (
                    "auth.oidc.failure.deactivated",
                    ApiError::Forbidden("this account is deactivated".into()),
                ),
                IdentityRefusal::EmailTaken => (
                    "auth.oidc.failure.email_taken",
                    ApiError::Conflict {
                        detail: "a local account has this e-mail address".into(),
                        existing_id: None,
                    },
                ),
                IdentityRefusal::InvalidProfile => (
                    "auth.oidc.failure.profile",
                    ApiError::Forbidden(
                        "the identity provider gave no usable e-mail address or name".into(),
                    ),
                ),
            };
            append(&state, fail(class, Some(&subject))).await?;
            return Err(error);
        }
    };
    state.staff_cache.invalidate(&user.id);
    let event = NewAuditEvent {
        actor: Some(user.id.clone()),
        role: Some(user.role.as_ref().to_owned()),
        target: Some(subject),
        ..meta.event(None, "auth.oidc.login", None)
    };
    let tokens = super::staff_auth::issue_token_pair(&state, &user, event).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OidcSignIn {
            tokens,
            return_to: pending.return_to,
        }))
}
