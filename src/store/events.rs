//! The events of the webhooks and the feed, written in the transaction of the change they tell
//! of, each with one delivery per subscribed active endpoint (the webhook outbox); the feed's
//! pages; and the pruning of old events.
//!
//! [`record`] is the one call each change makes: it reads the report's organization, mode and
//! status itself, so that a caller passes only what changed; a submission, which knows them,
//! records its new reports' events all at once with [`record_received`].

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::DbConnection;
use crate::db::portable::insert_rows;
use crate::db::schema::{events, reports, webhook_deliveries, webhook_endpoints};
use crate::domain::feedback::FeedbackReason;
use crate::domain::organization::{CredentialMode, ExpiringCredential};
use crate::domain::pagination::{Page, Paginated};
use crate::domain::status::ReportStatus;
use crate::domain::webhooks::{EndpointStatus, Event, EventType};
use crate::error::ApiError;

/// What changed about a report.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// It was stored.
    Received,
    /// DHS or the submitter moved it from one status to another; an event only when the status
    /// the submitter sees changes.
    Moved {
        /// The status before.
        from: ReportStatus,
        /// The status after.
        to: ReportStatus,
    },
    /// It is about to be purged (its row still exists).
    Purged,
    /// Amendment `number` was stored.
    Amended {
        /// The amendment's number.
        number: i32,
    },
    /// The evidence file with this id was stored.
    Evidence {
        /// The evidence file's id.
        evidence_id: &'a str,
    },
    /// An analyst recorded outcome feedback on closing it.
    Feedback {
        /// Whether DHS could act on it.
        actionable: bool,
        /// Why not, as a code.
        reason: Option<FeedbackReason>,
    },
}

/// Records the event of `change` about report `report_id` (inside the caller's transaction) and
/// queues its deliveries. A move the submitter cannot see (e.g. `in_review` to `escalated`,
/// `referred` to `closed`) records nothing.
pub fn record(conn: &mut DbConnection, report_id: &str, change: Change<'_>) -> QueryResult<()> {
    let (organization_id, mode, external_id, status) = reports::table
        .find(report_id)
        .select((
            reports::organization_id,
            reports::mode,
            reports::external_id,
            reports::status,
        ))
        .first::<(String, String, String, String)>(conn)?;
    let subject = Subject {
        report_id,
        owner: Owner {
            organization_id: &organization_id,
            mode: stored(&mode)?,
        },
        external_id: &external_id,
        status: stored(&status)?,
    };
    record_for(conn, &subject, change)
}

/// The report an event is about, as the caller already has it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The report's id.
    pub report_id: &'a str,
    /// Its organization and mode.
    pub owner: Owner<'a>,
    /// Its `external_id`.
    pub external_id: &'a str,
    /// Its status after the change.
    pub status: ReportStatus,
}

/// As [`record`], for a report whose owner, `external_id` and status the caller has (nothing
/// is read back).
pub fn record_for(
    conn: &mut DbConnection,
    subject: &Subject<'_>,
    change: Change<'_>,
) -> QueryResult<()> {
    record_all(conn, &[(*subject, change)])
}

/// As [`record_for`], for several changes (each of a report the caller has): one insert of the
/// events and of their deliveries per owner and type of event.
pub fn record_all(
    conn: &mut DbConnection,
    changes: &[(Subject<'_>, Change<'_>)],
) -> QueryResult<()> {
    let now = super::now();
    let mut grouped: Vec<(Owner<'_>, EventType, Items<'_>)> = Vec::new();
    for (subject, change) in changes {
        let Some((event_type, data)) = event_of(subject, *change) else {
            continue;
        };
        let item = (Some(subject.report_id), data, now);
        let owner = subject.owner;
        let same = |(o, t, _): &&mut (Owner<'_>, EventType, _)| {
            o.organization_id == owner.organization_id && o.mode == owner.mode && *t == event_type
        };
        match grouped.iter_mut().find(same) {
            Some((_, _, items)) => items.push(item),
            None => grouped.push((owner, event_type, vec![item])),
        }
    }
    for (owner, event_type, items) in grouped {
        insert_all(conn, owner, event_type, None, items)?;
    }
    Ok(())
}

