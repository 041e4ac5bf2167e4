//! Signing in and out: a staff sign-in's refresh-token family, the exchange and revocation of
//! refresh tokens, the completion of an enrollment link, a TOTP factor's enrollment and reset,
//! and the start of an OpenID Connect sign-in; each with its audit events in its transaction.
//! (Checking passwords and second factors, and the calls to the identity provider, happen
//! before: in the routes, outside any transaction.)

use chrono::Duration;

use crate::db::{DbConnection, portable};
use crate::domain::user::User;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::oidc::{self, Identity, IdentityRefusal, PendingLogin};
use crate::store::refresh_tokens::{self, Exchange, Lifetimes};
use crate::store::users::LoginKeys;
use crate::store::{staff_factors, users};

/// Records `events`, does `work` (the sign-in's own writes) and starts a new refresh-token
/// family for `user_id`, in one transaction; answers the family's first refresh token.
pub fn start_session(
    conn: &mut DbConnection,
    user_id: &str,
    lifetimes: Lifetimes,
    events: &[NewAuditEvent],
    work: impl FnOnce(&mut DbConnection) -> Result<(), ApiError>,
) -> Result<String, ApiError> {
    portable::write_transaction(conn, |conn| {
        for event in events {
            audit::append(conn, event)?;
        }
        work(conn)?;
        refresh_tokens::start_family(conn, user_id, lifetimes)
    })
}

/// Exchanges refresh token `presented` (see [`refresh_tokens::exchange`]), recorded as
/// `attempt` by the account when rotated, as `auth.refresh.reuse` (failed) by the family when
/// a spent token is presented again, and as failed otherwise.
pub fn refresh(
    conn: &mut DbConnection,
    presented: &str,
    lifetimes: Lifetimes,
    attempt: NewAuditEvent,
) -> Result<Exchange, ApiError> {
    portable::write_transaction(conn, |conn| {
        let exchange = refresh_tokens::exchange(conn, presented, lifetimes)?;
        let event = match &exchange {
            Exchange::Rotated { user_id, role, .. } => NewAuditEvent {
                actor: Some(user_id.clone()),
                role: Some(role.as_ref().to_owned()),
                ..attempt
            },
            Exchange::Reused { user_id, family_id } => NewAuditEvent {
                action: "auth.refresh.reuse",
                target: Some(user_id.clone()),
                actor: Some(format!("refresh-family:{family_id}")),
                ..attempt.failed()
            },
            Exchange::Refused { user_id } => NewAuditEvent {
                target: user_id.clone(),
                ..attempt.failed()
            },
        };
        audit::append(conn, &event)?;
        Ok(exchange)
    })
}

/// Revokes the family of refresh token `presented` (`None`: a token that cannot be stored,
/// revoking nothing), recorded as `attempt` by the account, or failed when no family has it.
pub fn sign_out(
    conn: &mut DbConnection,
    presented: Option<&str>,
    attempt: NewAuditEvent,
) -> Result<(), ApiError> {
    portable::write_transaction(conn, |conn| {
        let owner = match presented {
            Some(presented) => refresh_tokens::revoke_family_of(conn, presented)?,
            None => None,
        };
        let event = match owner {
            Some(user_id) => NewAuditEvent {
                actor: Some(user_id),
                ..attempt
            },
            None => attempt.failed(),
        };
        Ok(audit::append(conn, &event)?)
    })
}

/// Completes enrollment `enrollment_id` with the (already hashed) password, recorded as
/// `enrolled`, or as failed when the link no longer works; answers whether it was completed.
pub fn complete_enrollment(
    conn: &mut DbConnection,
    enrollment_id: &str,
    password_hash: &str,
    enrolled: NewAuditEvent,
) -> Result<bool, ApiError> {
    portable::write_transaction(conn, |conn| {
        let done = users::complete_enrollment(conn, enrollment_id, password_hash)?;
        let event = if done { enrolled } else { enrolled.failed() };
        audit::append(conn, &event)?;
        Ok(done)
    })
}

/// A TOTP factor being enrolled: its sealed secret (under data key `key_id`) and the hashes of
/// its recovery codes.
pub struct NewFactor {
    /// The data key that sealed the secret.
    pub key_id: String,
    /// The secret, sealed.
    pub sealed_secret: String,
    /// The recovery codes, hashed.
    pub recovery_code_hashes: Vec<String>,
}

