//! Organizations and their API credentials.

use diesel::prelude::*;

use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::schema::{credentials, organizations};
use crate::domain::organization::{
    CredentialMode, IssuedCredential, Organization, OrganizationStatus,
};
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

/// Creates an organization.
pub fn create_organization(
    conn: &mut DbConnection,
    name: &str,
    contact_email: Option<&str>,
    status: OrganizationStatus,
) -> Result<Organization, ApiError> {
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&id),
            organizations::name.eq(name),
            organizations::contact_email.eq(contact_email),
            organizations::status.eq(status.as_ref()),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Organization {
        id,
        name: name.to_owned(),
        status,
    })
}

/// Sets an organization's vetting status; 404 when there is no such organization.
pub fn set_organization_status(
    conn: &mut DbConnection,
    id: &str,
    status: OrganizationStatus,
) -> Result<Organization, ApiError> {
    let updated = diesel::update(organizations::table.find(id))
        .set((
            organizations::status.eq(status.as_ref()),
            organizations::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    organizations::table
        .find(id)
        .select((
            organizations::id,
            organizations::name,
            organizations::status,
        ))
        .first::<OrganizationRow>(conn)?
        .try_into()
}

/// Issues a credential for an organization; 404 when there is no such organization.
/// The secret is returned once and only its hash is stored.
pub fn create_credential(
    conn: &mut DbConnection,
    organization_id: &str,
    mode: CredentialMode,
    label: Option<&str>,
) -> Result<IssuedCredential, ApiError> {
    let exists = organizations::table
        .find(organization_id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        return Err(ApiError::NotFound);
    }
    let client_id = secret::new_client_id(mode);
    let client_secret = secret::new_client_secret();
    diesel::insert_into(credentials::table)
        .values((
            credentials::client_id.eq(&client_id),
            credentials::organization_id.eq(organization_id),
            credentials::secret_hash.eq(secret::hash_secret(&client_secret)),
            credentials::mode.eq(mode.as_ref()),
            credentials::label.eq(label),
            credentials::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(IssuedCredential {
        client_id,
        client_secret,
        mode,
    })
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
