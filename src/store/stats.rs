//! Rollups: counts per day and dimension and triage-time histograms, kept current in the
//! transaction of each write, and read by the statistics endpoints without touching the reports.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use strum::IntoEnumIterator;

use crate::db::DbConnection;
use crate::db::portable::{self, add_rows, per_backend};
use crate::db::schema::{
    purged_counts, purged_triage, report_counts, report_counts_monthly, report_tombstones, reports,
    triage_histogram,
};
use crate::domain::organization::CredentialMode;
use crate::domain::report::NewReport;
use crate::domain::stats::{
    DayRange, Dimension, Interval, RECEIVED, bucket_of, day_key, month_key,
};
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::Severity;
use crate::error::ApiError;
use crate::keys::{KeyStore, place};
use crate::sealing::DataKey;

/// Shards per counter: concurrent writers pick one at random, so they rarely wait on one row.
const SHARDS: i32 = 8;

/// The shard of the one row per key that [`compact`] folds a past day's shards into, and
/// [`rebuild`] writes; writers never use it.
const FOLDED: i32 = -1;

/// Count changes keyed by (day, dimension, key), merged so each key is written once.
type Deltas = BTreeMap<(String, String, String), i64>;

/// Triage histogram changes keyed by (day, metric, bucket).
type TriageDeltas = BTreeMap<(String, &'static str, i32), i64>;

/// What purged live reports added to a counter, kept for [`rebuild`].
#[derive(Queryable, Selectable)]
#[diesel(table_name = purged_counts, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct PurgedCountRow {
    day: String,
    dimension: String,
    key: String,
    count: i64,
}

/// What purged live reports added to a triage bucket, kept for [`rebuild`].
#[derive(Queryable, Selectable)]
#[diesel(table_name = purged_triage, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct PurgedTriageRow {
    day: String,
    metric: String,
    bucket: i32,
    count: i64,
}

/// A writer's shard, picked at random.
fn any_shard() -> i32 {
    rand::thread_rng().gen_range(0..SHARDS)
}

/// Adds `deltas` to the counters of `shard`, in key order (so concurrent writers cannot
/// deadlock).
fn apply(conn: &mut DbConnection, deltas: &Deltas, shard: i32) -> QueryResult<()> {
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
    add_rows!(conn, report_counts, (day, dimension, key, shard), rows)
}

/// Adds `deltas` to the triage histogram's buckets of `shard`, in key order.
fn apply_triage(conn: &mut DbConnection, deltas: &TriageDeltas, shard: i32) -> QueryResult<()> {
    let rows: Vec<_> = deltas
        .iter()
        .filter(|(_, delta)| **delta != 0)
        .map(|((day, metric, bucket), delta)| {
            (
                triage_histogram::day.eq(day),
                triage_histogram::metric.eq(*metric),
                triage_histogram::bucket.eq(*bucket),
                triage_histogram::shard.eq(shard),
                triage_histogram::count.eq(*delta),
            )
        })
        .collect();
    add_rows!(conn, triage_histogram, (day, metric, bucket, shard), rows)
}

/// Adds `deltas` to the folded rows of their days and, for the days of months already folded,
/// to those months' rows too (inside a transaction holding the folding lock, see
/// [`portable::lock_rollup_folding`]).
fn add_folded(conn: &mut DbConnection, deltas: &Deltas) -> QueryResult<()> {
    apply(conn, deltas, FOLDED)?;
    let months: BTreeSet<&str> = deltas.keys().map(|(day, _, _)| month_of(day)).collect();
    if months.is_empty() {
        return Ok(());
    }
    let folded = folded_months(conn, months)?;
    let mut monthly = Deltas::new();
    for ((day, dimension, key), delta) in deltas {
        let month = month_of(day);
        if folded.contains(month) {
            *monthly
                .entry((month.to_owned(), dimension.clone(), key.clone()))
                .or_default() += delta;
        }
    }
    apply_monthly(conn, &monthly)
}