/// Enrolls `factor` for account `user_id` (replacing any earlier one) and clears its sign-in
/// failures under `login_keys`, recorded as `enrolled`; a failure is recorded as `enrolled`,
/// failed. The replaced factor's data key is destroyed once the enrollment is committed.
pub fn enroll_totp(
    conn: &mut DbConnection,
    keys: &KeyStore,
    (user_id, factor): (&str, &NewFactor),
    login_keys: &LoginKeys,
    enrolled: &NewAuditEvent,
) -> Result<(), ApiError> {
    let started = portable::write_transaction(conn, |conn| {
        let replaced = staff_factors::start(
            conn,
            user_id,
            &factor.key_id,
            &factor.sealed_secret,
            &factor.recovery_code_hashes,
        )?;
        audit::append(conn, enrolled)?;
        users::clear_login_failures(conn, login_keys)?;
        Ok(replaced)
    });
    match started {
        Err(error) => {
            audit::append(conn, &enrolled.clone().failed())?;
            Err(error)
        }
        Ok(Some(replaced)) => keys.destroy(&[&replaced]).map(drop),
        Ok(None) => Ok(()),
    }
}

/// Removes account `user_id`'s second factor and revokes its refresh tokens (404 when there is
/// no such account), recorded as `event`; the factor's data key is destroyed once committed.
pub fn reset_factor(
    conn: &mut DbConnection,
    keys: &KeyStore,
    user_id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    let removed = super::recorded(conn, event, |conn| {
        let user = users::get_user(conn, user_id)?;
        refresh_tokens::revoke_for_user(conn, &user.id)?;
        staff_factors::remove(conn, &user.id)
    })?;
    match removed {
        Some(key_id) => keys.destroy(&[&key_id]).map(drop),
        None => Ok(()),
    }
}

/// Keeps `pending`, an OpenID Connect sign-in started, under the hash of its `state` for
/// `ttl`, recorded as `event`.
pub fn start_oidc(
    conn: &mut DbConnection,
    state_hash: &str,
    pending: &PendingLogin,
    ttl: Duration,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    super::recorded(conn, event, |conn| {
        oidc::save_login(conn, state_hash, pending, ttl)
    })
}

/// Claims one sign-in attempt under `keys` before the password is checked, in one transaction
/// (see [`users::claim_login_attempt`]): `Some(seconds)` to wait, `None` to go on.
pub fn claim_login_attempt(
    conn: &mut DbConnection,
    keys: &LoginKeys,
) -> Result<Option<u64>, ApiError> {
    portable::write_transaction(conn, |conn| users::claim_login_attempt(conn, keys))
}

/// Accepts time step `step` of account `user_id`'s TOTP factor, once (see
/// [`staff_factors::accept_step`]).
pub fn accept_step(conn: &mut DbConnection, user_id: &str, step: u64) -> Result<bool, ApiError> {
    portable::write_transaction(conn, |conn| staff_factors::accept_step(conn, user_id, step))
}

/// Uses a recovery code of account `user_id`, once (see [`staff_factors::use_recovery_code`]).
pub fn use_recovery_code(
    conn: &mut DbConnection,
    user_id: &str,
    code_hash: &str,
) -> Result<bool, ApiError> {
    portable::write_transaction(conn, |conn| {
        staff_factors::use_recovery_code(conn, user_id, code_hash)
    })
}

/// Takes the OpenID Connect sign-in whose `state` hashes to `state_hash`, once and before it
/// expires (see [`oidc::take_login`]).
pub fn take_oidc_login(
    conn: &mut DbConnection,
    state_hash: &str,
) -> Result<Option<PendingLogin>, ApiError> {
    portable::write_transaction(conn, |conn| oidc::take_login(conn, state_hash))
}

/// The account of an OpenID Connect `identity`, created or brought up to date (see
/// [`oidc::sign_in`]).
pub fn oidc_account(
    conn: &mut DbConnection,
    identity: &Identity,
) -> Result<Result<(User, bool), IdentityRefusal>, ApiError> {
    portable::write_transaction(conn, |conn| oidc::sign_in(conn, identity))
}
