//! OpenID Connect sign-in: the sign-ins started at the identity provider and not yet back (by
//! the hash of their `state`; single use, short-lived), and the staff accounts the provider's
//! subjects (`sub`) sign in as, created or updated on each sign-in.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::password;
use crate::db::DbConnection;
use crate::db::portable;
use crate::db::schema::{oidc_logins, staff_identities, users};
use crate::domain::user::{NewUser, Role, User};
use crate::error::ApiError;

/// A sign-in started at the provider: what its callback needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where the front end returns to afterwards, if it asked.
    pub return_to: Option<String>,
}

/// Records a sign-in started with `state` (stored as its hash), good for `ttl`; forgets the
/// expired ones on the way.
pub fn save_login(
    conn: &mut DbConnection,
    state_hash: &str,
    login: &PendingLogin,
    ttl: Duration,
) -> Result<(), ApiError> {
    let now = super::now();
    diesel::delete(oidc_logins::table.filter(oidc_logins::expires_at.le(now))).execute(conn)?;
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state_hash.eq(state_hash),
            oidc_logins::nonce.eq(&login.nonce),
            oidc_logins::pkce_verifier.eq(&login.pkce_verifier),
            oidc_logins::return_to.eq(&login.return_to),
            oidc_logins::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the sign-in whose `state` hashes to `state_hash`: once (it is deleted, and of two
/// callbacks at once only the one whose delete removed it gets it), and only before it expires.
pub fn take_login(
    conn: &mut DbConnection,
    state_hash: &str,
) -> Result<Option<PendingLogin>, ApiError> {
    let now = super::now();
    let row: Option<(String, String, Option<String>, NaiveDateTime)> = oidc_logins::table
        .find(state_hash)
        .select((
            oidc_logins::nonce,
            oidc_logins::pkce_verifier,
            oidc_logins::return_to,
            oidc_logins::expires_at,
        ))
        .first(conn)
        .optional()?;
    let deleted = diesel::delete(oidc_logins::table.find(state_hash)).execute(conn)?;
    Ok(row
        .filter(|row| deleted == 1 && row.3 > now)
        .map(|(nonce, pkce_verifier, return_to, _)| PendingLogin {
            nonce,
            pkce_verifier,
            return_to,
        }))
}

/// Why a verified identity gets no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityRefusal {
    /// The account of this subject was deactivated by an administrator.
    Deactivated,
    /// The e-mail address is a local account's (no subject links to it by itself).
    EmailTaken,
    /// The provider gave no usable e-mail address or name.
    InvalidProfile,
}

/// What the provider says of a user who signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The provider's `sub`.
    pub subject: String,
    /// The e-mail address (lower case).
    pub email: String,
    /// The name to show.
    pub display_name: String,
    /// The role the mapping gives.
    pub role: Role,
}

/// The account of `identity`'s subject, created on its first sign-in (without a usable
/// password) or brought up to date (e-mail, name, role); a change of role revokes the
/// account's refresh tokens. Answers the account and whether its role changed.
pub fn sign_in(
    conn: &mut DbConnection,
    identity: &Identity,
) -> Result<Result<(User, bool), IdentityRefusal>, ApiError> {
    let now = super::now();
    let linked: Option<String> = staff_identities::table
        .find(&identity.subject)
        .select(staff_identities::user_id)
        .first(conn)
        .optional()?;
    let Some(user_id) = linked else {
        let new = NewUser {
            email: identity.email.clone(),
            display_name: identity.display_name.clone(),
            role: identity.role,
            notify: false,
        };
        if new.check().is_err() {
            return Ok(Err(IdentityRefusal::InvalidProfile));
        }
        let created = super::users::insert_user(conn, &new, &password::unusable());
        let user = match created {
            Err(ApiError::Conflict { .. }) => return Ok(Err(IdentityRefusal::EmailTaken)),
            other => other?,
        };
        diesel::insert_into(staff_identities::table)
            .values((
                staff_identities::subject.eq(&identity.subject),
                staff_identities::user_id.eq(&user.id),
                staff_identities::created_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(Ok((user, false)));
    };
    let current = super::users::get_user(conn, &user_id)?;
    if !current.active {
        return Ok(Err(IdentityRefusal::Deactivated));
    }
    let updated = diesel::update(users::table.find(&user_id))
        .set((
            users::email.eq(&identity.email),
            users::display_name.eq(&identity.display_name),
            users::role.eq(identity.role.as_ref()),
            users::updated_at.eq(now),
        ))
        .execute(conn);
    if portable::is_unique_violation(&updated) {
        return Ok(Err(IdentityRefusal::EmailTaken));
    }
    updated?;
    let role_changed = current.role != identity.role;
    if role_changed {
        super::refresh_tokens::revoke_for_user(conn, &user_id)?;
    }
    Ok(Ok((super::users::get_user(conn, &user_id)?, role_changed)))
}
