//! Webhook endpoints (registration with a sealed signing secret, listing, removal) and their
//! deliveries: the organization's view of them, a test event, a retry, and the delivery
//! workers' claims in order per report, through the queue of both outboxes ([`super::queue`]).

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::json;

use super::events::{self, EventRow, Owner};
use super::queue::{self, Lease, Queue};
use crate::db::DbConnection;
use crate::db::portable::load_skipping_locked;
use crate::db::schema::{
    events as event_rows, organizations, outbox, webhook_deliveries, webhook_endpoints,
};
use crate::domain::code_list::read_stored;
use crate::domain::notification::{NotificationKind, NotificationStatus};
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, Paginated};
use crate::domain::webhooks::{
    Delivery, DeliveryStatus, Endpoint, EndpointStatus, Event, EventType, RegisteredEndpoint,
    new_secret,
};
use crate::error::ApiError;
use crate::keys::{KeyStore, place};

/// Where an endpoint's secret is sealed (the associated data of its sealing).
fn secret_place(endpoint_id: &str) -> String {
    place(endpoint_id, "webhook_secret")
}

/// An endpoint's event types as stored: their codes joined by commas.
#[derive(FromSqlRow)]
struct StoredEventTypes(Vec<EventType>);

impl<DB> FromSql<Text, DB> for StoredEventTypes
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let stored = String::from_sql(bytes)?;
        Ok(StoredEventTypes(
            stored
                .split(',')
                .map(read_stored)
                .collect::<Result<_, _>>()?,
        ))
    }
}

/// An endpoint as written: its secret sealed.
#[derive(Insertable)]
#[diesel(table_name = webhook_endpoints)]
struct NewEndpointRow<'a> {
    id: &'a str,
    organization_id: &'a str,
    mode: CredentialMode,
    url: &'a str,
    event_types: String,
    key_id: &'a str,
    sealed_secret: &'a str,
    status: EndpointStatus,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// An endpoint as read, without its secret.
#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct EndpointRow {
    id: String,
    organization_id: String,
    mode: CredentialMode,
    url: String,
    event_types: StoredEventTypes,
    status: EndpointStatus,
    disabled_reason: Option<String>,
    created_at: NaiveDateTime,
}

