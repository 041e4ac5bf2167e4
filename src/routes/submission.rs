//! Submission endpoints for an organization's API client: taxonomy, submit (one or a batch),
//! list and read back.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{self, JsonBody};
use super::meta::RequestMeta;
use super::query::Query;
use super::request_id::RequestId;
use super::responses::JsonErrors;
use crate::auth::caller::Reporter;
use crate::config::Settings;
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::domain::received::ReceivedBody;
use crate::domain::report::NewReport;
use crate::domain::search::WordHasher;
use crate::domain::status::SubmitterStatus;
use crate::domain::submission::{
    BatchRequest, MAX_BATCH_REPORTS, Receipt, ReportSummary, SubmittedReport,
};
use crate::domain::taxonomy::Taxonomy;
use crate::error::{ApiError, Problem};
use crate::service::submission::{self as use_case, Single, Submission, missing_result};
use crate::state::AppState;
use crate::store::owner::{ReportKey, Submitter};
use crate::store::reports;

/// The code lists every coded field of a report takes its values from.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The code lists", body = Taxonomy),
        Reporter,
        (status = 403, description = "Not an API client of a vetted organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/taxonomy")]
pub async fn taxonomy(_reporter: Reporter) -> web::Json<Taxonomy> {
    web::Json(Taxonomy::current())
}

/// Submit a report.
///
/// Idempotent by `external_id`: sending the same report again answers 200 with the original
/// receipt and `Idempotent-Replayed: true`; sending different content under an `external_id`
/// already used answers 409 naming the stored report. Retrying after a timeout is always safe.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    request_body = NewReport,
    responses(
        (status = 201, description = "Stored; `Location` names the report", body = Receipt,
            headers(("Location" = String, description = "The report's URL"))),
        (status = 200, description = "Already stored with the same content (a replay)", body = Receipt,
            headers(("Idempotent-Replayed" = String, description = "`true`"))),
        Reporter,
        JsonErrors,
        (status = 409, description = "`external_id` already used for a different report; `existing_id` names it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid report; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports")]
pub async fn submit(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    body: JsonBody<NewReport>,
) -> Result<HttpResponse, ApiError> {
    let body = received(body, Utc::now(), &state.word_hasher)?;
    let submitter = submitter(reporter, &meta, &state.settings);
    let submission = stored_together(&state, Single { submitter, body }).await?;
    announce(&state, &submission);
    let location = format!("/api/v1/reports/{}", submission.receipt.id);
    let mut response = if submission.replayed {
        let mut ok = HttpResponse::Ok();
        ok.insert_header(("Idempotent-Replayed", "true"));
        ok
    } else {
        HttpResponse::Created()
    };
    Ok(response
        .insert_header((header::LOCATION, location))
        .json(submission.receipt))
}

