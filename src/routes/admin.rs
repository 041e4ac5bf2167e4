//! Administration endpoints (`admin` role only): organizations and their vetting, their API
//! credentials, and staff accounts. None of them shows report content.

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder, delete, get, patch, post, web};

use super::body::JsonBody;
use super::meta::RequestMeta;
use super::query::Query;
use super::responses::JsonErrors;
use crate::auth::caller::{Admins, Staff};
use crate::domain::organization::{
    Credential, IssuedCredential, NewCredential, NewOrganization, Organization, OrganizationDetail,
    OrganizationStatus, StatusChange, VettingDecision,
};
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::domain::report::check_rules;
use crate::domain::user::{NewUser, User, UserChanges};
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store::{organizations, users};

/// Every handler of this module is for administrators only.
type Caller = Staff<Admins>;

/// 201 Created, never stored by caches: the body may carry a secret shown only this once.
fn created() -> HttpResponseBuilder {
    let mut response = HttpResponse::Created();
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// Every organization, in order of registration.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "One page of organizations", body = Paginated<Organization>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/admin/organizations")]
pub async fn list_organizations(
    _caller: Caller,
    state: web::Data<AppState>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<Organization>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let items = state
        .db(move |conn| organizations::list_organizations(conn, &page))
        .await?;
    Ok(web::Json(items))
}

/// Register an organization; it starts `pending`.
///
/// The registration is the first event of its vetting history, with the administrator as actor.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewOrganization,
    responses(
        (status = 201, description = "Registered; `Location` names it", body = Organization,
            headers(("Location" = String, description = "The organization's URL"))),
        Caller,
        JsonErrors,
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/organizations")]
pub async fn create_organization(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: JsonBody<NewOrganization>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "organization.create", None);
    let organization = state
        .db(move |conn| {
            let change = StatusChange {
                actor_id: Some(&caller.member.id),
                reason: None,
            };
            let status = (OrganizationStatus::Pending, change);
            service::admin::create_organization(conn, &body.value, status, &event)
        })
        .await?;
    Ok(created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/organizations/{}", organization.id),
        ))
        .json(organization))
}

/// One organization with its contact, registration time and vetting history.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The organization", body = OrganizationDetail),
        Caller,
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/organizations/{id}")]
pub async fn get_organization(
    _caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<OrganizationDetail>, ApiError> {
    let organization = state
        .db(move |conn| organizations::organization_detail(conn, &id))
        .await?;
    Ok(web::Json(organization))
}

/// Change an organization's vetting status, with the reason.
///
/// The change is recorded in the vetting history in the same transaction. Only a `vetted`
/// organization gets tokens; the tokens of one that stops being vetted are refused within
/// `auth_cache_seconds`. Revocation is permanent.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id")),
    request_body = VettingDecision,
    responses(
        (status = 200, description = "The organization, in its new status", body = Organization),
        Caller,
        JsonErrors,
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organization is revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/organizations/{id}/vetting")]
pub async fn vet_organization(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<VettingDecision>,
) -> Result<web::Json<Organization>, ApiError> {
    let decision = body.value;
    check_rules(&decision, [])?;
    let event = meta.event(Some(&caller.member.actor()), "organization.vet", Some(&id));
    let organization = state
        .db(move |conn| {
            let change = StatusChange {
                actor_id: Some(&caller.member.id),
                reason: Some(&decision.reason),
            };
            service::admin::set_organization_status(conn, &id, decision.status, change, &event)
        })
        .await?;
    Ok(web::Json(organization))
}

/// Issue an API credential to an organization.
///
/// The secret is in this answer only; the portal keeps nothing but its hash.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id")),
    request_body = NewCredential,
    responses(
        (status = 201, description = "Issued; the secret is shown this once", body = IssuedCredential),
        Caller,
        JsonErrors,
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/organizations/{id}/credentials")]
pub async fn issue_credential(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<NewCredential>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "credential.issue", Some(&id));
    let lifetime_days = state.settings.credential_lifetime_days;
    let issued = state
        .db(move |conn| {
            service::admin::issue_credential(conn, &id, &body.value, lifetime_days, &event)
        })
        .await?;
    Ok(created().json(issued))
}

/// An organization's API credentials, revoked ones included, oldest first; never their secrets.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The credentials", body = Vec<Credential>),
        Caller,
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/organizations/{id}/credentials")]
pub async fn list_credentials(
    _caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Credential>>, ApiError> {
    let credentials = state
        .db(move |conn| organizations::list_credentials(conn, &id))
        .await?;
    Ok(web::Json(credentials))
}

/// Revoke an API credential.
///
/// It gets no new token from then on; its unexpired tokens are refused at once by the replica
/// that revoked it and within `auth_cache_seconds` by the others.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The credential's client id")),
    responses(
        (status = 204, description = "Revoked"),
        Caller,
        (status = 404, description = "No such credential, or already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/credentials/{client_id}")]
pub async fn revoke_credential(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id = client_id.into_inner();
    let revoked = client_id.clone();
    let event = meta.event(
        Some(&caller.member.actor()),
        "credential.revoke",
        Some(&client_id),
    );
    state
        .db(move |conn| service::admin::revoke_credential(conn, &revoked, &event))
        .await?;
    state.credential_cache.invalidate(&client_id);
    Ok(HttpResponse::NoContent().finish())
}

/// Every staff account, in order of creation.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "One page of accounts", body = Paginated<User>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/admin/users")]
pub async fn list_users(
    _caller: Caller,
    state: web::Data<AppState>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<User>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let items = state.db(move |conn| users::list_users(conn, &page)).await?;
    Ok(web::Json(items))
}

/// Create a staff account.
///
/// Nobody is told its password, the administrator included: the new colleague is e-mailed a
/// one-time enrollment link (valid `enrollment_link_hours`, 72 by default) through which they
/// choose their own (`POST /auth/enrollment`). Until then the account cannot sign in.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "Created, its enrollment link e-mailed to it; `Location` names it", body = User,
            headers(("Location" = String, description = "The account's URL"))),
        Caller,
        JsonErrors,
        (status = 409, description = "The e-mail address is taken (in any case)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users")]
pub async fn create_user(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: JsonBody<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "user.create", None);
    let link_ttl = state.settings.enrollment_link_ttl();
    let user = state
        .db(move |conn| service::admin::invite_user(conn, &body.value, link_ttl, &event))
        .await?;
    state.mail_wakeup.notify_one();
    Ok(created()
        .insert_header((header::LOCATION, format!("/api/v1/admin/users/{}", user.id)))
        .json(user))
}

