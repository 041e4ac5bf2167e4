//! The dry run of a submission, one report or a batch: the same extractors (token, rate limit,
//! body limits), the same rules and the same store judgement as `POST /reports` and
//! `POST /reports/batch`, and nothing stored.

use actix_web::{HttpMessage, HttpRequest, ResponseError, post, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::meta::RequestMeta;
use super::request_id::RequestId;
use super::responses::JsonErrors;
use super::submission::{ReceivedBatch, merge, received, submitter};
use crate::auth::caller::Reporter;
use crate::domain::received::ReceivedBody;
use crate::domain::report::NewReport;
use crate::domain::submission::BatchRequest;
use crate::error::{ApiError, Problem};
use crate::service::dry_run::{self, Verdict as Judged};
use crate::service::submission::missing_result;
use crate::state::AppState;
use crate::store::owner::Submitter;

/// Check a report without submitting it.
///
/// Judges the report exactly as `POST /reports` would (every rule, the cross-field ones,
/// `prior_report_ids`, an `external_id` already used) and stores nothing: 200 with the status
/// the submission would answer (201 or 200 for a replay), or the very problem document the
/// submission would get (409, 410, 422).
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    request_body = NewReport,
    responses(
        (status = 200, description = "A submission would be accepted with `status`", body = Verdict),
        Reporter,
        JsonErrors,
        (status = 409, description = "`external_id` already used for a different report", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`external_id` names a purged report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid report; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/validate")]
pub async fn validate(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    body: JsonBody<NewReport>,
) -> Result<web::Json<Verdict>, ApiError> {
    let body = received(body, Utc::now(), &state.word_hasher)?;
    let judged = judge(
        &state,
        submitter(reporter, &meta, &state.settings),
        vec![body],
    )
    .await?;
    let verdict = merge(vec![Ok(())], judged)
        .pop()
        .unwrap_or_else(|| Err(missing_result()))?;
    Ok(web::Json(match verdict {
        Judged::New => Verdict {
            status: 201,
            id: None,
        },
        Judged::Replay(id) => Verdict { status: 200, id },
    }))
}

/// Check a batch without submitting it.
///
/// Judges every report exactly as `POST /reports/batch` would, in order, and stores nothing:
/// one result per report with the status that item would get (201, 200 for a replay, 409,
/// 410, 422) and, for a refusal, its problem document.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One judgement per report, in order", body = BatchVerdicts),
        Reporter,
        JsonErrors,
        (status = 422, description = "Not `{\"reports\": [...]}` with 1 to 100 reports", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/batch/validate")]
pub async fn validate_batch(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<BatchVerdicts>, ApiError> {
    let batch = ReceivedBatch::read(&state, &req, payload).await?;
    let judged = judge(
        &state,
        submitter(reporter, &meta, &state.settings),
        batch.bodies,
    )
    .await?;
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let results = merge(batch.verdicts, judged)
        .into_iter()
        .enumerate()
        .map(|(index, outcome)| match outcome {
            Ok(judged) => {
                let (status, id) = match judged {
                    Judged::New => (201, None),
                    Judged::Replay(id) => (200, id),
                };
                BatchVerdict {
                    index,
                    status,
                    id,
                    error: None,
                }
            }
            Err(error) => BatchVerdict {
                index,
                status: error.status_code().as_u16(),
                id: None,
                error: Some(error.problem(request_id.as_deref())),
            },
        })
        .collect();
    Ok(web::Json(BatchVerdicts { results }))
}

/// The store's judgement of `bodies`, in order.
async fn judge(
    state: &AppState,
    submitter: Submitter,
    bodies: Vec<ReceivedBody>,
) -> Result<Vec<Result<Judged, ApiError>>, ApiError> {
    state
        .db(move |conn| dry_run::judge(conn, &submitter, &bodies))
        .await
}

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
    pub error: Option<Problem>,
}

/// The answer to `POST /api/v1/reports/batch/validate`: one judgement per report, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchVerdicts {
    /// One per report sent, in order.
    pub results: Vec<BatchVerdict>,
}
