//! Statistics endpoints for auditors, analysts and supervisors, read from the rollups only.
//! Auditors get protected counts ([`Disclosure::Protected`]): whole months that have ended,
//! rounded to 5, small ones suppressed, whatever sequence of questions they ask.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::csv_table::{CsvTable, to_csv};
use super::query::Query;
use crate::auth::caller::{Staff, StatsReaders};
use crate::domain::stats::{
    Breakdown, Cell, DayRange, Dimension, Disclosure, Interval, IntervalCount, RECEIVED,
    RangeParams, Summary, Timeseries, Triage, TriageFigures, quantile, shown, shown_total,
};
use crate::domain::user::Role;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::stats;

/// Every handler here is for auditors, analysts and supervisors.
type Caller = Staff<StatsReaders>;

/// `?format=`.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatsFormat {
    /// JSON (default).
    #[default]
    Json,
    /// CSV with a header line.
    Csv,
}

/// `?format=` of every statistics endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParams {
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<StatsFormat>,
}

/// What every statistics request shares: how the caller is shown counts (protected for
/// auditors), the range as that allows, and the format asked for.
struct Ask {
    disclosure: Disclosure,
    range: DayRange,
    format: StatsFormat,
}

impl Ask {
    fn new(caller: &Caller, range: RangeParams, format: FormatParams) -> Result<Self, ApiError> {
        let disclosure = match caller.member.role {
            Role::Auditor => Disclosure::Protected,
            _ => Disclosure::Exact,
        };
        let today = chrono::Utc::now().date_naive();
        Ok(Ask {
            disclosure,
            range: DayRange::asked(range, disclosure, today)?,
            format: format.format.unwrap_or_default(),
        })
    }

    /// The spans counted one by one, then added up.
    fn periods(&self) -> Vec<DayRange> {
        self.range.periods(self.disclosure)
    }

    /// Answers `body` as JSON, or as CSV.
    fn answer<T: Serialize + CsvTable>(&self, body: &T) -> Result<HttpResponse, ApiError> {
        if matches!(self.format, StatsFormat::Json) {
            return Ok(HttpResponse::Ok().json(body));
        }
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(to_csv(body, true)?))
    }
}

/// A count in a CSV cell: empty when suppressed.
fn csv_count(cell: &Cell) -> String {
    cell.count.map_or(String::new(), |c| c.to_string())
}

/// Each period's rollup totals of `dimensions`, read with one connection: by dimension, per
/// period, the counts per key.
async fn period_totals(
    state: &AppState,
    periods: Vec<DayRange>,
    dimensions: Vec<String>,
) -> Result<stats::PeriodTotals, ApiError> {
    state
        .db(move |conn| {
            let dimensions: Vec<&str> = dimensions.iter().map(String::as_str).collect();
            stats::totals_per_period(conn, &dimensions, &periods)
        })
        .await
}

/// Each period's count of every report, out of [`period_totals`].
fn received_per_period(totals: &mut stats::PeriodTotals) -> Vec<i64> {
    totals
        .remove(RECEIVED)
        .unwrap_or_default()
        .iter()
        .map(|counts| counts.iter().map(|(_, c)| c).sum())
        .collect()
}

