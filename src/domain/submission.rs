//! What a submitting organization gets back: the receipt of a submission, its reports, its
//! list, and the answer to a batch.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lifecycle::Amendment;
use super::organization::CredentialMode;
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

/// The answer to a batch: one result per report, in the order sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResults {
    /// The results, `results[i]` for `reports[i]`.
    pub results: Vec<BatchResult>,
}

/// What one report of a batch got: what it would have got if submitted alone.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// The report's index in `reports`.
    pub index: usize,
    /// The status a single submission would have answered: 201 stored, 200 replay of a stored
    /// report, 409 `external_id` used for different content, 422 invalid.
    pub status: u16,
    /// The report's id (201 and 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The signed receipt (201 and 200), as [`Receipt::receipt`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// The problem document a single submission would have answered (409 and 422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::Problem>,
}
