//! What analysts read of reports: the review list's line, a report's whole detail (its row,
//! notes, timeline, amendments, evidence, hold and correlation counts, read from as many store
//! modules), its notes and timeline.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::correlation::RelatedCounts;
use crate::domain::evidence::Evidence;
use crate::domain::lifecycle::Amendment;
use crate::domain::organization::CredentialMode;
use crate::domain::report::NewReport;
use crate::domain::retention::LegalHold;
use crate::domain::review::{Referral, Resolution};
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::{Category, Severity};
use crate::domain::user::Role;

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
    pub category: Category,
    /// The severity.
    pub severity: Severity,
    /// The status.
    pub status: ReportStatus,
    /// `live` or `test`.
    pub mode: CredentialMode,
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
    #[schema(value_type = NewReport)]
    pub report: serde_json::Value,
    /// The submitter's amendments, oldest first.
    pub amendments: Vec<Amendment>,
    /// The evidence files, oldest first.
    pub evidence: Vec<Evidence>,
    /// Internal notes, oldest first.
    pub notes: Vec<Note>,
    /// Every change, oldest first.
    pub timeline: Vec<TimelineEvent>,
    /// How many other reports share its indicators, per kind (the reports: `/related`).
    pub related_counts: RelatedCounts,
    /// The legal hold, while one is in place: the report is never purged meanwhile.
    pub legal_hold: Option<LegalHold>,
    /// When a supervisor released the (referred or actioned) report for purge.
    pub released_at: Option<chrono::DateTime<chrono::Utc>>,
}
