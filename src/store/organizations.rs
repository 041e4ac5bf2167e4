//! Organizations, their vetting history and their API credentials.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::portable;
use crate::db::schema::{credentials, organization_events, organizations};
use crate::domain::organization::{
    Credential, CredentialMode, IssuedCredential, NewCredential, NewOrganization, Organization,
    OrganizationDetail, OrganizationStatus, StatusChange, VettingEvent,
};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::report::check_rules;
use crate::error::ApiError;

/// What authorization needs to know about a credential: whose it is, and whether it may act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialAccess {
    /// The organization that owns the credential.
    pub organization_id: String,
    /// Live or test.
    pub mode: CredentialMode,
    /// Whether the credential has been revoked.
    pub revoked: bool,
    /// The organization's vetting status.
    pub organization_status: OrganizationStatus,
}

#[derive(Queryable)]
struct OrganizationRow {
    id: String,
    name: String,
    status: String,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = ApiError;

    fn try_from(row: OrganizationRow) -> Result<Self, ApiError> {
        Ok(Organization {
            id: row.id,
            name: row.name,
            status: parse(&row.status)?,
        })
    }
}

/// Parses a code stored by this program; a value it cannot read means a corrupted row.
pub(crate) fn parse<T: std::str::FromStr>(stored: &str) -> Result<T, ApiError> {
    stored
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("unreadable stored value {stored:?}")))
}

/// The columns of an [`Organization`], read into an [`OrganizationRow`].
const ORGANIZATION_COLUMNS: (
    organizations::id,
    organizations::name,
    organizations::status,
) = (
    organizations::id,
    organizations::name,
    organizations::status,
);

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
    portable::write_transaction(conn, |conn| {
        diesel::insert_into(organizations::table)
            .values((
                organizations::id.eq(&id),
                organizations::name.eq(&new.name),
                organizations::contact_email.eq(&new.contact_email),
                organizations::status.eq(status.as_ref()),
                organizations::created_at.eq(now),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)?;
        record_status_change(conn, &id, None, status, change)
    })?;
    Ok(Organization {
        id,
        name: new.name.clone(),
        status,
    })
}

/// Changes an organization's vetting status and records the change in its vetting history, in
/// one transaction: the only way a status changes. 404 when there is no such organization, 409
/// when it is revoked (revocation is permanent).
pub fn set_organization_status(
    conn: &mut DbConnection,
    id: &str,
    status: OrganizationStatus,
    change: StatusChange<'_>,
) -> Result<Organization, ApiError> {
    portable::write_transaction(conn, |conn| {
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
            .select(ORGANIZATION_COLUMNS)
            .first::<OrganizationRow>(conn)?
            .try_into()?;
        if current.status == OrganizationStatus::Revoked {
            return Err(ApiError::Conflict {
                detail: "the organization is revoked, which is permanent".into(),
                existing_id: None,
            });
        }
        diesel::update(organizations::table.find(id))
            .set(organizations::status.eq(status.as_ref()))
            .execute(conn)?;
        record_status_change(conn, id, Some(current.status), status, change)?;
        Ok(Organization { status, ..current })
    })
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
        .values((
            organization_events::id.eq(super::new_id()),
            organization_events::organization_id.eq(organization_id),
            organization_events::at.eq(super::now()),
            organization_events::actor_id.eq(change.actor_id),
            organization_events::from_status.eq(from.as_ref().map(AsRef::as_ref)),
            organization_events::to_status.eq(to.as_ref()),
            organization_events::reason.eq(change.reason),
        ))
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
        .select(ORGANIZATION_COLUMNS)
        .load::<OrganizationRow>(conn)?
        .into_iter()
        .map(Organization::try_from)
        .collect::<Result<_, _>>()?;
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
    let (row, contact_email, created_at) = organizations::table
        .find(id)
        .select((
            ORGANIZATION_COLUMNS,
            organizations::contact_email,
            organizations::created_at,
        ))
        .first::<(OrganizationRow, Option<String>, NaiveDateTime)>(conn)?;
    let vetting_history = organization_events::table
        .filter(organization_events::organization_id.eq(id))
        .order((organization_events::at.asc(), organization_events::id.asc()))
        .select((
            organization_events::at,
            organization_events::actor_id,
            organization_events::from_status,
            organization_events::to_status,
            organization_events::reason,
        ))
        .load::<(
            NaiveDateTime,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(|(at, actor_id, from, to, reason)| {
            Ok(VettingEvent {
                at: at.and_utc(),
                actor_id,
                from: from.as_deref().map(parse).transpose()?,
                to: parse(&to)?,
                reason,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(OrganizationDetail {
        organization: row.try_into()?,
        contact_email,
        created_at: created_at.and_utc(),
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

/// Issues a credential for an organization after checking the request's rules (422); 404 when
/// there is no such organization. The secret is returned once and only its hash is stored.
pub fn create_credential(
    conn: &mut DbConnection,
    organization_id: &str,
    new: &NewCredential,
) -> Result<IssuedCredential, ApiError> {
    check_rules(new, [])?;
    require_organization(conn, organization_id)?;
    let client_id = secret::new_client_id(new.mode);
    let client_secret = secret::new_client_secret();
    diesel::insert_into(credentials::table)
        .values((
            credentials::client_id.eq(&client_id),
            credentials::organization_id.eq(organization_id),
            credentials::secret_hash.eq(secret::hash_secret(&client_secret)),
            credentials::mode.eq(new.mode.as_ref()),
            credentials::label.eq(&new.label),
            credentials::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(IssuedCredential {
        client_id,
        client_secret,
        mode: new.mode,
    })
}

/// An organization's credentials, oldest first, without their secrets; 404 when there is no
/// such organization.
pub fn list_credentials(
    conn: &mut DbConnection,
    organization_id: &str,
) -> Result<Vec<Credential>, ApiError> {
    require_organization(conn, organization_id)?;
    credentials::table
        .filter(credentials::organization_id.eq(organization_id))
        .order((credentials::created_at.asc(), credentials::client_id.asc()))
        .select((
            credentials::client_id,
            credentials::mode,
            credentials::label,
            credentials::created_at,
            credentials::revoked_at,
        ))
        .load::<(
            String,
            String,
            Option<String>,
            NaiveDateTime,
            Option<NaiveDateTime>,
        )>(conn)?
        .into_iter()
        .map(|(client_id, mode, label, created_at, revoked_at)| {
            Ok(Credential {
                client_id,
                mode: parse(&mode)?,
                label,
                created_at: created_at.and_utc(),
                revoked_at: revoked_at.map(|at| at.and_utc()),
            })
        })
        .collect()
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

/// The credential `client_id` with its secret hash and access, if it exists.
pub fn credential_with_secret(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<(String, CredentialAccess)>, ApiError> {
    let row = credentials::table
        .inner_join(organizations::table)
        .filter(credentials::client_id.eq(client_id))
        .select((
            credentials::secret_hash,
            credentials::organization_id,
            credentials::mode,
            credentials::revoked_at.is_not_null(),
            organizations::status,
        ))
        .first::<(String, String, String, bool, String)>(conn)
        .optional()?;
    row.map(|(hash, organization_id, mode, revoked, status)| {
        Ok((
            hash,
            CredentialAccess {
                organization_id,
                mode: parse(&mode)?,
                revoked,
                organization_status: parse(&status)?,
            },
        ))
    })
    .transpose()
}

/// Whether credential `client_id` may act, and for whom; `None` if it does not exist.
pub fn credential_access(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<CredentialAccess>, ApiError> {
    Ok(credential_with_secret(conn, client_id)?.map(|(_, access)| access))
}
