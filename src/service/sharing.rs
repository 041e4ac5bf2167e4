//! Partner sharing: partners, collections and grants (admins), shares of a report's indicators
//! as STIX 2.1 and their withdrawal (analysts), the shares read back, and partners' pulls
//! through TAXII; each recorded in the audit log in its own transaction.

use chrono::Utc;
use serde_json::Value;

use crate::db::DbConnection;
use crate::domain::indicators;
use crate::domain::sharing::{
    Collection, IssuedPartner, NewCollection, NewPartner, Share, ShareRequest, check_shareable,
    chosen_indicators,
};
use crate::domain::stix::{self, Portal, ShareInput};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::sharing::{self, NewShare};

/// Registers a partner and issues its client credentials; `event` targets the new partner.
pub fn create_partner(
    conn: &mut DbConnection,
    new: &NewPartner,
    event: &NewAuditEvent,
) -> Result<IssuedPartner, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| sharing::create_partner(conn, new),
        |p: &IssuedPartner| Some(p.id.clone()),
    )
}

/// Revokes partner `id` (404 when absent or revoked already).
pub fn revoke_partner(
    conn: &mut DbConnection,
    id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    super::recorded(conn, event, |conn| sharing::revoke_partner(conn, id))
}

/// Defines a collection; `event` targets the new collection.
pub fn create_collection(
    conn: &mut DbConnection,
    new: &NewCollection,
    event: &NewAuditEvent,
) -> Result<Collection, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| sharing::create_collection(conn, new),
        |c: &Collection| Some(c.id.clone()),
    )
}

/// Grants partner `partner_id` collection `collection_id` (a grant made again is no change).
pub fn grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    super::recorded(conn, event, |conn| {
        sharing::grant(conn, partner_id, collection_id)
    })
}

/// Withdraws a grant (404 when there was none).
pub fn revoke_grant(
    conn: &mut DbConnection,
    partner_id: &str,
    collection_id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    super::recorded(conn, event, |conn| {
        sharing::revoke_grant(conn, partner_id, collection_id)
    })
}

/// Shares report `id`'s chosen indicators into a collection as STIX objects made by `portal`,
/// by staff member `shared_by`: 404 for an absent report or collection, 409 for a report the
/// rules do not let be shared.
pub fn share_report(
    conn: &mut DbConnection,
    keys: &KeyStore,
    portal: &Portal,
    (id, request): (&str, &ShareRequest),
    shared_by: &str,
    event: &NewAuditEvent,
) -> Result<Share, ApiError> {
    super::recorded(conn, event, |conn| {
        let found = sharing::shareable_report(conn, keys, id)?;
        sharing::require_collection(conn, &request.collection_id)?;
        check_shareable(found.status, found.mode, found.held)?;
        let chosen = chosen_indicators(
            &found.report,
            indicators::of_report(&found.report),
            request.indicators.as_deref(),
        )?;
        let share_id = crate::store::new_id();
        let at = Utc::now();
        let category = found.report.category.as_ref().to_owned();
        let objects = stix::share_objects(
            portal,
            &ShareInput {
                share_id: &share_id,
                category: &category,
                service: &found.report.service,
                groups: &found.report.suspected_groups,
                indicators: &chosen,
                tlp: request.tlp,
                note: request.note.as_deref(),
                at,
            },
        );
        sharing::record_share(
            conn,
            &NewShare {
                id: &share_id,
                report_id: id,
                collection_id: &request.collection_id,
                tlp: request.tlp,
                shared_by,
                at,
                objects: &objects,
            },
        )
    })
}

/// Report `report_id`'s shares with their STIX objects, the reading recorded as `event`.
pub fn report_shares(
    conn: &mut DbConnection,
    report_id: &str,
    event: &NewAuditEvent,
) -> Result<Vec<(Share, Vec<Value>)>, ApiError> {
    super::recorded(conn, event, |conn| sharing::report_shares(conn, report_id))
}

/// Withdraws share `share_id` of report `report_id` by staff member `actor_id`, now.
pub fn withdraw(
    conn: &mut DbConnection,
    (report_id, share_id): (&str, &str),
    actor_id: &str,
    event: &NewAuditEvent,
) -> Result<Share, ApiError> {
    super::recorded(conn, event, |conn| {
        sharing::withdraw(conn, report_id, share_id, actor_id, Utc::now())
    })
}

/// Runs `work` on collection `collection_id` when partner `partner_id` is granted it, with the
/// pull recorded as `event`; a collection absent or not granted (or nothing found in it)
/// answers 404 and records the refusal (`event`, failed) instead.
pub fn pull<T>(
    conn: &mut DbConnection,
    (partner_id, collection_id): (&str, &str),
    event: &NewAuditEvent,
    work: impl FnOnce(&mut DbConnection, &Collection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let pulled = sharing::granted_collection(conn, partner_id, collection_id)
        .and_then(|collection| super::recorded(conn, event, |conn| work(conn, &collection)));
    if matches!(pulled, Err(ApiError::NotFound)) {
        audit::append(conn, &event.clone().failed())?;
    }
    pulled
}
