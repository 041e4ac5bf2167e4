//! The one part of a report kept in a table of its own: its suspected groups, as (group code,
//! report `seq`) rows the review list's filter by group reads by code. Every other part
//! (accounts, contact handles, content items, locations, indicators) is only in the sealed body
//! and amendments, which the flows that check them open one report at a time
//! ([`super::lifecycle::parts_so_far`]).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use strum::IntoEnumIterator;

use crate::db::DbConnection;
use crate::db::portable::insert_rows;
use crate::db::schema::{report_groups, reports};
use crate::domain::taxonomy::SuspectedGroup;

/// Indexes new reports, each given by its `seq`, under their suspected groups.
pub(super) fn index_groups(
    conn: &mut DbConnection,
    new: &[(i64, &[SuspectedGroup])],
) -> QueryResult<()> {
    let rows: Vec<_> = new
        .iter()
        .flat_map(|(seq, groups)| {
            groups.iter().map(move |g| {
                (
                    report_groups::code.eq(g.as_ref()),
                    report_groups::report_seq.eq(*seq),
                )
            })
        })
        .collect();
    insert_rows!(conn, report_groups::table, &rows).map(drop)
}

/// Deletes the group rows of the reports `ids` (before the reports themselves). Every code is
/// named so that both backends find the rows through the primary key (code first).
pub(super) fn delete_groups(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<()> {
    let seqs: Vec<i64> = reports::table
        .filter(reports::id.eq_any(ids))
        .select(reports::seq)
        .load(conn)?;
    let codes: Vec<SuspectedGroup> = SuspectedGroup::iter().collect();
    diesel::delete(
        report_groups::table
            .filter(report_groups::code.eq_any(codes))
            .filter(report_groups::report_seq.eq_any(seqs)),
    )
    .execute(conn)
    .map(drop)
}

/// A time as stored (UTC, naive).
pub(super) fn naive(at: &DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}