/// The type and data of the event of `change` about `subject`; `None` for a move the submitter
/// cannot see.
fn event_of(subject: &Subject<'_>, change: Change<'_>) -> Option<(EventType, Value)> {
    let report_id = subject.report_id;
    let status = subject.status.for_submitter();
    let external_id = subject.external_id;
    let mut data = json!({"report_id": report_id, "external_id": external_id, "status": status});
    let event_type = match change {
        Change::Received => EventType::ReportReceived,
        Change::Moved { from, to } => {
            if from.for_submitter() == to.for_submitter() {
                return None;
            }
            data["previous_status"] = json!(from.for_submitter());
            EventType::ReportStatusChanged
        }
        Change::Purged => EventType::ReportPurged,
        Change::Amended { number } => {
            data["amendment_number"] = json!(number);
            EventType::AmendmentReceived
        }
        Change::Evidence { evidence_id } => {
            data["evidence_id"] = json!(evidence_id);
            EventType::EvidenceReceived
        }
        Change::Feedback { actionable, reason } => {
            data["actionable"] = json!(actionable);
            data["reason"] = json!(reason);
            EventType::ReportFeedback
        }
    };
    Some((event_type, data))
}

/// Events about to be stored: each about an optional report, with its data and its time.
type Items<'a> = Vec<(Option<&'a str>, Value, NaiveDateTime)>;

/// A stored code read back; an unreadable one is a deserialization error.
fn stored<T: std::str::FromStr>(text: &str) -> QueryResult<T> {
    text.parse().map_err(|_| {
        diesel::result::Error::DeserializationError(
            format!("unreadable stored value {text:?}").into(),
        )
    })
}

/// Whose events: an organization's, in one credential mode.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// The organization.
    pub organization_id: &'a str,
    /// The mode.
    pub mode: CredentialMode,
}

/// Records the `report.received` events of reports `new` (id, external id and when each was
/// received: the event's time), just stored for `owner`, inside the caller's transaction and
/// queues their deliveries: one insert of the events, one read of the subscribed endpoints and
/// one insert of the deliveries, whatever the number of reports (a batch of 100 costs what one
/// report does). Reports received before `since` get none: the seed's reports of past days,
/// whose events a running server would have pruned by now ([`prune`]).
pub fn record_received(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    new: &[(&str, &str, NaiveDateTime)],
    since: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let status = ReportStatus::Received.for_submitter();
    let items: Items<'_> = new
        .iter()
        .filter(|(_, _, received_at)| since.is_none_or(|since| *received_at >= since))
        .map(|(report_id, external_id, received_at)| {
            let data =
                json!({"report_id": report_id, "external_id": external_id, "status": status});
            (Some(*report_id), data, *received_at)
        })
        .collect();
    insert_all(conn, owner, EventType::ReportReceived, None, items).map(drop)
}

/// Records the `credential.expiring` event of `credential` for its organization and mode (inside
/// the caller's transaction) and queues its deliveries: its client id and expiry, never a secret.
pub fn record_credential_expiring(
    conn: &mut DbConnection,
    credential: &ExpiringCredential,
) -> QueryResult<()> {
    let owner = Owner {
        organization_id: &credential.organization_id,
        mode: credential.mode,
    };
    let data = json!({"client_id": credential.client_id, "expires_at": credential.expires_at});
    insert(conn, owner, EventType::CredentialExpiring, None, None, data).map(drop)
}

/// Stores an event and queues one delivery to each active endpoint of its owner subscribed to
/// its type (only to `endpoint_id` when named: a test event). Answers the event.
pub(super) fn insert(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    event_type: EventType,
    report_id: Option<&str>,
    endpoint_id: Option<&str>,
    data: Value,
) -> QueryResult<Event> {
    let mut made = insert_all(
        conn,
        owner,
        event_type,
        endpoint_id,
        vec![(report_id, data, super::now())],
    )?;
    made.pop().ok_or(diesel::result::Error::NotFound)
}

