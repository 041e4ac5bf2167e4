//! Extractors that turn the bearer token of a request into a caller of a given kind, or refuse.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;

use super::token::{Claims, TokenType};
use crate::domain::organization::{CredentialMode, OrganizationStatus};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

/// The role claim of API client tokens.
pub const REPORTER_ROLE: &str = "reporter";

/// An organization's API client with a valid token, a live credential and a vetted organization.
#[derive(Debug, Clone)]
pub struct Reporter {
    /// The credential the token was issued to.
    pub client_id: String,
    /// The organization the credential belongs to.
    pub organization_id: String,
    /// Whether its reports are real or test reports.
    pub mode: CredentialMode,
}

/// The verified claims of the request's bearer token (401 without a valid one).
async fn claims(req: &HttpRequest, state: &AppState) -> Result<Claims, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthenticated("an access token is required".into()))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(|| {
            ApiError::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
    state.tokens.verify(token.trim())
}

impl Reporter {
    async fn from_claims(claims: Claims, state: web::Data<AppState>) -> Result<Self, ApiError> {
        if claims.typ != TokenType::Client || claims.role != REPORTER_ROLE {
            return Err(ApiError::Forbidden(
                "only an organization's API client may do this".into(),
            ));
        }
        let client_id = claims.sub;
        let access = match state.credential_cache.get(&client_id) {
            Some(access) => access,
            None => {
                let id = client_id.clone();
                let access = state
                    .db(move |conn| store::organizations::credential_access(conn, &id))
                    .await?;
                state
                    .credential_cache
                    .insert(client_id.clone(), access.clone());
                access
            }
        };
        let access = access
            .filter(|a| !a.revoked)
            .ok_or_else(|| ApiError::Unauthenticated("the credential has been revoked".into()))?;
        if access.organization_status != OrganizationStatus::Vetted {
            return Err(ApiError::Forbidden("the organization is not vetted".into()));
        }
        Ok(Reporter {
            client_id,
            organization_id: access.organization_id,
            mode: access.mode,
        })
    }
}

impl FromRequest for Reporter {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
            let claims = claims(&req, &state).await?;
            Reporter::from_claims(claims, state).await
        })
    }
}
