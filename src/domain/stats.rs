//! Aggregate statistics: dimensions, date ranges, log-scale triage buckets, and the suppression
//! of small counts shown to auditors.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// What reports can be counted by.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    strum::AsRefStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Dimension {
    /// The report's category.
    Category,
    /// The report's severity.
    Severity,
    /// The report's current status.
    Status,
    /// Each suspected group named (a report may count under several).
    Group,
    /// The submitting organization.
    Organization,
    /// The service the activity was seen on.
    Service,
    /// Each country of the report's locations.
    Country,
    /// Each indicator observed.
    Indicator,
}

/// The rollup row that counts every report once.
pub const RECEIVED: &str = "received";

/// The longest range a statistics request may span.
const MAX_SPAN_DAYS: i64 = 3653;

/// `?from=&to=`: whole UTC days, half-open.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// First day counted (UTC, `YYYY-MM-DD`); default 30 days before `to`.
    pub from: Option<NaiveDate>,
    /// First day not counted (UTC, `YYYY-MM-DD`); default tomorrow.
    pub to: Option<NaiveDate>,
}

/// A validated range of days `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayRange {
    /// First day counted.
    pub from: NaiveDate,
    /// First day not counted.
    pub to: NaiveDate,
}

impl TryFrom<RangeParams> for DayRange {
    type Error = ApiError;

    fn try_from(params: RangeParams) -> Result<Self, ApiError> {
        let to = params
            .to
            .unwrap_or_else(|| Utc::now().date_naive() + Duration::days(1));
        let from = params.from.unwrap_or(to - Duration::days(30));
        if from >= to {
            return Err(ApiError::BadRequest("from must be before to".into()));
        }
        if (to - from).num_days() > MAX_SPAN_DAYS {
            return Err(ApiError::BadRequest(
                "a range may span at most 10 years".into(),
            ));
        }
        Ok(DayRange { from, to })
    }
}

/// The rollup key of a day.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Time-series intervals, on the UTC calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Calendar days.
    Day,
    /// ISO weeks, starting on Monday.
    Week,
    /// Calendar months.
    Month,
}

impl Interval {
    /// The first day of the interval that contains `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => day,
            Interval::Week => day - Duration::days(day.weekday().num_days_from_monday() as i64),
            Interval::Month => day.with_day(1).expect("every month has a first day"),
        }
    }

    /// The first day of the next interval after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => start + Duration::days(1),
            Interval::Week => start + Duration::days(7),
            Interval::Month => start
                .checked_add_months(chrono::Months::new(1))
                .expect("dates stay in range"),
        }
    }
}

/// Triage histogram buckets per doubling of time: bucket `b` holds durations in
/// `[2^(b/4), 2^((b+1)/4))` seconds, so a bucket is about 19% wide.
const BUCKETS_PER_DOUBLING: f64 = 4.0;

/// The histogram bucket of a duration in seconds.
pub fn bucket_of(seconds: i64) -> i32 {
    ((seconds.max(1) as f64).log2() * BUCKETS_PER_DOUBLING).floor() as i32
}

/// The duration a bucket stands for: its geometric middle, in whole seconds.
pub fn bucket_value(bucket: i32) -> i64 {
    2f64.powf((bucket as f64 + 0.5) / BUCKETS_PER_DOUBLING)
        .round() as i64
}

/// The value at quantile `q` (0..1) of a histogram of `(bucket, count)` sorted by bucket.
pub fn quantile(histogram: &[(i32, i64)], q: f64) -> Option<i64> {
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).max(1);
    let mut seen = 0;
    histogram
        .iter()
        .find(|(_, n)| {
            seen += n;
            seen >= rank
        })
        .map(|(bucket, _)| bucket_value(*bucket))
}

/// Counts from 1 to this are never shown to auditors.
pub const SMALLEST_SHOWN: i64 = 5;

