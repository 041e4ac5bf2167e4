//! Authentication endpoints: the OAuth 2.0 client-credentials token endpoint and the JWK Set.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{read_limited, require_media_type};
use crate::auth::caller::REPORTER_ROLE;
use crate::auth::keys::Jwks;
use crate::auth::secret;
use crate::auth::token::{AccessToken, TokenType};
use crate::domain::organization::OrganizationStatus;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

/// The form body of a client-credentials token request (RFC 6749 §4.4.2).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    pub grant_type: Option<String>,
    /// The client id, unless sent with HTTP Basic.
    pub client_id: Option<String>,
    /// The client secret, unless sent with HTTP Basic.
    pub client_secret: Option<String>,
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

/// Exchange API client credentials for an access token.
///
/// OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
/// form, with the client id and secret either in HTTP Basic or in the form. The token lasts
/// 15 minutes; request a new one when it expires. Errors follow RFC 6749 §5.2.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses(
        (status = 200, description = "A new access token", body = AccessToken),
        (status = 400, description = "`invalid_request` or `unsupported_grant_type`", body = crate::error::OAuthError),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret or revoked credential", body = crate::error::OAuthError),
        (status = 403, description = "`unauthorized_client`: the organization is not vetted", body = crate::error::OAuthError),
        (status = 413, description = "Body too large", body = crate::error::OAuthError),
        (status = 415, description = "Not a form body", body = crate::error::OAuthError),
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let as_oauth = |e: ApiError| match e {
        ApiError::OAuth { .. } => e,
        ApiError::PayloadTooLarge { .. } => oauth(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            &e.to_string(),
        ),
        ApiError::UnsupportedMediaType { .. } => oauth(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            &e.to_string(),
        ),
        other => other,
    };
    require_media_type(&req, "application/x-www-form-urlencoded").map_err(as_oauth)?;
    let bytes = read_limited(&req, &mut payload.into_inner(), 16 * 1024)
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
        Some(_) => {
            return Err(oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
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
    let access = access.filter(|a| matches && !a.revoked).ok_or_else(|| {
        oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        )
    })?;
    if access.organization_status != OrganizationStatus::Vetted {
        return Err(oauth(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "the organization is not vetted",
        ));
    }
    let token = state
        .tokens
        .issue(&client_id, TokenType::Client, REPORTER_ROLE)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(token))
}

/// The public keys that verify access tokens (RFC 7517 JWK Set).
#[utoipa::path(tag = "auth", responses((status = 200, description = "The JWK Set", body = Jwks)))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> web::Json<Jwks> {
    web::Json(state.tokens.keys().jwks())
}
