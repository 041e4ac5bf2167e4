//! Extractors that turn the bearer token of a request into a caller, and refuse callers whose
//! role is not in the route group's list (403) or whose token is not valid (401).
//!
//! Each route module declares its group once, e.g. `type Caller = Staff<Reviewers>;`, and
//! every handler of the module takes a `Caller`: a handler without one is visibly unprotected.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;

use super::token::{Claims, TokenType};
use crate::domain::organization::{CredentialMode, OrganizationStatus};
use crate::domain::user::{Actor, Role, token_serves_role};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

/// An organization's API client with a live credential and a vetted organization.
#[derive(Debug, Clone)]
pub struct Reporter {
    /// The credential the token was issued to.
    pub client_id: String,
    /// The organization the credential belongs to.
    pub organization_id: String,
    /// Whether its reports are real or test reports.
    pub mode: CredentialMode,
}

/// An active DHS staff member.
#[derive(Debug, Clone)]
pub struct StaffMember {
    /// The user's id.
    pub id: String,
    /// The sign-in e-mail.
    pub email: String,
    /// The current role.
    pub role: Role,
}

impl Reporter {
    /// The API client as the actor of what it does.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.client_id.clone(),
            role: Role::Reporter,
        }
    }

    /// The reports the client reaches: its organization's, in its credential's mode.
    pub fn owner(&self) -> store::owner::ReportOwner<'_> {
        store::owner::ReportOwner {
            organization_id: &self.organization_id,
            mode: self.mode,
        }
    }
}

impl StaffMember {
    /// The staff member as the actor of what they do.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            role: self.role,
        }
    }
}

/// Whoever the token belongs to, checked against the database (at most `auth_cache_seconds` old).
#[derive(Debug, Clone)]
pub enum Principal {
    /// An organization's API client.
    Reporter(Reporter),
    /// A staff member.
    Staff(StaffMember),
}

impl Principal {
    /// The caller's role.
    pub fn role(&self) -> Role {
        match self {
            Principal::Reporter(_) => Role::Reporter,
            Principal::Staff(staff) => staff.role,
        }
    }

    /// The caller as the actor of what they do.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::Reporter(reporter) => reporter.actor(),
            Principal::Staff(staff) => staff.actor(),
        }
    }

    /// Authenticates the request's caller, and leaves them in the request's extensions (where
    /// the record of refused requests finds them).
    async fn authenticate(req: &HttpRequest) -> Result<Self, ApiError> {
        // Already authenticated for this request (by a middleware such as Idempotency-Key's):
        // the same caller, counted once by the rate limit.
        if let Some(principal) = req.extensions().get::<Principal>() {
            return Ok(principal.clone());
        }
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
        let claims = bearer_claims(req, &state)?;
        let principal = match claims.typ {
            TokenType::Client => Principal::Reporter(reporter(claims, &state).await?),
            TokenType::Staff => Principal::Staff(staff(claims, &state).await?),
            // A partner's token opens the TAXII server only (crate::auth::partner).
            TokenType::Partner => {
                return Err(ApiError::Unauthenticated(
                    "the access token is not valid".into(),
                ));
            }
        };
        let key = match &principal {
            Principal::Reporter(r) => &r.client_id,
            Principal::Staff(s) => &s.id,
        };
        state.rate_limits.check_caller(key)?;
        req.extensions_mut().insert(principal.clone());
        Ok(principal)
    }
}

/// The verified claims of the request's bearer token (401 without a valid one).
pub(crate) fn bearer_claims(req: &HttpRequest, state: &AppState) -> Result<Claims, ApiError> {
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

async fn reporter(claims: Claims, state: &web::Data<AppState>) -> Result<Reporter, ApiError> {
    if claims.role != Role::Reporter.as_ref() {
        tracing::info!(reason = "wrong role", "access token refused");
        return Err(ApiError::Unauthenticated(
            "the access token is not valid".into(),
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

async fn staff(claims: Claims, state: &web::Data<AppState>) -> Result<StaffMember, ApiError> {
    let Claims {
        sub: id,
        role: token_role,
        ..
    } = claims;
    let access = match state.staff_cache.get(&id) {
        Some(access) => access,
        None => {
            let user_id = id.clone();
            let access = state
                .db(move |conn| store::users::staff_access(conn, &user_id))
                .await?;
            state.staff_cache.insert(id.clone(), access.clone());
            access
        }
    };
    let access = access
        .filter(|a| a.active)
        .ok_or_else(|| ApiError::Unauthenticated("the account is deactivated".into()))?;
    if !token_serves_role(&token_role, access.role) {
        return Err(ApiError::Unauthenticated(
            "the account's role has changed; sign in again".into(),
        ));
    }
    Ok(StaffMember {
        id,
        email: access.email,
        role: access.role,
    })
}

/// A set of staff roles allowed into a group of routes.
pub trait RoleGroup {
    /// The roles allowed.
    const ROLES: &'static [Role];
    /// Who may not come in, as the OpenAPI document describes the 403 answer.
    const REFUSED: &'static str;
}

/// Analysts and supervisors: the review endpoints.
pub struct Reviewers;
impl RoleGroup for Reviewers {
    const ROLES: &'static [Role] = &[Role::Analyst, Role::Supervisor];
    const REFUSED: &'static str = "Not an analyst or supervisor";
}

/// Supervisors: legal holds and releases.
pub struct Supervisors;
impl RoleGroup for Supervisors {
    const ROLES: &'static [Role] = &[Role::Supervisor];
    const REFUSED: &'static str = "Not a supervisor";
}

/// Auditors, analysts and supervisors: the statistics.
pub struct StatsReaders;
impl RoleGroup for StatsReaders {
    const ROLES: &'static [Role] = &[Role::Auditor, Role::Analyst, Role::Supervisor];
    const REFUSED: &'static str = "Not an auditor, analyst or supervisor";
}

/// Auditors: the audit log.
pub struct Auditors;
impl RoleGroup for Auditors {
    const ROLES: &'static [Role] = &[Role::Auditor];
    const REFUSED: &'static str = "Not an auditor";
}

/// Administrators: organizations, credentials, staff accounts.
pub struct Admins;
impl RoleGroup for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
    const REFUSED: &'static str = "Not an administrator";
}

/// A staff member whose role is in `G` (403 otherwise, 401 without a valid token).
pub struct Staff<G> {
    /// Who is calling.
    pub member: StaffMember,
    group: PhantomData<G>,
}

fn extract<T: 'static>(
    req: &HttpRequest,
    admit: impl FnOnce(Principal) -> Result<T, ApiError> + 'static,
) -> LocalBoxFuture<'static, Result<T, ApiError>> {
    let req = req.clone();
    Box::pin(async move { admit(Principal::authenticate(&req).await?) })
}

fn refused(role: Role) -> ApiError {
    ApiError::Forbidden(format!("the {} role may not do this", role.as_ref()))
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, Ok)
    }
}

/// Only organizations' API clients: the submission endpoints.
impl FromRequest for Reporter {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, |principal| match principal {
            Principal::Reporter(reporter) => Ok(reporter),
            other => Err(refused(other.role())),
        })
    }
}

impl<G: RoleGroup + 'static> FromRequest for Staff<G> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, |principal| match principal {
            Principal::Staff(member) if G::ROLES.contains(&member.role) => Ok(Staff {
                member,
                group: PhantomData,
            }),
            other => Err(refused(other.role())),
        })
    }
}
