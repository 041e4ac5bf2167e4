//! Use cases: one function per thing a caller does that writes or reads what is audited. Each
//! opens the one transaction, asks the domain to judge, reads and writes through the store,
//! records the audit event and the report's timeline in that transaction, and signs receipts
//! after commit. Routes make one call here; store functions write inside the transaction
//! opened here. (Only background work and the Idempotency-Key middleware open their own:
//! tests/api/layering.rs lists each place.)

pub mod admin;
pub mod credentials;
pub mod dry_run;
pub mod evidence;
pub mod import;
pub mod lifecycle;
pub mod notes;
pub mod purge;
pub mod review;
pub mod sharing;
pub mod sign_in;
pub mod submission;
pub mod users;
pub mod webhooks;

use crate::db::{DbConnection, portable};
use crate::error::ApiError;
use crate::store::audit::{self, NewAuditEvent};

/// Runs `work` and appends `event` in one transaction: the event is written exactly when what
/// it records happened (a change is committed with its event, or neither is).
fn recorded<T>(
    conn: &mut DbConnection,
    event: &NewAuditEvent,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    recorded_as(conn, event, work, |_| None)
}

/// Like [`recorded`], with the event's target taken from what `work` answers (the id of what it
/// created) when `target_of` names one.
fn recorded_as<T>(
    conn: &mut DbConnection,
    event: &NewAuditEvent,
    work: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
    target_of: impl FnOnce(&T) -> Option<String>,
) -> Result<T, ApiError> {
    portable::write_transaction(conn, |conn| {
        let value = work(conn)?;
        let target = target_of(&value).or_else(|| event.target.clone());
        audit::append(
            conn,
            &NewAuditEvent {
                target,
                ..event.clone()
            },
        )?;
        Ok(value)
    })
}
