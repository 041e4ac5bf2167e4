//! The purge of reports past retention: run inside the server every `purge_interval_seconds`
//! and by `report-portal purge`, safe with many replicas at once.
//!
//! Each rule of [`Retention::rules`] is walked once per run in batches of `purge_batch_size`,
//! each batch in its own transaction (see [`store::retention`]); then the evidence files of
//! purged reports are deleted from the evidence store. A run that stops half-way (crash,
//! restart) leaves whole batches behind it: the next run purges the rest and deletes any
//! evidence files still left.

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::background::{self, FirstRun};
use crate::domain::retention::{Retention, RetentionPolicy};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::retention::DueReport;

/// What a purge did.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Reports purged.
    pub purged: usize,
    /// Reports purged, per policy.
    pub by_policy: BTreeMap<RetentionPolicy, usize>,
    /// Purged reports whose evidence files were deleted.
    pub evidence_deleted: usize,
}

/// What a purge would do now (`report-portal purge --dry-run`).
#[derive(Debug, Serialize)]
pub struct Plan {
    /// Always `true`: nothing was changed.
    pub dry_run: bool,
    /// Reports that would be purged.
    pub count: usize,
    /// Them, rule by rule, in id order.
    pub reports: Vec<DueReport>,
}

/// Purges every report that `retention` reaches at `now`, `batch` reports per transaction, then
/// deletes the evidence files of every purged report whose files are not yet deleted.
pub async fn purge(
    state: &AppState,
    retention: &Retention,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<Purged, ApiError> {
    let mut done = Purged::default();
    for rule in retention.rules(now) {
        let mut cursor = None;
        loop {
            let (this_rule, after) = (rule.clone(), cursor.take());
            let keys = state.keys.clone();
            let purged = state
                .db(move |conn| {
                    let after = after.as_ref();
                    crate::service::purge::purge_batch(conn, &keys, &this_rule, after, batch, now)
                })
                .await?;
            if !purged.purged.is_empty() {
                done.purged += purged.purged.len();
                *done.by_policy.entry(rule.policy).or_default() += purged.purged.len();
            }
            match purged.cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    done.evidence_deleted = delete_evidence(state, batch).await?;
    Ok(done)
}

/// Deletes the evidence files of purged reports whose files are not yet deleted; answers how
/// many reports' files it deleted.
async fn delete_evidence(state: &AppState, batch: i64) -> Result<usize, ApiError> {
    let mut deleted = 0;
    loop {
        let ids = state
            .db(move |conn| store::retention::evidence_to_delete(conn, batch))
            .await?;
        if ids.is_empty() {
            return Ok(deleted);
        }
        for id in &ids {
            state.evidence.delete_report(id).await?;
        }
        deleted += ids.len();
        state
            .db(move |conn| store::retention::evidence_deleted(conn, &ids))
            .await?;
    }
}

/// The reports a purge at `now` would remove, without changing anything.
pub fn plan(
    conn: &mut crate::db::DbConnection,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Result<Plan, ApiError> {
    const PAGE: i64 = 10_000;
    let mut reports = Vec::new();
    for rule in retention.rules(now) {
        let mut after = None;
        loop {
            let page = store::retention::due(conn, &rule, after.as_ref(), PAGE)?;
            after = page.last().map(|r| r.place().clone());
            let full = page.len() as i64 == PAGE;
            reports.extend(page);
            if !full {
                break;
            }
        }
    }
    Ok(Plan {
        dry_run: true,
        count: reports.len(),
        reports,
    })
}

/// Purges on schedule inside the server, every `interval`, until the process stops; a purge
/// interrupted is resumed by the next.
pub async fn run_on_schedule(state: web::Data<AppState>, interval: Duration) {
    let retention = state.settings.retention();
    let batch = i64::from(state.settings.purge_batch_size.max(1));
    let run = || async {
        let done = purge(&state, &retention, Utc::now(), batch).await?;
        if done.purged > 0 || done.evidence_deleted > 0 {
            tracing::info!(
                purged = done.purged,
                evidence_deleted = done.evidence_deleted,
                "purged reports past retention"
            );
        }
        Ok::<_, ApiError>(())
    };
    let what = "purge reports past retention";
    background::every(interval, FirstRun::AtStart, what, run).await
}
