//! What analysts read of correlation: the reports related to one report with the indicators
//! they share, and the reports where one indicator appears, each a review list line (read by
//! `store::summaries`) joined with the matches the correlation index found.

use serde::Serialize;
use utoipa::ToSchema;

use super::review::ReviewSummary;
use crate::domain::correlation::{IndicatorMatch, MatchKind};
use crate::domain::indicators::IndicatorKind;

/// Another report sharing indicators with the one asked about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedReport {
    /// The related report's line in the review list.
    #[serde(flatten)]
    pub report: ReviewSummary,
    /// The shared indicators, exact before near.
    pub matches: Vec<IndicatorMatch>,
}

/// The reports related to one report, strongest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedReports {
    /// The strongest `limit`: most shared indicators first, then most exact ones, then the
    /// nearest PDQ match, then the newest.
    pub items: Vec<RelatedReport>,
    /// How many related reports there are in all.
    pub total: usize,
    /// The report's common values: each in more reports than `correlation_common_threshold`,
    /// so not matched report by report (and not in `items` or `total`); the indicator search
    /// still finds the reports holding one.
    pub common: Vec<CommonValue>,
}

/// A value of the report shared by so many reports that it is common ("common, N reports"), as
/// MISP treats over-correlating values.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommonValue {
    /// What kind of value.
    pub kind: IndicatorKind,
    /// Where it appears in the report asked about.
    pub pointer: String,
    /// How many reports hold it (this one included; all modes).
    pub reports: usize,
}

/// A report in which a searched indicator appears.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorHit {
    /// The report's line in the review list.
    #[serde(flatten)]
    pub report: ReviewSummary,
    /// `exact`, or `near` for a PDQ hash.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// For `near`: how many bits differ from the searched hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<u32>,
    /// Where the value appears in the report: a JSON Pointer into its body, or
    /// `/amendments/{number}/…` into the amendment that added it.
    pub pointer: String,
}
