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

/// A line of the review list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewSummary {
    /// The report's id.
    pub id: String,
    /// The submitting organization.
    pub organization_id: String,
    /// The organization's own identifier.
    pub external_id: String,
    /// Where the activity was seen.
    pub service: String,
    /// The category.
    pub category: super::taxonomy::Category,
    /// The severity.
    pub severity: super::taxonomy::Severity,
    /// The status.
    pub status: ReportStatus,
    /// `live` or `test`.
    pub mode: super::organization::CredentialMode,
    /// Who is working it.
    pub assignee_id: Option<String>,
    /// When the portal stored it (UTC).
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// A line of the review list, with how widely its indicators have been reported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewListItem {
    /// The report.
    #[serde(flatten)]
    pub summary: ReviewSummary,
    /// How many other organizations reported an indicator this report shares (0 for test-mode
    /// reports, which are matched only within their organization).
    pub other_organizations: usize,
}

/// An internal note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    /// The note's id.
    pub id: String,
    /// Who wrote it.
    pub author_id: String,
    /// When (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The text.
    pub body: String,
}

/// One change in a report's life.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEvent {
    /// The event's id.
    pub id: String,
    /// When (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who: a user id or an API client id.
    pub actor_id: Option<String>,
    /// The actor's role.
    pub actor_role: Role,
    /// `received`, `transition`, `assignment`, `note`, `amendment`, `retraction`, `evidence`,
    /// `evidence_download`, `hold`, `hold_lifted`, `release` or `correlation` (a new report
    /// shares indicators with reports of other organizations; `detail` has the counts).
    pub kind: String,
    /// The status before, for transitions.
    pub from: Option<ReportStatus>,
    /// The status after, for transitions.
    pub to: Option<ReportStatus>,
    /// Why, for transitions.
    pub reason: Option<String>,
    /// What else: the referral, the resolution, the assignee, the note id, the amendment's
    /// number and severity change, the evidence file.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

/// Everything about a report, for analysts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewDetail {
    /// The report's line in the list.
    #[serde(flatten)]
    pub summary: ReviewSummary,
    /// The submitting organization's name.
    pub organization_name: String,
    /// SHA-256 of the body as received.
    pub body_sha256: String,
    /// How it was closed.
    pub resolution: Option<Resolution>,
    /// Where it was referred.
    pub referral: Option<Referral>,
    /// The report exactly as first submitted (amendments never change it).
    #[schema(value_type = super::report::NewReport)]
    pub report: serde_json::Value,
    /// The submitter's amendments, oldest first.
    pub amendments: Vec<super::lifecycle::Amendment>,
    /// The evidence files, oldest first.
    pub evidence: Vec<super::evidence::Evidence>,
    /// Internal notes, oldest first.
    pub notes: Vec<Note>,
    /// Every change, oldest first.
    pub timeline: Vec<TimelineEvent>,
    /// How many other reports share its indicators, per kind (the reports: `/related`).
    pub related_counts: super::correlation::RelatedCounts,
    /// The legal hold, while one is in place: the report is never purged meanwhile.
    pub legal_hold: Option<super::retention::LegalHold>,
    /// When a supervisor released the (referred or actioned) report for purge.
    pub released_at: Option<chrono::DateTime<chrono::Utc>>,
}
