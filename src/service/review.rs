//! The analysts' changes to a report (assignment, status transitions, legal holds, release
//! for purge), each answered with the report's detail as it stands after the change.

use crate::db::{DbConnection, portable};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::read_model::review::ReviewDetail;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::review;

/// Makes `change` to report `id` and records `event` in one transaction, then reads the
/// report's detail in it: what every change an analyst makes answers.
pub fn change_then_detail(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    event: &NewAuditEvent,
    change: impl FnOnce(&mut DbConnection) -> Result<(), ApiError>,
) -> Result<ReviewDetail, ApiError> {
    portable::write_transaction(conn, |conn| {
        change(conn)?;
        audit::append(conn, event)?;
        review::detail(conn, keys, id)
    })
}