/// Submit up to 100 reports at once.
///
/// Each report is judged as if submitted alone, in order, and gets one result at its index:
/// `status` is what a single submission would have answered (201 stored, 200 replay, 409
/// conflict, 422 invalid) with `id` and `receipt`, or `error`, the problem document it would
/// have got. Reports repeating an `external_id` of an earlier item are judged like
/// resubmissions of it. So a whole batch may be sent again after a timeout. The valid new
/// reports are stored together in one transaction.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per report, in order", body = BatchResults),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        Reporter,
        (status = 413, description = "Body larger than `max_batch_body_bytes`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not `{\"reports\": [...]}` with 1 to 100 reports", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/batch")]
pub async fn submit_batch(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<BatchResults>, ApiError> {
    let batch = ReceivedBatch::read(&state, &req, payload).await?;
    let submitter = submitter(reporter, &meta, &state.settings);
    let signer = state.receipts.clone();
    let keys = state.keys.clone();
    let bodies = batch.bodies;
    let stored = state
        .db(move |conn| use_case::submit(conn, &keys, &submitter, &signer, &bodies))
        .await?;
    stored.iter().flatten().for_each(|s| announce(&state, s));
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let results = merge(batch.verdicts, stored)
        .into_iter()
        .enumerate()
        .map(|(index, outcome)| batch_result(index, outcome, request_id.as_deref()))
        .collect();
    Ok(web::Json(BatchResults { results }))
}

/// The reports of a batch body, each judged on its own before the database.
pub(super) struct ReceivedBatch {
    /// For each item in order: whether it passed the rules (its refusal otherwise).
    pub verdicts: Vec<Result<(), ApiError>>,
    /// The items that passed, in order.
    pub bodies: Vec<ReceivedBody>,
}

impl ReceivedBatch {
    /// Reads a batch body (at most `max_batch_body_bytes`; 422 unless it has 1 to 100 reports)
    /// and judges each report as [`received`] judges a single one.
    pub(super) async fn read(
        state: &AppState,
        req: &HttpRequest,
        payload: web::Payload,
    ) -> Result<Self, ApiError> {
        let limit = state.settings.max_batch_body_bytes;
        let batch: BatchRequest = body::read_batch(req, payload.into_inner(), limit).await?;
        let items = batch.reports;
        if !(1..=MAX_BATCH_REPORTS).contains(&items.len()) {
            return Err(ApiError::invalid(
                "/reports",
                "length",
                format!("must have 1 to {MAX_BATCH_REPORTS} items"),
            ));
        }
        let now = Utc::now();
        let mut bodies = Vec::with_capacity(items.len());
        let verdicts = items
            .into_iter()
            .map(|item| {
                bodies.push(received(
                    JsonBody::from_value(item)?,
                    now,
                    &state.word_hasher,
                )?);
                Ok(())
            })
            .collect();
        Ok(Self { verdicts, bodies })
    }
}

/// Each item's outcome: its refusal before the database, or else the next of `judged` (what
/// the database part answered for the bodies that passed, in order).
pub(super) fn merge<T>(
    verdicts: Vec<Result<(), ApiError>>,
    judged: Vec<Result<T, ApiError>>,
) -> Vec<Result<T, ApiError>> {
    let mut judged = judged.into_iter();
    verdicts
        .into_iter()
        .map(|verdict| {
            verdict.and_then(|()| judged.next().unwrap_or_else(|| Err(missing_result())))
        })
        .collect()
}

/// Stores `single` in one transaction with the single submissions that arrive with it (a group
/// commit, [`crate::db::group_commit`]): what [`use_case::submit`] would answer for it alone.
/// 429 when `db_queue_length` submissions already wait.
async fn stored_together(
    state: &web::Data<AppState>,
    single: Single,
) -> Result<Submission, ApiError> {
    let queued = state
        .singles
        .queue(single)
        .ok_or_else(|| state.admission.refuse())?;
    if queued.start_writer {
        // On the system's arbiter (the thread that runs the server), not on this worker's: when
        // the server stops, a worker's runtime ends with its connections, and a writer on it
        // would be dropped while submissions queued from other workers still wait for it (each
        // answered 500). The system's arbiter runs until every worker has finished.
        actix_web::rt::System::current()
            .arbiter()
            .spawn(write_singles(state.clone()));
    }
    queued
        .result
        .await
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("the writer of a submission stopped")))?
}

/// Writes the groups of single submissions waiting, until none waits. When the database
/// cannot be had (429 from its queue, 503), each submission of the group gets that answer.
async fn write_singles(state: web::Data<AppState>) {
    while let Some(group) = state.singles.next_group() {
        let (singles, replies): (Vec<Single>, Vec<_>) = group.into_iter().unzip();
        let (keys, signer) = (state.keys.clone(), state.receipts.clone());
        let written = state
            .db(move |conn| use_case::submit_together(conn, &keys, &signer, singles))
            .await;
        match written {
            Ok(outcomes) => replies
                .into_iter()
                .zip(outcomes)
                .for_each(|(reply, outcome)| drop(reply.send(outcome))),
            Err(error) => replies
                .into_iter()
                .for_each(|reply| drop(reply.send(Err(error.again())))),
        }
    }
}

