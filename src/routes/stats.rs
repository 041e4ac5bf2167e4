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

/// An answer that can also be written as CSV: a header line, then rows.
trait Table {
    /// The CSV header.
    const HEADER: &'static [&'static str];
    /// The CSV rows.
    fn rows(&self) -> Vec<Vec<String>>;
}

/// What every statistics request shares: the range checked, whether counts are suppressed (for
/// auditors), and the format asked for.
struct Ask {
    range: DayRange,
    suppress: bool,
    format: StatsFormat,
}

impl Ask {
    fn new(caller: &Caller, range: RangeParams, format: FormatParams) -> Result<Self, ApiError> {
        Ok(Ask {
            range: DayRange::try_from(range)?,
            suppress: caller.member.role == Role::Auditor,
            format: format.format.unwrap_or_default(),
        })
    }

    /// Answers `body` as JSON, or as CSV.
    fn answer<T: Serialize + Table>(&self, body: &T) -> Result<HttpResponse, ApiError> {
        if matches!(self.format, StatsFormat::Json) {
            return Ok(HttpResponse::Ok().json(body));
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        let internal = |e: csv::Error| ApiError::Internal(e.into());
        writer.write_record(T::HEADER).map_err(internal)?;
        for row in body.rows() {
            writer.write_record(&row).map_err(internal)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(bytes))
    }
}

fn shown(cell: &Cell) -> String {
    cell.count.map_or(String::new(), |c| c.to_string())
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
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
    let mut totals = state
        .db(move |conn| {
            let dimensions = [Dimension::Status, Dimension::Severity, Dimension::Category];
            let mut counted = vec![RECEIVED];
            counted.extend(dimensions.iter().map(|d| d.as_ref()));
            stats::totals(conn, &counted, &range)
        })
        .await?;
    let mut section = |dimension: &str| -> BTreeMap<String, Cell> {
        keyed(totals.remove(dimension).unwrap_or_default(), ask.suppress)
            .into_iter()
            .map(|k| (k.key, k.cell))
            .collect()
    };
    let received = section(RECEIVED)
        .remove("")
        .unwrap_or(cells(&[0], ask.suppress)[0]);
    let by_status = section(Dimension::Status.as_ref());
    let by_severity = section(Dimension::Severity.as_ref());
    let by_category = section(Dimension::Category.as_ref());
    let suppression_applied = received.suppressed
        || [&by_status, &by_severity, &by_category]
            .iter()
            .any(|m| m.values().any(|c| c.suppressed));
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

impl Table for Summary {
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
            shown(&self.received),
        ])
        .chain(sections.into_iter().flat_map(|(name, map)| {
            map.iter()
                .map(move |(k, c)| vec![name.to_owned(), k.clone(), shown(c)])
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
    params: web::Query<BreakdownParams>,
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let (range, dimension) = (ask.range, params.dimension);
    let mut totals = state
        .db(move |conn| stats::totals(conn, &[RECEIVED, dimension.as_ref()], &range))
        .await?;
    let total: i64 = totals
        .remove(RECEIVED)
        .unwrap_or_default()
        .iter()
        .map(|(_, c)| c)
        .sum();
    let items = keyed(
        totals.remove(dimension.as_ref()).unwrap_or_default(),
        ask.suppress,
    );
    let total = cells(&[total], ask.suppress)[0];
    let suppression_applied = total.suppressed || items.iter().any(|i| i.cell.suppressed);
    ask.answer(&Breakdown {
        dimension,
        from: range.from,
        to: range.to,
        items,
        total,
        suppression_applied,
    })
}

impl Table for Breakdown {
    const HEADER: &'static [&'static str] = &["key", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        self.items
            .iter()
            .map(|i| vec![i.key.clone(), shown(&i.cell)])
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
    params: web::Query<TimeseriesParams>,
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
    let interval = params.interval.unwrap_or(Interval::Day);
    let dimension = params.dimension;
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
        for key_count in keyed(counts, ask.suppress) {
            let key = dimension.is_some().then_some(key_count.key);
            items.push(IntervalCount {
                start,
                key,
                cell: key_count.cell,
            });
        }
    }
    let suppression_applied = items.iter().any(|i| i.cell.suppressed);
    ask.answer(&Timeseries {
        interval,
        dimension,
        from: range.from,
        to: range.to,
        items,
        suppression_applied,
    })
}

impl Table for Timeseries {
    const HEADER: &'static [&'static str] = &["start", "key", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        self.items
            .iter()
            .map(|i| {
                vec![
                    i.start.to_string(),
                    i.key.clone().unwrap_or_default(),
                    shown(&i.cell),
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
    range: web::Query<RangeParams>,
    format: web::Query<FormatParams>,
) -> Result<HttpResponse, ApiError> {
    let ask = Ask::new(&caller, range.into_inner(), format.into_inner())?;
    let range = ask.range;
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
        let cell = cells(&[count], ask.suppress)[0];
        let hidden = cell.suppressed;
        TriageFigures {
            median_seconds: quantile(&histogram, 0.5).filter(|_| !hidden),
            p90_seconds: quantile(&histogram, 0.9).filter(|_| !hidden),
            cell,
        }
    };
    let (first_review, closure) = (figures(first_review), figures(closure));
    let suppression_applied = first_review.cell.suppressed || closure.cell.suppressed;
    ask.answer(&Triage {
        from: range.from,
        to: range.to,
        first_review,
        closure,
        suppression_applied,
    })
}

impl Table for Triage {
    const HEADER: &'static [&'static str] = &["metric", "median_seconds", "p90_seconds", "count"];

    fn rows(&self) -> Vec<Vec<String>> {
        let row = |name: &str, f: &TriageFigures| {
            let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
            vec![
                name.to_owned(),
                opt(f.median_seconds),
                opt(f.p90_seconds),
                shown(&f.cell),
            ]
        };
        vec![
            row("first_review", &self.first_review),
            row("closure", &self.closure),
        ]
    }
}
