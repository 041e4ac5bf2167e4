//! Partner agencies' platforms: their client-credentials tokens (the same OAuth 2.0 grant as
//! organizations' clients, under a TAXII audience of their own) and the caller a partner's
//! token makes on the TAXII server. A partner's token opens nothing else, and no other token
//! opens the TAXII server: both answer 401.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::caller::bearer_claims;
use super::secret;
use super::token::TokenType;
use crate::domain::user::{Actor, Role};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::sharing;

/// A partner agency's platform with live credentials.
#[derive(Debug, Clone)]
pub struct PartnerCaller {
    /// The partner's id.
    pub partner_id: String,
    /// The client id its token was issued to.
    pub client_id: String,
}

impl PartnerCaller {
    /// The partner as the actor of what it does.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.client_id.clone(),
            role: Role::Partner,
        }
    }
}

/// Whether `client_id` names a partner's credentials (the token endpoint's branch).
pub fn is_partner_client(client_id: &str) -> bool {
    client_id.starts_with(sharing::PARTNER_CLIENT_PREFIX)
}

fn invalid_client() -> ApiError {
    ApiError::OAuth {
        status: StatusCode::UNAUTHORIZED,
        error: "invalid_client",
        description: "unknown client or wrong secret".into(),
    }
}

/// The token endpoint for a partner's credentials: a token of kind `partner` when the secret
/// matches and the partner is not revoked, `invalid_client` otherwise; `attempt` (the audit
/// event of the request) is recorded either way.
pub async fn token(
    state: &web::Data<AppState>,
    attempt: NewAuditEvent,
    client_id: String,
    client_secret: String,
) -> Result<HttpResponse, ApiError> {
    let lookup = client_id.clone();
    let found = state
        .db(move |conn| sharing::partner_with_secret(conn, &lookup))
        .await?;
    // Hash the offered secret even for an unknown client, so both take the same time.
    let (hash, access) = match found {
        Some((hash, access)) => (hash, Some(access)),
        None => (String::new(), None),
    };
    let matches = secret::secret_matches(&client_secret, &hash);
    let granted = access.filter(|a| matches && !a.revoked).is_some();
    let event = NewAuditEvent {
        actor: Some(client_id.clone()),
        role: Some(Role::Partner.as_ref().to_owned()),
        ..attempt
    };
    let event = if granted { event } else { event.failed() };
    state
        .db(move |conn| Ok(audit::append(conn, &event)?))
        .await?;
    if !granted {
        return Err(invalid_client());
    }
    let token = state
        .tokens
        .issue(&client_id, TokenType::Partner, Role::Partner.as_ref())?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(token))
}

/// The partner whose token the request carries; 401 for any other token, a revoked partner, or
/// none.
pub async fn authenticate(req: &HttpRequest) -> Result<PartnerCaller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
    let claims = bearer_claims(req, &state)?;
    let refused = || ApiError::Unauthenticated("the access token is not valid".into());
    if claims.typ != TokenType::Partner || claims.role != Role::Partner.as_ref() {
        return Err(refused());
    }
    let client_id = claims.sub;
    let lookup = client_id.clone();
    let access = state
        .db(move |conn| sharing::partner_with_secret(conn, &lookup))
        .await?
        .map(|(_, access)| access)
        .filter(|a| !a.revoked)
        .ok_or_else(refused)?;
    state.rate_limits.check_caller(&client_id)?;
    Ok(PartnerCaller {
        partner_id: access.partner_id,
        client_id,
    })
}