/// The month key (`YYYY-MM`) of a day key (`YYYY-MM-DD`).
fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// Which of `months` are folded: those with their row of all reports in the monthly rollup.
fn folded_months<'a>(
    conn: &mut DbConnection,
    months: impl IntoIterator<Item = &'a str>,
) -> QueryResult<HashSet<String>> {
    let months: Vec<&str> = months.into_iter().collect();
    if months.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(report_counts_monthly::table
        .filter(report_counts_monthly::dimension.eq(RECEIVED))
        .filter(report_counts_monthly::month.eq_any(months))
        .filter(report_counts_monthly::key.eq(""))
        .select(report_counts_monthly::month)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Adds `deltas`, keyed by (month, dimension, key), to the monthly rollup.
fn apply_monthly(conn: &mut DbConnection, deltas: &Deltas) -> QueryResult<()> {
    let rows: Vec<_> = deltas
        .iter()
        .filter(|(_, delta)| **delta != 0)
        .map(|((month, dimension, key), delta)| {
            (
                report_counts_monthly::dimension.eq(dimension),
                report_counts_monthly::month.eq(month),
                report_counts_monthly::key.eq(key),
                report_counts_monthly::count.eq(*delta),
            )
        })
        .collect();
    add_rows!(conn, report_counts_monthly, (dimension, month, key), rows)
}

thread_local! {
    /// The counts held in memory by [`holding`] on this thread, written when it ends.
    static HELD: std::cell::RefCell<Option<(Deltas, TriageDeltas)>> =
        const { std::cell::RefCell::new(None) };
}

/// Adds the changes of one write to the rollups: to a random shard of each, or, inside
/// [`holding`], to the changes it holds.
fn add_counts(conn: &mut DbConnection, deltas: Deltas, triage: TriageDeltas) -> QueryResult<()> {
    let held = HELD.with_borrow_mut(|held| match held {
        Some((held_deltas, held_triage)) => {
            for (key, delta) in deltas.iter() {
                *held_deltas.entry(key.clone()).or_default() += delta;
            }
            for (key, delta) in triage.iter() {
                *held_triage.entry(key.clone()).or_default() += delta;
            }
            true
        }
        None => false,
    });
    if held {
        return Ok(());
    }
    apply(conn, &deltas, any_shard())?;
    apply_triage(conn, &triage, any_shard())
}

/// Runs `work` (inside the caller's transaction) holding the rollups' changes of all its
/// writes in memory, then writes them with one upsert per rollup, each counter once: the bulk
/// path's, which would otherwise add to the same counters once per organization and per
/// transition. The days before `today` go straight to the folded rows that [`compact`] would
/// make of them, and to their months' rows when folded (a bulk writer is the only writer to
/// those counters in its transaction, so it contends with no one there), today's to a shard.
pub fn holding<T, E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    today: NaiveDate,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    /// Stops holding when dropped, also on an error or a panic.
    struct Hold;
    impl Drop for Hold {
        fn drop(&mut self) {
            HELD.set(None);
        }
    }
    let _hold = Hold;
    HELD.set(Some(Default::default()));
    let done = work(conn)?;
    let (deltas, triage) = HELD.take().unwrap_or_default();
    let today = day_key(today);
    let shard = any_shard();
    let (past, present): (Deltas, Deltas) = deltas
        .into_iter()
        .partition(|((day, _, _), _)| *day < today);
    portable::lock_rollup_folding(conn, false)?;
    add_folded(conn, &past)?;
    apply(conn, &present, shard)?;
    let (past, present): (TriageDeltas, TriageDeltas) = triage
        .into_iter()
        .partition(|((day, _, _), _)| *day < today);
    apply_triage(conn, &past, FOLDED)?;
    apply_triage(conn, &present, shard)?;
    Ok(done)
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
    add_counts(conn, deltas, TriageDeltas::new())
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

/// A live report's move from one status to another, as the rollups count it.
#[derive(Debug, Clone, Copy)]
pub struct CountedMove {
    /// When the report was received (its rollup day, and where its triage times start).
    pub received_at: NaiveDateTime,
    /// The status before.
    pub from: ReportStatus,
    /// The status after.
    pub to: ReportStatus,
    /// Whether its first review or first closure happens with this move.
    pub milestones: Milestones,
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
    let Some((_, received_at)) = live_report_day(conn, report_id)? else {
        return Ok(());
    };
    let counted = CountedMove {
        received_at,
        from,
        to,
        milestones,
    };
    count_moves(conn, &[counted], super::now())
}

/// Counts moves of live reports made at `now` ([`CountedMove`]): one upsert of the status
/// counts and one of the triage histogram for all of them.
pub fn count_moves(
    conn: &mut DbConnection,
    moves: &[CountedMove],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut deltas = Deltas::new();
    let mut triage = TriageDeltas::new();
    for counted in moves {
        let day = day_key(counted.received_at.date());
        let status = Dimension::Status.as_ref();
        for (key, delta) in [(counted.from, -1), (counted.to, 1)] {
            *deltas
                .entry((day.clone(), status.to_owned(), key.as_ref().to_owned()))
                .or_default() += delta;
        }
        let bucket = bucket_of((now - counted.received_at).num_seconds());
        let milestones = counted.milestones;
        for (reached, metric) in [
            (milestones.first_review, "first_review"),
            (milestones.first_closure, "closure"),
        ] {
            if reached {
                *triage.entry((day.clone(), metric, bucket)).or_default() += 1;
            }
        }
    }
    add_counts(conn, deltas, triage)
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
    let (mode, received_at): (CredentialMode, NaiveDateTime) = reports::table
        .find(report_id)
        .select((reports::mode, reports::received_at))
        .first(conn)?;
    Ok((mode == CredentialMode::Live).then(|| (day_key(received_at.date()), received_at)))
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
    add_counts(conn, deltas, TriageDeltas::new())
}

/// `SUM(count)` as a 64-bit integer on both backends (diesel types a bare `SUM` as `NUMERIC`).
fn summed_count()
-> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql("CAST(SUM(count) AS BIGINT)")
}

/// A counter of the day rows, whatever its shard: what [`summed_by_day`] groups by.
const BY_DAY: (
    report_counts::day,
    report_counts::dimension,
    report_counts::key,
) = (
    report_counts::day,
    report_counts::dimension,
    report_counts::key,
);

/// Each counter of the day rows ([`BY_DAY`]) with its count summed over its shards.
fn summed_by_day() -> (
    report_counts::day,
    report_counts::dimension,
    report_counts::key,
    diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>,
) {
    let (day, dimension, key) = BY_DAY;
    (day, dimension, key, summed_count())
}

/// Counts per (day, key) of `dimension` (`RECEIVED` for all reports) in `range`, summed over
/// the shards in the database.
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

/// By dimension, per period, the counts per key (largest first).
pub type PeriodTotals = BTreeMap<String, Vec<Vec<(String, i64)>>>;

/// Totals per key of each of `dimensions` in each of `periods` (apart, in order), read in one
/// snapshot, so that a compaction folding at the same time is seen before or after, not half
/// done: by dimension, per period, the keys with a count, largest first.
///
/// The whole months of the periods that are folded are read from their monthly rows and the
/// counts still in shards, the other days from their day rows: one query for each, whatever the
/// number of periods (twelve for an auditor's year), and one for each stretch of days outside
/// folded months.
pub fn totals_per_period(
    conn: &mut DbConnection,
    dimensions: &[&str],
    periods: &[DayRange],
) -> Result<PeriodTotals, ApiError> {
    portable::read_snapshot(conn, |conn| {
        let mut sums = vec![BTreeMap::<(String, String), i64>::new(); periods.len()];
        let bounds: Vec<(String, String)> = periods
            .iter()
            .map(|p| (day_key(p.from), day_key(p.to)))
            .collect();
        let period_of = |day: &str| {
            bounds
                .iter()
                .position(|(from, to)| from.as_str() <= day && day < to.as_str())
        };
        let mut add = |period: Option<usize>, dimension: String, key: String, count: i64| {
            if let Some(sums) = period.and_then(|p| sums.get_mut(p)) {
                *sums.entry((dimension, key)).or_default() += count;
            }
        };
        let months: Vec<(usize, DayRange)> = periods
            .iter()
            .enumerate()
            .flat_map(|(p, period)| whole_months(period).into_iter().map(move |m| (p, m)))
            .collect();
        let month_keys: Vec<String> = months.iter().map(|(_, m)| month_key(m.from)).collect();
        let folded_keys = folded_months(conn, month_keys.iter().map(String::as_str))?;
        let folded: Vec<(usize, DayRange)> = months
            .into_iter()
            .zip(&month_keys)
            .filter(|(_, key)| folded_keys.contains(*key))
            .map(|(month, _)| month)
            .collect();
        let in_dimensions = report_counts::dimension.eq_any(dimensions);
        let rows_of_days = |span: &DayRange| {
            report_counts::table
                .filter(in_dimensions.clone())
                .filter(report_counts::day.ge(day_key(span.from)))
                .filter(report_counts::day.lt(day_key(span.to)))
        };
        if !folded.is_empty() {
            let keys: Vec<String> = folded.iter().map(|(_, m)| month_key(m.from)).collect();
            let rows: Vec<(String, String, String, Option<i64>)> = report_counts_monthly::table
                .filter(report_counts_monthly::dimension.eq_any(dimensions))
                .filter(report_counts_monthly::month.eq_any(&keys))
                .group_by((
                    report_counts_monthly::month,
                    report_counts_monthly::dimension,
                    report_counts_monthly::key,
                ))
                .select((
                    report_counts_monthly::month,
                    report_counts_monthly::dimension,
                    report_counts_monthly::key,
                    summed_count(),
                ))
                .load(conn)?;
            for (month, dimension, key, count) in rows {
                add(
                    period_of(&format!("{month}-01")),
                    dimension,
                    key,
                    count.unwrap_or(0),
                );
            }
            // Written as a constant, so that both backends see it implies the partial index's
            // condition (`report_counts_unfolded`).
            let unfolded = diesel::dsl::sql::<diesel::sql_types::Bool>("shard >= 0");
            let all = DayRange {
                from: periods.iter().map(|p| p.from).min().unwrap_or_default(),
                to: periods.iter().map(|p| p.to).max().unwrap_or_default(),
            };
            let rows: Vec<(String, String, String, Option<i64>)> = rows_of_days(&all)
                .filter(unfolded)
                .group_by(BY_DAY)
                .select(summed_by_day())
                .load(conn)?;
            for (day, dimension, key, count) in rows {
                add(period_of(&day), dimension, key, count.unwrap_or(0));
            }
        }
        for (p, period) in periods.iter().enumerate() {
            let months: Vec<DayRange> = folded
                .iter()
                .filter(|(of, _)| *of == p)
                .map(|(_, m)| *m)
                .collect();
            // Without folded months, every row of the days (shards and folded rows); else only
            // the folded rows of the days outside them (the shards are read above).
            let (spans, last_shard) = if folded.is_empty() {
                (vec![*period], i32::MAX)
            } else {
                (days_outside(period, &months), FOLDED)
            };
            for span in spans {
                let rows: Vec<(String, String, Option<i64>)> = rows_of_days(&span)
                    .filter(report_counts::shard.le(last_shard))
                    .group_by((report_counts::dimension, report_counts::key))
                    .select((report_counts::dimension, report_counts::key, summed_count()))
                    .load(conn)?;
                for (dimension, key, count) in rows {
                    add(Some(p), dimension, key, count.unwrap_or(0));
                }
            }
        }
        let mut by_dimension: PeriodTotals = dimensions
            .iter()
            .map(|d| (d.to_string(), vec![Vec::new(); periods.len()]))
            .collect();
        for (p, sums) in sums.into_iter().enumerate() {
            for ((dimension, key), count) in sums {
                if let (Some(per_period), true) = (by_dimension.get_mut(&dimension), count != 0) {
                    per_period[p].push((key, count));
                }
            }
        }
        for counts in by_dimension.values_mut().flatten() {
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        Ok(by_dimension)
    })
}

/// The whole calendar months inside `range`, in order: its slices by month that are not cut.
fn whole_months(range: &DayRange) -> Vec<DayRange> {
    range
        .by_interval(Interval::Month)
        .into_iter()
        .filter(|(start, days)| days.from == *start && days.to == Interval::Month.next(*start))
        .map(|(_, days)| days)
        .collect()
}

/// The spans of `range` outside `months` (in order, inside `range`).
fn days_outside(range: &DayRange, months: &[DayRange]) -> Vec<DayRange> {
    let mut spans = Vec::new();
    let mut from = range.from;
    for month in months {
        if from < month.from {
            spans.push(DayRange {
                from,
                to: month.from,
            });
        }
        from = month.to;
    }
    if from < range.to {
        spans.push(DayRange { from, to: range.to });
    }
    spans
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

/// What a compaction folded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    /// Days whose shards were folded into one row per key.
    pub days: usize,
    /// Months folded into one row per key.
    pub months: usize,
}

/// Folds the shards of every day before `today` into one row per key (shard [`FOLDED`]), in
/// both rollups, a day per transaction, so that a year reads about 365 rows per key instead of
/// up to eight times as many; then every month before `today`'s into one row per key of the
/// counts (`report_counts_monthly`), a month per transaction, so that it reads about 12.
///
/// Safe with concurrent writers: a day's shard rows are deleted and what the delete returns is
/// added to the folded rows (and to its month's, once folded), so a count written concurrently
/// is either in a deleted row (as it was when deleted) or stays in a shard row of its own, which
/// readers add. A month is folded from its days' folded rows, which only holders of the folding
/// lock write. One compaction at a time holds it: one that finds it taken stops, and the next
/// folds the rest. On PostgreSQL a compaction also gives up after a short lock wait rather than
/// hold up a writer.
pub fn compact(conn: &mut DbConnection, today: NaiveDate) -> Result<Compacted, ApiError> {
    let before = day_key(today);
    let mut days: BTreeSet<String> = report_counts::table
        .filter(report_counts::shard.ge(0))
        .filter(report_counts::day.lt(&before))
        .select(report_counts::day)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    days.extend(
        triage_histogram::table
            .filter(triage_histogram::shard.ge(0))
            .filter(triage_histogram::day.lt(&before))
            .select(triage_histogram::day)
            .distinct()
            .load::<String>(conn)?,
    );
    let mut compacted = Compacted::default();
    for day in &days {
        if !portable::write_transaction(conn, |conn| fold_day(conn, day))? {
            return Ok(compacted);
        }
        compacted.days += 1;
    }
    for month in months_to_fold(conn, today)? {
        if !portable::write_transaction(conn, |conn| fold_month(conn, &month))? {
            break;
        }
        compacted.months += 1;
    }
    Ok(compacted)
}

/// Every dimension's name, and [`RECEIVED`]: named in full so that both backends find the rows
/// through the primary keys (dimension first).
fn every_dimension() -> Vec<&'static str> {
    Dimension::iter()
        .map(|d| -> &'static str { d.into() })
        .chain([RECEIVED])
        .collect()
}

/// Moves the counts of `day`'s shard rows into its folded rows (inside the caller's transaction),
/// if this transaction gets the folding lock: answers whether it did.
fn fold_day(conn: &mut DbConnection, day: &str) -> QueryResult<bool> {
    portable::short_lock_waits(conn)?;
    if !portable::try_lock_rollup_folding(conn)? {
        return Ok(false);
    }
    let dimensions = every_dimension();
    let removed: Vec<(String, String, i64)> = per_backend!(conn, c => diesel::delete(
            report_counts::table
                .filter(report_counts::dimension.eq_any(&dimensions))
                .filter(report_counts::day.eq(day))
                .filter(report_counts::shard.ge(0)),
        )
        .returning((report_counts::dimension, report_counts::key, report_counts::count))
        .get_results(c))?;
    let mut deltas = Deltas::new();
    for (dimension, key, count) in removed {
        *deltas.entry((day.to_owned(), dimension, key)).or_default() += count;
    }
    add_folded(conn, &deltas)?;
    let removed: Vec<(String, i32, i64)> = per_backend!(conn, c => diesel::delete(
            triage_histogram::table
                .filter(triage_histogram::metric.eq_any(METRICS))
                .filter(triage_histogram::day.eq(day))
                .filter(triage_histogram::shard.ge(0)),
        )
        .returning((triage_histogram::metric, triage_histogram::bucket, triage_histogram::count))
        .get_results(c))?;
    let mut deltas = TriageDeltas::new();
    for (metric, bucket, count) in removed {
        *deltas
            .entry((day.to_owned(), metric_name(&metric)?, bucket))
            .or_default() += count;
    }
    apply_triage(conn, &deltas, FOLDED)?;
    Ok(true)
}

/// The months (`YYYY-MM`) before `today`'s that have counts and are not folded yet.
fn months_to_fold(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<BTreeSet<String>> {
    let this_month = day_key(Interval::Month.start_of(today));
    let days: Vec<String> = report_counts::table
        .filter(report_counts::dimension.eq(RECEIVED))
        .filter(report_counts::day.lt(this_month))
        .select(report_counts::day)
        .distinct()
        .load(conn)?;
    let mut months: BTreeSet<String> = days.iter().map(|d| month_of(d).to_owned()).collect();
    for folded in folded_months(conn, months.iter().map(String::as_str))? {
        months.remove(&folded);
    }
    Ok(months)
}

/// Adds up the folded day rows of `month` (`YYYY-MM`) into its monthly rows, with its row of
/// all reports even when zero, which marks it folded (inside the caller's transaction), if this
/// transaction gets the folding lock: answers whether it did. Counts still in shards are left
/// there: readers add them, and [`fold_day`] adds them to the month when it folds them.
fn fold_month(conn: &mut DbConnection, month: &str) -> QueryResult<bool> {
    portable::short_lock_waits(conn)?;
    if !portable::try_lock_rollup_folding(conn)? {
        return Ok(false);
    }
    if !folded_months(conn, [month])?.is_empty() {
        return Ok(true);
    }
    let first = format!("{month}-01");
    let next: NaiveDate = first
        .parse()
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    let next = day_key(Interval::Month.next(next));
    let dimensions = every_dimension();
    let sums: Vec<(String, String, Option<i64>)> = report_counts::table
        .filter(report_counts::dimension.eq_any(&dimensions))
        .filter(report_counts::day.ge(&first))
        .filter(report_counts::day.lt(&next))
        .filter(report_counts::shard.eq(FOLDED))
        .group_by((report_counts::dimension, report_counts::key))
        .select((report_counts::dimension, report_counts::key, summed_count()))
        .load(conn)?;
    let mut monthly = Deltas::new();
    for (dimension, key, count) in sums {
        monthly.insert((month.to_owned(), dimension, key), count.unwrap_or(0));
    }
    apply_monthly(conn, &monthly)?;
    let marker = (
        report_counts_monthly::dimension.eq(RECEIVED),
        report_counts_monthly::month.eq(month),
        report_counts_monthly::key.eq(""),
        report_counts_monthly::count.eq(0),
    );
    add_rows!(
        conn,
        report_counts_monthly,
        (dimension, month, key),
        [marker]
    )
    .map(|()| true)
}

/// The triage metrics.
const METRICS: [&str; 2] = ["first_review", "closure"];

/// A stored metric name as one of [`METRICS`].
fn metric_name(stored: &str) -> QueryResult<&'static str> {
    METRICS.into_iter().find(|m| *m == stored).ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("unknown triage metric {stored}").into(),
        )
    })
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

