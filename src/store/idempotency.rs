//! The keys of `Idempotency-Key` requests (draft-ietf-httpapi-idempotency-key-header): claimed
//! before the request runs, then either recorded with the request's fingerprint and sealed
//! answer, or released so that a retry runs again; pruned after their retention.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::{DbConnection, portable};
use crate::domain::organization::CredentialMode;
use crate::error::ApiError;

/// One key of one organization in one mode: keys of different organizations, or of the live
/// and test credentials of one organization, never meet.
#[derive(Debug, Clone)]
pub struct KeyScope {
    /// The organization of the calling credential (`staff:<user id>` for a staff member).
    pub organization_id: String,
    /// The calling credential's mode.
    pub mode: CredentialMode,
    /// The key as the client sent it.
    pub key: String,
}

/// A request's answer as kept for replays.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// SHA-256 (hex) of the method, path and body of the request that was answered.
    pub fingerprint: String,
    /// The answer's status.
    pub status: u16,
    /// The answer (`Answer` in JSON), sealed under `data_key_id`.
    pub sealed_answer: String,
    /// The data key (key store) that sealed it.
    pub data_key_id: String,
}

/// What a claim of a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key was free (or its earlier use expired): the request runs, and is recorded or
    /// released afterwards.
    Claimed,
    /// A request with the key is still running.
    InFlight,
    /// A request with the key was answered: this answer.
    Answered(Recorded),
}

/// Claims `scope`'s key at `now`. A use older than `expired_before` is forgotten; a request
/// still in flight since before `abandoned_before` is taken to have died with its process.
pub fn claim(
    conn: &mut DbConnection,
    scope: &KeyScope,
    now: NaiveDateTime,
    expired_before: NaiveDateTime,
    abandoned_before: NaiveDateTime,
) -> Result<Claim, ApiError> {
    // Twice at most: a concurrent claim may insert the key between the read and the insert.
    for _ in 0..2 {
        let claimed = portable::write_transaction(conn, |conn| {
            let found: Option<KeyRow> = idempotency_keys::table
                .find(key(scope))
                .select((
                    idempotency_keys::fingerprint,
                    idempotency_keys::status,
                    idempotency_keys::sealed_answer,
                    idempotency_keys::data_key_id,
                    idempotency_keys::created_at,
                ))
                .first(conn)
                .optional()?;
            match found {
                Some((.., at)) if at < expired_before => {
                    diesel::delete(idempotency_keys::table.find(key(scope))).execute(conn)?;
                }
                Some((
                    Some(fingerprint),
                    Some(status),
                    Some(sealed_answer),
                    Some(data_key_id),
                    _,
                )) => {
                    return Ok(Claim::Answered(Recorded {
                        fingerprint,
                        status: u16::try_from(status).unwrap_or_default(),
                        sealed_answer,
                        data_key_id,
                    }));
                }
                Some((.., at)) if at >= abandoned_before => return Ok(Claim::InFlight),
                Some(_) => {
                    diesel::delete(idempotency_keys::table.find(key(scope))).execute(conn)?;
                }
                None => {}
            }
            diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::organization_id.eq(&scope.organization_id),
                    idempotency_keys::mode.eq(scope.mode.as_ref()),
                    idempotency_keys::idempotency_key.eq(&scope.key),
                    idempotency_keys::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(Claim::Claimed)
        });
        if !portable::is_unique_violation(&claimed) {
            return Ok(claimed?);
        }
    }
    Ok(Claim::InFlight)
}

/// A key's row: fingerprint, status, sealed answer and data key (all set once answered, none
/// while in flight), and when the key was claimed.
type KeyRow = (
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// Records the answer to the request that claimed `scope`'s key.
pub fn record(
    conn: &mut DbConnection,
    scope: &KeyScope,
    answer: &Recorded,
) -> Result<(), ApiError> {
    diesel::update(idempotency_keys::table.find(key(scope)))
        .set((
            idempotency_keys::fingerprint.eq(&answer.fingerprint),
            idempotency_keys::status.eq(i32::from(answer.status)),
            idempotency_keys::sealed_answer.eq(&answer.sealed_answer),
            idempotency_keys::data_key_id.eq(&answer.data_key_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Frees `scope`'s key after a request that is not worth replaying (refused for the moment, or
/// failed): a retry with the key runs again.
pub fn release(conn: &mut DbConnection, scope: &KeyScope) -> Result<(), ApiError> {
    diesel::delete(
        idempotency_keys::table
            .find(key(scope))
            .filter(idempotency_keys::fingerprint.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes the keys used before `cutoff`, at most `limit` of them; answers, for each, the data
/// key that sealed its answer (none while in flight), for the caller to destroy.
pub fn prune(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Option<String>>, ApiError> {
    portable::write_transaction(conn, |conn| {
        let old: Vec<(String, String, String, Option<String>)> = idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(cutoff))
            .select((
                idempotency_keys::organization_id,
                idempotency_keys::mode,
                idempotency_keys::idempotency_key,
                idempotency_keys::data_key_id,
            ))
            .limit(limit)
            .load(conn)?;
        for (organization_id, mode, key, _) in &old {
            let pk = (organization_id.as_str(), mode.as_str(), key.as_str());
            diesel::delete(idempotency_keys::table.find(pk)).execute(conn)?;
        }
        Ok(old.into_iter().map(|(.., key_id)| key_id).collect())
    })
}

/// The primary key of `scope`'s row.
fn key(scope: &KeyScope) -> (&str, &str, &str) {
    (&scope.organization_id, scope.mode.as_ref(), &scope.key)
}
