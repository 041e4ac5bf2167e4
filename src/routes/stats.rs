//! Statistics endpoints for auditors, analysts and supervisors, read from the rollups only.
//! For auditors, counts from 1 to 4 (and any count that would reveal one) are suppressed.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::{Staff, StatsReaders};
use crate::domain::stats::{
    Breakdown, Cell, DayRange, Dimension, Interval, IntervalCount, KeyCount, RECEIVED, RangeParams,
    Summary, Timeseries, Triage, TriageFigures, cells, quantile,
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

/// Answers `body` as JSON, or `rows` (after `header`) as CSV.
fn answer<T: Serialize>(
    format: Option<StatsFormat>,
    body: &T,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<HttpResponse, ApiError> {
    if !matches!(format, Some(StatsFormat::Csv)) {
        return Ok(HttpResponse::Ok().json(body));
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.into());
    writer.write_record(header).map_err(internal)?;
    for row in rows {
        writer.write_record(&row).map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(bytes))
}

fn shown(cell: &Cell) -> String {
    cell.count.map_or(String::new(), |c| c.to_string())
}

/// Whether `caller`'s answers are suppressed.
fn suppresses(caller: &Caller) -> bool {
    caller.member.role == Role::Auditor
}

/// `keys` and their counts as cells.
fn keyed(counts: Vec<(String, i64)>, suppress: bool) -> Vec<KeyCount> {
    let values: Vec<i64> = counts.iter().map(|(_, c)| *c).collect();
    counts
        .into_iter()
        .zip(cells(&values, suppress))
        .map(|((key, _), cell)| KeyCount { key, cell })
        .collect()
}

fn total_of(counts: &[(String, i64)]) -> i64 {
    counts.iter().map(|(_, c)| c).sum()
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
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let range = DayRange::try_from(range.into_inner())?;
    let suppress = suppresses(&caller);
    let (received, groups) = state
        .db(move |conn| {
            let received = total_of(&stats::totals(conn, RECEIVED, &range)?);
            let mut groups = Vec::new();
            for dimension in [Dimension::Status, Dimension::Severity, Dimension::Category] {
                groups.push(stats::totals(conn, dimension.as_ref(), &range)?);
            }
            Ok((received, groups))
        })
        .await?;
    let received = cells(&[received], suppress)[0];
    let mut maps: Vec<BTreeMap<String, Cell>> = groups
        .into_iter()
        .map(|g| {
            keyed(g, suppress)
                .into_iter()
                .map(|k| (k.key, k.cell))
                .collect()
        })
        .collect();
    let by_category = maps.pop().unwrap_or_default();
    let by_severity = maps.pop().unwrap_or_default();
    let by_status = maps.pop().unwrap_or_default();
    let suppression_applied = received.suppressed
        || [&by_status, &by_severity, &by_category]
            .iter()
            .any(|m| m.values().any(|c| c.suppressed));
    let body = Summary {
        from: range.from,
        to: range.to,
        received,
        by_status,
        by_severity,
        by_category,
        suppression_applied,
    };
    let sections = [
        ("status", &body.by_status),
        ("severity", &body.by_severity),
        ("category", &body.by_category),
    ];
    let rows = std::iter::once(vec![
        "received".to_owned(),
        String::new(),
        shown(&body.received),
    ])
    .chain(sections.into_iter().flat_map(|(name, map)| {
        map.iter()
            .map(move |(k, c)| vec![name.to_owned(), k.clone(), shown(c)])
    }));
    answer(format.format, &body, &["section", "key", "count"], rows)
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
    params: web::Query<BreakdownParams>,
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let range = DayRange::try_from(range.into_inner())?;
    let dimension = params.dimension;
    let suppress = suppresses(&caller);
    let (total, counts) = state
        .db(move |conn| {
            let total = total_of(&stats::totals(conn, RECEIVED, &range)?);
            Ok((total, stats::totals(conn, dimension.as_ref(), &range)?))
        })
        .await?;
    let items = keyed(counts, suppress);
    let total = cells(&[total], suppress)[0];
    let suppression_applied = total.suppressed || items.iter().any(|i| i.cell.suppressed);
    let body = Breakdown {
        dimension,
        from: range.from,
        to: range.to,
        items,
        total,
        suppression_applied,
    };
    let rows = body
        .items
        .iter()
        .map(|i| vec![i.key.clone(), shown(&i.cell)]);
    answer(format.format, &body, &["key", "count"], rows)
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
    params: web::Query<TimeseriesParams>,
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let range = DayRange::try_from(range.into_inner())?;
    let interval = params.interval.unwrap_or(Interval::Day);
    let dimension = params.dimension;
    let suppress = suppresses(&caller);
    let daily = state
        .db(move |conn| {
            let counted = dimension.as_ref().map_or(RECEIVED, |d| d.as_ref());
            stats::daily_counts(conn, counted, &range)
        })
        .await?;
    let mut per_interval: BTreeMap<chrono::NaiveDate, BTreeMap<String, i64>> = BTreeMap::new();
    let mut start = interval.start_of(range.from);
    while start < range.to {
        per_interval.insert(start, BTreeMap::new());
        start = interval.next(start);
    }
    for (day, key, count) in daily {
        *per_interval
            .entry(interval.start_of(day))
            .or_default()
            .entry(key)
            .or_default() += count;
    }
    let mut items = Vec::new();
    for (start, counts) in per_interval {
        let counts: Vec<(String, i64)> = if dimension.is_some() {
            counts.into_iter().collect()
        } else {
            vec![(String::new(), counts.values().sum())]
        };
        for key_count in keyed(counts, suppress) {
            let key = dimension.is_some().then_some(key_count.key);
            items.push(IntervalCount {
                start,
                key,
                cell: key_count.cell,
            });
        }
    }
    let suppression_applied = items.iter().any(|i| i.cell.suppressed);
    let body = Timeseries {
        interval,
        dimension,
        from: range.from,
        to: range.to,
        items,
        suppression_applied,
    };
    let rows = body.items.iter().map(|i| {
        vec![
            i.start.to_string(),
            i.key.clone().unwrap_or_default(),
            shown(&i.cell),
        ]
    });
    answer(format.format, &body, &["start", "key", "count"], rows)
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
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let range = DayRange::try_from(range.into_inner())?;
    let suppress = suppresses(&caller);
    let (first_review, closure) = state
        .db(move |conn| {
            Ok((
                stats::triage(conn, "first_review", &range)?,
                stats::triage(conn, "closure", &range)?,
            ))
        })
        .await?;
    let figures = |histogram: Vec<(i32, i64)>| {
        let count = histogram.iter().map(|(_, n)| n).sum::<i64>();
        let cell = cells(&[count], suppress)[0];
        let hidden = cell.suppressed;
        TriageFigures {
            median_seconds: quantile(&histogram, 0.5).filter(|_| !hidden),
            p90_seconds: quantile(&histogram, 0.9).filter(|_| !hidden),
            cell,
        }
    };
    let (first_review, closure) = (figures(first_review), figures(closure));
    let suppression_applied = first_review.cell.suppressed || closure.cell.suppressed;
    let body = Triage {
        from: range.from,
        to: range.to,
        first_review,
        closure,
        suppression_applied,
    };
    let row = |name: &str, f: &TriageFigures| {
        let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
        vec![
            name.to_owned(),
            opt(f.median_seconds),
            opt(f.p90_seconds),
            shown(&f.cell),
        ]
    };
    let rows = [
        row("first_review", &body.first_review),
        row("closure", &body.closure),
    ]
    .into_iter();
    answer(
        format.format,
        &body,
        &["metric", "median_seconds", "p90_seconds", "count"],
        rows,
    )
}