/// Stores events of one type (each about an optional report, with its data and time) and queues
/// one delivery of each to every active endpoint of `owner` subscribed to the type (only to
/// `endpoint_id` when named); deliveries of one report share its order key, so that they go
/// out in order. Answers the events, in order; none stored and nothing read when there are none.
fn insert_all(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    event_type: EventType,
    endpoint_id: Option<&str>,
    items: Items<'_>,
) -> QueryResult<Vec<Event>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let now = super::now();
    let made: Vec<(Event, Option<&str>)> = items
        .into_iter()
        .map(|(report_id, data, at)| {
            let event = Event {
                id: super::new_id(),
                event_type,
                timestamp: at.and_utc(),
                data,
            };
            (event, report_id)
        })
        .collect();
    let stored: Vec<String> = made
        .iter()
        .map(|(event, report_id)| stored_data(&event.data, *report_id))
        .collect();
    let rows: Vec<_> = made
        .iter()
        .zip(&stored)
        .map(|((event, report_id), data)| {
            (
                events::id.eq(&event.id),
                events::organization_id.eq(owner.organization_id),
                events::mode.eq(owner.mode.as_ref()),
                events::event_type.eq(event_type.as_ref()),
                events::report_id.eq(*report_id),
                events::endpoint_id.eq(endpoint_id),
                events::data.eq(data),
                events::created_at.eq(event.timestamp.naive_utc()),
            )
        })
        .collect();
    insert_rows!(conn, events::table, &rows)?;
    let mut endpoints = webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(owner.organization_id))
        .filter(webhook_endpoints::mode.eq(owner.mode.as_ref()))
        .filter(webhook_endpoints::status.eq(EndpointStatus::Active.as_ref()))
        .select((webhook_endpoints::id, webhook_endpoints::event_types))
        .into_boxed();
    if let Some(endpoint_id) = endpoint_id {
        endpoints = endpoints.filter(webhook_endpoints::id.eq(endpoint_id));
    }
    let subscribed: Vec<String> = endpoints
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter(|(_, types)| {
            endpoint_id.is_some() || types.split(',').any(|t| t == event_type.as_ref())
        })
        .map(|(id, _)| id)
        .collect();
    let deliveries: Vec<_> = made
        .iter()
        .flat_map(|(event, report_id)| {
            let order_key = report_id.unwrap_or(&event.id);
            subscribed.iter().map(move |endpoint| {
                (
                    webhook_deliveries::id.eq(super::new_id()),
                    webhook_deliveries::endpoint_id.eq(endpoint),
                    webhook_deliveries::event_id.eq(&event.id),
                    webhook_deliveries::order_key.eq(order_key),
                    webhook_deliveries::status.eq("pending"),
                    webhook_deliveries::attempts.eq(0),
                    webhook_deliveries::next_attempt_at.eq(now),
                    webhook_deliveries::created_at.eq(now),
                )
            })
        })
        .collect();
    insert_rows!(conn, webhook_deliveries::table, &deliveries)?;
    Ok(made.into_iter().map(|(event, _)| event).collect())
}

/// The data an event's row keeps: its data without the `report_id` the row holds in a column
/// of its own ([`EventRow::event`] puts it back).
fn stored_data(data: &Value, report_id: Option<&str>) -> String {
    let mut data = data.clone();
    if let (Some(_), Some(fields)) = (report_id, data.as_object_mut()) {
        fields.remove("report_id");
    }
    data.to_string()
}

/// An event as its row keeps it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(super) struct EventRow {
    id: String,
    event_type: EventType,
    report_id: Option<String>,
    data: String,
    /// When the event was stored.
    pub(super) created_at: NaiveDateTime,
}

impl EventRow {
    /// The whole event: its data with the row's `report_id` put back (keys in order, as
    /// `serde_json` writes them), its id, type and time from the row.
    pub(super) fn event(self) -> QueryResult<Event> {
        let mut data: Value = serde_json::from_str(&self.data)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        if let (Some(report_id), Some(fields)) = (self.report_id, data.as_object_mut()) {
            fields.insert("report_id".to_owned(), Value::String(report_id));
        }
        Ok(Event {
            id: self.id,
            event_type: self.event_type,
            timestamp: self.created_at.and_utc(),
            data,
        })
    }
}

/// One page of `owner`'s events, oldest first, after the page's cursor (an event id); test
/// events are not in the feed.
pub fn feed(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    page: &Page,
) -> Result<Paginated<Event>, ApiError> {
    let mut query = events::table
        .filter(events::organization_id.eq(owner.organization_id))
        .filter(events::mode.eq(owner.mode.as_ref()))
        .filter(events::endpoint_id.is_null())
        .order(events::id.asc())
        .limit(page.limit + 1)
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(events::id.gt(after));
    }
    let items = query
        .load::<EventRow>(conn)?
        .into_iter()
        .map(EventRow::event)
        .collect::<QueryResult<Vec<Event>>>()?;
    let mut paginated = Paginated::from_overfetch(items, page, |e| &e.id);
    if paginated.next_cursor.is_none() {
        // The feed goes on: the last page still says where to poll from.
        let last = paginated.items.last().map(|e| e.id.as_str());
        paginated.next_cursor = last.or(page.after.as_deref()).map(cursor_of);
    }
    Ok(paginated)
}

/// The cursor that continues after the event `id`.
fn cursor_of(id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// Deletes up to `limit` events created before `before`, with their deliveries, in one
/// transaction; answers how many events went. Deliveries still pending then are dropped too:
/// an event older than the feed's period is no longer worth sending.
pub fn prune(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<usize, ApiError> {
    let before: NaiveDateTime = before.naive_utc();
    crate::db::portable::write_transaction(conn, |conn| {
        let ids: Vec<String> = events::table
            .filter(events::created_at.lt(before))
            .order(events::created_at.asc())
            .limit(limit)
            .select(events::id)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(0);
        }
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::event_id.eq_any(&ids)))
            .execute(conn)?;
        Ok(diesel::delete(events::table.filter(events::id.eq_any(&ids))).execute(conn)?)
    })
}