/// Counts a newly stored report in `portal_reports_received_total` and wakes the mail worker
/// (a critical report is told at once); a replay is neither.
fn announce(state: &AppState, submission: &Submission) {
    if !submission.replayed {
        state
            .metrics
            .report_received(submission.receipt.mode.as_ref());
        state.mail_wakeup.notify_one();
    }
}

/// Judges one report before the database, as a single submission does: its rules (422 with
/// every broken one) against `now`, then its body's hash, search words and indicators keyed
/// under `hasher`. Public for the fuzz target (`fuzz/`).
pub fn received(
    body: JsonBody<NewReport>,
    now: DateTime<Utc>,
    hasher: &WordHasher,
) -> Result<ReceivedBody, ApiError> {
    ReceivedBody::receive(body.value, body.canonical, now, hasher).map_err(ApiError::Invalid)
}

/// What a batch item answers: what the same report submitted alone would have answered.
fn batch_result(
    index: usize,
    outcome: Result<Submission, ApiError>,
    request_id: Option<&str>,
) -> BatchResult {
    match outcome {
        Ok(submission) => BatchResult {
            index,
            status: if submission.replayed { 200 } else { 201 },
            id: Some(submission.receipt.id),
            receipt: Some(submission.receipt.receipt),
            error: None,
        },
        Err(error) => BatchResult {
            index,
            status: actix_web::ResponseError::status_code(&error).as_u16(),
            id: None,
            receipt: None,
            error: Some(error.problem(request_id)),
        },
    }
}

/// The store's view of the calling API client, storing as `settings` say.
pub(super) fn submitter(reporter: Reporter, meta: &RequestMeta, settings: &Settings) -> Submitter {
    Submitter {
        audit: meta.event(Some(&reporter.actor()), "report.submit", None),
        organization_id: reporter.organization_id,
        client_id: reporter.client_id,
        mode: reporter.mode,
        notify: true,
        common_threshold: settings.correlation_common_threshold,
        feed_since: None,
    }
}

/// `?status=` of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusFilter {
    /// Only reports the submitter sees in this status.
    pub status: Option<SubmitterStatus>,
}

/// The organization's own reports, newest first.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(StatusFilter, PageParams),
    responses(
        (status = 200, description = "One page of reports", body = Paginated<ReportSummary>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Reporter,
    )
)]
#[get("/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    reporter: Reporter,
    filter: Query<StatusFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<ReportSummary>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let status = filter.status;
    let items = state
        .db(move |conn| reports::list(conn, reporter.owner(), status, &page))
        .await?;
    Ok(web::Json(items))
}

/// One of the organization's own reports, as submitted, with its status and amendments.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report", body = SubmittedReport),
        Reporter,
        (status = 404, description = "No such report of this organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<web::Json<SubmittedReport>, ApiError> {
    read_own(state, reporter, meta, ReportKey::Id(id.into_inner())).await
}

/// One of the organization's own reports, found by the organization's own identifier.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("external_id" = String, Path, description = "The organization's identifier of the report")),
    responses(
        (status = 200, description = "The report", body = SubmittedReport),
        Reporter,
        (status = 404, description = "No such report of this organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/by-external-id/{external_id}")]
pub async fn get_by_external_id(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    external_id: web::Path<String>,
) -> Result<web::Json<SubmittedReport>, ApiError> {
    read_own(
        state,
        reporter,
        meta,
        ReportKey::ExternalId(external_id.into_inner()),
    )
    .await
}

/// Reads one of the reporter's own reports and records the read in the audit log.
async fn read_own(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    key: ReportKey,
) -> Result<web::Json<SubmittedReport>, ApiError> {
    let event = meta.event(Some(&reporter.actor()), "report.read", None);
    let signer = state.receipts.clone();
    let keys = state.keys.clone();
    let report = state
        .db(move |conn| use_case::read_own(conn, &keys, reporter.owner(), &key, &signer, &event))
        .await?;
    Ok(web::Json(report))
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
    pub error: Option<Problem>,
}