/// Which of `counts` to suppress for an auditor: every count from 1 to 4, and, when any is
/// suppressed, further small cells until at least two are suppressed and together they
/// hold at least 5 — so that no suppressed cell can be recovered by subtracting the others
/// from a total.
pub fn suppressed_cells(counts: &[i64]) -> Vec<bool> {
    let mut suppressed: Vec<bool> = counts
        .iter()
        .map(|&c| (1..SMALLEST_SHOWN).contains(&c))
        .collect();
    if !suppressed.contains(&true) {
        return suppressed;
    }
    let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
    order.sort_by_key(|&i| counts[i]);
    for i in order {
        let hidden: Vec<i64> = (0..counts.len())
            .filter(|&j| suppressed[j])
            .map(|j| counts[j])
            .collect();
        if hidden.len() >= 2 && hidden.iter().sum::<i64>() >= SMALLEST_SHOWN {
            break;
        }
        suppressed[i] = true;
    }
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_and_a_complement_are_suppressed() {
        assert_eq!(suppressed_cells(&[10, 20, 30]), [false, false, false]);
        // One small cell alone could be recovered from the total: the next smallest goes too.
        assert_eq!(suppressed_cells(&[3, 20, 30]), [true, true, false]);
        // Two small cells that together hold fewer than 5 pull in a third.
        assert_eq!(suppressed_cells(&[1, 2, 40, 30]), [true, true, false, true]);
        assert_eq!(suppressed_cells(&[2, 3, 40]), [true, true, false]);
        assert_eq!(
            suppressed_cells(&[0, 4]),
            [false, true],
            "a lone cell: all that can be done"
        );
    }

    #[test]
    fn quantiles_land_within_one_bucket_of_the_exact_value() {
        let durations: Vec<i64> = (1..=1000).map(|i| i * 37).collect();
        let mut histogram = std::collections::BTreeMap::new();
        for d in &durations {
            *histogram.entry(bucket_of(*d)).or_insert(0) += 1;
        }
        let histogram: Vec<(i32, i64)> = histogram.into_iter().collect();
        for (q, exact) in [(0.5, durations[499]), (0.9, durations[899])] {
            let estimate = quantile(&histogram, q).unwrap();
            assert!(
                (bucket_of(estimate) - bucket_of(exact)).abs() <= 1,
                "q={q}: {estimate} vs {exact}"
            );
        }
    }

    #[test]
    fn intervals_follow_the_utc_calendar() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(
            Interval::Week.start_of(day),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(
            Interval::Month.start_of(day),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(
            Interval::Month.next(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn ranges_are_checked() {
        let day = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert!(
            DayRange::try_from(RangeParams {
                from: day("2026-01-02"),
                to: day("2026-01-01")
            })
            .is_err()
        );
        assert!(
            DayRange::try_from(RangeParams {
                from: day("2000-01-01"),
                to: day("2026-01-01")
            })
            .is_err()
        );
        assert!(
            DayRange::try_from(RangeParams {
                from: day("2025-01-01"),
                to: day("2026-01-01")
            })
            .is_ok()
        );
    }
}

/// A count as shown: `null` with `suppressed: true` when hidden from an auditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Cell {
    /// The count, or `null` when suppressed.
    pub count: Option<i64>,
    /// Whether the count is hidden because it is small (or could reveal a small one).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// Shows `counts` as cells, suppressing (when `suppress`) as [`suppressed_cells`] says.
pub fn cells(counts: &[i64], suppress: bool) -> Vec<Cell> {
    let hidden = if suppress {
        suppressed_cells(counts)
    } else {
        vec![false; counts.len()]
    };
    counts
        .iter()
        .zip(hidden)
        .map(|(&count, hidden)| Cell {
            count: (!hidden).then_some(count),
            suppressed: hidden,
        })
        .collect()
}

/// `GET /stats/summary`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Summary {
    /// First day counted.
    pub from: NaiveDate,
    /// First day not counted.
    pub to: NaiveDate,
    /// Reports received.
    pub received: Cell,
    /// Reports by current status.
    pub by_status: std::collections::BTreeMap<String, Cell>,
    /// Reports by severity.
    pub by_severity: std::collections::BTreeMap<String, Cell>,
    /// Reports by category.
    pub by_category: std::collections::BTreeMap<String, Cell>,
    /// Whether any count was suppressed.
    pub suppression_applied: bool,
}

/// One key of a breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyCount {
    /// The dimension's value, e.g. `recruitment`, `MX`, an organization id.
    pub key: String,
    /// Its count.
    #[serde(flatten)]
    pub cell: Cell,
}

/// `GET /stats/breakdown`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Breakdown {
    /// What was counted by.
    pub dimension: Dimension,
    /// First day counted.
    pub from: NaiveDate,
    /// First day not counted.
    pub to: NaiveDate,
    /// Counts per key, largest first.
    pub items: Vec<KeyCount>,
    /// Reports received in the range (a report may count under several keys of `group`,
    /// `country` and `indicator`).
    pub total: Cell,
    /// Whether any count was suppressed.
    pub suppression_applied: bool,
}

/// One interval of a time series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntervalCount {
    /// The interval's first day.
    pub start: NaiveDate,
    /// The dimension's value, when split by a dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Its count.
    #[serde(flatten)]
    pub cell: Cell,
}

/// `GET /stats/timeseries`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeseries {
    /// `day`, `week` or `month`.
    pub interval: Interval,
    /// The dimension the counts are split by, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Dimension>,
    /// First day counted.
    pub from: NaiveDate,
    /// First day not counted.
    pub to: NaiveDate,
    /// Counts per interval (and key), in time order; intervals without reports count 0.
    pub items: Vec<IntervalCount>,
    /// Whether any count was suppressed.
    pub suppression_applied: bool,
}

/// Median and 90th percentile of one triage time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TriageFigures {
    /// Median, in seconds (within one histogram bucket, about 19%, of the exact value).
    pub median_seconds: Option<i64>,
    /// 90th percentile, in seconds.
    pub p90_seconds: Option<i64>,
    /// How many reports were measured.
    #[serde(flatten)]
    pub cell: Cell,
}

/// `GET /stats/triage`: time from receipt to first review and to closure, for reports
/// received in the range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Triage {
    /// First day counted.
    pub from: NaiveDate,
    /// First day not counted.
    pub to: NaiveDate,
    /// Receipt to first review.
    pub first_review: TriageFigures,
    /// Receipt to first closure.
    pub closure: TriageFigures,
    /// Whether any count was suppressed.
    pub suppression_applied: bool,
}
