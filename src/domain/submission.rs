//! What a submitting organization sends and gets back: the receipt of a submission, its
//! reports, its list, and the batch it may send.

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
