//! The analysts' side of a report: the state machine of its status, and the requests that move it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::code_list::code_list;
use super::refusal::{FieldError, Refusal};
use super::status::ReportStatus;
use super::user::Role;

code_list! {
    /// How a closed report was resolved.
    Resolution {
        /// Nothing to act on.
        NoAction,
        /// Already covered by another report.
        Duplicate,
        /// Too little to act on.
        InsufficientInformation,
        /// Acted on by DHS.
        Actioned,
    }
}

/// The statuses an analyst or supervisor may move a report to from `from`.
///
/// `received → in_review → escalated → referred | closed`; `in_review` may go straight to
/// `referred` or `closed`; `escalated` may go back to `in_review`; `referred → closed`; only a
/// supervisor reopens `closed` (→ `in_review`); `retracted` comes only from the submitter.
pub fn next_statuses(from: ReportStatus, role: Role) -> &'static [ReportStatus] {
    use ReportStatus::*;
    match from {
        Received => &[InReview],
        InReview => &[Escalated, Referred, Closed],
        Escalated => &[InReview, Referred, Closed],
        Referred => &[Closed],
        Closed if role == Role::Supervisor => &[InReview],
        Closed | Retracted => &[],
    }
}

/// Where a referral went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// The receiving agency, e.g. `FBI`, `HSI`, `DEA`.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub agency: String,
    /// The receiving agency's case reference.
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
}

/// A request to move a report to another status.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The status to move to.
    pub to: ReportStatus,
    /// Why, for the timeline.
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// Required when `to` is `referred`, refused otherwise.
    #[serde(default)]
    #[validate(nested)]
    pub referral: Option<Referral>,
    /// Required when `to` is `closed`, refused otherwise.
    #[serde(default)]
    pub resolution: Option<Resolution>,
    /// When closing: outcome feedback for the submitter (whether the report was actionable, and
    /// why not), shown on its report and sent as `report.feedback`; refused otherwise.
    #[serde(default)]
    pub feedback: Option<crate::domain::feedback::Feedback>,
}

impl TransitionRequest {
    /// Checks the request's own rules (not whether the report may make this move).
    pub fn check(&self) -> Result<(), Refusal> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => super::report::field_errors(&e, ""),
        };
        let referring = self.to == ReportStatus::Referred;
        match (&self.referral, referring) {
            (None, true) => errors.push(FieldError::new(
                "/referral",
                "required",
                "is required when referring",
            )),
            (Some(_), false) => errors.push(FieldError::new(
                "/referral",
                "forbidden",
                "is allowed only when referring",
            )),
            _ => {}
        }
        let closing = self.to == ReportStatus::Closed;
        if self.feedback.is_some() && !closing {
            errors.push(FieldError::new(
                "/feedback",
                "forbidden",
                "is allowed only when closing",
            ));
        }
        match (&self.resolution, closing) {
            (None, true) => errors.push(FieldError::new(
                "/resolution",
                "required",
                "is required when closing",
            )),
            (Some(_), false) => errors.push(FieldError::new(
                "/resolution",
                "forbidden",
                "is allowed only when closing",
            )),
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Refusal::Invalid(errors))
        }
    }
}

/// A request to (un)assign a report.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    /// The analyst or supervisor to assign; `null` to unassign (supervisors only).
    pub assignee_id: Option<String>,
}

/// An internal note on a report.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// The note's text.
    #[validate(length(min = 1, max = 10000, message = "must be 1 to 10000 characters"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
}

impl NoteRequest {
    /// Checks the note's length.
    pub fn check(&self) -> Result<(), Refusal> {
        self.validate()
            .map_err(|e| Refusal::Invalid(super::report::field_errors(&e, "")))
    }
}

/// The review list's filters (also the export's).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewFilter {
    /// Only reports in this status.
    pub status: Option<ReportStatus>,
    /// Only reports of this severity.
    pub severity: Option<super::taxonomy::Severity>,
    /// Only reports of this category.
    pub category: Option<super::taxonomy::Category>,
    /// Only reports naming this suspected group.
    pub group: Option<super::taxonomy::SuspectedGroup>,
    /// Only reports from this organization.
    pub organization_id: Option<String>,
    /// Only reports about this service (exact name).
    pub service: Option<String>,
    /// Only reports assigned to this user.
    pub assignee_id: Option<String>,
    /// Only reports received at or after this time (RFC 3339, years 0001 to 9999).
    #[serde(default, deserialize_with = "super::storable::optional_time")]
    pub received_from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only reports received before this time (RFC 3339, years 0001 to 9999).
    #[serde(default, deserialize_with = "super::storable::optional_time")]
    pub received_to: Option<chrono::DateTime<chrono::Utc>>,
    /// Whole words that must all appear in the summary or the content excerpts (case- and
    /// accent-insensitive).
    pub q: Option<String>,
    /// `live` (default) or `test` reports.
    pub mode: Option<super::organization::CredentialMode>,
    /// Only reports sharing an indicator with this report (see its `/related`).
    pub related_to: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;

    #[test]
    fn the_state_machine_is_as_drawn() {
        assert_eq!(next_statuses(Received, Role::Analyst), &[InReview]);
        assert_eq!(
            next_statuses(InReview, Role::Analyst),
            &[Escalated, Referred, Closed]
        );
        assert_eq!(
            next_statuses(Escalated, Role::Analyst),
            &[InReview, Referred, Closed]
        );
        assert_eq!(next_statuses(Referred, Role::Analyst), &[Closed]);
        assert!(next_statuses(Closed, Role::Analyst).is_empty());
        assert_eq!(next_statuses(Closed, Role::Supervisor), &[InReview]);
        assert!(next_statuses(Retracted, Role::Supervisor).is_empty());
    }

    #[test]
    fn referral_and_resolution_go_with_their_statuses_only() {
        let request = |to, referral, resolution| TransitionRequest {
            to,
            reason: "why".into(),
            referral,
            resolution,
            feedback: None,
        };
        let referral = Some(Referral {
            agency: "HSI".into(),
            reference: "HSI-1".into(),
        });
        assert!(request(Referred, referral.clone(), None).check().is_ok());
        assert!(request(Referred, None, None).check().is_err());
        assert!(
            request(Closed, None, Some(Resolution::Actioned))
                .check()
                .is_ok()
        );
        assert!(request(Closed, None, None).check().is_err());
        assert!(request(InReview, referral, None).check().is_err());
        assert!(
            request(Escalated, None, Some(Resolution::Duplicate))
                .check()
                .is_err()
        );
    }
}
