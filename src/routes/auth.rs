//! Authentication endpoints: the OAuth 2.0 client-credentials token endpoint, the JWK Set, staff
//! sign-in and staff enrollment.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::body::{SIGN_IN_BODY_LIMIT, read_limited, read_sign_in_json, require_media_type};
use super::meta::RequestMeta;
use super::responses::{AddressLimited, SignInBodyErrors};
use crate::auth::caller::Principal;
use crate::auth::keys::Jwks;
use crate::auth::password;
use crate::auth::secret;
use crate::auth::token::{AccessToken, TokenType};
use crate::domain::organization::OrganizationStatus;
use crate::domain::report::check_rules;
use crate::domain::user::{Actor, Role, check_password};
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, NewAuditEvent};

/// The schema of `grant_type`: `client_credentials` or `refresh_token`. (The field is read as
/// text, so that any other value gets RFC 6749's `unsupported_grant_type`.)
fn grant_type_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(["client_credentials", "refresh_token"]))
        .build()
}

/// The form body of a token request: client credentials (RFC 6749 §4.4.2) or a staff refresh
/// token (RFC 6749 §6).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `client_credentials` or `refresh_token`.
    #[schema(required = true, schema_with = grant_type_schema)]
    pub grant_type: Option<String>,
    /// The client id, unless sent with HTTP Basic.
    pub client_id: Option<String>,
    /// The client secret, unless sent with HTTP Basic.
    pub client_secret: Option<String>,
    /// With `grant_type=refresh_token`: the refresh token of a staff sign-in.
    pub refresh_token: Option<String>,
}

fn oauth(status: StatusCode, error: &'static str, description: &str) -> ApiError {
    ApiError::OAuth {
        status,
        error,
        description: description.to_owned(),
    }
}

/// The client id and secret from HTTP Basic (RFC 6749 §2.3.1, form-urlencoded parts) or the form.
fn client_credentials(req: &HttpRequest, form: TokenRequest) -> Result<(String, String), ApiError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    if let Some(encoded) = basic {
        let bad = || {
            oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "malformed HTTP Basic credentials",
            )
        };
        let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
        let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
        let unescape = |part: &str| {
            url::form_urlencoded::parse(format!("v={part}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        return Ok((
            unescape(id).ok_or_else(bad)?,
            unescape(secret).ok_or_else(bad)?,
        ));
    }
    match (form.client_id, form.client_secret) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id and client_secret are required",
        )),
    }
}