/// E-mail a staff account's holder a new enrollment link.
///
/// For a link that expired or went astray, or a forgotten password: the holder chooses a new
/// password through it. Links sent before stop working; a password the account has keeps working
/// until the new link is used.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 202, description = "The link is queued for e-mail to the account's address", body = User),
        Caller,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/enrollment")]
pub async fn send_enrollment(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "user.enrollment", Some(&id));
    let link_ttl = state.settings.enrollment_link_ttl();
    let user = state
        .db(move |conn| service::admin::send_enrollment(conn, &id, link_ttl, &event))
        .await?;
    state.mail_wakeup.notify_one();
    Ok(HttpResponse::Accepted().json(user))
}

/// One staff account.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account", body = User),
        Caller,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/users/{id}")]
pub async fn get_user(
    _caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<User>, ApiError> {
    let user = state.db(move |conn| users::get_user(conn, &id)).await?;
    Ok(web::Json(user))
}

/// Change a staff account's role, active flag, display name or e-mail opt-in.
///
/// Absent fields stay as they are. A deactivation, or a change to a role that does not read
/// report content, takes effect at once on the replica that made it and within
/// `auth_cache_seconds` on the others. A change to `analyst` or `supervisor` takes effect only
/// when the holder signs in again: the account's earlier tokens are refused (401). A move into
/// one of those roles from `auditor` or `admin` also withdraws the account's password and
/// e-mails its holder an enrollment link, so that only they can sign in with the new role. An
/// administrator cannot change their own role (403). The last active admin can be neither
/// demoted nor deactivated. A change of role is audited as `user.role_change` besides
/// `user.update`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    request_body = UserChanges,
    responses(
        (status = 200, description = "The account as changed", body = User),
        Caller,
        JsonErrors,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no active admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    caller: Caller,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UserChanges>,
) -> Result<web::Json<User>, ApiError> {
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "user.update", Some(&id));
    let role_change = meta.event(Some(&actor), "user.role_change", Some(&id));
    let link_ttl = state.settings.enrollment_link_ttl();
    let updated = state
        .db(move |conn| {
            let change = (id.as_str(), &body.value);
            let events = (&event, &role_change);
            service::admin::update_user(conn, &actor, change, link_ttl, events)
        })
        .await?;
    state.staff_cache.invalidate(&updated.user.id);
    if updated.reenrollment {
        state.mail_wakeup.notify_one();
    }
    Ok(web::Json(updated.user))
}
