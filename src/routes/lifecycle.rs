//! What an organization's API client does to a report it has stored: amend it, retract it.

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, post, web};

use super::body::JsonBody;
use super::idempotency;
use super::meta::RequestMeta;
use super::responses::JsonErrors;
use super::submission::submitter;
use crate::auth::caller::Reporter;
use crate::domain::lifecycle::{AmendmentReceipt, NewAmendment, RetractionRequest};
use crate::domain::received::ReceivedAmendment;
use crate::domain::submission::SubmittedReport;
use crate::error::{ApiError, Problem};
use crate::service::lifecycle;
use crate::state::AppState;

/// Amend a report: add accounts, content items or locations, raise its severity, with a note.
///
/// Append-only: amendments are numbered 1, 2, … and the report as first submitted never
/// changes. Validated like a report (422 with pointers into the amendment); new accounts must
/// not repeat the report's, and `account_ref`s may name the report's accounts (with those of
/// earlier amendments) or the amendment's own. `severity` must be higher than the current one.
/// Sending the same amendment again answers 200 with its original receipt.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), idempotency::IdempotencyKeyHeader),
    request_body = NewAmendment,
    responses(
        (status = 201, description = "Stored", body = AmendmentReceipt),
        (status = 200, description = "Already stored (a replay)", body = AmendmentReceipt,
            headers(("Idempotent-Replayed" = String, description = "`true`"))),
        Reporter,
        JsonErrors,
        (status = 404, description = "No such report of this organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report was retracted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid amendment; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/amendments", wrap = "from_fn(idempotency::keyed)")]
pub async fn amend(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<NewAmendment>,
) -> Result<HttpResponse, ApiError> {
    let received = ReceivedAmendment::new(body.value, body.canonical, &state.word_hasher);
    let event = meta.event(Some(&reporter.actor()), "report.amend", Some(&id));
    let submitter = submitter(reporter, &meta, &state.settings);
    let signer = state.receipts.clone();
    let hasher = state.word_hasher.clone();
    let keys = state.keys.clone();
    let amended = state
        .db(move |conn| {
            let tools = (&signer, &hasher);
            lifecycle::amend(conn, &keys, &submitter, &id, &received, tools, &event)
        })
        .await?;
    let mut response = if amended.replayed {
        let mut ok = HttpResponse::Ok();
        ok.insert_header(("Idempotent-Replayed", "true"));
        ok
    } else {
        HttpResponse::Created()
    };
    Ok(response.json(amended.receipt))
}

/// Retract (withdraw) a report.
///
/// Allowed until DHS has closed the report (409 after). The report stays stored, and visible
/// to analysts as retracted; nothing more can be added to it. Retracting it again changes
/// nothing. Answers the report.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), idempotency::IdempotencyKeyHeader),
    request_body = RetractionRequest,
    responses(
        (status = 200, description = "Retracted", body = SubmittedReport),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        Reporter,
        (status = 404, description = "No such report of this organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/retraction", wrap = "from_fn(idempotency::keyed)")]
pub async fn retract(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<RetractionRequest>,
) -> Result<web::Json<SubmittedReport>, ApiError> {
    body.value.check()?;
    let event = meta.event(Some(&reporter.actor()), "report.retract", Some(&id));
    let submitter = submitter(reporter, &meta, &state.settings);
    let signer = state.receipts.clone();
    let keys = state.keys.clone();
    let report = state
        .db(move |conn| {
            let reason = &body.value.reason;
            lifecycle::retract(conn, &keys, &submitter, &id, reason, &signer, &event)
        })
        .await?;
    Ok(web::Json(report))
}
