//! Retention in the database: legal holds, releases, the reports each purge rule reaches, the
//! purge itself (in small batches, one transaction each) and the tombstones it leaves.
//!
//! A batch takes the next reports a rule reaches (in the order of the rule's clock, then id,
//! after a cursor, so that one pass visits each report once and each batch reads only its own
//! reports through the clock's index), locks them, skipping reports another replica holds (PostgreSQL
//! `FOR UPDATE SKIP LOCKED`; SQLite's `BEGIN IMMEDIATE` lets one writer in at a time), keeps
//! only those whose `version` did not change in between (a hold, a release, a transition bump
//! it), destroys their data keys in the key store (committed there first: from then on no copy
//! of their sealed data can be read), then deletes every row of the reports, with a tombstone and
//! an audit event each. Rollups and audit events are left as they are, and what the purged live
//! reports add to the rollups is kept aside for `stats rebuild`. A crash loses at most the batch
//! in flight, which the next run takes again: its reports are still due, and destroying a key
//! already destroyed changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::audit::{self, NewAuditEvent};
use super::owner::ReportKey;
use super::sealed::FreeText;
use super::timeline::{NewEvent, record_event, record_sealed_event};
use super::tombstones::gone_or_not_found;
use crate::db::portable::{self, load_skipping_locked};
use crate::db::schema::{
    outbox, report_amendments, report_events, report_evidence, report_feedback, report_holds,
    report_notes, report_prior_reports, report_tombstones, reports,
};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::retention::{Clock, LegalHold, PurgeRule, RetentionPolicy};
use crate::domain::review::Resolution;
use crate::domain::status::ReportStatus;
use crate::domain::user::Actor;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::sealing::DataKey;

/// The actor of the purge's audit events, in the server and from the command line alike: the
/// retention schedule, not a person.
pub const RETENTION_ACTOR: &str = "system:retention";

/// A report a purge rule reaches.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueReport {
    /// The report's id.
    pub id: String,
    /// The submitting organization.
    pub organization_id: String,
    /// The organization's own identifier of the report.
    pub external_id: String,
    /// `live` or `test`.
    pub mode: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The policy that applies.
    pub policy: RetentionPolicy,
    #[serde(skip)]
    version: i32,
    /// Where it stands in its rule's order.
    #[serde(skip)]
    place: DueCursor,
}

impl DueReport {
    /// Where it stands in its rule's order: the cursor after it.
    pub fn place(&self) -> &DueCursor {
        &self.place
    }
}

/// A place in a purge rule's order: the time of the rule's clock, then the report's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCursor {
    at: NaiveDateTime,
    id: String,
}

/// What one purge batch did.
#[derive(Debug, Default)]
pub struct Batch {
    /// The last report the batch looked at: the cursor of the next batch; `None` when the rule
    /// reaches no further report.
    pub cursor: Option<DueCursor>,
    /// The reports purged.
    pub purged: Vec<DueReport>,
}

/// A report as a purge rule finds it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct DueRow {
    id: String,
    version: i32,
    organization_id: String,
    external_id: String,
    mode: String,
    received_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    retracted_at: Option<NaiveDateTime>,
    released_at: Option<NaiveDateTime>,
}

/// Keeps the reports of `$query` whose `$clock` column is at or before `$due_by` and after
/// `$after` (a [`DueCursor`]) in the order of `$clock`, then id: the bound on `$clock` alone lets
/// the clock's index start at the cursor.
macro_rules! due_in_clock_order {
    ($query:expr, $clock:expr, $due_by:expr, $after:expr) => {{
        let mut query = $query.filter($clock.le($due_by));
        if let Some(after) = $after {
            query = query.filter($clock.ge(after.at)).filter(
                $clock
                    .gt(after.at)
                    .or($clock.eq(after.at).and(reports::id.gt(after.id.clone()))),
            );
        }
        query.order(($clock.asc(), reports::id.asc()))
    }};
}

