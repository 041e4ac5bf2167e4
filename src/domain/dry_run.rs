//! What a dry run answers: the status a submission of the same report would have got, and
//! nothing stored.

use serde::Serialize;
use utoipa::ToSchema;

/// The answer to `POST /api/v1/reports/validate` for a report a submission would accept.
/// (One it would refuse gets the very problem document and status the submission would get.)
#[derive(Debug, Serialize, ToSchema)]
pub struct Verdict {
    /// The status a submission would answer: 201 (it would be stored) or 200 (the same report
    /// is already stored under its `external_id`: a replay).
    pub status: u16,
    /// On 200, the id of the stored report it repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The judgement of one report of a dry-run batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchVerdict {
    /// The report's index in `reports`.
    pub index: usize,
    /// The status the same item of `POST /api/v1/reports/batch` would have: 201, 200 (replay),
    /// 409 or 422.
    pub status: u16,
    /// On 200, the id of the stored report it repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// On 409 and 422, the problem document the submission would have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::Problem>,
}

/// The answer to `POST /api/v1/reports/batch/validate`: one judgement per report, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchVerdicts {
    /// One per report sent, in order.
    pub results: Vec<BatchVerdict>,
}
