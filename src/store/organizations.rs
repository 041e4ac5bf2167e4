//! Organizations, their vetting history and their API credentials.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::schema::{credentials, organization_events, organizations};
use crate::domain::organization::{
    Credential, CredentialMode, ExpiringCredential, IssuedCredential, NewCredential,
    NewOrganization, Organization, OrganizationDetail, OrganizationStatus, StatusChange,
    VettingEvent, credential_expired, credential_expiry,
};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::report::check_rules;
use crate::error::ApiError;

/// What authorization needs to know about a credential: whose it is, and whether it may act.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = credentials, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CredentialAccess {
    /// The organization that owns the credential.
    pub organization_id: String,
    /// Live or test.
    pub mode: CredentialMode,
    /// Whether the credential has been revoked.
    #[diesel(
        select_expression = credentials::revoked_at.is_not_null(),
        select_expression_type = diesel::dsl::IsNotNull<credentials::revoked_at>,
    )]
    pub revoked: bool,
    /// The organization's vetting status.
    #[diesel(select_expression = organizations::status)]
    pub organization_status: OrganizationStatus,
}

/// A credential's secret hash and access, as sign-in reads them.
#[derive(Queryable, Selectable)]
#[diesel(table_name = credentials, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SecretRow {
    secret_hash: String,
    expires_at: NaiveDateTime,
    #[diesel(embed)]
    access: CredentialAccess,
}

/// An organization as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct OrganizationRow {
    id: String,
    name: String,
    status: OrganizationStatus,
}

/// An organization with what only its detail shows.
#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct OrganizationDetailRow {
    #[diesel(embed)]
    organization: OrganizationRow,
    contact_email: Option<String>,
    created_at: NaiveDateTime,
}

impl From<OrganizationRow> for Organization {
    fn from(OrganizationRow { id, name, status }: OrganizationRow) -> Self {
        Organization { id, name, status }
    }
}

/// A new organization as written.
#[derive(Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
struct NewOrganizationRow<'a> {
    id: &'a str,
    name: &'a str,
    contact_email: Option<&'a str>,
    status: OrganizationStatus,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// One entry of an organization's vetting history as written.
#[derive(Insertable)]
#[diesel(table_name = organization_events, treat_none_as_default_value = false)]
struct NewVettingEventRow<'a> {
    id: String,
    organization_id: &'a str,
    at: NaiveDateTime,
    actor_id: Option<&'a str>,
    from_status: Option<OrganizationStatus>,
    to_status: OrganizationStatus,
    reason: Option<&'a str>,
}

/// One entry of an organization's vetting history as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = organization_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct VettingEventRow {
    at: NaiveDateTime,
    actor_id: Option<String>,
    from_status: Option<OrganizationStatus>,
    to_status: OrganizationStatus,
    reason: Option<String>,
}

impl From<VettingEventRow> for VettingEvent {
    fn from(row: VettingEventRow) -> Self {
        VettingEvent {
            at: row.at.and_utc(),
            actor_id: row.actor_id,
            from: row.from_status,
            to: row.to_status,
            reason: row.reason,
        }
    }
}

/// A new credential as written: its secret only hashed.
#[derive(Insertable)]
#[diesel(table_name = credentials, treat_none_as_default_value = false)]
struct NewCredentialRow<'a> {
    client_id: &'a str,
    organization_id: &'a str,
    secret_hash: String,
    mode: CredentialMode,
    label: Option<&'a str>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// A credential as listed, without its secret.
#[derive(Queryable, Selectable)]
#[diesel(table_name = credentials, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct CredentialRow {
    client_id: String,
    mode: CredentialMode,
    label: Option<String>,
    created_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    expires_at: NaiveDateTime,
}

impl From<CredentialRow> for Credential {
    fn from(row: CredentialRow) -> Self {
        Credential {
            client_id: row.client_id,
            mode: row.mode,
            label: row.label,
            created_at: row.created_at.and_utc(),
            revoked_at: row.revoked_at.map(|at| at.and_utc()),
            expires_at: row.expires_at.and_utc(),
        }
    }
}