/// Exchange API client credentials, or a staff refresh token, for an access token.
///
/// OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
/// form, with the client id and secret either in HTTP Basic or in the form. The token lasts
/// 15 minutes; request a new one when it expires. Staff send `grant_type=refresh_token` with the
/// `refresh_token` of their sign-in (RFC 6749 §6): the answer carries a new access token and a
/// new refresh token, and the one sent stops working; sending a used one again revokes every
/// refresh token of that sign-in (`invalid_grant`). Errors follow RFC 6749 §5.2. The body is at
/// most 4 KiB.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses(
        (status = 200, description = "A new access token (with a new refresh token for `refresh_token`)", body = AccessToken),
        (status = 400, description = "`invalid_request`, `unsupported_grant_type`, or `invalid_grant` (a refresh token unknown, expired, revoked or used)", body = crate::error::OAuthError),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, revoked or expired credential", body = crate::error::OAuthError),
        (status = 403, description = "`unauthorized_client`: the organization is not vetted", body = crate::error::OAuthError),
        (status = 408, description = "The body did not arrive in time", body = crate::error::OAuthError),
        (status = 413, description = "Body over 4 KiB", body = crate::error::OAuthError),
        (status = 415, description = "Not a form body", body = crate::error::OAuthError),
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    meta: RequestMeta,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // The body's own faults answer in the RFC's shape too.
    let as_oauth = |e: ApiError| match e {
        ApiError::PayloadTooLarge { .. }
        | ApiError::UnsupportedMediaType { .. }
        | ApiError::RequestTimeout { .. }
        | ApiError::BadRequest(_) => oauth(e.status_code(), "invalid_request", &e.to_string()),
        other => other,
    };
    state.rate_limits.check_address(&meta.ip)?;
    require_media_type(&req, "application/x-www-form-urlencoded").map_err(as_oauth)?;
    let bytes = read_limited(&req, &mut payload.into_inner(), SIGN_IN_BODY_LIMIT)
        .await
        .map_err(as_oauth)?;
    let form: TokenRequest = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
        oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body is not a valid form",
        )
    })?;
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some("refresh_token") => {
            return super::staff_auth::refresh_grant(&state, &meta, form.refresh_token).await;
        }
        Some(_) => {
            return Err(oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials and refresh_token are supported",
            ));
        }
        None => {
            return Err(oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            ));
        }
    }
    let (client_id, client_secret) = client_credentials(&req, form)?;
    // No client id holds a NUL, and PostgreSQL cannot even compare a text with one.
    if !crate::domain::storable::is_storable_text(&client_id) {
        return Err(oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        ));
    }
    if crate::auth::partner::is_partner_client(&client_id) {
        let attempt = meta.event(None, "auth.token", Some(&client_id));
        return crate::auth::partner::token(&state, attempt, client_id, client_secret).await;
    }
    let lookup_id = client_id.clone();
    let found = state
        .db(move |conn| store::organizations::credential_with_secret(conn, &lookup_id))
        .await?;
    // Hash the offered secret even for an unknown client, so both take the same time.
    let (stored_hash, access) = match found {
        Some((hash, access)) => (hash, Some(access)),
        None => (String::new(), None),
    };
    let matches = secret::secret_matches(&client_secret, &stored_hash);
    let verdict = match access.filter(|a| matches && !a.revoked) {
        None => Err(oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        )),
        Some(a) if a.organization_status != OrganizationStatus::Vetted => Err(oauth(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "the organization is not vetted",
        )),
        Some(_) => Ok(()),
    };
    let actor = Actor {
        id: client_id.clone(),
        role: Role::Reporter,
    };
    let event = meta.event(Some(&actor), "auth.token", Some(&client_id));
    let event = if verdict.is_ok() {
        event
    } else {
        event.failed()
    };
    state
        .db(move |conn| Ok(audit::append(conn, &event)?))
        .await?;
    verdict?;
    let token = state
        .tokens
        .issue(&client_id, TokenType::Client, Role::Reporter.as_ref())?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(token))
}

/// The public keys (RFC 7517 JWK Set): first the one that verifies access tokens and receipts
/// (`use` `sig`), then the one that verifies audit checkpoints (`use` `audit-checkpoint`).
#[utoipa::path(tag = "auth", responses((status = 200, description = "The JWK Set", body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> web::Json<Jwks> {
    let mut jwks = state.tokens.keys().jwks();
    jwks.keys.push(state.keys.checkpoint_key().jwk());
    web::Json(jwks)
}

/// The longest e-mail address there is (RFC 5321's path limit, less its angle brackets).
const MAX_EMAIL_CHARS: u64 = 254;

/// A staff member's sign-in.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The sign-in e-mail address (any case), at most 254 characters.
    #[validate(length(max = MAX_EMAIL_CHARS, message = "must be at most 254 characters"))]
    #[schema(max_length = 254)]
    pub email: String,
    /// The password.
    pub password: String,
    /// The current code of the account's TOTP factor (6 digits), when it has one (or to confirm
    /// the one just enrolled).
    #[schema(max_length = 16)]
    pub otp: Option<String>,
    /// One of the account's recovery codes, instead of `otp`; each works once.
    #[schema(max_length = 32)]
    pub recovery_code: Option<String>,
}

