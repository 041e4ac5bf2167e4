//! The list line of a report as reviewers see it, read by the review list and the
//! correlation views alike.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::organizations::parse;
use crate::db::DbConnection;
use crate::db::schema::reports;
use crate::domain::review::ReviewSummary;
use crate::error::ApiError;

/// The columns of a list line.
pub(super) type SummaryColumns = (
    reports::id,
    reports::organization_id,
    reports::external_id,
    reports::service,
    reports::category,
    reports::severity,
    reports::status,
    reports::mode,
    reports::assignee_id,
    reports::received_at,
);

/// The columns of a list line, to select.
pub(super) const SUMMARY_COLUMNS: SummaryColumns = (
    reports::id,
    reports::organization_id,
    reports::external_id,
    reports::service,
    reports::category,
    reports::severity,
    reports::status,
    reports::mode,
    reports::assignee_id,
    reports::received_at,
);

/// A list line as read.
pub(super) type SummaryRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

/// The list line of a summary row.
pub(super) fn summary(row: SummaryRow) -> Result<ReviewSummary, ApiError> {
    let (
        id,
        organization_id,
        external_id,
        service,
        category,
        severity,
        status,
        mode,
        assignee_id,
        received_at,
    ) = row;
    Ok(ReviewSummary {
        id,
        organization_id,
        external_id,
        service,
        category: parse(&category)?,
        severity: parse(&severity)?,
        status: parse(&status)?,
        mode: parse(&mode)?,
        assignee_id,
        received_at: received_at.and_utc(),
    })
}

/// The list lines of the reports `ids`, newest first.
pub(super) fn summaries(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<ReviewSummary>, ApiError> {
    reports::table
        .filter(reports::id.eq_any(ids))
        .order(reports::id.desc())
        .select(SUMMARY_COLUMNS)
        .load::<SummaryRow>(conn)?
        .into_iter()
        .map(summary)
        .collect()
}
