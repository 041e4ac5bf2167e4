//! Staff sessions: a local sign-in (password, then the TOTP second factor), TOTP enrollment,
//! the token pair every staff sign-in answers (access token and rotating refresh token), the
//! refresh grant, sign-out, and an administrator's reset of a second factor.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::LoginRequest;
use super::body::read_sign_in_json;
use super::meta::RequestMeta;
use super::responses::{AddressLimited, SignInBodyErrors};
use crate::auth::caller::{Admins, Staff};
use crate::auth::token::{AccessToken, TokenType};
use crate::auth::{password, totp};
use crate::config::StaffMfa;
use crate::domain::storable::is_storable_text;
use crate::domain::user::{Role, User};
use crate::error::{ApiError, Problem};
use crate::service::{self, sign_in::NewFactor};
use crate::state::AppState;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::users::LoginKeys;
use crate::store::{refresh_tokens, staff_factors, users};

/// An administrator.
type AdminCaller = Staff<Admins>;

/// Where a TOTP secret belongs (associated data of its seal): `staff/<user id>/totp`.
fn secret_place(user_id: &str) -> String {
    format!("staff/{user_id}/totp")
}

/// An attempt whose password was right, not yet complete.
struct PasswordChecked {
    user: User,
    keys: LoginKeys,
    attempt: NewAuditEvent,
}

/// The event of `attempt` as done by `user`.
fn by(user: &User, attempt: &NewAuditEvent, action: &'static str) -> NewAuditEvent {
    NewAuditEvent {
        actor: Some(user.id.clone()),
        role: Some(user.role.as_ref().to_owned()),
        action,
        ..attempt.clone()
    }
}

async fn append(state: &AppState, event: NewAuditEvent) -> Result<(), ApiError> {
    state.db(move |conn| Ok(audit::append(conn, &event)?)).await
}

/// The password step of a local sign-in (`action` names it in the audit log): off for accounts
/// other than the break-glass ones when OpenID Connect is on (403); then the back-off of failed
/// sign-ins (429), and the password, which a wrong e-mail and a wrong password fail alike (401).
/// Every refusal is audited, and counted as a failure.
async fn check_password(
    state: &AppState,
    meta: &RequestMeta,
    email: String,
    offered: String,
    action: &'static str,
) -> Result<PasswordChecked, ApiError> {
    let normalized = email.trim().to_lowercase();
    let attempt = meta.event(None, action, Some(&normalized));
    if !state.settings.password_sign_in_allowed(&normalized) {
        append(
            state,
            NewAuditEvent {
                action: "auth.login.password_off",
                ..attempt.failed()
            },
        )
        .await?;
        return Err(ApiError::Forbidden(
            "password sign-in is off: sign in through GET /api/v1/auth/oidc/start".into(),
        ));
    }
    let keys = LoginKeys::new(&normalized, &meta.ip);
    let claim = keys.clone();
    if let Some(retry_after) = state
        .db(move |conn| service::sign_in::claim_login_attempt(conn, &claim))
        .await?
    {
        append(state, attempt.failed()).await?;
        return Err(ApiError::TooManyRequests { retry_after });
    }
    let found = state
        .db(move |conn| users::find_for_login(conn, &email))
        .await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = web::block(move || password::verify(&offered, hash.as_deref())).await?;
    match user.filter(|u| matches && u.active) {
        Some(user) => Ok(PasswordChecked {
            user,
            keys,
            attempt,
        }),
        None => {
            // The claim already counted this failure.
            append(state, attempt.failed()).await?;
            Err(ApiError::Unauthenticated("wrong e-mail or password".into()))
        }
    }
}

/// Opens the TOTP secret of `factor`, account `user_id`'s.
async fn open_secret(
    state: &AppState,
    user_id: &str,
    factor: &staff_factors::StoredFactor,
) -> Result<String, ApiError> {
    let keys = state.keys.clone();
    let (key_id, sealed, place) = (
        factor.key_id.clone(),
        factor.sealed_secret.clone(),
        secret_place(user_id),
    );
    web::block(move || Ok(keys.one(&key_id)?.open(&sealed, &place)?)).await?
}

