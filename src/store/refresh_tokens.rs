//! Refresh tokens of staff sign-ins: opaque values stored as their SHA-256, grouped in families
//! (one sign-in and every token rotated from it), exchanged once each; a rotated token that comes
//! back revokes its whole family (OAuth 2.0 Security BCP, RFC 9700 §4.14).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::secret;
use crate::db::DbConnection;
use crate::db::schema::{refresh_families, refresh_tokens, users};
use crate::domain::user::Role;
use crate::error::ApiError;

/// How long refresh tokens work: unused (`idle`, each exchange starts it again) and at most
/// from the sign-in (`absolute`).
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// From the token's issue to its last possible use.
    pub idle: Duration,
    /// From the sign-in to the last possible use of any token of its family.
    pub absolute: Duration,
}

/// What became of a refresh token offered in exchange for new tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exchange {
    /// Exchanged: the account it belongs to, and the new refresh token of its family.
    Rotated {
        /// The account.
        user_id: String,
        /// The account's current role.
        role: Role,
        /// The next token of the family (shown once).
        token: String,
    },
    /// A token already exchanged came back: its family is revoked now (or was already).
    Reused {
        /// The account the family belongs to.
        user_id: String,
        /// The family revoked.
        family_id: String,
    },
    /// Unknown, expired, idle too long, revoked, or its account deactivated.
    Refused {
        /// The account, when the token is known.
        user_id: Option<String>,
    },
}

/// Starts a family for a sign-in of account `user_id`; answers its first token (shown once).
pub fn start_family(
    conn: &mut DbConnection,
    user_id: &str,
    lifetimes: Lifetimes,
) -> Result<String, ApiError> {
    let now = super::now();
    let family_id = super::new_id();
    let expires_at = now + lifetimes.absolute;
    diesel::insert_into(refresh_families::table)
        .values(NewFamilyRow {
            id: &family_id,
            user_id,
            created_at: now,
            expires_at,
        })
        .execute(conn)?;
    insert_token(conn, &family_id, (now + lifetimes.idle).min(expires_at))
}

/// A new family as written.
#[derive(Insertable)]
#[diesel(table_name = refresh_families, treat_none_as_default_value = false)]
struct NewFamilyRow<'a> {
    id: &'a str,
    user_id: &'a str,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// A new token as written: its value only hashed.
#[derive(Insertable)]
#[diesel(table_name = refresh_tokens, treat_none_as_default_value = false)]
struct NewTokenRow<'a> {
    token_hash: String,
    family_id: &'a str,
    idle_expires_at: NaiveDateTime,
}

fn insert_token(
    conn: &mut DbConnection,
    family_id: &str,
    idle_expires_at: NaiveDateTime,
) -> Result<String, ApiError> {
    let token = secret::new_secret();
    diesel::insert_into(refresh_tokens::table)
        .values(NewTokenRow {
            token_hash: secret::hash_secret(&token),
            family_id,
            idle_expires_at,
        })
        .execute(conn)?;
    Ok(token)
}

/// A token with its family and account, as an exchange reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct TokenRow {
    family_id: String,
    idle_expires_at: NaiveDateTime,
    #[diesel(select_expression = refresh_families::expires_at)]
    expires_at: NaiveDateTime,
    #[diesel(select_expression = refresh_families::revoked_at)]
    revoked_at: Option<NaiveDateTime>,
    #[diesel(select_expression = users::id)]
    user_id: String,
    #[diesel(select_expression = users::role)]
    role: Role,
    #[diesel(select_expression = users::active)]
    active: bool,
}

/// A token's family and account, as sign-out reads them.
#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_families, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct FamilyRow {
    id: String,
    user_id: String,
}

/// Exchanges refresh token `presented`: marks it rotated and answers the next one of its family.
///
/// The mark is one conditional update (`rotated_at IS NULL`), so of two exchanges of the same
/// token at once exactly one wins: on PostgreSQL the other waits for the winner's row lock and
/// then finds the token rotated; on SQLite the write transactions take turns. The loser is a
/// reuse, and revokes the family (the winner's new token with it).
pub fn exchange(
    conn: &mut DbConnection,
    presented: &str,
    lifetimes: Lifetimes,
) -> Result<Exchange, ApiError> {
    let hash = secret::hash_secret(presented);
    let now = super::now();
    let claimed = diesel::update(
        refresh_tokens::table
            .find(&hash)
            .filter(refresh_tokens::rotated_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(now))
    .execute(conn)?;
    let row: Option<TokenRow> = refresh_tokens::table
        .inner_join(refresh_families::table.inner_join(users::table))
        .filter(refresh_tokens::token_hash.eq(&hash))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?;
    let Some(TokenRow {
        family_id,
        idle_expires_at,
        expires_at,
        revoked_at,
        user_id,
        role,
        active,
    }) = row
    else {
        return Ok(Exchange::Refused { user_id: None });
    };
    if claimed == 0 {
        revoke_family(conn, &family_id)?;
        return Ok(Exchange::Reused { user_id, family_id });
    }
    if revoked_at.is_some() || !active || expires_at <= now || idle_expires_at <= now {
        return Ok(Exchange::Refused {
            user_id: Some(user_id),
        });
    }
    let token = insert_token(conn, &family_id, (now + lifetimes.idle).min(expires_at))?;
    Ok(Exchange::Rotated {
        user_id,
        role,
        token,
    })
}

fn revoke_family(conn: &mut DbConnection, family_id: &str) -> Result<usize, ApiError> {
    Ok(diesel::update(
        refresh_families::table
            .find(family_id)
            .filter(refresh_families::revoked_at.is_null()),
    )
    .set(refresh_families::revoked_at.eq(super::now()))
    .execute(conn)?)
}

/// Revokes the family of refresh token `presented` (sign-out); answers its account, or `None`
/// when no token is known by that value.
pub fn revoke_family_of(
    conn: &mut DbConnection,
    presented: &str,
) -> Result<Option<String>, ApiError> {
    let hash = secret::hash_secret(presented);
    let found: Option<FamilyRow> = refresh_tokens::table
        .inner_join(refresh_families::table)
        .filter(refresh_tokens::token_hash.eq(&hash))
        .select(FamilyRow::as_select())
        .first(conn)
        .optional()?;
    let Some(FamilyRow {
        id: family_id,
        user_id,
    }) = found
    else {
        return Ok(None);
    };
    revoke_family(conn, &family_id)?;
    Ok(Some(user_id))
}

/// Revokes every live family of account `user_id` (deactivated, or given another role); answers
/// how many.
pub fn revoke_for_user(conn: &mut DbConnection, user_id: &str) -> Result<usize, ApiError> {
    Ok(diesel::update(
        refresh_families::table
            .filter(refresh_families::user_id.eq(user_id))
            .filter(refresh_families::revoked_at.is_null()),
    )
    .set(refresh_families::revoked_at.eq(super::now()))
    .execute(conn)?)
}
