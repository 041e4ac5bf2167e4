//! Review endpoints for analysts and supervisors: the list, the detail, assignment,
//! transitions, notes, evidence downloads, the streamed export, and correlation (related
//! reports, indicator search).

use actix_web::body::SizedStream;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use std::sync::Arc;

use super::body::JsonBody;
use super::csv_table::{CsvTable, to_csv};
use super::meta::RequestMeta;
use super::query::Query;
use super::responses::JsonErrors;
use crate::auth::caller::{Reviewers, Staff};
use crate::domain::correlation::{IndicatorSearch, RelatedParams};
use crate::domain::indicators;
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::domain::review::{AssignmentRequest, NoteRequest, ReviewFilter, TransitionRequest};
use crate::error::{ApiError, Problem};
use crate::read_model::correlation::{IndicatorHit, RelatedReports};
use crate::read_model::review::{Note, ReviewDetail, ReviewListItem, ReviewSummary};
use crate::service;
use crate::state::AppState;
use crate::store::{audit, correlation, review};

/// Every handler here is for analysts and supervisors.
type Caller = Staff<Reviewers>;

fn query_hashes(state: &AppState, filter: &ReviewFilter) -> Vec<i64> {
    filter
        .q
        .as_deref()
        .map(|q| state.word_hasher.word_keys([q]))
        .unwrap_or_default()
}