/// Why a second factor did not pass.
enum FactorRefusal {
    /// None enrolled while `staff_mfa` is `required` (403).
    NotEnrolled,
    /// Neither a code nor a recovery code was sent (401).
    Missing,
    /// A wrong, reused or stale code, or an unknown or used recovery code (401).
    Wrong,
}

/// The second factor of a sign-in whose password was right: a TOTP code of the account's factor
/// (which a first good code confirms) or one of its recovery codes. Answers the audit action of
/// what was used beyond a plain code (`auth.mfa.confirm`, `auth.mfa.recovery_code`), if anything.
async fn check_second_factor(
    state: &AppState,
    user: &User,
    otp: Option<String>,
    recovery_code: Option<String>,
) -> Result<Option<&'static str>, FactorRefusal> {
    let user_id = user.id.clone();
    let factor = state
        .db(move |conn| staff_factors::find(conn, &user_id))
        .await
        .map_err(|_| FactorRefusal::Wrong)?;
    let confirmed = factor.as_ref().is_some_and(|f| f.confirmed);
    if let (Some(code), true) = (recovery_code, confirmed) {
        let (user_id, hash) = (user.id.clone(), totp::recovery_code_hash(&code));
        let used = state
            .db(move |conn| service::sign_in::use_recovery_code(conn, &user_id, &hash))
            .await
            .map_err(|_| FactorRefusal::Wrong)?;
        return used
            .then_some(Some("auth.mfa.recovery_code"))
            .ok_or(FactorRefusal::Wrong);
    }
    let (Some(factor), Some(code)) = (factor, otp) else {
        return match (confirmed, state.settings.staff_mfa) {
            (true, _) => Err(FactorRefusal::Missing),
            (false, StaffMfa::Required) => Err(FactorRefusal::NotEnrolled),
            (false, StaffMfa::Optional) => Ok(None),
        };
    };
    let secret = open_secret(state, &user.id, &factor)
        .await
        .map_err(|_| FactorRefusal::Wrong)?;
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let Ok(Some(step)) = totp::matching_step(&secret, &code, now, factor.last_step) else {
        return Err(FactorRefusal::Wrong);
    };
    let user_id = user.id.clone();
    let accepted = state
        .db(move |conn| service::sign_in::accept_step(conn, &user_id, step))
        .await
        .map_err(|_| FactorRefusal::Wrong)?;
    match (accepted, factor.confirmed) {
        (false, _) => Err(FactorRefusal::Wrong),
        (true, false) => Ok(Some("auth.mfa.confirm")),
        (true, true) => Ok(None),
    }
}

/// The token pair of a staff sign-in: an access token and the first refresh token of a new
/// family, started in the same transaction as `events` are recorded.
async fn token_pair(
    state: &AppState,
    user_id: &str,
    role: Role,
    events: Vec<NewAuditEvent>,
    work: impl FnOnce(&mut crate::db::DbConnection) -> Result<(), ApiError> + Send + 'static,
) -> Result<AccessToken, ApiError> {
    let lifetimes = state.settings.refresh_lifetimes();
    let owner = user_id.to_owned();
    let refresh = state
        .db(move |conn| service::sign_in::start_session(conn, &owner, lifetimes, &events, work))
        .await?;
    let mut issued = state
        .tokens
        .issue(user_id, TokenType::Staff, role.as_ref())?;
    issued.refresh_token = Some(refresh);
    Ok(issued)
}

fn no_store(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    response
}

/// The token pair of a staff member who signed in elsewhere (the OpenID Connect callback):
/// records `event` and starts a refresh family.
pub(super) async fn issue_token_pair(
    state: &AppState,
    user: &User,
    event: NewAuditEvent,
) -> Result<AccessToken, ApiError> {
    token_pair(state, &user.id, user.role, vec![event], |_| Ok(())).await
}

