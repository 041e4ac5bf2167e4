//! What a submitting organization sends and gets back: the receipt of a submission, its
//! reports, its list, and the batch it may send.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lifecycle::Amendment;
use super::organization::CredentialMode;
use super::refusal::{FieldError, Refusal};
use super::report::NewReport;
use super::status::SubmitterStatus;
use super::taxonomy::{Category, Severity};

/// The answer to a submission: 201 when stored, 200 (with `Idempotent-Replayed: true`) when the
/// same report had already been stored under its `external_id`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    /// The report's id (UUIDv7).
    pub id: String,
    /// The organization's own identifier for the report.
    pub external_id: String,
    /// The status as the submitter sees it.
    pub status: SubmitterStatus,
    /// `test` when submitted with a test credential.
    pub mode: CredentialMode,
    /// When the portal stored the report (UTC).
    pub received_at: DateTime<Utc>,
    /// SHA-256 (hex) of the body as received, in canonical JSON (keys sorted, no spaces).
    pub body_sha256: String,
    /// The portal's signed receipt: a compact JWS (`typ` `report-receipt+jwt`, EdDSA,
    /// verifiable with `/.well-known/jwks.json`) over the report id, organization id,
    /// `external_id`, `body_sha256` and `received_at`. The same on every replay.
    pub receipt: String,
}

/// One of the organization's reports, as it submitted it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmittedReport {
    /// The report's id, status, mode, receipt time and body hash.
    #[serde(flatten)]
    pub receipt: Receipt,
    /// The report exactly as submitted (canonical JSON); amendments never change it.
    #[schema(value_type = NewReport)]
    pub report: serde_json::Value,
    /// The amendments, oldest first.
    pub amendments: Vec<Amendment>,
    /// DHS's outcome feedback, once the report is closed with some.
    pub feedback: Option<crate::domain::feedback::ReportFeedback>,
}

/// A line of the organization's report list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSummary {
    /// The report's id.
    pub id: String,
    /// The organization's own identifier.
    pub external_id: String,
    /// The status as the submitter sees it.
    pub status: SubmitterStatus,
    /// The category.
    pub category: Category,
    /// The severity.
    pub severity: Severity,
    /// `live` or `test`.
    pub mode: CredentialMode,
    /// When the portal stored the report (UTC).
    pub received_at: DateTime<Utc>,
}

/// The most reports one batch may carry.
pub const MAX_BATCH_REPORTS: usize = 100;

/// The body of `POST /api/v1/reports/batch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// 1 to 100 reports, each judged as if submitted alone.
    #[schema(value_type = Vec<NewReport>, min_items = 1, max_items = 100)]
    pub reports: Vec<serde_json::Value>,
}

/// 409 for an `external_id` that a report of the organization in the other mode (live or test)
/// has, or had: an organization's external ids are one namespace, but a credential learns
/// nothing of the other mode's report, not even its id.
pub fn taken_in_other_mode(external_id: &str) -> Refusal {
    Refusal::Conflict {
        detail: format!(
            "external_id {external_id:?} is taken by a report of your organization in the other \
             mode (live or test); choose another"
        ),
        existing_id: None,
    }
}

/// Whether a report sent again under the `external_id` of stored report `stored_id` is a
/// replay: the same body (`sha256` equal to the stored `stored_sha256`); 409 naming the stored
/// report otherwise.
pub fn check_resubmission(
    stored_id: &str,
    external_id: &str,
    stored_sha256: &str,
    sha256: &str,
) -> Result<(), Refusal> {
    if stored_sha256 == sha256 {
        return Ok(());
    }
    Err(Refusal::Conflict {
        detail: format!(
            "report {stored_id} was already submitted with external_id {external_id:?} and \
             different content; send an amendment to change it"
        ),
        existing_id: Some(stored_id.to_owned()),
    })
}

/// `prior_report_ids` must name the organization's own reports, `known` (422 otherwise).
pub fn check_prior_reports(ids: &[uuid::Uuid], known: &HashSet<String>) -> Result<(), Refusal> {
    let errors: Vec<_> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(&id.to_string()))
        .map(|(i, _)| {
            FieldError::new(
                format!("/prior_report_ids/{i}"),
                "unknown_report",
                "must be the id of one of your organization's earlier reports",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(errors))
    }
}