impl From<EndpointRow> for Endpoint {
    fn from(row: EndpointRow) -> Self {
        Endpoint {
            id: row.id,
            organization_id: row.organization_id,
            mode: row.mode,
            url: row.url,
            event_types: row.event_types.0,
            status: row.status,
            disabled_reason: row.disabled_reason,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// A delivery with its event's type, as its organization sees it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct DeliveryRow {
    id: String,
    event_id: String,
    #[diesel(select_expression = event_rows::event_type)]
    event_type: EventType,
    status: DeliveryStatus,
    attempts: i32,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    last_attempt_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Delivery {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at.map(|at| at.and_utc()),
            next_attempt_at: (row.status == DeliveryStatus::Pending)
                .then(|| row.next_attempt_at.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// A claimed delivery with its endpoint's sealed secret and its event, as a worker reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ClaimRow {
    id: String,
    #[diesel(select_expression = webhook_endpoints::id)]
    endpoint_id: String,
    #[diesel(select_expression = webhook_endpoints::mode)]
    mode: CredentialMode,
    #[diesel(select_expression = webhook_endpoints::url)]
    url: String,
    #[diesel(select_expression = webhook_endpoints::key_id)]
    key_id: String,
    #[diesel(select_expression = webhook_endpoints::sealed_secret)]
    sealed_secret: String,
    #[diesel(embed)]
    event: EventRow,
    attempts: i32,
}

/// The notice of a disabled endpoint as queued.
#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewDisabledNoticeRow<'a> {
    id: String,
    kind: NotificationKind,
    webhook_endpoint_id: &'a str,
    urgent: bool,
    status: NotificationStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Registers an endpoint for `owner` (whose organization must exist: 404) with a new signing
/// secret, sealed under a data key of `keys`; 409 when the organization has `limit` endpoints
/// already. Answers the endpoint with its secret, shown this once. Writes inside the caller's
/// transaction.
pub fn register(
    conn: &mut DbConnection,
    keys: &KeyStore,
    owner: Owner<'_>,
    url: &str,
    event_types: &[EventType],
    limit: i64,
) -> Result<RegisteredEndpoint, ApiError> {
    let id = super::new_id();
    let secret = new_secret();
    let (key_id, key) = keys
        .take(1)?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no data key")))?;
    let sealed = key.seal(&secret, &secret_place(&id));
    let now = super::now();
    let types: Vec<&str> = event_types.iter().map(AsRef::as_ref).collect();
    organizations::table
        .find(owner.organization_id)
        .select(organizations::id)
        .first::<String>(conn)?;
    let existing: i64 = webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(owner.organization_id))
        .count()
        .get_result(conn)?;
    if existing >= limit {
        return Err(ApiError::Conflict {
            detail: format!(
                "the organization has {existing} webhook endpoints, the most allowed; remove one first"
            ),
            existing_id: None,
        });
    }
    diesel::insert_into(webhook_endpoints::table)
        .values(NewEndpointRow {
            id: &id,
            organization_id: owner.organization_id,
            mode: owner.mode,
            url,
            event_types: types.join(","),
            key_id: &key_id,
            sealed_secret: &sealed,
            status: EndpointStatus::Active,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    Ok(RegisteredEndpoint {
        endpoint: get(conn, owner, &id)?,
        secret: secret.clone(),
    })
}

/// `owner`'s endpoints, oldest first.
pub fn list(conn: &mut DbConnection, owner: Owner<'_>) -> Result<Vec<Endpoint>, ApiError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(owner.organization_id))
        .filter(webhook_endpoints::mode.eq(owner.mode))
        .order(webhook_endpoints::id.asc())
        .select(EndpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Endpoint::from)
        .collect())
}

/// One of `owner`'s endpoints; 404 for any other (another organization's, another mode's).
pub fn get(conn: &mut DbConnection, owner: Owner<'_>, id: &str) -> Result<Endpoint, ApiError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::organization_id.eq(owner.organization_id))
        .filter(webhook_endpoints::mode.eq(owner.mode))
        .select(EndpointRow::as_select())
        .first::<EndpointRow>(conn)?
        .into())
}

/// Removes one of `owner`'s endpoints with its deliveries and notices (inside the caller's
/// transaction); answers the id of its secret's data key, for the caller to destroy once the
/// removal is committed.
pub fn remove(conn: &mut DbConnection, owner: Owner<'_>, id: &str) -> Result<String, ApiError> {
    get(conn, owner, id)?;
    let key_id: String = webhook_endpoints::table
        .find(id)
        .select(webhook_endpoints::key_id)
        .first(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(id)))
        .execute(conn)?;
    diesel::delete(outbox::table.filter(outbox::webhook_endpoint_id.eq(id))).execute(conn)?;
    diesel::delete(event_rows::table.filter(event_rows::endpoint_id.eq(id))).execute(conn)?;
    diesel::delete(webhook_endpoints::table.find(id)).execute(conn)?;
    Ok(key_id)
}

/// The deliveries of one of `owner`'s endpoints, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    endpoint_id: &str,
    page: &Page,
) -> Result<Paginated<Delivery>, ApiError> {
    get(conn, owner, endpoint_id)?;
    let mut query = webhook_deliveries::table
        .inner_join(event_rows::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(webhook_deliveries::id.lt(after));
    }
    let items = query
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Delivery::from)
        .collect();
    Ok(Paginated::from_overfetch(items, page, |d| &d.id))
}

/// Queues a `webhook.test` event to one of `owner`'s endpoints (409 when it is disabled).
pub fn send_test(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    endpoint_id: &str,
) -> Result<Event, ApiError> {
    if get(conn, owner, endpoint_id)?.status == EndpointStatus::Disabled {
        return Err(ApiError::Conflict {
            detail: "the endpoint is disabled; retry one of its deliveries to enable it".into(),
            existing_id: None,
        });
    }
    Ok(events::insert(
        conn,
        owner,
        EventType::WebhookTest,
        None,
        Some(endpoint_id),
        json!({"endpoint_id": endpoint_id}),
    )?)
}

