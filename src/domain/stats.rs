//! Aggregate statistics: dimensions, date ranges, log-scale triage buckets, and how counts are
//! shown: exactly to analysts and supervisors, protected against singling out to auditors.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::refusal::Refusal;

use super::code_list::code_list;

code_list! {
    /// What reports can be counted by.
    Dimension {
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

impl DayRange {
    /// The range asked for, as `disclosure` allows it on `today` (UTC): any days for
    /// [`Disclosure::Exact`]; for [`Disclosure::Protected`], widened to whole calendar months
    /// and ending at the latest where the current month begins (by default, the last month that
    /// has ended).
    pub fn asked(
        params: RangeParams,
        disclosure: Disclosure,
        today: NaiveDate,
    ) -> Result<Self, Refusal> {
        let range = match disclosure {
            Disclosure::Exact => {
                let to = params.to.unwrap_or(today + Duration::days(1));
                DayRange {
                    from: params.from.unwrap_or(to - Duration::days(30)),
                    to,
                }
            }
            Disclosure::Protected => {
                let month = Interval::Month;
                let this_month = month.start_of(today);
                // The first day of the month after the last day asked for, at most this month.
                let to = params
                    .to
                    .and_then(|to| to.pred_opt())
                    .map_or(this_month, |last| month.next(month.start_of(last)))
                    .min(this_month);
                let from = params.from.map_or_else(
                    || to.checked_sub_months(chrono::Months::new(1)).unwrap_or(to),
                    |from| month.start_of(from),
                );
                if from >= to {
                    return Err(Refusal::BadParameter(format!(
                        "auditors see whole months that have ended: from must be before {to}"
                    )));
                }
                DayRange { from, to }
            }
        };
        if range.from >= range.to {
            return Err(Refusal::BadParameter("from must be before to".into()));
        }
        if (range.to - range.from).num_days() > MAX_SPAN_DAYS {
            return Err(Refusal::BadParameter(
                "a range may span at most 10 years".into(),
            ));
        }
        Ok(range)
    }

    /// The range cut where each `interval` starts: every interval that meets it, by its first
    /// day, with the days of the range inside it.
    pub fn by_interval(&self, interval: Interval) -> Vec<(NaiveDate, DayRange)> {
        let mut slices = Vec::new();
        let mut start = interval.start_of(self.from);
        while start < self.to {
            let next = interval.next(start);
            let days = DayRange {
                from: start.max(self.from),
                to: next.min(self.to),
            };
            slices.push((start, days));
            start = next;
        }
        slices
    }

    /// The spans counted separately and then added up for `disclosure`: the whole range, or
    /// (protected) each of its months.
    pub fn periods(&self, disclosure: Disclosure) -> Vec<DayRange> {
        match disclosure {
            Disclosure::Exact => vec![*self],
            Disclosure::Protected => {
                let mut months = Vec::new();
                let mut from = self.from;
                while from < self.to {
                    let to = Interval::Month.next(from);
                    months.push(DayRange { from, to });
                    from = to;
                }
                months
            }
        }
    }
}

/// The rollup key of a day.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The rollup key of the month a day is in: the first seven characters of its [`day_key`].
pub fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
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

/// How a caller is shown counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Exact counts over any days (analysts and supervisors).
    Exact,
    /// Counts that single out no small group, whatever the sequence of questions (auditors):
    /// whole months that have ended; each month's counts [`published_month`]; a figure over
    /// several months the sum of its months' published counts.
    Protected,
}

/// Protected counts are multiples of this.
pub const ROUNDING_BASE: i64 = 5;

/// `count` to the nearest multiple of [`ROUNDING_BASE`] (halves up: 5 to 7 show 5, 8 to 12
/// show 10).
pub fn rounded(count: i64) -> i64 {
    (count + ROUNDING_BASE / 2).div_euclid(ROUNDING_BASE) * ROUNDING_BASE
}

/// Which of `counts` (in a fixed order of their keys) to suppress for an auditor: every count
/// from 1 to 4 and, when there is one, also the first count of 5 or more that comes after the
/// first of them (in key order, round to the start).
///
/// That larger cell takes up what the small ones could be: one report more or fewer in a
/// small cell, and one fewer or more in it, shows the same, so no small count follows from the
/// cells shown, even with the exact total known. It is chosen by its place, not its size: a
/// choice by size (the next smallest) would say it is smaller than the cells shown, which with
/// a known total can pin a small count down.
pub fn suppressed_cells(counts: &[i64]) -> Vec<bool> {
    let mut suppressed: Vec<bool> = counts
        .iter()
        .map(|&c| (1..ROUNDING_BASE).contains(&c))
        .collect();
    let Some(first) = suppressed.iter().position(|&s| s) else {
        return suppressed;
    };
    let absorber = (1..counts.len())
        .map(|step| (first + step) % counts.len())
        .find(|&i| counts[i] >= ROUNDING_BASE);
    if let Some(absorber) = absorber {
        suppressed[absorber] = true;
    }
    suppressed
}

/// One month's counts of one dimension (its keys, or the one count of every report) as an
/// auditor sees them: `None` where [`suppressed_cells`] says, the others [`rounded`].
pub fn published_month(counts: &[i64]) -> Vec<Option<i64>> {
    counts
        .iter()
        .zip(suppressed_cells(counts))
        .map(|(&count, suppressed)| (!suppressed).then(|| rounded(count)))
        .collect()
}

/// Counts per key as a caller sees them.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Per key, largest first.
    pub items: Vec<KeyCount>,
    /// Whether any count was suppressed.
    pub suppression_applied: bool,
}

