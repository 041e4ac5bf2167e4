//! Report status: the states analysts move a report through, and what the submitter is shown.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::code_list::code_list;

code_list! {
    /// The status of a report as DHS works it.
    ReportStatus {
        /// Stored, not yet looked at.
        Received,
        /// An analyst is working it.
        InReview,
        /// Raised to a supervisor.
        Escalated,
        /// Handed to another agency.
        Referred,
        /// Finished, with a resolution.
        Closed,
        /// Withdrawn by the submitter.
        Retracted,
    }
}

/// The status a submitting organization sees: a referral is never disclosed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmitterStatus {
    /// Stored, not yet looked at.
    Received,
    /// Being worked (in review or escalated).
    InReview,
    /// Finished (referred or closed).
    Closed,
    /// Withdrawn by the submitter.
    Retracted,
}

impl ReportStatus {
    /// What the submitter is shown for this status.
    pub fn for_submitter(self) -> SubmitterStatus {
        match self {
            ReportStatus::Received => SubmitterStatus::Received,
            ReportStatus::InReview | ReportStatus::Escalated => SubmitterStatus::InReview,
            ReportStatus::Referred | ReportStatus::Closed => SubmitterStatus::Closed,
            ReportStatus::Retracted => SubmitterStatus::Retracted,
        }
    }
}

impl SubmitterStatus {
    /// The internal statuses the submitter sees as this one (for filtering).
    pub fn internal_statuses(self) -> &'static [ReportStatus] {
        match self {
            SubmitterStatus::Received => &[ReportStatus::Received],
            SubmitterStatus::InReview => &[ReportStatus::InReview, ReportStatus::Escalated],
            SubmitterStatus::Closed => &[ReportStatus::Referred, ReportStatus::Closed],
            SubmitterStatus::Retracted => &[ReportStatus::Retracted],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referral_is_shown_to_the_submitter_as_closed() {
        assert_eq!(
            ReportStatus::Referred.for_submitter(),
            SubmitterStatus::Closed
        );
        assert_eq!(
            ReportStatus::Escalated.for_submitter(),
            SubmitterStatus::InReview
        );
    }

    #[test]
    fn filtering_by_a_submitter_status_covers_exactly_what_maps_to_it() {
        let all = [
            ReportStatus::Received,
            ReportStatus::InReview,
            ReportStatus::Escalated,
            ReportStatus::Referred,
            ReportStatus::Closed,
            ReportStatus::Retracted,
        ];
        for status in all {
            assert!(
                status.for_submitter().internal_statuses().contains(&status),
                "{status:?}"
            );
        }
    }
}