/// Queues a delivery of one of `owner`'s endpoints again, due at once with a fresh round of
/// attempts and the same `webhook-id`, and enables the endpoint if it was disabled; 409 while it
/// is pending already.
pub fn retry(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    endpoint_id: &str,
    delivery_id: &str,
) -> Result<Delivery, ApiError> {
    get(conn, owner, endpoint_id)?;
    let of_endpoint = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(delivery_id))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id));
    of_endpoint
        .select(webhook_deliveries::id)
        .first::<String>(conn)?;
    if !queue::requeue(conn, Queue::Webhooks, delivery_id)? {
        return Err(ApiError::Conflict {
            detail: "the delivery is pending already".into(),
            existing_id: None,
        });
    }
    diesel::update(webhook_endpoints::table.find(endpoint_id))
        .set((
            webhook_endpoints::status.eq(EndpointStatus::Active),
            webhook_endpoints::disabled_reason.eq(None::<String>),
            webhook_endpoints::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(webhook_deliveries::table
        .inner_join(event_rows::table)
        .filter(webhook_deliveries::id.eq(delivery_id))
        .select(DeliveryRow::as_select())
        .first::<DeliveryRow>(conn)?
        .into())
}

/// A delivery a worker has claimed, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery's id.
    pub id: String,
    /// The endpoint's id.
    pub endpoint_id: String,
    /// The endpoint's mode (which addresses it may reach).
    pub mode: CredentialMode,
    /// Where to POST.
    pub url: String,
    /// The signing secret, opened.
    pub secret: String,
    /// The event's id, the `webhook-id`.
    pub event_id: String,
    /// The body: the event as JSON, made from its row the same way at every attempt.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i32,
    /// When the event was stored (for the latency figure).
    pub created_at: NaiveDateTime,
}

/// Whether any delivery is due now: a read that costs no write lock, made before claiming.
pub fn any_due(conn: &mut DbConnection) -> Result<bool, ApiError> {
    Ok(diesel::select(exists(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
            .filter(webhook_deliveries::next_attempt_at.le(super::now())),
    ))
    .get_result(conn)?)
}

/// Claims up to `limit` due deliveries of active endpoints under `lease`, oldest first, at most
/// the earliest pending one per endpoint and report, so that a report's events arrive in order
/// (see [`queue::claim`]).
pub fn claim(
    conn: &mut DbConnection,
    keys: &KeyStore,
    lease: &Lease,
    limit: i64,
) -> Result<Vec<Claimed>, ApiError> {
    let due = |conn: &mut DbConnection, now: NaiveDateTime| {
        let earlier = diesel::alias!(webhook_deliveries as earlier);
        let active = webhook_endpoints::table
            .filter(webhook_endpoints::status.eq(EndpointStatus::Active))
            .select(webhook_endpoints::id);
        let due = webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(webhook_deliveries::endpoint_id.eq_any(active))
            .filter(not(exists(
                earlier
                    .filter(
                        earlier
                            .field(webhook_deliveries::endpoint_id)
                            .eq(webhook_deliveries::endpoint_id),
                    )
                    .filter(
                        earlier
                            .field(webhook_deliveries::order_key)
                            .eq(webhook_deliveries::order_key),
                    )
                    .filter(
                        earlier
                            .field(webhook_deliveries::status)
                            .eq(DeliveryStatus::Pending),
                    )
                    .filter(
                        earlier
                            .field(webhook_deliveries::id)
                            .lt(webhook_deliveries::id),
                    ),
            )))
            .order(webhook_deliveries::id.asc())
            .limit(limit)
            .select(webhook_deliveries::id);
        load_skipping_locked!(conn, due)
    };
    let rows = queue::claim(conn, Queue::Webhooks, lease, due, |conn, ids| {
        Ok(webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .inner_join(event_rows::table)
            .filter(webhook_deliveries::id.eq_any(ids))
            .order(webhook_deliveries::id.asc())
            .select(ClaimRow::as_select())
            .load(conn)?)
    })?;
    let key_ids: Vec<&str> = rows.iter().map(|row| row.key_id.as_str()).collect();
    let data_keys = keys.fetch(&key_ids)?;
    rows.into_iter()
        .map(|row| {
            let key = data_keys.get(&row.key_id).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("the endpoint's secret key is gone"))
            })?;
            let secret = key
                .open(&row.sealed_secret, &secret_place(&row.endpoint_id))
                .map_err(anyhow::Error::from)?;
            let created_at = row.event.created_at;
            let event = row.event.event()?;
            let payload =
                serde_json::to_string(&event).map_err(|e| ApiError::Internal(e.into()))?;
            Ok(Claimed {
                id: row.id,
                endpoint_id: row.endpoint_id,
                mode: row.mode,
                url: row.url,
                secret,
                event_id: event.id,
                payload,
                attempts: row.attempts,
                created_at,
            })
        })
        .collect()
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint answered 2xx.
    Delivered {
        /// Its status code.
        status: u16,
    },
    /// It failed for now: try again at `at`.
    Retry {
        /// The status code, when the endpoint answered.
        status: Option<u16>,
        /// What went wrong.
        error: String,
        /// When to try again.
        at: NaiveDateTime,
    },
    /// The last attempt allowed failed: the delivery is failed and its endpoint disabled.
    Failed {
        /// The status code, when the endpoint answered.
        status: Option<u16>,
        /// What went wrong.
        error: String,
    },
}

