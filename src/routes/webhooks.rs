//! An organization's integration endpoints: its webhook endpoints and their deliveries, the
//! event feed, and its outcome-feedback summary; and the admin's registration of an endpoint for
//! an organization. A reporter reaches only its own organization's, in its credential's mode
//! (404 for any other).

use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body::JsonBody;
use super::idempotency;
use super::meta::RequestMeta;
use super::query::Query;
use super::responses::JsonErrors;
use crate::auth::caller::{Admins, Reporter, Staff};
use crate::domain::feedback::FeedbackSummary;
use crate::domain::organization::CredentialMode;
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::domain::webhooks::{
    Delivery, Endpoint, Event, EventType, NewEndpoint, NewEndpointFor, RegisteredEndpoint,
    check_event_types, check_url,
};
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store::events::{self, Owner};
use crate::store::{feedback, webhooks};

/// The owner a reporter's requests reach: its organization, in its credential's mode.
fn owner(reporter: &Reporter) -> Owner<'_> {
    Owner {
        organization_id: &reporter.organization_id,
        mode: reporter.mode,
    }
}

/// Judges a registration: the event types, the URL, and every address its host resolves to now
/// (422 at `/url` with code `address` when any is one webhooks may not reach).
async fn check_registration(
    url: &str,
    event_types: &[EventType],
    mode: CredentialMode,
) -> Result<(), ApiError> {
    check_event_types(event_types)?;
    let (host, port) = check_url(url, mode)?;
    crate::webhooks::resolve_all_allowed(&host, port, mode)
        .await
        .map_err(|error| ApiError::invalid("/url", "address", error.to_string()))
}

/// Registers a checked endpoint for `owner`, audited as `webhook.register`.
async fn register(
    state: &web::Data<AppState>,
    event: crate::store::audit::NewAuditEvent,
    organization_id: String,
    mode: CredentialMode,
    url: String,
    event_types: Vec<EventType>,
) -> Result<HttpResponse, ApiError> {
    check_registration(&url, &event_types, mode).await?;
    let keys = state.keys.clone();
    let limit = state.settings.webhook_max_endpoints;
    let registered = state
        .db(move |conn| {
            let owner = Owner {
                organization_id: &organization_id,
                mode,
            };
            let endpoint = (url.as_str(), event_types.as_slice());
            service::webhooks::register(conn, &keys, owner, endpoint, limit, &event)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}", registered.endpoint.id),
        ))
        .json(registered))
}

/// Register a webhook endpoint.
///
/// Events of the chosen types, of this credential's mode, are POSTed to `url` per Standard
/// Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), at least once, in order per
/// report; the signing secret is in this answer only. Live endpoints must use `https` and reach
/// only public addresses (checked now and at every delivery); test-mode endpoints may also use
/// `http` to a loopback address.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = NewEndpoint,
    params(idempotency::IdempotencyKeyHeader),
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = RegisteredEndpoint),
        Reporter,
        JsonErrors,
        (status = 409, description = "The organization has the most endpoints allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule (`address`: the host reaches a private address)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks", wrap = "from_fn(idempotency::keyed)")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    body: JsonBody<NewEndpoint>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&reporter.actor()), "webhook.register", None);
    let NewEndpoint { url, event_types } = body.value;
    register(
        &state,
        event,
        reporter.organization_id,
        reporter.mode,
        url,
        event_types,
    )
    .await
}

/// The organization's webhook endpoints in this credential's mode, oldest first.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoints", body = Vec<Endpoint>),
        Reporter,
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    reporter: Reporter,
) -> Result<web::Json<Vec<Endpoint>>, ApiError> {
    let endpoints = state
        .db(move |conn| webhooks::list(conn, owner(&reporter)))
        .await?;
    Ok(web::Json(endpoints))
}

/// One of the organization's webhook endpoints.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint", body = Endpoint),
        Reporter,
        (status = 404, description = "No such endpoint of this organization and mode", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    reporter: Reporter,
    id: web::Path<String>,
) -> Result<web::Json<Endpoint>, ApiError> {
    let endpoint = state
        .db(move |conn| webhooks::get(conn, owner(&reporter), &id))
        .await?;
    Ok(web::Json(endpoint))
}

/// Remove a webhook endpoint, with its deliveries; its secret's key is destroyed.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        Reporter,
        (status = 404, description = "No such endpoint of this organization and mode", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&reporter.actor()), "webhook.remove", Some(&id));
    let keys = state.keys.clone();
    state
        .db(move |conn| service::webhooks::remove(conn, &keys, owner(&reporter), &id, &event))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The recent deliveries of one of the organization's endpoints, newest first, with the status