/// Sign in as a staff member.
///
/// Answers the same token shape as `/auth/token`, with the role as a claim, and a
/// `refresh_token` (see `/auth/token`). An account with a TOTP factor also sends `otp` (a code
/// is accepted once, in its 30-second step or one either side) or a `recovery_code`; a first
/// good code confirms a factor just enrolled. With `staff_mfa` `required`, an account without a
/// factor gets 403 until it enrolls one (`POST /auth/mfa/totp`). With OpenID Connect on,
/// password sign-in is off (403) except for the break-glass accounts. A wrong e-mail and a
/// wrong password answer the same and take the same time. After 5 failures within 15 minutes on
/// one e-mail address (known or not) from one client address, or 20 on it from all addresses
/// together, each further failure doubles the wait (from 1 s up to 15 minutes) during which
/// sign-ins to that account (from that address, or from all) answer 429 with `Retry-After`,
/// without a password check. The body is at most 4 KiB.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A new access token", body = AccessToken),
        SignInBodyErrors,
        (status = 401, description = "Wrong e-mail or password, deactivated account, or a second factor missing, wrong or used", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No second factor enrolled while one is required, or password sign-in off (OpenID Connect)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields missing, or an e-mail address over 254 characters", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    meta: RequestMeta,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body: LoginRequest = read_sign_in_json(&req, payload, &state, &meta).await?;
    check_rules(&body, [])?;
    super::staff_auth::login(&state, &meta, body).await
}

/// A staff member's enrollment: the token of the e-mailed link and the password they choose.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    /// The token from the enrollment e-mail.
    pub token: String,
    /// The password chosen: at least 12 characters and not easily guessed.
    #[schema(min_length = 12)]
    pub password: String,
}

/// The one answer to a token that opens no enrollment, whatever the reason (unknown, expired,
/// used, replaced by a newer link, or the account deactivated).
fn invalid_enrollment_link() -> ApiError {
    ApiError::invalid(
        "/token",
        "enrollment_link",
        "is not a working enrollment link (links work once, for a limited time); ask an administrator for a new one",
    )
}

/// Enroll: choose your password with the token of your enrollment e-mail.
///
/// The link works once and until it expires (`enrollment_link_hours`); a newer link replaces it.
/// A token that opens no enrollment answers the same 422 at `/token` whatever the reason, and is
/// audited as a failed `auth.enrollment`; a weak password answers 422 at `/password` and leaves the
/// link working. Afterwards, sign in with `POST /auth/login`. Limited per client address like
/// sign-ins. The body is at most 4 KiB.
#[utoipa::path(
    tag = "auth",
    request_body = EnrollmentRequest,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        SignInBodyErrors,
        (status = 422, description = "No working link at `/token`, or a weak password at `/password`", body = Problem, content_type = "application/problem+json"),
        AddressLimited,
    )
)]
#[post("/auth/enrollment")]
pub async fn enroll(
    req: HttpRequest,
    meta: RequestMeta,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body: EnrollmentRequest = read_sign_in_json(&req, payload, &state, &meta).await?;
    let EnrollmentRequest {
        token: link_token,
        password,
    } = body;
    let token_hash = secret::hash_secret(&link_token);
    let found = state
        .db(move |conn| store::users::find_enrollment(conn, &token_hash))
        .await?;
    let attempt = meta.event(None, "auth.enrollment", None);
    let enrollment = match found {
        Some(enrollment) if enrollment.open => enrollment,
        closed => {
            let refused = NewAuditEvent {
                target: closed.map(|e| e.user.id),
                ..attempt.failed()
            };
            state
                .db(move |conn| Ok(audit::append(conn, &refused)?))
                .await?;
            return Err(invalid_enrollment_link());
        }
    };
    check_password(&password, &enrollment.user.email, "/password")?;
    let password_hash = web::block(move || password::hash(&password)).await?;
    let user = &enrollment.user;
    let enrolled = NewAuditEvent {
        actor: Some(user.id.clone()),
        role: Some(user.role.as_ref().to_owned()),
        target: Some(user.id.clone()),
        ..attempt
    };
    let completed = state
        .db(move |conn| {
            service::sign_in::complete_enrollment(conn, &enrollment.id, &password_hash, enrolled)
        })
        .await?;
    if !completed {
        return Err(invalid_enrollment_link());
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The user id, or the API client id.
    pub id: String,
    /// The caller's role.
    pub role: Role,
    /// A staff member's e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// An API client's organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

/// Who the caller is: any valid token.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Organization not vetted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(caller: Principal) -> web::Json<Me> {
    let role = caller.role();
    web::Json(match caller {
        Principal::Reporter(r) => Me {
            id: r.client_id,
            role,
            email: None,
            organization_id: Some(r.organization_id),
        },
        Principal::Staff(s) => Me {
            id: s.id,
            role,
            email: Some(s.email),
            organization_id: None,
        },
    })
}