/// Totals received in `[from, to)`, by status, severity and category.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(RangeParams, FormatParams),
    responses(
        (status = 200, description = "The totals", content((Summary = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad range", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/stats/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    caller: Caller,
    range: Query<RangeParams>,
    format: Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
    let sections = [Dimension::Status, Dimension::Severity, Dimension::Category];
    let counted = std::iter::once(RECEIVED)
        .chain(sections.iter().map(|d| d.as_ref()))
        .map(str::to_owned)
        .collect();
    let mut totals = period_totals(&state, ask.periods(), counted).await?;
    let (received, mut suppression_applied) =
        shown_total(&received_per_period(&mut totals), ask.disclosure);
    let [by_status, by_severity, by_category] = sections.map(|dimension| {
        let section = shown(
            &totals.remove(dimension.as_ref()).unwrap_or_default(),
            ask.disclosure,
        );
        suppression_applied |= section.suppression_applied;
        section
            .items
            .into_iter()
            .map(|k| (k.key, k.cell))
            .collect::<BTreeMap<String, Cell>>()
    });
    ask.answer(&Summary {
        from: range.from,
        to: range.to,
        received,
        by_status,
        by_severity,
        by_category,
        suppression_applied,
    })
}

impl CsvTable for Summary {
    const HEADER: &'static [&'static str] = &["section", "key", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        let sections = [
            ("status", &self.by_status),
            ("severity", &self.by_severity),
            ("category", &self.by_category),
        ];
        std::iter::once(vec![
            "received".to_owned(),
            String::new(),
            csv_count(&self.received),
        ])
        .chain(sections.into_iter().flat_map(|(name, map)| {
            map.iter()
                .map(move |(k, c)| vec![name.to_owned(), k.clone(), csv_count(c)])
        }))
        .collect()
    }
}

/// `?dimension=` of a breakdown.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// What to count by.
    pub dimension: Dimension,
}

/// Counts in `[from, to)` by one dimension, largest first.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(BreakdownParams, RangeParams, FormatParams),
    responses(
        (status = 200, description = "The counts", content((Breakdown = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad range or dimension", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/stats/breakdown")]
pub async fn breakdown(
    state: web::Data<AppState>,
    caller: Caller,
    params: Query<BreakdownParams>,
    range: Query<RangeParams>,
    format: Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let (range, dimension) = (ask.range, params.dimension);
    let counted = vec![RECEIVED.to_owned(), dimension.as_ref().to_owned()];
    let mut totals = period_totals(&state, ask.periods(), counted).await?;
    let (total, total_suppressed) = shown_total(&received_per_period(&mut totals), ask.disclosure);
    let shown = shown(
        &totals.remove(dimension.as_ref()).unwrap_or_default(),
        ask.disclosure,
    );
    let suppression_applied = total_suppressed || shown.suppression_applied;
    let items = shown.items;
    ask.answer(&Breakdown {
        dimension,
        from: range.from,
        to: range.to,
        items,
        total,
        suppression_applied,
    })
}

impl CsvTable for Breakdown {
    const HEADER: &'static [&'static str] = &["key", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        self.items
            .iter()
            .map(|i| vec![i.key.clone(), csv_count(&i.cell)])
            .collect()
    }
}

/// `?interval=&dimension=` of a time series.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeseriesParams {
    /// `day` (default), `week` (ISO, from Monday) or `month`, on the UTC calendar.
    pub interval: Option<Interval>,
    /// Split each interval's count by this dimension.
    pub dimension: Option<Dimension>,
}

/// Counts per interval of `[from, to)`, optionally split by a dimension.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(TimeseriesParams, RangeParams, FormatParams),
    responses(
        (status = 200, description = "The counts", content((Timeseries = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad range, interval or dimension", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/stats/timeseries")]
pub async fn timeseries(
    state: web::Data<AppState>,
    caller: Caller,
    params: Query<TimeseriesParams>,
    range: Query<RangeParams>,
    format: Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
    // An auditor's counts are per month: the months they are published by.
    let interval = match ask.disclosure {
        Disclosure::Exact => params.interval.unwrap_or(Interval::Day),
        Disclosure::Protected => Interval::Month,
    };
    let dimension = params.dimension;
    let counted: &'static str = dimension.map_or(RECEIVED, Into::into);
    let slices = range.by_interval(interval);
    let mut per_interval: BTreeMap<chrono::NaiveDate, BTreeMap<String, i64>> = slices
        .iter()
        .map(|(start, _)| (*start, BTreeMap::new()))
        .collect();
    if interval == Interval::Month {
        // Months are read as periods, from the monthly rows of the months folded.
        let periods: Vec<DayRange> = slices.iter().map(|(_, days)| *days).collect();
        let mut totals = period_totals(&state, periods, vec![counted.to_owned()]).await?;
        let months = totals.remove(counted).unwrap_or_default();
        for ((start, _), counts) in slices.iter().zip(months) {
            per_interval.insert(*start, counts.into_iter().collect());
        }
    } else {
        let daily = state
            .db(move |conn| stats::daily_counts(conn, counted, &range))
            .await?;
        for (day, key, count) in daily {
            *per_interval
                .entry(interval.start_of(day))
                .or_default()
                .entry(key)
                .or_default() += count;
        }
    }
    let mut items = Vec::new();
    let mut suppression_applied = false;
    for (start, counts) in per_interval {
        if dimension.is_some() {
            let shown = shown(&[counts.into_iter().collect()], ask.disclosure);
            suppression_applied |= shown.suppression_applied;
            items.extend(shown.items.into_iter().map(|k| IntervalCount {
                start,
                key: Some(k.key),
                cell: k.cell,
            }));
        } else {
            let (cell, suppressed) = shown_total(&[counts.values().sum()], ask.disclosure);
            suppression_applied |= suppressed;
            items.push(IntervalCount {
                start,
                key: None,
                cell,
            });
        }
    }
    ask.answer(&Timeseries {
        interval,
        dimension,
        from: range.from,
        to: range.to,
        items,
        suppression_applied,
    })
}

impl CsvTable for Timeseries {
    const HEADER: &'static [&'static str] = &["start", "key", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        self.items
            .iter()
            .map(|i| {
                vec![
                    i.start.to_string(),
                    i.key.clone().unwrap_or_default(),
                    csv_count(&i.cell),
                ]
            })
            .collect()
    }
}

/// Time from receipt to first review and to closure, for reports received in `[from, to)`.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(RangeParams, FormatParams),
    responses(
        (status = 200, description = "Median, 90th percentile and count", content((Triage = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Bad range", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/stats/triage")]
pub async fn triage(
    state: web::Data<AppState>,
    caller: Caller,
    range: Query<RangeParams>,
    format: Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
    let periods = ask.periods();
    let (first_review, closure) = state
        .db(move |conn| {
            let per_period = |conn: &mut _, metric| {
                periods
                    .iter()
                    .map(|period| stats::triage(conn, metric, period))
                    .collect::<Result<Vec<_>, _>>()
            };
            Ok((
                per_period(conn, "first_review")?,
                per_period(conn, "closure")?,
            ))
        })
        .await?;
    // Times are taken from the periods whose count is shown, so that they say nothing of a
    // suppressed month.
    let figures = |histograms: Vec<Vec<(i32, i64)>>| {
        let counts: Vec<i64> = histograms
            .iter()
            .map(|histogram| histogram.iter().map(|(_, n)| n).sum())
            .collect();
        let mut merged: BTreeMap<i32, i64> = BTreeMap::new();
        for (histogram, count) in histograms.iter().zip(&counts) {
            if !shown_total(&[*count], ask.disclosure).1 {
                for (bucket, n) in histogram {
                    *merged.entry(*bucket).or_default() += n;
                }
            }
        }
        let merged: Vec<(i32, i64)> = merged.into_iter().collect();
        let (cell, suppressed) = shown_total(&counts, ask.disclosure);
        let hidden = cell.suppressed;
        let figures = TriageFigures {
            median_seconds: quantile(&merged, 0.5).filter(|_| !hidden),
            p90_seconds: quantile(&merged, 0.9).filter(|_| !hidden),
            cell,
        };
        (figures, suppressed)
    };
    let ((first_review, first_suppressed), (closure, closure_suppressed)) =
        (figures(first_review), figures(closure));
    let suppression_applied = first_suppressed || closure_suppressed;
    ask.answer(&Triage {
        from: range.from,
        to: range.to,
        first_review,
        closure,
        suppression_applied,
    })
}

impl CsvTable for Triage {
    const HEADER: &'static [&'static str] = &["metric", "median_seconds", "p90_seconds", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        let row = |name: &str, f: &TriageFigures| {
            let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
            vec![
                name.to_owned(),
                opt(f.median_seconds),
                opt(f.p90_seconds),
                csv_count(&f.cell),
            ]
        };
        vec![
            row("first_review", &self.first_review),
            row("closure", &self.closure),
        ]
    }
}