/// A report as a recount reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct RecountRow {
    id: String,
    organization_id: String,
    received_at: NaiveDateTime,
    status: ReportStatus,
    /// As it is now: an amendment may have raised it since the body.
    severity: Severity,
    /// The body as received, sealed.
    body: Vec<u8>,
    first_reviewed_at: Option<NaiveDateTime>,
    /// The latest closure.
    closed_at: Option<NaiveDateTime>,
    key_id: String,
}

/// The data keys of `rows`, fetched in one key-store query.
fn keys_of(keys: &KeyStore, rows: &[RecountRow]) -> Result<HashMap<String, DataKey>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|row| row.key_id.as_str()).collect();
    keys.fetch(&ids)
}

/// What live reports add to the rollups.
#[derive(Default)]
struct Recount {
    counts: Deltas,
    triage: TriageDeltas,
}

impl Recount {
    /// Adds one report as it is stored now, its body opened with `key`; triage times from its
    /// first review and its latest closure.
    fn add(&mut self, row: RecountRow, key: &DataKey) -> Result<(), ApiError> {
        let RecountRow {
            id,
            organization_id,
            received_at,
            status,
            severity,
            body,
            first_reviewed_at,
            closed_at,
            key_id: _,
        } = row;
        let body = key.open_body(&body, &place(&id, "body"))?;
        let mut report: NewReport = serde_json::from_str(&body)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored body: {e}")))?;
        report.severity = severity;
        add_report(
            &mut self.counts,
            &organization_id,
            received_at,
            &report,
            status,
        );
        let day = day_key(received_at.date());
        for (metric, at) in METRICS.into_iter().zip([first_reviewed_at, closed_at]) {
            if let Some(at) = at {
                let bucket = bucket_of((at - received_at).num_seconds());
                *self
                    .triage
                    .entry((day.clone(), metric, bucket))
                    .or_default() += 1;
            }
        }
        Ok(())
    }
}

