//! API credentials' expiry: the `credential.expiring` warning, sent once per credential a
//! configured number of days before it expires.

use chrono::{DateTime, Utc};

use crate::db::{DbConnection, portable};
use crate::domain::organization::expiry_warning_horizon;
use crate::error::ApiError;
use crate::store::{events, organizations};

/// Credentials warned of per call.
pub const WARNING_BATCH: i64 = 100;

/// Records the `credential.expiring` event of up to [`WARNING_BATCH`] credentials (not revoked,
/// not yet warned of) that expire within `warning_days` of `now`, each in one transaction with
/// the mark that it was warned of; a credential another replica marks first is skipped, so each
/// is warned of once. Answers how many this call warned of.
pub fn warn_of_expiry(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    warning_days: u32,
) -> Result<usize, ApiError> {
    let horizon = expiry_warning_horizon(now, warning_days);
    let due = organizations::credentials_due_for_expiry_warning(conn, horizon, WARNING_BATCH)?;
    let mut warned = 0;
    for credential in due {
        let marked = portable::write_transaction(conn, |conn| {
            let marked = organizations::mark_expiry_warned(conn, &credential.client_id)?;
            if marked {
                events::record_credential_expiring(conn, &credential)?;
            }
            Ok::<_, ApiError>(marked)
        })?;
        warned += usize::from(marked);
    }
    Ok(warned)
}