/// Reports from every organization, newest first, filtered.
///
/// Each line says how many other organizations reported an indicator the report shares
/// (`other_organizations`); `related_to` keeps the reports related to one report.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(ReviewFilter, PageParams),
    responses(
        (status = 200, description = "One page of reports", body = Paginated<ReviewListItem>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/review/reports")]
pub async fn list_review_reports(
    state: web::Data<AppState>,
    _caller: Caller,
    filter: Query<ReviewFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<ReviewListItem>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let filter = filter.into_inner();
    let hashes = query_hashes(&state, &filter);
    let items = state
        .db(move |conn| {
            let page = review::list(conn, &filter, &hashes, &page)?;
            let mut others = correlation::other_organizations(conn, &page.items)?;
            let items = page
                .items
                .into_iter()
                .map(|summary| ReviewListItem {
                    other_organizations: others.remove(&summary.id).unwrap_or(0),
                    summary,
                })
                .collect();
            Ok(Paginated {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(web::Json(items))
}

/// Everything about a report: as submitted, its amendments, evidence, status, notes and timeline.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report", body = ReviewDetail),
        Caller,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/review/reports/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "report.read", Some(&id));
    let keys = state.keys.clone();
    Ok(web::Json(
        state
            .db(move |conn| service::review::read_detail(conn, &keys, &id, &event))
            .await?,
    ))
}

/// The reports, from any organization, sharing an indicator with this one: an account, handle,
/// phone number, e-mail address or URL (exact, after normalization), or a media hash (SHA-256
/// and MD5 exact, PDQ within 31 bits).
///
/// Strongest first: most shared indicators, then most exact ones, then the nearest image, then
/// newest. A test-mode report is related only to test-mode reports of its own organization.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), RelatedParams),
    responses(
        (status = 200, description = "The related reports and what they share", body = RelatedReports),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/review/reports/{id}/related")]
pub async fn related(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    params: Query<RelatedParams>,
) -> Result<web::Json<RelatedReports>, ApiError> {
    let limit = Page::try_from(PageParams {
        limit: params.limit,
        cursor: None,
    })?
    .limit as usize;
    let event = meta.event(Some(&caller.member.actor()), "report.related", Some(&id));
    Ok(web::Json(
        state
            .db(move |conn| service::review::related(conn, &id, limit, &event))
            .await?,
    ))
}

/// Every report in which a phone number, handle, e-mail address, account, URL or media hash
/// appears, newest first.
///
/// The value is normalized as the reports' values are (a phone number in any format, with or
/// without country code; a handle with or without `@`; a URL with tracking parameters; a hash
/// in either case), so it is found however each platform wrote it. `type=pdq` finds the images
/// whose PDQ hash is within 31 bits.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(IndicatorSearch, PageParams),
    responses(
        (status = 200, description = "One page of the reports where it appears", body = Paginated<IndicatorHit>),
        (status = 400, description = "Bad query parameter, or a value that is not of the type", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/review/indicators")]
pub async fn search_indicators(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    search: Query<IndicatorSearch>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<IndicatorHit>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let lookup = indicators::lookup(
        &state.word_hasher,
        search.kind,
        &search.value,
        search.service.as_deref(),
    )?;
    let mode = search.mode.unwrap_or(CredentialMode::Live);
    // The searched value is personal data: the audit log records the search, not the value.
    let event = meta.event(Some(&caller.member.actor()), "indicator.search", None);
    Ok(web::Json(
        state
            .db(move |conn| {
                service::review::search_indicators(conn, &lookup, (mode, &page), &event)
            })
            .await?,
    ))
}

/// Assign a report, or unassign it with `null`.
///
/// An analyst may take an unassigned report for themself; a supervisor may assign any active
/// analyst or supervisor, or unassign. Answers the updated report.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = AssignmentRequest,
    responses(
        (status = 200, description = "Assigned", body = ReviewDetail),
        Caller,
        JsonErrors,
        (status = 403, description = "An analyst assigning someone else or unassigning", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already assigned to someone else", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an active analyst or supervisor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/assignment")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<AssignmentRequest>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.assign", Some(&id));
    let keys = state.keys.clone();
    let detail = state
        .db(move |conn| {
            let change =
                |conn: &mut _| review::assign(conn, &id, &actor, body.value.assignee_id.as_deref());
            service::review::change_then_detail(conn, &keys, &id, &event, change)
        })
        .await?;
    Ok(web::Json(detail))
}

/// Move a report to another status.
///
/// `received → in_review → escalated → referred | closed`; `in_review` may go straight to
/// `referred` or `closed`; `escalated` may go back to `in_review`; `referred → closed`; only a
/// supervisor reopens `closed` (→ `in_review`). A referral needs `referral`, closing needs
/// `resolution`. Any other move answers 409 with `allowed`, the moves the report allows.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved", body = ReviewDetail),
        Caller,
        JsonErrors,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a move the report allows, or it changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/transitions")]
pub async fn transition(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<TransitionRequest>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    body.value.check()?;
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.transition", Some(&id));
    let keys = state.keys.clone();
    let detail = state
        .db(move |conn| {
            let change = |conn: &mut _| review::transition(conn, &keys, &id, &actor, &body.value);
            service::review::change_then_detail(conn, &keys, &id, &event, change)
        })
        .await?;
    Ok(web::Json(detail))
}

/// Add an internal note (never shown to the submitter).
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = NoteRequest,
    responses(
        (status = 201, description = "Added", body = Note),
        Caller,
        JsonErrors,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    body.value.check()?;
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.note", Some(&id));
    let keys = state.keys.clone();
    let note = state
        .db(move |conn| service::notes::add(conn, &keys, (&id, &body.value.body), &actor, &event))
        .await?;
    Ok(HttpResponse::Created().json(note))
}

/// Download an evidence file, decrypted, exactly as uploaded.
///
/// Streamed; the download is recorded on the report's timeline. The file is served as an
/// attachment that browsers must not render in place.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The report's id"),
        ("evidence_id" = String, Path, description = "The evidence file's id"),
    ),
    responses(
        (status = 200, description = "The file; `Content-Type` is its type as found from its \
            bytes, one of the evidence allow-list (images, video, audio, PDF, plain text, HTML)",
            content(("image/*"), ("video/*"), ("audio/*"), ("application/pdf"), ("text/plain"),
                ("text/html"))),
        Caller,
        (status = 404, description = "No such evidence file of this report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/review/reports/{id}/evidence/{evidence_id}")]
pub async fn download_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (report_id, evidence_id) = path.into_inner();
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "evidence.read", Some(&evidence_id));
    let (rid, eid) = (report_id.clone(), evidence_id.clone());
    let keys = state.keys.clone();
    let (file, key) = state
        .db(move |conn| service::evidence::download(conn, &keys, (&rid, &eid), &actor, &event))
        .await?;
    let location = crate::evidence::location(&report_id, &evidence_id);
    let plaintext = state.evidence.read(key, &location).await?;
    let size = u64::try_from(file.size).unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type(file.media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{evidence_id}\""),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            super::request_id::DOWNLOAD_CSP,
        ))
        .body(SizedStream::new(size, plaintext)))
}

/// The export's format.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One JSON object per line.
    #[default]
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
}