/// The reports `rule` reaches after `after`, at most `limit`, in the order of the rule's clock,
/// then id.
pub fn due(
    conn: &mut DbConnection,
    rule: &PurgeRule,
    after: Option<&DueCursor>,
    limit: i64,
) -> Result<Vec<DueReport>, ApiError> {
    let due_by = rule.due_by.naive_utc();
    let mut query = reports::table
        .filter(reports::mode.eq(rule.mode))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            report_holds::table.filter(report_holds::report_id.eq(reports::id)),
        )))
        .limit(limit)
        .into_boxed::<MultiBackend>();
    // One status as `=`: PostgreSQL 15 reads an index in order only for a single value of its
    // first column, and `= ANY` of one made it read and sort every due report a batch.
    query = match rule.statuses {
        [] => query,
        [status] => query.filter(reports::status.eq(*status)),
        statuses => query.filter(reports::status.eq_any(statuses)),
    };
    if !rule.resolutions.is_empty() {
        query = query.filter(reports::resolution.eq_any(rule.resolutions));
    }
    query = match rule.clock {
        Clock::ReceivedAt => due_in_clock_order!(query, reports::received_at, due_by, after),
        Clock::ClosedAt => due_in_clock_order!(query, reports::closed_at, due_by, after),
        Clock::RetractedAt => due_in_clock_order!(query, reports::retracted_at, due_by, after),
        Clock::ReleasedAt => due_in_clock_order!(query, reports::released_at, due_by, after),
    };
    let rows = query.select(DueRow::as_select()).load(conn)?;
    rows.into_iter()
        .map(|row| {
            let at = match rule.clock {
                Clock::ReceivedAt => Some(row.received_at),
                Clock::ClosedAt => row.closed_at,
                Clock::RetractedAt => row.retracted_at,
                Clock::ReleasedAt => row.released_at,
            }
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a due report without its clock")))?;
            Ok(DueReport {
                place: DueCursor {
                    at,
                    id: row.id.clone(),
                },
                id: row.id,
                organization_id: row.organization_id,
                external_id: row.external_id,
                mode: row.mode,
                received_at: row.received_at.and_utc(),
                policy: rule.policy,
                version: row.version,
            })
        })
        .collect()
}

