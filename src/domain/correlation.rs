//! What analysts see of correlation: the reports related to a report and the indicators they
//! share, the counts per kind, and the search of one indicator across all reports.
//!
//! Live reports are matched with live reports of every organization; a test-mode report only
//! with test-mode reports of its own organization.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator;
use utoipa::{IntoParams, ToSchema};

use super::indicators::IndicatorKind;
use super::organization::CredentialMode;

/// How an indicator matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The same normalized value.
    Exact,
    /// A PDQ hash within 31 bits (`distance` says how many differ; 0 is the same image hash).
    Near,
}

impl MatchKind {
    /// `near` when there is a PDQ distance, else `exact`.
    pub fn of(distance: Option<u32>) -> MatchKind {
        match distance {
            None => MatchKind::Exact,
            Some(_) => MatchKind::Near,
        }
    }
}

/// One indicator two reports share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct IndicatorMatch {
    /// What kind of value.
    pub kind: IndicatorKind,
    /// `exact`, or `near` for PDQ hashes.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// For `near`: how many bits of the two PDQ hashes differ (0 to 31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<u32>,
    /// Where the value appears in the report asked about: a JSON Pointer into its body, or
    /// `/amendments/{number}/…` into the amendment that added it.
    pub pointer: String,
    /// Where it appears in the related report.
    pub other_pointer: String,
}

impl IndicatorMatch {
    /// The order of a report's matches, and of the strength of two: exact before near, nearer
    /// before farther.
    fn rank(&self) -> (MatchKind, u32) {
        (self.how, self.distance.unwrap_or(0))
    }
}

/// `?limit=` of the related reports.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedParams {
    /// How many of the strongest to answer, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Orders related reports by strength: the number of shared indicators, then the number of
/// exact ones, then the nearest PDQ match, then the newest; each report's matches exact first,
/// nearest first.
pub fn strongest_first(related: &mut [(String, Vec<IndicatorMatch>)]) {
    for (_, matches) in related.iter_mut() {
        matches.sort_by_key(IndicatorMatch::rank);
    }
    related.sort_by_cached_key(|(id, matches)| {
        let exact = matches.iter().filter(|m| m.how == MatchKind::Exact).count();
        let nearest = matches.iter().filter_map(|m| m.distance).min();
        (
            Reverse(matches.len()),
            Reverse(exact),
            nearest,
            Reverse(id.clone()),
        )
    });
}

/// How many other reports share an indicator with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RelatedCounts {
    /// Other reports sharing at least one indicator.
    pub reports: usize,
    /// For each kind, how many other reports share an indicator of that kind.
    pub by_kind: BTreeMap<IndicatorKind, usize>,
}

impl RelatedCounts {
    /// The counts of the matches `(other report, kind)`, every kind listed.
    pub fn of<'a>(matches: impl IntoIterator<Item = (&'a str, IndicatorKind)>) -> Self {
        let mut pairs: Vec<_> = matches.into_iter().collect();
        pairs.sort();
        pairs.dedup();
        let mut reports: Vec<&str> = pairs.iter().map(|(id, _)| *id).collect();
        reports.dedup();
        let mut by_kind: BTreeMap<_, _> = IndicatorKind::iter().map(|k| (k, 0)).collect();
        for (_, kind) in &pairs {
            *by_kind.entry(*kind).or_default() += 1;
        }
        RelatedCounts {
            reports: reports.len(),
            by_kind,
        }
    }
}

/// The search of one indicator: `?type=&value=` (and `service=` for an account).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorSearch {
    /// What kind of value to look for.
    #[serde(rename = "type")]
    pub kind: IndicatorKind,
    /// The value, written as in a report: it is normalized the same way (a phone number in any
    /// format, a handle with or without `@`, a URL with tracking parameters, a hash in either
    /// case). A PDQ hash finds the hashes within 31 bits.
    pub value: String,
    /// For `type=account`: the service the account is on.
    pub service: Option<String>,
    /// `live` (default) or `test` reports.
    pub mode: Option<CredentialMode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(how: MatchKind, distance: Option<u32>) -> IndicatorMatch {
        IndicatorMatch {
            kind: if how == MatchKind::Exact {
                IndicatorKind::Phone
            } else {
                IndicatorKind::Pdq
            },
            how,
            distance,
            pointer: String::new(),
            other_pointer: String::new(),
        }
    }

    #[test]
    fn more_matches_then_more_exact_ones_then_nearer_then_newer_come_first() {
        let exact = || matched(MatchKind::Exact, None);
        let near = |d| matched(MatchKind::Near, Some(d));
        let mut related = vec![
            ("a".to_owned(), vec![near(3)]),
            ("b".to_owned(), vec![near(30), exact()]),
            ("c".to_owned(), vec![exact()]),
            ("d".to_owned(), vec![near(1), near(0)]),
            ("e".to_owned(), vec![near(3)]),
            ("f".to_owned(), vec![near(2)]),
        ];
        strongest_first(&mut related);
        let order: Vec<&str> = related.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(order, ["b", "d", "c", "f", "e", "a"]);
        assert_eq!(related[0].1[0].how, MatchKind::Exact, "exact first");
        assert_eq!(related[1].1[0].distance, Some(0), "nearest first");
    }

    #[test]
    fn counts_list_every_kind_and_count_each_report_once_per_kind() {
        use IndicatorKind::*;
        let counts = RelatedCounts::of([("a", Phone), ("a", Phone), ("a", Url), ("b", Phone)]);
        assert_eq!(counts.reports, 2);
        assert_eq!(counts.by_kind[&Phone], 2);
        assert_eq!(counts.by_kind[&Url], 1);
        assert_eq!(counts.by_kind[&Pdq], 0);
        assert_eq!(counts.by_kind.len(), IndicatorKind::iter().count());
    }
}