/// A credential due for its expiry warning, as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = credentials, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ExpiringCredentialRow {
    client_id: String,
    organization_id: String,
    mode: CredentialMode,
    expires_at: NaiveDateTime,
}

impl From<ExpiringCredentialRow> for ExpiringCredential {
    fn from(row: ExpiringCredentialRow) -> Self {
        ExpiringCredential {
            client_id: row.client_id,
            organization_id: row.organization_id,
            mode: row.mode,
            expires_at: row.expires_at.and_utc(),
        }
    }
}

/// Registers an organization in `status` after checking its rules (422), recording the
/// registration as the first event of its vetting history.
pub fn create_organization(
    conn: &mut DbConnection,
    new: &NewOrganization,
    status: OrganizationStatus,
    change: StatusChange<'_>,
) -> Result<Organization, ApiError> {
    check_rules(new, [])?;
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(organizations::table)
        .values(NewOrganizationRow {
            id: &id,
            name: &new.name,
            contact_email: new.contact_email.as_deref(),
            status,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    record_status_change(conn, &id, None, status, change)?;
    Ok(Organization {
        id,
        name: new.name.clone(),
        status,
    })
}

/// Changes an organization's vetting status and records the change in its vetting history (in
/// the caller's transaction): the only way a status changes. 404 when there is no such organization, 409
/// when it is revoked (revocation is permanent).
pub fn set_organization_status(
    conn: &mut DbConnection,
    id: &str,
    status: OrganizationStatus,
    change: StatusChange<'_>,
) -> Result<Organization, ApiError> {
    // Take the row's lock before reading the status it leaves, so that concurrent changes
    // on PostgreSQL each record the status they really changed from.
    let found = diesel::update(organizations::table.find(id))
        .set(organizations::updated_at.eq(super::now()))
        .execute(conn)?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    let current: Organization = organizations::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first(conn)?
        .into();
    if current.status == OrganizationStatus::Revoked {
        return Err(ApiError::Conflict {
            detail: "the organization is revoked, which is permanent".into(),
            existing_id: None,
        });
    }
    diesel::update(organizations::table.find(id))
        .set(organizations::status.eq(status))
        .execute(conn)?;
    record_status_change(conn, id, Some(current.status), status, change)?;
    Ok(Organization { status, ..current })
}

/// Appends a status change to an organization's vetting history.
fn record_status_change(
    conn: &mut DbConnection,
    organization_id: &str,
    from: Option<OrganizationStatus>,
    to: OrganizationStatus,
    change: StatusChange<'_>,
) -> Result<(), ApiError> {
    diesel::insert_into(organization_events::table)
        .values(NewVettingEventRow {
            id: super::new_id(),
            organization_id,
            at: super::now(),
            actor_id: change.actor_id,
            from_status: from,
            to_status: to,
            reason: change.reason,
        })
        .execute(conn)?;
    Ok(())
}

/// Every organization, ordered by id.
pub fn list_organizations(
    conn: &mut DbConnection,
    page: &Page,
) -> Result<Paginated<Organization>, ApiError> {
    let mut query = organizations::table
        .order(organizations::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(organizations::id.gt(after));
    }
    let items = query
        .select(OrganizationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Organization::from)
        .collect();
    Ok(Paginated::from_overfetch(
        items,
        page,
        |o: &Organization| &o.id,
    ))
}

/// One organization with its contact, registration time and vetting history (oldest first);
/// 404 when absent.
pub fn organization_detail(
    conn: &mut DbConnection,
    id: &str,
) -> Result<OrganizationDetail, ApiError> {
    let row = organizations::table
        .find(id)
        .select(OrganizationDetailRow::as_select())
        .first(conn)?;
    let vetting_history = organization_events::table
        .filter(organization_events::organization_id.eq(id))
        .order((organization_events::at.asc(), organization_events::id.asc()))
        .select(VettingEventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(VettingEvent::from)
        .collect();
    Ok(OrganizationDetail {
        organization: row.organization.into(),
        contact_email: row.contact_email,
        created_at: row.created_at.and_utc(),
        vetting_history,
    })
}

/// 404 unless organization `id` exists.
fn require_organization(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let exists = organizations::table
        .find(id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Issues a credential for an organization, working `lifetime_days` from now, after checking the
/// request's rules (422); 404 when there is no such organization. The secret is returned once
/// and only its hash is stored.
pub fn create_credential(
    conn: &mut DbConnection,
    organization_id: &str,
    new: &NewCredential,
    lifetime_days: u32,
) -> Result<IssuedCredential, ApiError> {
    check_rules(new, [])?;
    require_organization(conn, organization_id)?;
    let client_id = secret::new_client_id(new.mode);
    let client_secret = secret::new_client_secret();
    let now = super::now();
    let expires_at = credential_expiry(now.and_utc(), lifetime_days);
    diesel::insert_into(credentials::table)
        .values(NewCredentialRow {
            client_id: &client_id,
            organization_id,
            secret_hash: secret::hash_secret(&client_secret),
            mode: new.mode,
            label: new.label.as_deref(),
            created_at: now,
            expires_at: expires_at.naive_utc(),
        })
        .execute(conn)?;
    Ok(IssuedCredential {
        client_id,
        client_secret,
        mode: new.mode,
        expires_at,
    })
}

/// An organization's credentials, oldest first, without their secrets; 404 when there is no
/// such organization.
pub fn list_credentials(
    conn: &mut DbConnection,
    organization_id: &str,
) -> Result<Vec<Credential>, ApiError> {
    require_organization(conn, organization_id)?;
    Ok(credentials::table
        .filter(credentials::organization_id.eq(organization_id))
        .order((credentials::created_at.asc(), credentials::client_id.asc()))
        .select(CredentialRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Credential::from)
        .collect())
}

/// Revokes a credential; 404 when there is no such credential.
pub fn revoke_credential(conn: &mut DbConnection, client_id: &str) -> Result<(), ApiError> {
    let updated = diesel::update(
        credentials::table
            .find(client_id)
            .filter(credentials::revoked_at.is_null()),
    )
    .set(credentials::revoked_at.eq(super::now()))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The credential `client_id` with its secret hash and access, if it exists and has not expired:
/// an expired credential is answered as an unknown one, so that the token endpoint and the
/// checks of its tokens refuse it alike.
pub fn credential_with_secret(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<(String, CredentialAccess)>, ApiError> {
    let row = credentials::table
        .inner_join(organizations::table)
        .filter(credentials::client_id.eq(client_id))
        .select(SecretRow::as_select())
        .first(conn)
        .optional()?;
    let now = super::now().and_utc();
    Ok(row
        .filter(|row| !credential_expired(row.expires_at.and_utc(), now))
        .map(|row| (row.secret_hash, row.access)))
}

/// Whether credential `client_id` may act, and for whom; `None` if it does not exist.
pub fn credential_access(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<CredentialAccess>, ApiError> {
    Ok(credential_with_secret(conn, client_id)?.map(|(_, access)| access))
}

/// Up to `limit` credentials, neither revoked nor warned of yet, expiring at or before `horizon`,
/// soonest first (by the partial index `credentials_expiry_unwarned`).
pub fn credentials_due_for_expiry_warning(
    conn: &mut DbConnection,
    horizon: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<ExpiringCredential>> {
    Ok(credentials::table
        .filter(credentials::expiry_warned_at.is_null())
        .filter(credentials::revoked_at.is_null())
        .filter(credentials::expires_at.le(horizon.naive_utc()))
        .order((credentials::expires_at.asc(), credentials::client_id.asc()))
        .limit(limit)
        .select(ExpiringCredentialRow::as_select())
        .load::<ExpiringCredentialRow>(conn)?
        .into_iter()
        .map(ExpiringCredential::from)
        .collect())
}

/// Marks credential `client_id` as warned of its expiry, unless it was already (by another
/// replica): answers whether this call marked it, so that the warning goes out once.
pub fn mark_expiry_warned(conn: &mut DbConnection, client_id: &str) -> QueryResult<bool> {
    let marked = diesel::update(
        credentials::table
            .find(client_id)
            .filter(credentials::expiry_warned_at.is_null()),
    )
    .set(credentials::expiry_warned_at.eq(super::now()))
    .execute(conn)?;
    Ok(marked == 1)
}
