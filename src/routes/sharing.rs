//! Partner sharing on the portal's own API: admins register partners, define collections and
//! grant them; analysts and supervisors share a report's indicators into a collection as STIX
//! 2.1, withdraw shares and download a report's bundle; the statistics count shares by
//! collection and marking. (Partners read the collections through [`super::taxii`].)

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::body::JsonBody;
use super::meta::RequestMeta;
use super::responses::JsonErrors;
use crate::auth::caller::{Admins, Reviewers, Staff, StatsReaders};
use crate::domain::sharing::{
    Collection, GrantRequest, IssuedPartner, NewCollection, NewPartner, Partner, Share, ShareCount,
    ShareRequest,
};
use crate::domain::stats::{ROUNDING_BASE, rounded};
use crate::domain::stix::{self, Portal};
use crate::domain::user::Role;
use crate::error::{ApiError, Problem};
use crate::service;
use crate::state::AppState;
use crate::store::sharing;

/// The portal as a STIX producer, under this deployment's issuer.
fn portal(state: &AppState) -> Portal {
    Portal::new(&state.settings.token_issuer, &state.settings.public_url)
}

/// Register a partner agency and issue its client credentials.
///
/// The partner's platform exchanges them at `/api/v1/auth/token` (client credentials) for a
/// token that opens the TAXII server at `/taxii2/` and nothing else. The secret is shown once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewPartner,
    responses(
        (status = 201, description = "Registered; the secret is shown only now", body = IssuedPartner),
        Staff<Admins>,
        JsonErrors,
        (status = 409, description = "A partner of that name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/partners")]
pub async fn create_partner(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: JsonBody<NewPartner>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "partner.create", None);
    let issued = state
        .db(move |conn| service::sharing::create_partner(conn, &body.value, &event))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(issued))
}

/// Every partner agency, with the collections it is granted (never its secret).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "The partners", body = Vec<Partner>), Staff<Admins>)
)]
#[get("/admin/partners")]
pub async fn list_partners(
    _caller: Staff<Admins>,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<Partner>>, ApiError> {
    Ok(web::Json(state.db(sharing::list_partners).await?))
}

/// Revoke a partner's credentials: its tokens stop working at once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partner's id")),
    responses(
        (status = 204, description = "Revoked"),
        Staff<Admins>,
        (status = 404, description = "No such partner, or already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/partners/{id}")]
pub async fn revoke_partner(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "partner.revoke", Some(&id));
    state
        .db(move |conn| service::sharing::revoke_partner(conn, &id, &event))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Define a collection (a sharing group); its id is the TAXII collection id.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewCollection,
    responses(
        (status = 201, description = "Defined", body = Collection),
        Staff<Admins>,
        JsonErrors,
        (status = 409, description = "A collection of that title exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/collections")]
pub async fn create_collection(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: JsonBody<NewCollection>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "collection.create", None);
    let collection = state
        .db(move |conn| service::sharing::create_collection(conn, &body.value, &event))
        .await?;
    Ok(HttpResponse::Created().json(collection))
}

/// Grant a partner a collection: its platform may read it over TAXII.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partner's id")),
    request_body = GrantRequest,
    responses(
        (status = 204, description = "Granted (or already granted)"),
        Staff<Admins>,
        JsonErrors,
        (status = 404, description = "No such partner or collection", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/partners/{id}/grants")]
pub async fn grant(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<GrantRequest>,
) -> Result<HttpResponse, ApiError> {
    let target = format!("{id}/{}", body.value.collection_id);
    let event = meta.event(Some(&caller.member.actor()), "partner.grant", Some(&target));
    state
        .db(move |conn| service::sharing::grant(conn, &id, &body.value.collection_id, &event))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw a partner's grant of a collection.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partner's id"),
        ("collection_id" = String, Path, description = "The collection's id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        Staff<Admins>,
        (status = 404, description = "No such grant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/partners/{id}/grants/{collection_id}")]
pub async fn revoke_grant(
    caller: Staff<Admins>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, collection_id) = path.into_inner();
    let target = format!("{id}/{collection_id}");
    let event = meta.event(
        Some(&caller.member.actor()),
        "partner.ungrant",
        Some(&target),
    );
    state
        .db(move |conn| service::sharing::revoke_grant(conn, &id, &collection_id, &event))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The collections a report can be shared into (admins see the same list).
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    responses((status = 200, description = "The collections", body = Vec<Collection>), Staff<Reviewers>)
)]
#[get("/review/collections")]
pub async fn list_collections(
    _caller: Staff<Reviewers>,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<Collection>>, ApiError> {
    Ok(web::Json(state.db(sharing::list_collections).await?))
}

/// Share a report's indicators with the partners of a collection, as STIX 2.1.
///
/// Shares all of the report's indicators, or those named by pointer; each becomes an
/// observable (`url`, `user-account` with its platform, `file` with its hashes, `email-addr`,
/// the portal's `phone-number`) and, where a pattern makes sense, an `indicator`; each
/// suspected group an `intrusion-set` (with `indicates` relationships), all tied by a `report`
/// object carrying the note, marked with the TLP 2.0 marking and created by the portal's
/// `identity`. Never the submitter's contact, summary or excerpts. A retracted report, a
/// test-mode report and one under a legal hold are refused (409).
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = ShareRequest,
    responses(
        (status = 201, description = "Shared; the objects are in the collection", body = Share),
        Staff<Reviewers>,
        JsonErrors,
        (status = 404, description = "No such report or collection", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Retracted, test-mode or held report", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The report was purged", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid; or a pointer that is not one of the report's indicators", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/shares")]
pub async fn share_report(
    caller: Staff<Reviewers>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<ShareRequest>,
) -> Result<HttpResponse, ApiError> {
    body.value.check()?;
    let event = meta.event(Some(&caller.member.actor()), "report.share", Some(&id));
    let keys = state.keys.clone();
    let portal = portal(&state);
    let shared = state
        .db(move |conn| {
            let shared_by = &caller.member.id;
            let share = (id.as_str(), &body.value);
            service::sharing::share_report(conn, &keys, &portal, share, shared_by, &event)
        })
        .await?;
    Ok(HttpResponse::Created().json(shared))
}

/// A report's shares, oldest first.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The shares", body = Vec<Share>),
        Staff<Reviewers>,
    )
)]
#[get("/review/reports/{id}/shares")]
pub async fn list_shares(
    caller: Staff<Reviewers>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Share>>, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "report.shares", Some(&id));
    let shares = state
        .db(move |conn| service::sharing::report_shares(conn, &id, &event))
        .await?;
    Ok(web::Json(
        shares.into_iter().map(|(share, _)| share).collect(),
    ))
}