/// Keeps what the live reports among `ids`, about to be purged, add to the rollups, so that a
/// later [`rebuild`] still counts them (inside the purge's transaction, before their data keys
/// are destroyed). Answers the live reports whose contribution could not be kept because their
/// key is already gone (a purge that died between destroying keys and deleting rows): their
/// tombstones say so, and [`rebuild`] then refuses rather than lower published figures.
pub fn keep_purged(
    conn: &mut DbConnection,
    keys: &KeyStore,
    ids: &[&str],
) -> Result<HashSet<String>, ApiError> {
    let rows: Vec<RecountRow> = reports::table
        .filter(reports::id.eq_any(ids))
        .filter(reports::mode.eq(CredentialMode::Live))
        .select(RecountRow::as_select())
        .load(conn)?;
    let row_keys = keys_of(keys, &rows)?;
    let mut kept = Recount::default();
    let mut uncounted = HashSet::new();
    for row in rows {
        match row_keys.get(&row.key_id) {
            Some(key) => kept.add(row, key)?,
            None => {
                uncounted.insert(row.id);
            }
        }
    }
    let counts: Vec<_> = kept
        .counts
        .iter()
        .filter(|(_, count)| **count != 0)
        .map(|((day, dimension, key), count)| {
            (
                purged_counts::day.eq(day),
                purged_counts::dimension.eq(dimension),
                purged_counts::key.eq(key),
                purged_counts::count.eq(*count),
            )
        })
        .collect();
    add_rows!(conn, purged_counts, (day, dimension, key), counts)?;
    let triage: Vec<_> = kept
        .triage
        .iter()
        .map(|((day, metric, bucket), count)| {
            (
                purged_triage::day.eq(day),
                purged_triage::metric.eq(*metric),
                purged_triage::bucket.eq(*bucket),
                purged_triage::count.eq(*count),
            )
        })
        .collect();
    add_rows!(conn, purged_triage, (day, metric, bucket), triage)?;
    Ok(uncounted)
}

