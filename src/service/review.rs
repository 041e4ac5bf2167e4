//! The analysts' reading of reports (the detail, related reports, indicator search: each
//! access audited) and their changes to a report (assignment, status transitions, legal holds,
//! release for purge), each change answered with the report's detail as it stands after it.

use crate::db::{DbConnection, portable};
use crate::domain::indicators::Lookup;
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::read_model::correlation::{IndicatorHit, RelatedReports};
use crate::read_model::review::ReviewDetail;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::{correlation, review};

/// Report `id`'s detail, the reading recorded as `event`.
pub fn read_detail(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    event: &NewAuditEvent,
) -> Result<ReviewDetail, ApiError> {
    super::recorded(conn, event, |conn| review::detail(conn, keys, id))
}

/// At most `limit` reports sharing an indicator with report `id`, the reading recorded as
/// `event`.
pub fn related(
    conn: &mut DbConnection,
    id: &str,
    limit: usize,
    event: &NewAuditEvent,
) -> Result<RelatedReports, ApiError> {
    super::recorded(conn, event, |conn| correlation::related(conn, id, limit))
}

/// One page of the reports of `mode` in which `lookup`'s indicator appears, the search
/// recorded as `event` (which names the search, not the value).
pub fn search_indicators(
    conn: &mut DbConnection,
    lookup: &Lookup,
    (mode, page): (CredentialMode, &Page),
    event: &NewAuditEvent,
) -> Result<Paginated<IndicatorHit>, ApiError> {
    super::recorded(conn, event, |conn| {
        correlation::search(conn, lookup, mode, page)
    })
}

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