/// `?format=` of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `ndjson` (default) or `csv`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// Rows fetched per database round trip while exporting.
const EXPORT_BATCH: i64 = crate::domain::pagination::MAX_LIMIT;

/// Every report matching the review list's filters, newest first, streamed as NDJSON or CSV
/// without holding the whole result in memory.
///
/// The reports are read a page at a time, each page with a database connection of its own that
/// is given back before the page is sent, and the next page only once the client has taken the
/// last one: a client that reads slowly, or not at all, holds no connection. One that leaves
/// what was sent unread for `stalled_client_timeout_seconds` is cut off.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(ReviewFilter, ExportParams),
    responses(
        (status = 200, description = "The matching reports, one per line",
            content((ReviewSummary = "application/x-ndjson"), (String = "text/csv"))),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/review/export")]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    filter: Query<ReviewFilter>,
    params: Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "report.export", None);
    state
        .db(move |conn| Ok(audit::append(conn, &event)?))
        .await?;
    let format = params.format.unwrap_or_default();
    let filter = filter.into_inner();
    let hashes = query_hashes(&state, &filter);
    let query = Arc::new((filter, hashes));
    let start = Some(Page {
        limit: EXPORT_BATCH,
        after: None,
    });
    let stream = futures_util::stream::try_unfold(start, move |page| {
        let (state, query) = (state.clone(), query.clone());
        async move {
            let Some(page) = page else { return Ok(None) };
            let first = page.after.is_none();
            let batch = state
                .db(move |conn| review::list(conn, &query.0, &query.1, &page))
                .await?;
            let bytes = encode(&batch.items, format, first)?;
            let next = batch.next_cursor.is_some().then(|| Page {
                limit: EXPORT_BATCH,
                after: batch.items.last().map(|item| item.id.clone()),
            });
            Ok::<_, ApiError>(Some((bytes, next)))
        }
    });
    let content_type = match format {
        ExportFormat::Ndjson => "application/x-ndjson",
        ExportFormat::Csv => "text/csv; charset=utf-8",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .streaming(stream))
}

impl CsvTable for [ReviewSummary] {
    const HEADER: &'static [&'static str] = &[
        "id",
        "organization_id",
        "external_id",
        "service",
        "category",
        "severity",
        "status",
        "mode",
        "assignee_id",
        "received_at",
    ];

    fn rows(&self) -> Vec<Vec<String>> {
        self.iter()
            .map(|item| {
                vec![
                    item.id.clone(),
                    item.organization_id.clone(),
                    item.external_id.clone(),
                    item.service.clone(),
                    item.category.as_ref().to_owned(),
                    item.severity.as_ref().to_owned(),
                    item.status.as_ref().to_owned(),
                    item.mode.as_ref().to_owned(),
                    item.assignee_id.clone().unwrap_or_default(),
                    item.received_at
                        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                ]
            })
            .collect()
    }
}

/// One batch of the export in `format`; the CSV header goes before the first batch only.
fn encode(
    items: &[ReviewSummary],
    format: ExportFormat,
    first: bool,
) -> Result<web::Bytes, ApiError> {
    match format {
        ExportFormat::Ndjson => {
            let mut out = Vec::new();
            for item in items {
                serde_json::to_writer(&mut out, item)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("export encoding: {e}")))?;
                out.push(b'\n');
            }
            Ok(web::Bytes::from(out))
        }
        // No header for an export that finds nothing.
        ExportFormat::Csv => to_csv(items, first && !items.is_empty()),
    }
}
