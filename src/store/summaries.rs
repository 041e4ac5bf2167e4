//! The list line of a report as reviewers see it, read by the review list and the
//! correlation views alike.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::reports;
use crate::domain::organization::CredentialMode;
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::{Category, Severity};
use crate::error::ApiError;
use crate::read_model::review::ReviewSummary;

/// A list line as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(super) struct SummaryRow {
    id: String,
    organization_id: String,
    external_id: String,
    service: String,
    category: Category,
    severity: Severity,
    status: ReportStatus,
    mode: CredentialMode,
    assignee_id: Option<String>,
    received_at: NaiveDateTime,
}

impl From<SummaryRow> for ReviewSummary {
    fn from(row: SummaryRow) -> Self {
        ReviewSummary {
            id: row.id,
            organization_id: row.organization_id,
            external_id: row.external_id,
            service: row.service,
            category: row.category,
            severity: row.severity,
            status: row.status,
            mode: row.mode,
            assignee_id: row.assignee_id,
            received_at: row.received_at.and_utc(),
        }
    }
}

/// The list lines of the reports `ids`, newest first.
pub(super) fn summaries(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<ReviewSummary>, ApiError> {
    Ok(reports::table
        .filter(reports::id.eq_any(ids))
        .order(reports::id.desc())
        .select(SummaryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ReviewSummary::from)
        .collect())
}