/// The counts per key of each period (as [`DayRange::periods`] gives them) as `disclosure`
/// shows them: exact sums; or each period [`published_month`] and the published counts added
/// up, a key with nothing shown but something suppressed marked suppressed.
///
/// A protected figure is thus always the sum of the figures of its months asked one by one:
/// whatever ranges an auditor asks for, the answers add nothing to the single months'.
fn shown_cells(periods: &[Vec<(String, i64)>], disclosure: Disclosure) -> Shown {
    let mut sums: std::collections::BTreeMap<&str, (i64, bool)> = Default::default();
    for counts in periods {
        // In key order, the fixed order [`suppressed_cells`] needs.
        let mut counts: Vec<&(String, i64)> = counts.iter().collect();
        counts.sort_by(|a, b| a.0.cmp(&b.0));
        let values: Vec<i64> = counts.iter().map(|(_, c)| *c).collect();
        let published = match disclosure {
            Disclosure::Exact => values.into_iter().map(Some).collect(),
            Disclosure::Protected => published_month(&values),
        };
        for ((key, _), count) in counts.into_iter().zip(published) {
            let sum = sums.entry(key).or_default();
            match count {
                Some(count) => sum.0 += count,
                None => sum.1 = true,
            }
        }
    }
    let suppression_applied = sums.values().any(|(_, suppressed)| *suppressed);
    let mut items: Vec<KeyCount> = sums
        .into_iter()
        .map(|(key, (count, suppressed))| KeyCount {
            key: key.to_owned(),
            cell: if count == 0 && suppressed {
                Cell::SUPPRESSED
            } else {
                Cell::exact(count)
            },
        })
        .collect();
    items.sort_by(|a, b| {
        b.cell
            .count
            .cmp(&a.cell.count)
            .then_with(|| a.key.cmp(&b.key))
    });
    Shown {
        items,
        suppression_applied,
    }
}

/// The counts per key of each period as `disclosure` shows them ([`shown_cells`]), leaving out
/// the suppressed keys: a key an auditor is shown has at least 5 reports in some month, and
/// one left out may have none (its key, perhaps a submitter's free text, never shows).
pub fn shown(periods: &[Vec<(String, i64)>], disclosure: Disclosure) -> Shown {
    let mut shown = shown_cells(periods, disclosure);
    shown.items.retain(|item| !item.cell.suppressed);
    shown
}

