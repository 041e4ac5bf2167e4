//! Rollups: counts per day and dimension and triage-time histograms, kept current in the
//! transaction of each write, and read by the statistics endpoints without touching the reports.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;
use rand::Rng;

use crate::db::DbConnection;
use crate::db::portable::per_backend;
use crate::db::schema::{report_counts, reports, triage_histogram};
use crate::domain::organization::CredentialMode;
use crate::domain::report::NewReport;
use crate::domain::stats::{DayRange, Dimension, RECEIVED, bucket_of, day_key};
use crate::domain::status::ReportStatus;
use crate::error::ApiError;
use crate::keys::{KeyStore, place};

/// Shards per counter: concurrent writers pick one at random, so they rarely wait on one row.
const SHARDS: i32 = 8;

/// Count changes keyed by (day, dimension, key), merged so each key is written once.
type Deltas = BTreeMap<(String, String, String), i64>;

/// Adds `deltas` to the counters, in key order (so concurrent writers cannot deadlock).
fn apply(conn: &mut DbConnection, deltas: &Deltas) -> QueryResult<()> {
    let shard = rand::thread_rng().gen_range(0..SHARDS);
    let rows: Vec<_> = deltas
        .iter()
        .filter(|(_, delta)| **delta != 0)
        .map(|((day, dimension, key), delta)| {
            (
                report_counts::day.eq(day),
                report_counts::dimension.eq(dimension),
                report_counts::key.eq(key),
                report_counts::shard.eq(shard),
                report_counts::count.eq(*delta),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    per_backend!(conn, c => diesel::insert_into(report_counts::table)
        .values(&rows)
        .on_conflict((report_counts::day, report_counts::dimension, report_counts::key, report_counts::shard))
        .do_update()
        .set(report_counts::count.eq(report_counts::count + excluded(report_counts::count)))
        .execute(c))?;
    Ok(())
}

/// Counts newly stored live reports of `organization_id`, each with the time it was received,
/// under every dimension on the day it was received: one upsert for all of them.
pub fn count_new_reports<'a>(
    conn: &mut DbConnection,
    organization_id: &str,
    reports: impl IntoIterator<Item = (NaiveDateTime, &'a NewReport)>,
) -> QueryResult<()> {
    let mut deltas = Deltas::new();
    for (received_at, report) in reports {
        add_report(
            &mut deltas,
            organization_id,
            received_at,
            report,
            ReportStatus::Received,
        );
    }
    apply(conn, &deltas)
}

/// Adds one report, in `status`, to `deltas` under every dimension.
fn add_report(
    deltas: &mut Deltas,
    organization_id: &str,
    received_at: NaiveDateTime,
    report: &NewReport,
    status: ReportStatus,
) {
    let day = day_key(received_at.date());
    let mut add = |dimension: &str, key: &str| {
        *deltas
            .entry((day.clone(), dimension.to_owned(), key.to_owned()))
            .or_default() += 1;
    };
    add(RECEIVED, "");
    add(Dimension::Category.as_ref(), report.category.as_ref());
    add(Dimension::Severity.as_ref(), report.severity.as_ref());
    add(Dimension::Status.as_ref(), status.as_ref());
    add(Dimension::Organization.as_ref(), organization_id);
    add(Dimension::Service.as_ref(), &report.service);
    for group in &report.suspected_groups {
        add(Dimension::Group.as_ref(), group.as_ref());
    }
    for indicator in &report.indicators {
        add(Dimension::Indicator.as_ref(), indicator.as_ref());
    }
    let mut countries: Vec<&str> = report
        .locations
        .iter()
        .map(|l| l.country.as_str())
        .collect();
    countries.sort();
    countries.dedup();
    for country in countries {
        add(Dimension::Country.as_ref(), country);
    }
}

/// What a status change means for the triage times.
#[derive(Debug, Clone, Copy, Default)]
pub struct Milestones {
    /// The report's first review starts now.
    pub first_review: bool,
    /// The report is closed for the first time now.
    pub first_closure: bool,
}

/// Moves a live report's count from one status to another, and records its triage times at
/// its first review and its first closure.
pub fn count_transition(
    conn: &mut DbConnection,
    report_id: &str,
    from: ReportStatus,
    to: ReportStatus,
    milestones: Milestones,
) -> QueryResult<()> {
    let Some((day, received_at)) = live_report_day(conn, report_id)? else {
        return Ok(());
    };
    move_count(conn, &day, Dimension::Status, from.as_ref(), to.as_ref())?;
    let elapsed = (super::now() - received_at).num_seconds();
    if milestones.first_review {
        record_triage(conn, &day, "first_review", elapsed)?;
    }
    if milestones.first_closure {
        record_triage(conn, &day, "closure", elapsed)?;
    }
    Ok(())
}

/// Moves a live report's count under `dimension` from `from` to `to` (e.g. a severity raised by
/// an amendment).
pub fn count_change(
    conn: &mut DbConnection,
    report_id: &str,
    dimension: Dimension,
    from: &str,
    to: &str,
) -> QueryResult<()> {
    match live_report_day(conn, report_id)? {
        Some((day, _)) => move_count(conn, &day, dimension, from, to),
        None => Ok(()),
    }
}

/// The rollup day and receipt time of a live report; `None` for a test report.
fn live_report_day(
    conn: &mut DbConnection,
    report_id: &str,
) -> QueryResult<Option<(String, NaiveDateTime)>> {
    let (mode, received_at): (String, NaiveDateTime) = reports::table
        .find(report_id)
        .select((reports::mode, reports::received_at))
        .first(conn)?;
    Ok((mode == CredentialMode::Live.as_ref()).then(|| (day_key(received_at.date()), received_at)))
}

fn move_count(
    conn: &mut DbConnection,
    day: &str,
    dimension: Dimension,
    from: &str,
    to: &str,
) -> QueryResult<()> {
    let mut deltas = Deltas::new();
    deltas.insert(
        (
            day.to_owned(),
            dimension.as_ref().to_owned(),
            from.to_owned(),
        ),
        -1,
    );
    *deltas
        .entry((day.to_owned(), dimension.as_ref().to_owned(), to.to_owned()))
        .or_default() += 1;
    apply(conn, &deltas)
}

fn record_triage(
    conn: &mut DbConnection,
    day: &str,
    metric: &str,
    seconds: i64,
) -> QueryResult<()> {
    record_bucket(conn, day, metric, bucket_of(seconds))
}

fn record_bucket(conn: &mut DbConnection, day: &str, metric: &str, bucket: i32) -> QueryResult<()> {
    let row = (
        triage_histogram::day.eq(day),
        triage_histogram::metric.eq(metric),
        triage_histogram::bucket.eq(bucket),
        triage_histogram::shard.eq(rand::thread_rng().gen_range(0..SHARDS)),
        triage_histogram::count.eq(1_i64),
    );
    per_backend!(conn, c => diesel::insert_into(triage_histogram::table)
        .values(row)
        .on_conflict((triage_histogram::day, triage_histogram::metric, triage_histogram::bucket, triage_histogram::shard))
        .do_update()
        .set(triage_histogram::count.eq(triage_histogram::count + excluded(triage_histogram::count)))
        .execute(c))?;
    Ok(())
}

/// `SUM(count)` as a 64-bit integer on both backends (diesel types a bare `SUM` as `NUMERIC`).
fn summed_count()
-> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql("CAST(SUM(count) AS BIGINT)")
}

/// Counts per (day, key) of `dimension` (`RECEIVED` for all reports) in `range`.
pub fn daily_counts(
    conn: &mut DbConnection,
    dimension: &str,
    range: &DayRange,
) -> Result<Vec<(NaiveDate, String, i64)>, ApiError> {
    let rows: Vec<(String, String, Option<i64>)> = report_counts::table
        .filter(report_counts::dimension.eq(dimension))
        .filter(report_counts::day.ge(day_key(range.from)))
        .filter(report_counts::day.lt(day_key(range.to)))
        .group_by((report_counts::day, report_counts::key))
        .select((report_counts::day, report_counts::key, summed_count()))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(day, key, count)| count.map(|c| (day, key, c)))
        .filter(|(_, _, count)| *count != 0)
        .map(|(day, key, count)| {
            let day = day
                .parse()
                .map_err(|_| ApiError::Internal(anyhow::anyhow!("bad rollup day {day}")))?;
            Ok((day, key, count))
        })
        .collect()
}

/// Totals per key of `dimension` in `range`, largest first.
pub fn totals(
    conn: &mut DbConnection,
    dimension: &str,
    range: &DayRange,
) -> Result<Vec<(String, i64)>, ApiError> {
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for (_, key, count) in daily_counts(conn, dimension, range)? {
        *totals.entry(key).or_default() += count;
    }
    let mut totals: Vec<(String, i64)> = totals.into_iter().filter(|(_, c)| *c != 0).collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(totals)
}

/// The triage histogram of `metric` in `range`: (bucket, count) by bucket.
pub fn triage(
    conn: &mut DbConnection,
    metric: &str,
    range: &DayRange,
) -> Result<Vec<(i32, i64)>, ApiError> {
    let rows: Vec<(i32, Option<i64>)> = triage_histogram::table
        .filter(triage_histogram::metric.eq(metric))
        .filter(triage_histogram::day.ge(day_key(range.from)))
        .filter(triage_histogram::day.lt(day_key(range.to)))
        .group_by(triage_histogram::bucket)
        .select((triage_histogram::bucket, summed_count()))
        .order(triage_histogram::bucket.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(b, c)| c.map(|c| (b, c)))
        .collect())
}

