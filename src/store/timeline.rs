//! A report's timeline: the events written beside every change, inside the change's
//! transaction, free text sealed under the report's key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::sealed::FreeText;
use crate::db::DbConnection;
use crate::db::schema::report_events;
use crate::domain::status::ReportStatus;
use crate::domain::user::Actor;
use crate::sealing::DataKey;

/// A timeline event about to be written.
pub struct NewEvent<'a> {
    /// What happened: `transition`, `assignment`, `note`, `amendment`,
    /// `retraction`, `evidence`, `evidence_download`.
    pub kind: &'a str,
    /// The status before.
    pub from: Option<ReportStatus>,
    /// The status after.
    pub to: Option<ReportStatus>,
    /// Anything else, as JSON: ids, codes and counts, stored as they are (an event with free
    /// text goes through [`record_sealed_event`]).
    pub detail: Option<serde_json::Value>,
}

/// A timeline event as stored.
#[derive(Insertable)]
#[diesel(table_name = report_events, treat_none_as_default_value = false)]
pub struct EventRow {
    id: String,
    report_id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_role: String,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    detail: Option<String>,
    sealed_reason: Option<String>,
    sealed_detail: Option<String>,
}

impl NewEvent<'_> {
    /// The row of this event of `report_id` by `actor`, happening now.
    pub fn row(self, report_id: &str, actor: &Actor) -> EventRow {
        EventRow {
            id: super::new_id(),
            report_id: report_id.to_owned(),
            at: super::now(),
            actor_id: Some(actor.id.clone()),
            actor_role: actor.role.as_ref().to_owned(),
            kind: self.kind.to_owned(),
            from_status: self.from.map(|s| s.as_ref().to_owned()),
            to_status: self.to.map(|s| s.as_ref().to_owned()),
            detail: self.detail.map(|d| d.to_string()),
            sealed_reason: None,
            sealed_detail: None,
        }
    }
}

/// Appends an event to a report's timeline (inside the caller's transaction).
pub fn record_event(
    conn: &mut DbConnection,
    report_id: &str,
    actor: &Actor,
    event: NewEvent<'_>,
) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values(event.row(report_id, actor))
        .execute(conn)
        .map(drop)
}

/// Appends an event that carries free text to a report's timeline (inside the caller's
/// transaction): see [`sealed_event`].
pub fn record_sealed_event(
    conn: &mut DbConnection,
    key: &DataKey,
    report_id: &str,
    actor: &Actor,
    event: NewEvent<'_>,
    reason: &str,
) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values(sealed_event(key, report_id, actor, event, reason))
        .execute(conn)
        .map(drop)
}

/// The row of an event that carries free text, of `report_id` by `actor`, happening now:
/// `reason`, and the event's detail (a transition's names the referral), are sealed under the
/// report's `key`.
pub fn sealed_event(
    key: &DataKey,
    report_id: &str,
    actor: &Actor,
    mut event: NewEvent<'_>,
    reason: &str,
) -> EventRow {
    let detail = event.detail.take();
    let mut row = event.row(report_id, actor);
    row.sealed_reason = Some(FreeText::EventReason(&row.id).seal(key, report_id, reason));
    row.sealed_detail = detail
        .map(|detail| FreeText::EventDetail(&row.id).seal(key, report_id, &detail.to_string()));
    row
}