/// Records the attempts worker `worker` made and ends their leases (see
/// [`queue::record_attempts`]); a failed delivery disables its endpoint and queues the e-mail
/// telling its organization (once). Answers the ids whose lease `worker` no longer held.
pub fn record_attempts<'a>(
    conn: &mut DbConnection,
    worker: &str,
    attempts: &'a [(&'a Claimed, Outcome)],
) -> Result<Vec<&'a str>, ApiError> {
    let now = super::now();
    queue::record_attempts(
        conn,
        worker,
        attempts,
        |conn, worker, (claimed, outcome): &'a (&'a Claimed, Outcome)| {
            let held = webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&claimed.id))
                .filter(webhook_deliveries::lease_owner.eq(worker));
            let (status, code, error, next) = match outcome {
                Outcome::Delivered { status } => {
                    (DeliveryStatus::Delivered, Some(*status), None, now)
                }
                Outcome::Retry { status, error, at } => {
                    (DeliveryStatus::Pending, *status, Some(error.as_str()), *at)
                }
                Outcome::Failed { status, error } => {
                    (DeliveryStatus::Failed, *status, Some(error.as_str()), now)
                }
            };
            let updated = diesel::update(held)
                .set((
                    webhook_deliveries::status.eq(status),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                    webhook_deliveries::lease_owner.eq(None::<String>),
                    webhook_deliveries::last_status_code.eq(code.map(i32::from)),
                    webhook_deliveries::last_error.eq(error),
                    webhook_deliveries::last_attempt_at.eq(now),
                    webhook_deliveries::next_attempt_at.eq(next),
                    webhook_deliveries::delivered_at
                        .eq((status == DeliveryStatus::Delivered).then_some(now)),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Ok(vec![claimed.id.as_str()]);
            }
            if let Outcome::Failed { error, .. } = outcome {
                disable(conn, &claimed.endpoint_id, error)?;
            }
            Ok(Vec::new())
        },
    )
}

/// Disables an active endpoint after persistent failure, and queues the e-mail that tells its
/// organization.
fn disable(conn: &mut DbConnection, endpoint_id: &str, error: &str) -> Result<(), ApiError> {
    let now = super::now();
    let disabled = diesel::update(
        webhook_endpoints::table
            .find(endpoint_id)
            .filter(webhook_endpoints::status.eq(EndpointStatus::Active)),
    )
    .set((
        webhook_endpoints::status.eq(EndpointStatus::Disabled),
        webhook_endpoints::disabled_reason.eq(format!(
            "every attempt of a delivery failed; the last: {}",
            error.chars().take(300).collect::<String>()
        )),
        webhook_endpoints::updated_at.eq(now),
    ))
    .execute(conn)?;
    if disabled == 1 {
        diesel::insert_into(outbox::table)
            .values(NewDisabledNoticeRow {
                id: super::new_id(),
                kind: NotificationKind::WebhookDisabled,
                webhook_endpoint_id: endpoint_id,
                urgent: false,
                status: NotificationStatus::Pending,
                attempts: 0,
                next_attempt_at: now,
                created_at: now,
            })
            .execute(conn)?;
    }
    Ok(())
}