/// The one count of each period (every report, or a triage measure) as `disclosure` shows it
/// (`null` with `suppressed: true` when an auditor's months show nothing but some are
/// suppressed), and whether any period was suppressed.
pub fn shown_total(periods: &[i64], disclosure: Disclosure) -> (Cell, bool) {
    let periods: Vec<Vec<(String, i64)>> = periods
        .iter()
        .map(|count| vec![(String::new(), *count)])
        .collect();
    let mut shown = shown_cells(&periods, disclosure);
    let cell = shown.items.pop().map_or(Cell::exact(0), |item| item.cell);
    (cell, shown.suppression_applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_and_a_complement_are_suppressed() {
        assert_eq!(suppressed_cells(&[10, 20, 30]), [false, false, false]);
        // Small cells could be recovered from the total: the next larger one goes too.
        assert_eq!(suppressed_cells(&[30, 3, 20]), [false, true, true]);
        assert_eq!(suppressed_cells(&[20, 30, 3]), [true, false, true]);
        assert_eq!(suppressed_cells(&[1, 2, 40, 30]), [true, true, true, false]);
        assert_eq!(suppressed_cells(&[4, 4, 0]), [true, true, false]);
        assert_eq!(
            suppressed_cells(&[0, 4]),
            [false, true],
            "a lone cell: all that can be done"
        );
        assert_eq!(published_month(&[3, 22, 38]), [None, None, Some(40)]);
        assert_eq!(rounded(7), 5);
        assert_eq!(rounded(8), 10);
    }

    /// Every way of sharing `total` reports among `cells` keys.
    fn shares(total: i64, cells: usize) -> Vec<Vec<i64>> {
        if cells == 1 {
            return vec![vec![total]];
        }
        (0..=total)
            .flat_map(|first| {
                shares(total - first, cells - 1)
                    .into_iter()
                    .map(move |mut rest| {
                        rest.insert(0, first);
                        rest
                    })
            })
            .collect()
    }

    /// For every month of up to four keys and up to 40 reports: whoever sees the month's
    /// published total and its published cells (suppressed and empty keys alike left out)
    /// cannot tell any suppressed count, for another month shown the same has a different
    /// count there.
    #[test]
    fn no_suppressed_count_follows_from_the_rest_of_its_month() {
        for cells in 2..=4 {
            let mut seen: std::collections::HashMap<_, Vec<Vec<i64>>> = Default::default();
            for total in 0..=40 {
                for counts in shares(total, cells) {
                    let published: Vec<Option<i64>> = published_month(&counts)
                        .into_iter()
                        .map(|p| p.filter(|c| *c > 0))
                        .collect();
                    let total = published_month(&[total])[0];
                    seen.entry((total, published)).or_default().push(counts);
                }
            }
            for months in seen.values() {
                for counts in months {
                    let published = published_month(counts);
                    for (i, _) in published.iter().enumerate().filter(|(_, p)| p.is_none()) {
                        assert!(
                            months.iter().any(|other| other[i] != counts[i]),
                            "{counts:?}: cell {i} follows from {months:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_protected_figure_is_the_sum_of_its_months() {
        let month = |counts: &[(&str, i64)]| -> Vec<(String, i64)> {
            counts.iter().map(|(k, c)| (k.to_string(), *c)).collect()
        };
        let months = [
            month(&[("Chat", 149), ("=HYPERLINK(1)", 3), ("Video", 9)]),
            month(&[("Chat", 4), ("Video", 20), ("Mail", 30)]),
        ];
        let both = shown(&months, Disclosure::Protected);
        assert!(both.suppression_applied);
        let items: Vec<(&str, Option<i64>)> = both
            .items
            .iter()
            .map(|i| (i.key.as_str(), i.cell.count))
            .collect();
        // In key order each small count takes the next larger cell with it (the 3 Chat's 149,
        // the 4 Mail's 30); keys with nothing shown are left out.
        assert_eq!(items, [("Video", Some(30))]);
        assert_eq!(
            shown_total(&[149, 4], Disclosure::Protected),
            (Cell::exact(150), true)
        );
        assert_eq!(
            shown_total(&[3, 4], Disclosure::Protected),
            (Cell::SUPPRESSED, true)
        );
        assert_eq!(
            shown_total(&[0, 0], Disclosure::Protected),
            (Cell::exact(0), false)
        );
        assert_eq!(
            shown_total(&[153, 4], Disclosure::Exact),
            (Cell::exact(157), false)
        );
        let exact = shown(&months, Disclosure::Exact);
        assert!(!exact.suppression_applied);
        assert_eq!(exact.items[0].cell, Cell::exact(153));
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
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let ask = |from: &str, to: &str, disclosure| {
            let day = |s: &str| (!s.is_empty()).then(|| s.parse::<NaiveDate>().unwrap());
            DayRange::asked(
                RangeParams {
                    from: day(from),
                    to: day(to),
                },
                disclosure,
                today,
            )
            .map(|r| (r.from.to_string(), r.to.to_string()))
            .ok()
        };
        assert!(ask("2026-01-02", "2026-01-01", Disclosure::Exact).is_none());
        assert!(ask("2000-01-01", "2026-01-01", Disclosure::Exact).is_none());
        assert!(ask("2025-01-01", "2026-01-01", Disclosure::Exact).is_some());
        let months = |from: &str, to: &str| Some((from.to_owned(), to.to_owned()));
        assert_eq!(
            ask("2026-01-10", "2026-03-10", Disclosure::Protected),
            months("2026-01-01", "2026-04-01"),
            "widened to whole months"
        );
        assert_eq!(
            ask("2026-01-01", "2026-03-01", Disclosure::Protected),
            months("2026-01-01", "2026-03-01")
        );
        assert_eq!(
            ask("2026-10-15", "2027-06-01", Disclosure::Protected),
            months("2026-10-01", "2026-12-01"),
            "months that have ended"
        );
        assert_eq!(
            ask("", "", Disclosure::Protected),
            months("2026-11-01", "2026-12-01"),
            "the last month by default"
        );
        assert!(ask("2026-12-01", "", Disclosure::Protected).is_none());
        let range = DayRange {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        };
        assert_eq!(range.periods(Disclosure::Protected).len(), 3);
        assert_eq!(range.periods(Disclosure::Exact), [range]);
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

impl Cell {
    /// A count hidden from an auditor.
    pub const SUPPRESSED: Cell = Cell {
        count: None,
        suppressed: true,
    };

    /// A count as it is.
    pub fn exact(count: i64) -> Cell {
        Cell {
            count: Some(count),
            suppressed: false,
        }
    }
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
