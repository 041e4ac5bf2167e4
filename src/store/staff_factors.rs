//! Local staff accounts' second factor: the TOTP secret (sealed by the caller under a data key of
//! the key store), the last step accepted, and the single-use recovery codes (their SHA-256).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::portable;
use crate::db::schema::{staff_factors, staff_recovery_codes};
use crate::error::ApiError;

/// An account's TOTP factor as stored.
#[derive(Debug, Clone)]
pub struct StoredFactor {
    /// The key store's data key that seals the secret.
    pub key_id: String,
    /// The base32 secret, sealed.
    pub sealed_secret: String,
    /// Whether a sign-in with a code of it completed its enrollment.
    pub confirmed: bool,
    /// The last time step accepted.
    pub last_step: Option<u64>,
}

/// The TOTP factor of account `user_id`, confirmed or pending.
pub fn find(conn: &mut DbConnection, user_id: &str) -> Result<Option<StoredFactor>, ApiError> {
    let row: Option<(String, String, Option<NaiveDateTime>, Option<i64>)> = staff_factors::table
        .find(user_id)
        .select((
            staff_factors::key_id,
            staff_factors::sealed_secret,
            staff_factors::confirmed_at,
            staff_factors::last_step,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(key_id, sealed_secret, confirmed_at, last_step)| StoredFactor {
            key_id,
            sealed_secret,
            confirmed: confirmed_at.is_some(),
            last_step: last_step.map(|s| s as u64),
        },
    ))
}

/// Replaces account `user_id`'s pending factor (and its recovery codes) with a new one; 409 when
/// it has a confirmed factor (an administrator resets it first). Answers the data key id of the
/// pending factor it replaced, if any, so the caller can destroy it.
pub fn start(
    conn: &mut DbConnection,
    user_id: &str,
    key_id: &str,
    sealed_secret: &str,
    recovery_code_hashes: &[String],
) -> Result<Option<String>, ApiError> {
    let existing = find(conn, user_id)?;
    if existing.as_ref().is_some_and(|f| f.confirmed) {
        return Err(ApiError::Conflict {
            detail: "this account has a second factor; an administrator can reset it".into(),
            existing_id: None,
        });
    }
    let replaced = remove(conn, user_id)?;
    diesel::insert_into(staff_factors::table)
        .values((
            staff_factors::user_id.eq(user_id),
            staff_factors::key_id.eq(key_id),
            staff_factors::sealed_secret.eq(sealed_secret),
            staff_factors::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    let rows: Vec<_> = recovery_code_hashes
        .iter()
        .map(|hash| {
            (
                staff_recovery_codes::code_hash.eq(hash),
                staff_recovery_codes::user_id.eq(user_id),
            )
        })
        .collect();
    portable::insert_rows!(conn, staff_recovery_codes::table, &rows)?;
    Ok(replaced)
}

/// Accepts time step `step` of account `user_id`'s factor (confirming a pending one): only if
/// it is later than the last one accepted, in one conditional update, so that of two sign-ins
/// with the same code exactly one succeeds.
pub fn accept_step(conn: &mut DbConnection, user_id: &str, step: u64) -> Result<bool, ApiError> {
    let step = step as i64;
    let now = super::now();
    let accepted = diesel::update(
        staff_factors::table.find(user_id).filter(
            staff_factors::last_step
                .is_null()
                .or(staff_factors::last_step.lt(step)),
        ),
    )
    .set(staff_factors::last_step.eq(step))
    .execute(conn)?;
    if accepted == 1 {
        diesel::update(
            staff_factors::table
                .find(user_id)
                .filter(staff_factors::confirmed_at.is_null()),
        )
        .set(staff_factors::confirmed_at.eq(now))
        .execute(conn)?;
    }
    Ok(accepted == 1)
}

/// Uses the recovery code hashing to `code_hash` of account `user_id`, once, and only when its
/// factor is confirmed; `false` when there is no such unused code.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    user_id: &str,
    code_hash: &str,
) -> Result<bool, ApiError> {
    if !find(conn, user_id)?.is_some_and(|f| f.confirmed) {
        return Ok(false);
    }
    let used = diesel::update(
        staff_recovery_codes::table
            .find(code_hash)
            .filter(staff_recovery_codes::user_id.eq(user_id))
            .filter(staff_recovery_codes::used_at.is_null()),
    )
    .set(staff_recovery_codes::used_at.eq(super::now()))
    .execute(conn)?;
    Ok(used == 1)
}

/// Removes account `user_id`'s factor and recovery codes (an administrator's reset); answers the
/// data key id that sealed its secret, for the caller to destroy, or `None` if it had none.
pub fn remove(conn: &mut DbConnection, user_id: &str) -> Result<Option<String>, ApiError> {
    let key_id = find(conn, user_id)?.map(|f| f.key_id);
    diesel::delete(staff_recovery_codes::table.filter(staff_recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(staff_factors::table.find(user_id)).execute(conn)?;
    Ok(key_id)
}
