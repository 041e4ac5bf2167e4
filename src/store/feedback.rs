//! Outcome feedback on closed reports: recording it (with its event), reading it back for the
//! submitter, and an organization's own summary.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::events::{self, Change};
use crate::db::DbConnection;
use crate::db::schema::{report_feedback, reports};
use crate::domain::feedback::{
    Feedback, FeedbackReason, FeedbackSummary, ReasonCount, ReportFeedback, median,
};
use crate::error::ApiError;
use crate::store::events::Owner;

/// Feedback on a report as written.
#[derive(Insertable)]
#[diesel(table_name = report_feedback, treat_none_as_default_value = false)]
struct FeedbackRow<'a> {
    report_id: &'a str,
    actionable: bool,
    reason: Option<FeedbackReason>,
    recorded_at: NaiveDateTime,
}

/// Feedback on a report as read back.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_feedback, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct StoredFeedbackRow {
    actionable: bool,
    reason: Option<FeedbackReason>,
    recorded_at: NaiveDateTime,
}

/// A report's wait for review and its feedback, as the summary reads them.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SummaryRow {
    received_at: NaiveDateTime,
    first_reviewed_at: Option<NaiveDateTime>,
    #[diesel(select_expression = report_feedback::actionable.nullable())]
    actionable: Option<bool>,
    #[diesel(select_expression = report_feedback::reason.nullable())]
    reason: Option<FeedbackReason>,
}

/// Records `feedback` on report `report_id` (inside the caller's transaction, which closes it),
/// replacing any earlier feedback (a report reopened and closed again), and its event.
pub fn record(
    conn: &mut DbConnection,
    report_id: &str,
    feedback: &Feedback,
) -> Result<(), ApiError> {
    diesel::delete(report_feedback::table.find(report_id)).execute(conn)?;
    diesel::insert_into(report_feedback::table)
        .values(FeedbackRow {
            report_id,
            actionable: feedback.actionable,
            reason: feedback.reason,
            recorded_at: super::now(),
        })
        .execute(conn)?;
    Ok(events::record(
        conn,
        report_id,
        Change::Feedback {
            actionable: feedback.actionable,
            reason: feedback.reason,
        },
    )?)
}

/// The feedback on report `report_id`, if any.
pub fn get(conn: &mut DbConnection, report_id: &str) -> Result<Option<ReportFeedback>, ApiError> {
    Ok(report_feedback::table
        .find(report_id)
        .select(StoredFeedbackRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| ReportFeedback {
            actionable: row.actionable,
            reason: row.reason,
            recorded_at: row.recorded_at.and_utc(),
        }))
}

/// `owner`'s figures over the reports it sent in `[from, to)`.
pub fn summary(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<FeedbackSummary, ApiError> {
    let rows = reports::table
        .left_join(report_feedback::table)
        .filter(reports::organization_id.eq(owner.organization_id))
        .filter(reports::mode.eq(owner.mode))
        .filter(reports::received_at.ge(from.naive_utc()))
        .filter(reports::received_at.lt(to.naive_utc()))
        .select(SummaryRow::as_select())
        .load(conn)?;
    let mut waits = Vec::new();
    let (mut with_feedback, mut actionable) = (0, 0);
    let mut reasons: HashMap<FeedbackReason, i64> = HashMap::new();
    for row in &rows {
        if let Some(reviewed_at) = row.first_reviewed_at {
            waits.push((reviewed_at - row.received_at).num_seconds().max(0));
        }
        if let Some(was_actionable) = row.actionable {
            with_feedback += 1;
            actionable += i64::from(was_actionable);
        }
        if let Some(reason) = row.reason {
            *reasons.entry(reason).or_default() += 1;
        }
    }
    let mut top_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    top_reasons.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.reason.as_ref().cmp(b.reason.as_ref()))
    });
    top_reasons.truncate(5);
    let reports_sent = rows.len() as i64;
    Ok(FeedbackSummary {
        from,
        to,
        reports_sent,
        acknowledged: waits.len() as i64,
        with_feedback,
        actionable_share: (with_feedback > 0).then(|| actionable as f64 / with_feedback as f64),
        median_seconds_to_first_review: median(&mut waits),
        advice: FeedbackSummary::advice_for(&top_reasons, reports_sent),
        top_reasons,
    })
}