/// Purges the next batch of at most `limit` reports that `rule` reaches after `after`, at
/// `now`, inside the caller's transaction.
pub fn purge_batch(
    conn: &mut DbConnection,
    keys: &KeyStore,
    rule: &PurgeRule,
    after: Option<&DueCursor>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Batch, ApiError> {
    let candidates = due(conn, rule, after, limit)?;
    let Some(last) = candidates.last() else {
        return Ok(Batch::default());
    };
    let cursor = Some(last.place.clone());
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    let lockable = reports::table.filter(reports::id.eq_any(&ids)).select((
        reports::id,
        reports::version,
        reports::key_id,
    ));
    let locked: HashMap<String, (i32, String)> = load_skipping_locked!(conn, lockable)?
        .into_iter()
        .map(|(id, version, key_id)| (id, (version, key_id)))
        .collect();
    let purged: Vec<DueReport> = candidates
        .into_iter()
        .filter(|c| {
            locked
                .get(&c.id)
                .is_some_and(|(version, _)| *version == c.version)
        })
        .collect();
    let purged_ids: Vec<&str> = purged.iter().map(|p| p.id.as_str()).collect();
    let uncounted = super::stats::keep_purged(conn, keys, &purged_ids)?;
    let key_ids: Vec<&str> = purged.iter().map(|p| locked[&p.id].1.as_str()).collect();
    if !key_ids.is_empty() {
        keys.destroy(&key_ids)?;
    }
    for report in &purged {
        super::events::record(conn, &report.id, super::events::Change::Purged)?;
    }
    erase(conn, &purged, &uncounted, now)?;
    Ok(Batch { cursor, purged })
}

/// Deletes the rows of the reports `$ids` from each of the `$table`s, all keyed by `report_id`.
macro_rules! delete_rows_of {
    ($conn:expr, $ids:expr, [$($table:ident),+ $(,)?]) => {
        $(diesel::delete($table::table.filter($table::report_id.eq_any($ids))).execute($conn)?;)+
    };
}

/// Deletes `purged` reports whole (their data keys are already destroyed, what the live ones
/// add to the rollups kept aside but for `uncounted`), and leaves their tombstones and audit
/// events.
fn erase(
    conn: &mut DbConnection,
    purged: &[DueReport],
    uncounted: &HashSet<String>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if purged.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = purged.iter().map(|p| p.id.as_str()).collect();
    delete_rows_of!(
        conn,
        &ids,
        [
            report_events,
            report_notes,
            outbox,
            report_amendments,
            report_evidence,
            report_feedback,
        ]
    );
    diesel::delete(
        report_prior_reports::table.filter(
            report_prior_reports::report_id
                .eq_any(&ids)
                .or(report_prior_reports::prior_report_id.eq_any(&ids)),
        ),
    )
    .execute(conn)?;
    super::words::delete(conn, &ids)?;
    super::parts::delete_groups(conn, &ids)?;
    super::correlation::forget(conn, &ids)?;
    diesel::delete(reports::table.filter(reports::id.eq_any(&ids))).execute(conn)?;

    let purged_at = now.naive_utc();
    let tombstones: Vec<_> = purged
        .iter()
        .map(|p| {
            (
                report_tombstones::report_id.eq(&p.id),
                report_tombstones::organization_id.eq(&p.organization_id),
                report_tombstones::external_id.eq(&p.external_id),
                report_tombstones::mode.eq(&p.mode),
                report_tombstones::received_at.eq(p.received_at.naive_utc()),
                report_tombstones::purged_at.eq(purged_at),
                report_tombstones::policy.eq(p.policy),
                report_tombstones::evidence_deleted.eq(false),
                report_tombstones::counts_kept.eq(!uncounted.contains(&p.id)),
            )
        })
        .collect();
    portable::insert_rows!(conn, report_tombstones::table, &tombstones)?;
    for p in purged {
        audit::append(
            conn,
            &NewAuditEvent::system(RETENTION_ACTOR, "report.purge", &p.id),
        )?;
    }
    Ok(())
}

/// Purged reports whose evidence files may still be in the evidence store, at most `limit`.
pub fn evidence_to_delete(conn: &mut DbConnection, limit: i64) -> Result<Vec<String>, ApiError> {
    Ok(report_tombstones::table
        .filter(report_tombstones::evidence_deleted.eq(false))
        .order(report_tombstones::report_id.asc())
        .limit(limit)
        .select(report_tombstones::report_id)
        .load(conn)?)
}

/// Notes that the evidence files of the purged reports `ids` are gone from the evidence store.
pub fn evidence_deleted(conn: &mut DbConnection, ids: &[String]) -> Result<(), ApiError> {
    diesel::update(report_tombstones::table.filter(report_tombstones::report_id.eq_any(ids)))
        .set(report_tombstones::evidence_deleted.eq(true))
        .execute(conn)?;
    Ok(())
}

/// A report's legal hold (its reason opened with the report's `key`) and release, as the
/// detail view shows them.
pub fn hold_and_release(
    conn: &mut DbConnection,
    id: &str,
    key: &DataKey,
) -> Result<(Option<LegalHold>, Option<DateTime<Utc>>), ApiError> {
    let hold = report_holds::table
        .find(id)
        .select(HoldRow::as_select())
        .first(conn)
        .optional()?
        .map(|hold| {
            Ok::<_, ApiError>(LegalHold {
                reason: FreeText::HoldReason.open(key, id, &hold.sealed_reason)?,
                placed_at: hold.placed_at.and_utc(),
                placed_by: hold.placed_by,
            })
        })
        .transpose()?;
    let released_at = reports::table
        .find(id)
        .select(reports::released_at)
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok((hold, released_at.map(|at| at.and_utc())))
}

/// Bumps the report's `version` from `version`, so that a purge that chose the report before
/// this change skips it (409 when another change got there first).
fn bump_version(conn: &mut DbConnection, id: &str, version: i32) -> Result<(), ApiError> {
    let updated = diesel::update(reports::table.find(id).filter(reports::version.eq(version)))
        .set(reports::version.eq(version + 1))
        .execute(conn)?;
    if updated == 0 {
        return Err(conflict(
            "the report changed while this request was made; retry",
        ));
    }
    Ok(())
}

/// The report's version and data key id; 410 when it was purged, 404 when there is no such
/// report.
fn version(conn: &mut DbConnection, id: &str) -> Result<(i32, String), ApiError> {
    let version = reports::table
        .find(id)
        .select((reports::version, reports::key_id))
        .first(conn)
        .optional()?;
    version.ok_or_else(|| gone_or_not_found(conn, None, &ReportKey::Id(id.to_owned())))
}

/// A legal hold as written, its reason sealed.
#[derive(Insertable)]
#[diesel(table_name = report_holds)]
struct NewHoldRow<'a> {
    report_id: &'a str,
    sealed_reason: String,
    placed_at: NaiveDateTime,
    placed_by: &'a str,
}

