//! An organization's webhook endpoints: registration and removal, a test event, and the retry
//! of a delivery; each recorded in the audit log in its transaction.

use crate::db::DbConnection;
use crate::domain::webhooks::{Delivery, Event, EventType, RegisteredEndpoint};
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::store::audit::NewAuditEvent;
use crate::store::events::Owner;
use crate::store::webhooks;

/// Registers an endpoint at `url` for `owner` with a new signing secret, at most `limit` per
/// organization (see [`webhooks::register`]); `event` targets the new endpoint.
pub fn register(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: Owner<'_>,
    (url, event_types): (&str, &[EventType]),
    limit: i64,
    event: &NewAuditEvent,
) -> Result<RegisteredEndpoint, ApiError> {
    super::recorded_as(
        conn,
        event,
        |conn| webhooks::register(conn, keys, owner, url, event_types, limit),
        |registered: &RegisteredEndpoint| Some(registered.endpoint.id.clone()),
    )
}

/// Removes one of `owner`'s endpoints with its deliveries; its secret's data key is destroyed
/// once the removal is committed.
pub fn remove(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: Owner<'_>,
    id: &str,
    event: &NewAuditEvent,
) -> Result<(), ApiError> {
    let key_id = super::recorded(conn, event, |conn| webhooks::remove(conn, owner, id))?;
    keys.destroy(&[&key_id]).map(drop)
}

/// Queues a `webhook.test` event to one of `owner`'s endpoints (409 when it is disabled).
pub fn send_test(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    endpoint_id: &str,
    event: &NewAuditEvent,
) -> Result<Event, ApiError> {
    super::recorded(conn, event, |conn| {
        webhooks::send_test(conn, owner, endpoint_id)
    })
}

/// Queues delivery `delivery_id` of one of `owner`'s endpoints again (see
/// [`webhooks::retry`]).
pub fn retry(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    (endpoint_id, delivery_id): (&str, &str),
    event: &NewAuditEvent,
) -> Result<Delivery, ApiError> {
    super::recorded(conn, event, |conn| {
        webhooks::retry(conn, owner, endpoint_id, delivery_id)
    })
}
