//! The administrators' use cases: organizations and their vetting, API credentials, staff
//! accounts and their enrollment links; each recorded in the audit log in its transaction.

use chrono::Duration;

use crate::db::DbConnection;
use crate::domain::organization::{
    IssuedCredential, NewCredential, NewOrganization, Organization, OrganizationStatus,
    StatusChange,
};
use crate::domain::user::{Actor, NewUser, User, UserChanges};
use crate::error::ApiError;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::users::{self, UpdatedUser};
use crate::store::{organizations, refresh_tokens};

/// Registers an organization in `status`, the `change` (who) the first event of its vetting
/// history; `event` targets the new organization.
pub fn create_organization(
    conn: &mut DbConnection,
    new: &NewOrganization,
    (status, change): (OrganizationStatus, StatusChange<'_>),
    event: &NewAuditEvent,
) -> Result<Organization, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| organizations::create_organization(conn, new, status, change),
        |o: &Organization| Some(o.id.clone()),
    )
}

/// Sets organization `id`'s vetting status, the `change` (who, why) in its vetting history.
pub fn set_organization_status(
    conn: &mut DbConnection,
    id: &str,
    status: OrganizationStatus,
    change: StatusChange<'_>,
    event: &NewAuditEvent,
) -> Result<Organization, ApiError> {
    super::recorded(conn, event, |conn| {
        organizations::set_organization_status(conn, id, status, change)
    })
}

/// Issues an API credential to organization `organization_id` (its secret answered once).
pub fn issue_credential(
    conn: &mut DbConnection,
    organization_id: &str,
    new: &NewCredential,
    lifetime_days: u32,
    event: &NewAuditEvent,
) -> Result<IssuedCredential, ApiError> {
    super::recorded(conn, event, |conn| {
        organizations::create_credential(conn, organization_id, new, lifetime_days)
    })
}

/// Revokes the API credential `client_id` (404 when absent or revoked already).
pub fn revoke_credential(
    conn: &mut DbConnection,
    client_id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    super::recorded(conn, event, |conn| {
        organizations::revoke_credential(conn, client_id)
    })
}

/// Creates a staff account without a password and queues its enrollment link, valid for
/// `link_ttl`; `event` targets the new account.
pub fn invite_user(
    conn: &mut DbConnection,
    new: &NewUser,
    link_ttl: Duration,
    event: &NewAuditEvent,
) -> Result<User, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| users::invite(conn, new, link_ttl),
        |u: &User| Some(u.id.clone()),
    )
}

/// Queues a new enrollment link, valid for `link_ttl`, for account `id` (404 when absent).
pub fn send_enrollment(
    conn: &mut DbConnection,
    id: &str,
    link_ttl: Duration,
    event: &NewAuditEvent,
) -> Result<User, ApiError> {
    super::recorded(conn, event, |conn| {
        let user = users::get_user(conn, id)?;
        users::start_enrollment(conn, &user.id, link_ttl)?;
        Ok(user)
    })
}

/// Applies administrator `admin`'s `changes` to account `id` (see [`users::update_user`]),
/// recorded as `event`, and as `role_change` too when the role changed; a change of role or a
/// deactivation revokes the account's refresh tokens.
pub fn update_user(
    conn: &mut DbConnection,
    admin: &Actor,
    (id, changes): (&str, &UserChanges),
    link_ttl: Duration,
    (event, role_change): (&NewAuditEvent, &NewAuditEvent),
) -> Result<UpdatedUser, ApiError> {
    super::recorded(conn, event, |conn| {
        let updated = users::update_user(conn, &admin.id, id, changes, link_ttl)?;
        if updated.previous_role.is_some() {
            audit::append(conn, role_change)?;
        }
        if updated.previous_role.is_some() || !updated.user.active {
            refresh_tokens::revoke_for_user(conn, &updated.user.id)?;
        }
        Ok(updated)
    })
}
