//! Outcome feedback: what DHS tells a platform about a closed report (whether it was actionable,
//! and a coded reason), and the organization's own figures with advice on what to improve.
//! Never whether or where a report was referred.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::code_list::code_list;

code_list! {
    /// Why a report was not actionable (or what limited it), as a code of the taxonomy.
    FeedbackReason {
        /// Too little to act on: identifiers, content or context missing.
        InsufficientInformation,
        /// Not the kind of activity the pathway is for.
        NotInScope,
        /// Already reported (by this or another organization).
        Duplicate,
        /// The activity was too old to act on.
        Stale,
        /// The accounts could not be tied to a person or group.
        UnverifiableAccounts,
        /// The evidence could not be used (missing, unreadable or unpreserved).
        UnusableEvidence,
        /// Another reason.
        Other,
    }
}

impl FeedbackReason {
    /// What the organization can do about it, for the summary's advice.
    pub fn advice(self) -> &'static str {
        match self {
            FeedbackReason::InsufficientInformation => {
                "include account identifiers, content URLs or hashes, and when the activity took place"
            }
            FeedbackReason::NotInScope => {
                "report only recruitment and other activity of transnational criminal organizations"
            }
            FeedbackReason::Duplicate => {
                "look a case up by its external_id before sending it again, and amend instead"
            }
            FeedbackReason::Stale => "send reports sooner after the activity is detected",
            FeedbackReason::UnverifiableAccounts => {
                "give stable platform account ids and contact handles, not only display names"
            }
            FeedbackReason::UnusableEvidence => {
                "preserve content before removing it, and upload the evidence files"
            }
            FeedbackReason::Other => "read the reasons given on your closed reports",
        }
    }
}

/// The feedback an analyst may record when closing a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// Whether DHS could act on the report.
    pub actionable: bool,
    /// Why not (or what limited it), as a code of the taxonomy's `feedback_reasons`.
    #[serde(default)]
    pub reason: Option<FeedbackReason>,
}

/// The feedback on a closed report as its submitter sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportFeedback {
    /// Whether DHS could act on the report.
    pub actionable: bool,
    /// Why not, as a code.
    pub reason: Option<FeedbackReason>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A reason and how often it was given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonCount {
    /// The reason.
    pub reason: FeedbackReason,
    /// How many reports got it.
    pub count: i64,
}

/// An organization's own figures over `[from, to)`, in its credential's mode.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackSummary {
    /// The period's start (inclusive).
    pub from: DateTime<Utc>,
    /// The period's end (exclusive).
    pub to: DateTime<Utc>,
    /// Reports received in the period.
    pub reports_sent: i64,
    /// Of those, reports DHS has looked at (reviewed at least once).
    pub acknowledged: i64,
    /// Of those, reports closed with feedback.
    pub with_feedback: i64,
    /// Share of reports with feedback that were actionable (0 to 1); `null` without feedback.
    pub actionable_share: Option<f64>,
    /// Median seconds from receipt to first review, over the acknowledged reports.
    pub median_seconds_to_first_review: Option<i64>,
    /// The reasons given, most common first (at most five).
    pub top_reasons: Vec<ReasonCount>,
    /// What to improve, in one sentence.
    pub advice: String,
}

impl FeedbackSummary {
    /// The sentence on what to improve, from the most common reason.
    pub fn advice_for(top_reasons: &[ReasonCount], reports_sent: i64) -> String {
        match top_reasons.first() {
            Some(top) => format!(
                "Most often your reports were limited by {}: {}.",
                top.reason.as_ref().replace('_', " "),
                top.reason.advice()
            ),
            None if reports_sent == 0 => "No reports in this period.".to_owned(),
            None => "No feedback yet on the reports of this period.".to_owned(),
        }
    }
}

/// The median of `values` (sorted here); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}