/// What `stats rebuild` found.
#[derive(Debug, serde::Serialize)]
pub struct Rebuild {
    /// Live reports counted.
    pub reports: usize,
    /// Counters whose stored value differed from the recount.
    pub differences: usize,
    /// The first differences: `[day, dimension, key, stored, recounted]`.
    pub examples: Vec<(String, String, String, i64, i64)>,
}

/// A report as the recount reads it: id, organization, receipt time, status, sealed body, first
/// review, latest closure, data key id.
type RecountRow = (
    String,
    String,
    NaiveDateTime,
    String,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    String,
);

/// Recounts every rollup from the reports themselves (their bodies opened with one key-store
/// query per page) and replaces the stored ones, reporting the counters that differed. Triage times are recounted from each report's first review and
/// its latest closure.
pub fn rebuild(conn: &mut DbConnection, keys: &KeyStore) -> Result<Rebuild, ApiError> {
    crate::db::portable::write_transaction(conn, |conn| {
        let mut recount = Deltas::new();
        let mut triage_rows: Vec<(String, &'static str, i32)> = Vec::new();
        let mut reports_counted = 0;
        let mut after = String::new();
        loop {
            let page: Vec<RecountRow> = reports::table
                .filter(reports::mode.eq(CredentialMode::Live.as_ref()))
                .filter(reports::id.gt(&after))
                .order(reports::id.asc())
                .limit(1000)
                .select((
                    reports::id,
                    reports::organization_id,
                    reports::received_at,
                    reports::status,
                    reports::body,
                    reports::first_reviewed_at,
                    reports::closed_at,
                    reports::key_id,
                ))
                .load(conn)?;
            let Some(last) = page.last() else { break };
            after = last.0.clone();
            let key_ids: Vec<&str> = page.iter().map(|row| row.7.as_str()).collect();
            let page_keys = keys.fetch(&key_ids)?;
            for (
                id,
                organization_id,
                received_at,
                status,
                body,
                first_reviewed_at,
                closed_at,
                key_id,
            ) in page
            {
                let key = page_keys.get(&key_id).ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("the data key of report {id} is gone"))
                })?;
                let body = key.open(&body, &place(&id, "body"))?;
                let report: NewReport = serde_json::from_str(&body)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored body: {e}")))?;
                let status = super::organizations::parse(&status)?;
                add_report(&mut recount, &organization_id, received_at, &report, status);
                let day = day_key(received_at.date());
                for (metric, at) in [("first_review", first_reviewed_at), ("closure", closed_at)] {
                    if let Some(at) = at {
                        triage_rows.push((
                            day.clone(),
                            metric,
                            bucket_of((at - received_at).num_seconds()),
                        ));
                    }
                }
                reports_counted += 1;
            }
        }
        let stored: Vec<(String, String, String, Option<i64>)> = report_counts::table
            .group_by((
                report_counts::day,
                report_counts::dimension,
                report_counts::key,
            ))
            .select((
                report_counts::day,
                report_counts::dimension,
                report_counts::key,
                summed_count(),
            ))
            .load(conn)?;
        let stored: BTreeMap<(String, String, String), i64> = stored
            .into_iter()
            .map(|(d, dim, k, c)| ((d, dim, k), c.unwrap_or(0)))
            .collect();
        let keys: std::collections::BTreeSet<_> =
            stored.keys().chain(recount.keys()).cloned().collect();
        let differing: Vec<_> = keys
            .into_iter()
            .filter_map(|key| {
                let (was, now) = (
                    stored.get(&key).copied().unwrap_or(0),
                    recount.get(&key).copied().unwrap_or(0),
                );
                (was != now).then_some((key.0, key.1, key.2, was, now))
            })
            .collect();
        diesel::delete(report_counts::table).execute(conn)?;
        diesel::delete(triage_histogram::table).execute(conn)?;
        for chunk in recount.into_iter().collect::<Vec<_>>().chunks(1000) {
            let chunk: Deltas = chunk.iter().cloned().collect();
            apply(conn, &chunk)?;
        }
        for (day, metric, bucket) in triage_rows {
            record_bucket(conn, &day, metric, bucket)?;
        }
        Ok(Rebuild {
            reports: reports_counted,
            differences: differing.len(),
            examples: differing.into_iter().take(20).collect(),
        })
    })
}