/// A legal hold as read, its reason still sealed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = report_holds, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct HoldRow {
    sealed_reason: String,
    placed_at: NaiveDateTime,
    placed_by: String,
}

/// Places a legal hold on a report by `actor` (409 when it already has one), inside the
/// caller's transaction.
pub fn place_hold(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    actor: &Actor,
    reason: &str,
) -> Result<(), ApiError> {
    let (version, key_id) = version(conn, id)?;
    let key = keys.one(&key_id)?;
    bump_version(conn, id, version)?;
    let placed = diesel::insert_into(report_holds::table)
        .values(NewHoldRow {
            report_id: id,
            sealed_reason: FreeText::HoldReason.seal(&key, id, reason),
            placed_at: super::now(),
            placed_by: &actor.id,
        })
        .execute(conn);
    if portable::is_unique_violation(&placed) {
        return Err(conflict("the report is already on legal hold"));
    }
    placed?;
    record_sealed_event(conn, &key, id, actor, timeline_event("hold"), reason)?;
    Ok(())
}

/// Lifts a report's legal hold (409 when it has none), inside the caller's transaction.
pub fn lift_hold(conn: &mut DbConnection, id: &str, actor: &Actor) -> Result<(), ApiError> {
    let (version, _) = version(conn, id)?;
    bump_version(conn, id, version)?;
    let lifted = diesel::delete(report_holds::table.find(id)).execute(conn)?;
    if lifted == 0 {
        return Err(conflict("the report is not on legal hold"));
    }
    record_event(conn, id, actor, timeline_event("hold_lifted"))?;
    Ok(())
}

/// Releases a referred or actioned report for purge after `retention_released_days` (409 for
/// any other report, or one already released), inside the caller's transaction.
pub fn release(
    conn: &mut DbConnection,
    keys: &KeyStore,
    id: &str,
    actor: &Actor,
    reason: &str,
) -> Result<(), ApiError> {
    let (version, key_id) = version(conn, id)?;
    let (status, resolution, released_at) = reports::table
        .find(id)
        .select((reports::status, reports::resolution, reports::released_at))
        .first::<(ReportStatus, Option<Resolution>, Option<NaiveDateTime>)>(conn)?;
    crate::domain::retention::check_releasable(status, resolution)?;
    if released_at.is_some() {
        return Err(conflict("the report is already released"));
    }
    bump_version(conn, id, version)?;
    diesel::update(reports::table.find(id))
        .set(reports::released_at.eq(super::now()))
        .execute(conn)?;
    let key = keys.one(&key_id)?;
    record_sealed_event(conn, &key, id, actor, timeline_event("release"), reason)?;
    Ok(())
}

fn timeline_event(kind: &str) -> NewEvent<'_> {
    NewEvent {
        kind,
        from: None,
        to: None,
        detail: None,
    }
}

fn conflict(detail: &str) -> ApiError {
    ApiError::Conflict {
        detail: detail.into(),
        existing_id: None,
    }
}
