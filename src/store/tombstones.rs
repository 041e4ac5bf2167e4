//! What is left of purged reports: the tombstone a lookup of a purged report answers with.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::organizations::parse;
use super::owner::{ReportKey, ReportOwner};
use crate::db::schema::report_tombstones;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::retention::Tombstone;
use crate::error::ApiError;

/// A tombstone row as read (the columns of `TOMBSTONE_COLUMNS`, in order).
pub type TombstoneRow = (
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
);

const TOMBSTONE_COLUMNS: (
    report_tombstones::report_id,
    report_tombstones::organization_id,
    report_tombstones::external_id,
    report_tombstones::mode,
    report_tombstones::received_at,
    report_tombstones::purged_at,
    report_tombstones::policy,
) = (
    report_tombstones::report_id,
    report_tombstones::organization_id,
    report_tombstones::external_id,
    report_tombstones::mode,
    report_tombstones::received_at,
    report_tombstones::purged_at,
    report_tombstones::policy,
);

fn tombstone(row: TombstoneRow) -> Result<Tombstone, ApiError> {
    let (id, organization_id, external_id, mode, received_at, purged_at, policy) = row;
    Ok(Tombstone {
        id,
        organization_id,
        external_id,
        mode: parse(&mode)?,
        received_at: received_at.and_utc(),
        purged_at: purged_at.and_utc(),
        policy: parse(&policy)?,
    })
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
            .filter(report_tombstones::mode.eq(owner.mode.as_ref().to_owned()));
    }
    query = match key {
        ReportKey::Id(id) => query.filter(report_tombstones::report_id.eq(id.clone())),
        ReportKey::ExternalId(external_id) => {
            query.filter(report_tombstones::external_id.eq(external_id.clone()))
        }
    };
    let found = query
        .select(TOMBSTONE_COLUMNS)
        .first::<TombstoneRow>(conn)
        .optional()
        .map_err(ApiError::from)
        .and_then(|row| row.map(tombstone).transpose());
    match found {
        Ok(Some(tombstone)) => ApiError::Gone(Box::new(tombstone)),
        Ok(None) => ApiError::NotFound,
        Err(error) => error,
    }
}

/// The tombstones of the organization's purged reports among `external_ids`, by external id.
pub fn purged_external_ids(
    conn: &mut DbConnection,
    organization_id: &str,
    external_ids: &[&str],
) -> QueryResult<HashMap<String, TombstoneRow>> {
    Ok(report_tombstones::table
        .filter(report_tombstones::organization_id.eq(organization_id))
        .filter(report_tombstones::external_id.eq_any(external_ids))
        .select(TOMBSTONE_COLUMNS)
        .load::<TombstoneRow>(conn)?
        .into_iter()
        .map(|row| (row.2.clone(), row))
        .collect())
}

/// The answer to a submission whose `external_id` belonged to a purged report: 410 with the
/// tombstone as the submitter sees it. The report is not stored again.
pub fn resubmission_of(purged: &TombstoneRow) -> ApiError {
    match tombstone(purged.clone()) {
        Ok(tombstone) => ApiError::Gone(Box::new(tombstone.for_submitter())),
        Err(error) => error,
    }
}