/// Withdraw a share: its indicators, relationships and report object get a new version with
/// `revoked: true`, which partners pull like any other.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The report's id"),
        ("share_id" = String, Path, description = "The share's id"),
    ),
    responses(
        (status = 200, description = "Withdrawn", body = Share),
        Staff<Reviewers>,
        (status = 404, description = "No such share of this report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/shares/{share_id}/withdrawal")]
pub async fn withdraw(
    caller: Staff<Reviewers>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Share>, ApiError> {
    let (id, share_id) = path.into_inner();
    let event = meta.event(
        Some(&caller.member.actor()),
        "report.share_withdraw",
        Some(&id),
    );
    let share = state
        .db(move |conn| {
            let share = (id.as_str(), share_id.as_str());
            service::sharing::withdraw(conn, share, &caller.member.id, &event)
        })
        .await?;
    Ok(web::Json(share))
}

/// The report's STIX 2.1 bundle: every object of its shares as they now stand (withdrawn
/// shares' objects in their revoked versions), each object once.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "A STIX 2.1 bundle", body = Object, content_type = "application/stix+json;version=2.1"),
        Staff<Reviewers>,
        (status = 404, description = "No such report, or never shared", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/review/reports/{id}/stix")]
pub async fn stix_bundle(
    caller: Staff<Reviewers>,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "report.stix", Some(&id));
    let shares = state
        .db(move |conn| service::sharing::report_shares(conn, &id, &event))
        .await?;
    if shares.is_empty() {
        return Err(ApiError::NotFound);
    }
    let mut seen = std::collections::HashSet::new();
    let objects = shares
        .into_iter()
        .flat_map(|(_, objects)| objects)
        .filter(|o| seen.insert(o["id"].as_str().unwrap_or_default().to_owned()))
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("application/stix+json;version=2.1")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"report.stix.json\"",
        ))
        .json(stix::bundle(objects)))
}

/// Share counts as a caller may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareCountsAnswer {
    /// One line per collection and marking.
    pub items: Vec<PublishedShareCount>,
}

/// One line of share counts: exact for analysts and supervisors; for auditors rounded to base
/// 5, and `null` with `suppressed` when 1 to 4.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedShareCount {
    /// The collection.
    pub collection_id: String,
    /// Its title.
    pub collection_title: String,
    /// The marking.
    pub tlp: stix::Tlp,
    /// Shares made (withdrawn ones included).
    pub shares: Option<i64>,
    /// Of which withdrawn.
    pub withdrawn: Option<i64>,
    /// Whether a count was hidden.
    pub suppressed: bool,
}

fn published(count: ShareCount, protected: bool) -> PublishedShareCount {
    let show = |n: i64| match protected {
        false => Some(n),
        true if (1..ROUNDING_BASE).contains(&n) => None,
        true => Some(rounded(n)),
    };
    let (shares, withdrawn) = (show(count.shares), show(count.withdrawn));
    PublishedShareCount {
        suppressed: shares.is_none() || withdrawn.is_none(),
        collection_id: count.collection_id,
        collection_title: count.collection_title,
        tlp: count.tlp,
        shares,
        withdrawn,
    }
}

/// Shares by collection and TLP marking, all time: counts only, never the objects.
///
/// For auditors every count is rounded to base 5 and counts from 1 to 4 are `null` with
/// `suppressed`.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = ShareCountsAnswer),
        Staff<StatsReaders>,
    )
)]
#[get("/stats/shares")]
pub async fn share_counts(
    caller: Staff<StatsReaders>,
    state: web::Data<AppState>,
) -> Result<web::Json<ShareCountsAnswer>, ApiError> {
    let protected = caller.member.role == Role::Auditor;
    let counts = state.db(sharing::share_counts).await?;
    Ok(web::Json(ShareCountsAnswer {
        items: counts
            .into_iter()
            .map(|c| published(c, protected))
            .collect(),
    }))
}