/// code each last attempt got.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id"), PageParams),
    responses(
        (status = 200, description = "One page of deliveries", body = Paginated<Delivery>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Reporter,
        (status = 404, description = "No such endpoint of this organization and mode", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    reporter: Reporter,
    id: web::Path<String>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<Delivery>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let items = state
        .db(move |conn| webhooks::deliveries(conn, owner(&reporter), &id, &page))
        .await?;
    Ok(web::Json(items))
}

/// Send a `webhook.test` event to one of the organization's endpoints (not in the feed).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Queued; its delivery appears among the endpoint's deliveries", body = Event),
        Reporter,
        (status = 404, description = "No such endpoint of this organization and mode", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The endpoint is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn test_webhook(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&reporter.actor()), "webhook.test", Some(&id));
    let sent = state
        .db(move |conn| service::webhooks::send_test(conn, owner(&reporter), &id, &event))
        .await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// Retry a delivery: due at once, with a fresh round of attempts and the same `webhook-id`. A
/// disabled endpoint is enabled again.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 200, description = "Queued again", body = Delivery),
        Reporter,
        (status = 404, description = "No such delivery of this organization's endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The delivery is pending already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_delivery(
    state: web::Data<AppState>,
    reporter: Reporter,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Delivery>, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let event = meta.event(Some(&reporter.actor()), "webhook.retry", Some(&delivery_id));
    let delivery = state
        .db(move |conn| {
            let delivery = (id.as_str(), delivery_id.as_str());
            service::webhooks::retry(conn, owner(&reporter), delivery, &event)
        })
        .await?;
    Ok(web::Json(delivery))
}

/// The organization's events in this credential's mode, oldest first: the same events and
/// bodies as the webhooks deliver, for platforms that cannot receive calls, kept for
/// `event_retention_days`. The cursor is opaque. Unlike other lists, `next_cursor` is null only
/// when there has never been an event: pass it back as `cursor` for the next page, and once a
/// page comes back shorter than `limit` you are up to date: poll later with the last cursor.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "One page of events", body = Paginated<Event>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Reporter,
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    reporter: Reporter,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<Event>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let items = state
        .db(move |conn| events::feed(conn, owner(&reporter), &page))
        .await?;
    Ok(web::Json(items))
}

/// `?from=&to=` of the feedback summary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// Start, inclusive (RFC 3339); default 90 days before `to`.
    pub from: Option<DateTime<Utc>>,
    /// End, exclusive (RFC 3339); default now.
    pub to: Option<DateTime<Utc>>,
}

/// The organization's own outcome figures over the reports it sent in `[from, to)` in this
/// credential's mode: reports sent, acknowledged (reviewed), the actionable share of those
/// with feedback, the median time to first review, the most common reasons, and what to improve.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(Period),
    responses(
        (status = 200, description = "The figures", body = FeedbackSummary),
        (status = 400, description = "Bad query parameter, or `from` not before `to`", body = Problem, content_type = "application/problem+json"),
        Reporter,
    )
)]
#[get("/feedback/summary")]
pub async fn feedback_summary(
    state: web::Data<AppState>,
    reporter: Reporter,
    period: Query<Period>,
) -> Result<web::Json<FeedbackSummary>, ApiError> {
    let to = period.to.unwrap_or_else(Utc::now);
    let from = period.from.unwrap_or(to - chrono::Duration::days(90));
    if from >= to {
        return Err(ApiError::BadRequest("from must be before to".into()));
    }
    if to - from > chrono::Duration::days(366) {
        return Err(ApiError::BadRequest(
            "the period may span at most 366 days".into(),
        ));
    }
    let summary = state
        .db(move |conn| feedback::summary(conn, owner(&reporter), from, to))
        .await?;
    Ok(web::Json(summary))
}

/// Register a webhook endpoint for an organization (admins).
///
/// As `POST /webhooks` does for the organization's own client, for the events of `mode`. The
/// signing secret is in this answer only: hand it to the organization.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id"), idempotency::IdempotencyKeyHeader),
    request_body = NewEndpointFor,
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = RegisteredEndpoint),
        Staff<Admins>,
        JsonErrors,
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organization has the most endpoints allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; `errors` locates every broken rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post(
    "/admin/organizations/{id}/webhooks",
    wrap = "from_fn(idempotency::keyed)"
)]
pub async fn admin_create_webhook(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<NewEndpointFor>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "webhook.register", None);
    let NewEndpointFor {
        mode,
        url,
        event_types,
    } = body.value;
    register(&state, event, id.into_inner(), mode, url, event_types).await
}

/// An organization's webhook endpoints of both modes (admins), oldest first; never secrets.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The endpoints", body = Vec<Endpoint>),
        Staff<Admins>,
    )
)]
#[get("/admin/organizations/{id}/webhooks")]
pub async fn admin_list_webhooks(
    _caller: Staff<Admins>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Endpoint>>, ApiError> {
    let endpoints = state
        .db(move |conn| {
            let mut all = Vec::new();
            for mode in [CredentialMode::Live, CredentialMode::Test] {
                let owner = Owner {
                    organization_id: &id,
                    mode,
                };
                all.extend(webhooks::list(conn, owner)?);
            }
            all.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(all)
        })
        .await?;
    Ok(web::Json(endpoints))
}
