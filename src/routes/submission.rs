//! Submission endpoints for an organization's API client: taxonomy, submit, list and read back.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use super::body::JsonBody;
use super::meta::RequestMeta;
use crate::auth::caller::Reporter;
use crate::domain::indicators;
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::domain::report::NewReport;
use crate::domain::status::SubmitterStatus;
use crate::domain::submission::{Receipt, ReportSummary, SubmittedReport};
use crate::domain::taxonomy::Taxonomy;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::audit;
use crate::store::reports::{self, ReceivedBody, ReportKey, Submitter};

/// The code lists every coded field of a report takes its values from.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The code lists", body = Taxonomy),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Organization not vetted", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`external_id` already used for a different report; `existing_id` names it", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid report; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable; retry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports")]
pub async fn submit(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    body: JsonBody<NewReport>,
) -> Result<HttpResponse, ApiError> {
    body.value.check(Utc::now()).map_err(ApiError::Invalid)?;
    let sha256 = hex::encode(Sha256::digest(body.canonical.as_bytes()));
    let submitter = Submitter {
        audit: meta.event(Some(&reporter.actor()), "report.submit", None),
        organization_id: reporter.organization_id,
        client_id: reporter.client_id,
        mode: reporter.mode,
    };
    let word_hashes = state.word_hasher.hash_words(body.value.searchable_texts());
    let indicators = indicators::index_entries(&body.value, &state.word_hasher);
    let submission = state
        .db(move |conn| {
            let received = ReceivedBody {
                report: &body.value,
                canonical: &body.canonical,
                sha256: &sha256,
                word_hashes: &word_hashes,
                indicators: &indicators,
            };
            reports::submit(conn, &submitter, received)
        })
        .await?;
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
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Organization not vetted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports")]
pub async fn list(
    state: web::Data<AppState>,
    reporter: Reporter,
    filter: web::Query<StatusFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paginated<ReportSummary>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let status = filter.status;
    let items = state
        .db(move |conn| reports::list(conn, &reporter.organization_id, status, &page))
        .await?;
    Ok(web::Json(items))
}

/// One of the organization's own reports, as submitted, with its status.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report", body = SubmittedReport),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Organization not vetted", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Organization not vetted", body = Problem, content_type = "application/problem+json"),
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
    let report = state
        .db(move |conn| {
            let read = |conn: &mut _| reports::get(conn, &reporter.organization_id, &key);
            audit::recorded_as(conn, &event, read, |r: &SubmittedReport| {
                Some(r.receipt.id.clone())
            })
        })
        .await?;
    Ok(web::Json(report))
}
