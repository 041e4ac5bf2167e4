//! What is left of purged reports: the tombstone a lookup of a purged report answers with.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::owner::{ReportKey, ReportOwner};
use crate::db::schema::report_tombstones;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::organization::CredentialMode;
use crate::domain::retention::{RetentionPolicy, Tombstone};
use crate::error::ApiError;

/// A tombstone as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_tombstones, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct TombstoneRow {
    report_id: String,
    organization_id: String,
    external_id: String,
    mode: CredentialMode,
    received_at: NaiveDateTime,
    purged_at: NaiveDateTime,
    policy: RetentionPolicy,
}

impl From<TombstoneRow> for Tombstone {
    fn from(row: TombstoneRow) -> Self {
        Tombstone {
            id: row.report_id,
            organization_id: row.organization_id,
            external_id: row.external_id,
            mode: row.mode,
            received_at: row.received_at.and_utc(),
            purged_at: row.purged_at.and_utc(),
            policy: row.policy,
        }
    }
}

/// The answer to a lookup that found no report: 410 with the tombstone when the report was
/// purged (one of `owner`'s, when given), 404 otherwise.
pub fn gone_or_not_found(
    conn: &mut DbConnection,
    owner: Option<ReportOwner<'_>>,
    key: &ReportKey,
) -> ApiError {
    let mut query = report_tombstones::table.into_boxed::<MultiBackend>();
    if let Some(owner) = owner {
        query = query
            .filter(report_tombstones::organization_id.eq(owner.organization_id.to_owned()))
            .filter(report_tombstones::mode.eq(owner.mode));
    }
    query = match key {
        ReportKey::Id(id) => query.filter(report_tombstones::report_id.eq(id.clone())),
        ReportKey::ExternalId(external_id) => {
            query.filter(report_tombstones::external_id.eq(external_id.clone()))
        }
    };
    match query
        .select(TombstoneRow::as_select())
        .first(conn)
        .optional()
    {
        Ok(Some(row)) => ApiError::Gone(Box::new(row.into())),
        Ok(None) => ApiError::NotFound,
        Err(error) => error.into(),
    }
}

/// The tombstones of the organization's purged reports among `external_ids`, by external id.
pub fn purged_external_ids(
    conn: &mut DbConnection,
    organization_id: &str,
    external_ids: &[&str],
) -> QueryResult<HashMap<String, Tombstone>> {
    Ok(report_tombstones::table
        .filter(report_tombstones::organization_id.eq(organization_id))
        .filter(report_tombstones::external_id.eq_any(external_ids))
        .select(TombstoneRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.external_id.clone(), row.into()))
        .collect())
}

/// The answer to a submission whose `external_id` belonged to a purged report: 410 with the
/// tombstone as the submitter sees it. The report is not stored again.
pub fn resubmission_of(purged: &Tombstone) -> ApiError {
    ApiError::Gone(Box::new(purged.clone().for_submitter()))
}