/// A local sign-in: password, then the second factor; answers the token pair.
pub(super) async fn login(
    state: &AppState,
    meta: &RequestMeta,
    request: LoginRequest,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        otp,
        recovery_code,
    } = request;
    let checked = check_password(state, meta, email, password, "auth.login").await?;
    let PasswordChecked {
        user,
        keys,
        attempt,
    } = checked;
    let used = match check_second_factor(state, &user, otp, recovery_code).await {
        Ok(used) => used,
        Err(refusal) => {
            // The failure stays counted against the account (the claim counted it).
            append(
                state,
                by(&user, &attempt, "auth.login.second_factor").failed(),
            )
            .await?;
            return Err(match refusal {
                FactorRefusal::NotEnrolled => ApiError::Forbidden(
                    "a second factor is required: enroll one with POST /api/v1/auth/mfa/totp"
                        .into(),
                ),
                FactorRefusal::Missing => ApiError::Unauthenticated(
                    "a second factor is required: send `otp` or `recovery_code`".into(),
                ),
                FactorRefusal::Wrong => {
                    ApiError::Unauthenticated("wrong or already used second factor".into())
                }
            });
        }
    };
    let mut events = vec![by(&user, &attempt, "auth.login")];
    events.extend(used.map(|action| by(&user, &attempt, action)));
    let issued = token_pair(state, &user.id, user.role, events, move |conn| {
        users::clear_login_failures(conn, &keys)
    })
    .await?;
    Ok(no_store(HttpResponse::Ok()).json(issued))
}

/// Exchanges a refresh token (`grant_type=refresh_token`, RFC 6749 §6) for a new token pair.
/// Reuse of a rotated token revokes its family. Errors in RFC 6749 §5.2 form.
pub(super) async fn refresh_grant(
    state: &AppState,
    meta: &RequestMeta,
    presented: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let invalid_grant = || ApiError::OAuth {
        status: StatusCode::BAD_REQUEST,
        error: "invalid_grant",
        description: "the refresh token is not valid (unknown, expired, revoked or used)".into(),
    };
    let Some(presented) = presented else {
        return Err(ApiError::OAuth {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: "refresh_token is required".into(),
        });
    };
    if !is_storable_text(&presented) {
        return Err(invalid_grant());
    }
    let lifetimes = state.settings.refresh_lifetimes();
    let attempt = meta.event(None, "auth.refresh", None);
    let exchange = state
        .db(move |conn| service::sign_in::refresh(conn, &presented, lifetimes, attempt))
        .await?;
    let refresh_tokens::Exchange::Rotated {
        user_id,
        role,
        token,
    } = exchange
    else {
        return Err(invalid_grant());
    };
    state.staff_cache.invalidate(&user_id);
    let mut issued = state
        .tokens
        .issue(&user_id, TokenType::Staff, role.as_ref())?;
    issued.refresh_token = Some(token);
    Ok(no_store(HttpResponse::Ok()).json(issued))
}

/// A sign-out: the refresh token whose family ends.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    /// A refresh token of the sign-in (any of its family, used or not).
    pub refresh_token: String,
}