/// Recounts every rollup from the reports themselves, plus what purged reports had added (kept
/// when they were purged, see [`keep_purged`]), and replaces the stored ones (by day; the next
/// [`compact`] folds the months again), reporting the counters that differed. Refuses while any live report purged before that contribution was
/// kept has a tombstone: recounting would drop it from figures already published.
pub fn rebuild(conn: &mut DbConnection, keys: &KeyStore) -> Result<Rebuild, ApiError> {
    portable::write_transaction(conn, |conn| {
        let uncounted: i64 = report_tombstones::table
            .filter(report_tombstones::mode.eq(CredentialMode::Live))
            .filter(report_tombstones::counts_kept.eq(false))
            .count()
            .get_result(conn)?;
        if uncounted > 0 {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{uncounted} live reports were purged before their contribution to the \
                     statistics was kept; a rebuild from the reports left would lower published \
                     figures, so the rollups are left as they are"
                ),
                existing_id: None,
            });
        }
        let mut recount = Recount::default();
        let purged = purged_counts::table
            .select(PurgedCountRow::as_select())
            .load(conn)?;
        for row in purged {
            recount
                .counts
                .insert((row.day, row.dimension, row.key), row.count);
        }
        let purged = purged_triage::table
            .select(PurgedTriageRow::as_select())
            .load(conn)?;
        for row in purged {
            recount
                .triage
                .insert((row.day, metric_name(&row.metric)?, row.bucket), row.count);
        }
        let mut reports_counted = 0;
        let mut after = String::new();
        loop {
            let page: Vec<RecountRow> = reports::table
                .filter(reports::mode.eq(CredentialMode::Live))
                .filter(reports::id.gt(&after))
                .order(reports::id.asc())
                .limit(1000)
                .select(RecountRow::as_select())
                .load(conn)?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            reports_counted += page.len();
            let page_keys = keys_of(keys, &page)?;
            for row in page {
                let key = page_keys.get(&row.key_id).ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("the data key of report {} is gone", row.id))
                })?;
                recount.add(row, key)?;
            }
        }
        let stored: Vec<(String, String, String, Option<i64>)> = report_counts::table
            .group_by(BY_DAY)
            .select(summed_by_day())
            .load(conn)?;
        let stored: BTreeMap<(String, String, String), i64> = stored
            .into_iter()
            .map(|(d, dim, k, c)| ((d, dim, k), c.unwrap_or(0)))
            .collect();
        let keys: BTreeSet<_> = stored
            .keys()
            .chain(recount.counts.keys())
            .cloned()
            .collect();
        let differing: Vec<_> = keys
            .into_iter()
            .filter_map(|key| {
                let (was, now) = (
                    stored.get(&key).copied().unwrap_or(0),
                    recount.counts.get(&key).copied().unwrap_or(0),
                );
                (was != now).then_some((key.0, key.1, key.2, was, now))
            })
            .collect();
        portable::lock_rollup_folding(conn, true)?;
        diesel::delete(report_counts_monthly::table).execute(conn)?;
        diesel::delete(report_counts::table).execute(conn)?;
        diesel::delete(triage_histogram::table).execute(conn)?;
        apply(conn, &recount.counts, FOLDED)?;
        apply_triage(conn, &recount.triage, FOLDED)?;
        Ok(Rebuild {
            reports: reports_counted,
            differences: differing.len(),
            examples: differing.into_iter().take(20).collect(),
        })
    })
}