/// Sign out: revoke the refresh tokens of a sign-in.
///
/// Every refresh token of the sign-in's family stops working at once; access tokens already
/// issued expire on their own (15 minutes). Answers 204 whether or not the token was known
/// (RFC 7009 §2.2), audited as `auth.logout` (failed for an unknown token). Limited per client
/// address like sign-ins. The body is at most 4 KiB.
#[utoipa::path(
    tag = "auth",
    request_body = LogoutRequest,
    responses(
        (status = 204, description = "The sign-in's refresh tokens are revoked"),
        SignInBodyErrors,
        (status = 422, description = "`refresh_token` missing", body = Problem, content_type = "application/problem+json"),
        AddressLimited,
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    meta: RequestMeta,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body: LogoutRequest = read_sign_in_json(&req, payload, &state, &meta).await?;
    let presented = body.refresh_token;
    let attempt = meta.event(None, "auth.logout", None);
    let storable = is_storable_text(&presented);
    state
        .db(move |conn| {
            let presented = storable.then_some(presented.as_str());
            service::sign_in::sign_out(conn, presented, attempt)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A local account's request to enroll a TOTP second factor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpEnrollmentRequest {
    /// The sign-in e-mail address.
    #[schema(max_length = 254)]
    pub email: String,
    /// The password.
    pub password: String,
}

/// A new TOTP factor, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrollment {
    /// The secret (base32), for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://totp/…` URI of the secret (RFC 6238, SHA-1, 6 digits, 30 s), for a QR code.
    pub otpauth_uri: String,
    /// Ten single-use recovery codes, each good for one sign-in instead of a code.
    pub recovery_codes: Vec<String>,
}

/// Enroll a TOTP second factor for a local account.
///
/// With the account's e-mail and password (checked, limited and audited as sign-ins are):
/// answers a new secret, its `otpauth://` URI and ten recovery codes, shown once. The factor
/// counts once a sign-in (`POST /auth/login` with `otp`) used a code of it; until then another
/// enrollment replaces it. An account whose factor is confirmed gets 409 (an administrator can
/// reset it). Audited as `auth.mfa.enroll`. The body is at most 4 KiB.
#[utoipa::path(
    tag = "auth",
    request_body = TotpEnrollmentRequest,
    responses(
        (status = 201, description = "The new factor, shown once", body = TotpEnrollment),
        SignInBodyErrors,
        (status = 401, description = "Wrong e-mail or password, or deactivated account", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Password sign-in is off for this account (OpenID Connect)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account has a confirmed factor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/mfa/totp")]
pub async fn enroll_totp(
    req: HttpRequest,
    meta: RequestMeta,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body: TotpEnrollmentRequest = read_sign_in_json(&req, payload, &state, &meta).await?;
    let TotpEnrollmentRequest { email, password } = body;
    let checked = check_password(&state, &meta, email, password, "auth.mfa.enroll").await?;
    let PasswordChecked {
        user,
        keys: login_keys,
        attempt,
    } = checked;
    let secret = totp::new_secret();
    let otpauth_uri = totp::otpauth_uri(&secret, &user.email)?;
    let recovery_codes = totp::new_recovery_codes();
    let hashes: Vec<String> = recovery_codes
        .iter()
        .map(|c| totp::recovery_code_hash(c))
        .collect();
    let key_store = state.keys.clone();
    let (place, plain) = (secret_place(&user.id), secret.clone());
    let (key_id, sealed) = web::block(move || {
        let (key_id, key) = key_store
            .take(1)?
            .pop()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no data key taken")))?;
        Ok::<_, ApiError>((key_id, key.seal(&plain, &place)))
    })
    .await??;
    let enrolled = by(&user, &attempt, "auth.mfa.enroll");
    let user_id = user.id.clone();
    let factor = NewFactor {
        key_id,
        sealed_secret: sealed,
        recovery_code_hashes: hashes,
    };
    let keys = state.keys.clone();
    state
        .db(move |conn| {
            let factor = (user_id.as_str(), &factor);
            service::sign_in::enroll_totp(conn, &keys, factor, &login_keys, &enrolled)
        })
        .await?;
    Ok(no_store(HttpResponse::Created()).json(TotpEnrollment {
        secret,
        otpauth_uri,
        recovery_codes,
    }))
}

/// Reset a staff account's second factor.
///
/// Removes the account's TOTP factor and recovery codes (the key that sealed the secret is
/// destroyed) and revokes its refresh tokens; its holder enrolls again with
/// `POST /auth/mfa/totp`. Audited as `user.mfa_reset`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 204, description = "The factor is removed (or there was none)"),
        AdminCaller,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/users/{id}/mfa")]
pub async fn reset_factor(
    caller: AdminCaller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "user.mfa_reset", Some(&id));
    let keys = state.keys.clone();
    state
        .db(move |conn| service::sign_in::reset_factor(conn, &keys, &id, &event))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
