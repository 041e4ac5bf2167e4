//! The TAXII 2.1 server partners' platforms read, under `/taxii2/`: discovery, one API root,
//! the collections the partner is granted, their objects (filters `added_after`, `match[id]`,
//! `match[type]`, `match[version]`; paging by `limit` and `next`), manifests, one object and
//! its versions. Read-only; `application/taxii+json;version=2.1`; errors are TAXII error
//! objects. Only a partner's token opens it (401 otherwise), and a collection not granted is
//! 404, as if absent. Every pull is audited, and so is every refusal of a collection.
//!
//! Paging is by an index on `(collection, date_added, id, version)`: `next` names the last row
//! served, so a page costs the same at the millionth object as at the first.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::meta::RequestMeta;
use crate::auth::partner::{self, PartnerCaller};
use crate::domain::sharing::Collection;
use crate::domain::storable::is_storable_text;
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;
use crate::store::sharing::{self, ObjectQuery, StoredObject, Versions};

/// The TAXII 2.1 media type of every answer.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// The STIX 2.1 media type of the objects.
const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// Objects per page when `limit` is absent.
const DEFAULT_LIMIT: i64 = 100;
/// The most objects per page.
const MAX_LIMIT: i64 = 1000;
/// The most values of one `match[...]` filter.
const MAX_MATCH_VALUES: usize = 100;

/// A refusal in TAXII's error shape (TAXII 2.1 §3.6.1).
#[derive(Debug)]
pub enum TaxiiError {
    /// Any refusal the API also knows.
    Api(ApiError),
    /// 406: the client accepts no TAXII 2.1 answer.
    NotAcceptable,
}

impl std::fmt::Display for TaxiiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaxiiError::Api(error) => error.fmt(f),
            TaxiiError::NotAcceptable => write!(f, "this server answers {TAXII_MEDIA_TYPE} only"),
        }
    }
}

impl From<ApiError> for TaxiiError {
    fn from(error: ApiError) -> Self {
        TaxiiError::Api(error)
    }
}

impl ResponseError for TaxiiError {
    fn status_code(&self) -> StatusCode {
        match self {
            TaxiiError::Api(error) => error.status_code(),
            TaxiiError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let TaxiiError::Api(error) = self else {
            return taxii_error(status, &self.to_string(), HttpResponse::build(status));
        };
        let description = match error {
            ApiError::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "TAXII request failed");
                "an internal error occurred".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(status);
        match error {
            ApiError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"taxii2\""));
            }
            ApiError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::MethodNotAllowed { .. } => {
                response.insert_header((header::ALLOW, "GET"));
            }
            _ => {}
        }
        taxii_error(status, &description, response)
    }
}

/// A TAXII error object answered with `status`.
fn taxii_error(
    status: StatusCode,
    description: &str,
    mut response: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    response.content_type(TAXII_MEDIA_TYPE).body(
        json!({
            "title": status.canonical_reason().unwrap_or("Error"),
            "description": description,
            "http_status": status.as_u16().to_string(),
        })
        .to_string(),
    )
}

type Answer = Result<HttpResponse, TaxiiError>;

/// The partner calling, for TAXII handlers (401 as a TAXII error otherwise).
pub struct Partner(PartnerCaller);

impl FromRequest for Partner {
    type Error = TaxiiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, TaxiiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            check_accept(&req)?;
            Ok(Partner(partner::authenticate(&req).await?))
        })
    }
}

/// 406 unless the client accepts TAXII 2.1 (or anything).
fn check_accept(req: &HttpRequest) -> Result<(), TaxiiError> {
    let Some(accept) = req.headers().get(header::ACCEPT) else {
        return Ok(());
    };
    let accept = accept.to_str().unwrap_or_default().replace(' ', "");
    let ok = accept.split(',').any(|item| {
        let media = item.split(';').next().unwrap_or_default();
        let version = item.split(';').find(|p| p.starts_with("version="));
        matches!(media, "*/*" | "application/*")
            || (media == "application/taxii+json" && version.is_none_or(|v| v == "version=2.1"))
    });
    if ok {
        Ok(())
    } else {
        Err(TaxiiError::NotAcceptable)
    }
}

fn taxii_json(body: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(TAXII_MEDIA_TYPE)
        .body(body.to_string())
}

/// The server's base URL as the client reached it.
fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// TAXII discovery: the server and its one API root.
async fn discovery(req: HttpRequest, _caller: Partner) -> Answer {
    let root = format!("{}/taxii2/api/", base_url(&req));
    Ok(taxii_json(&json!({
        "title": "report-portal TAXII server",
        "description": "Indicators of cartel recruitment shared by DHS analysts.",
        "default": root,
        "api_roots": [root],
    })))
}

/// The API root's information.
async fn api_root(_caller: Partner) -> Answer {
    Ok(taxii_json(&json!({
        "title": "report-portal partner sharing",
        "description": "The collections granted to the calling partner.",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": 0,
    })))
}

fn collection_json(collection: &Collection) -> Value {
    let mut value = json!({
        "id": collection.id,
        "title": collection.title,
        "can_read": true,
        "can_write": false,
        "media_types": [STIX_MEDIA_TYPE],
    });
    if let Some(description) = &collection.description {
        value["description"] = description.clone().into();
    }
    value
}

/// The collections the partner may read.
async fn collections(state: web::Data<AppState>, caller: Partner) -> Answer {
    let partner_id = caller.0.partner_id.clone();
    let collections = state
        .db(move |conn| sharing::granted_collections(conn, &partner_id))
        .await?;
    let mut body = json!({});
    if !collections.is_empty() {
        body["collections"] = collections.iter().map(collection_json).collect();
    }
    Ok(taxii_json(&body))
}

/// Runs `work` on collection `collection_id` when the partner is granted it, recording the
/// pull (or the refusal, for a collection absent or not granted: 404 either way).
async fn pull<T: Send + 'static>(
    state: &web::Data<AppState>,
    caller: &Partner,
    meta: &RequestMeta,
    action: &'static str,
    collection_id: String,
    work: impl FnOnce(&mut crate::db::DbConnection, &Collection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, TaxiiError> {
    let event = meta.event(Some(&caller.0.actor()), action, Some(&collection_id));
    let partner_id = caller.0.partner_id.clone();
    Ok(state
        .db(move |conn| {
            let granted = (partner_id.as_str(), collection_id.as_str());
            service::sharing::pull(conn, granted, &event, work)
        })
        .await?)
}

/// One collection's information.
async fn collection(
    state: web::Data<AppState>,
    caller: Partner,
    meta: RequestMeta,
    path: web::Path<String>,
) -> Answer {
    let id = storable(path.into_inner())?;
    let collection = pull(&state, &caller, &meta, "taxii.collection", id, |_, c| {
        Ok(c.clone())
    })
    .await?;
    Ok(taxii_json(&collection_json(&collection)))
}

fn storable(text: String) -> Result<String, ApiError> {
    if is_storable_text(&text) {
        Ok(text)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A TAXII timestamp: UTC with microseconds.
fn taxii_time(micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest(detail.into())
}

/// The filters and paging of an objects or manifest request, read from the query string
/// (`match[...]` keys repeat or hold comma-separated lists).
fn object_query(req: &HttpRequest, only_id: Option<&str>) -> Result<ObjectQuery, ApiError> {
    let mut query = ObjectQuery {
        added_after: None,
        ids: only_id.map(|id| vec![id.to_owned()]).unwrap_or_default(),
        types: Vec::new(),
        versions: Versions::Last,
        limit: DEFAULT_LIMIT,
        after: None,
        nothing: false,
    };
    let mut versions: Vec<String> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if !is_storable_text(&value) {
            return Err(bad(format!("{key} holds a NUL character")));
        }
        let values = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        match key.as_ref() {
            "added_after" => {
                let at = DateTime::parse_from_rfc3339(&value)
                    .map_err(|_| bad("added_after must be an RFC 3339 timestamp"))?;
                query.added_after = Some(at.with_timezone(&Utc).timestamp_micros());
            }
            "limit" => {
                let limit: i64 = value
                    .parse()
                    .map_err(|_| bad("limit must be a positive integer"))?;
                if limit < 1 {
                    return Err(bad("limit must be a positive integer"));
                }
                // A server may answer fewer than asked (TAXII 2.1 §3.4).
                query.limit = limit.min(MAX_LIMIT);
            }
            "next" => query.after = Some(parse_next(&value)?),
            "match[id]" if only_id.is_none() => query.ids.extend(values()),
            "match[type]" => query.types.extend(values()),
            "match[version]" => versions.extend(values()),
            "match[spec_version]" if !values().any(|v| v == "2.1") => {
                query.nothing = true;
            }
            _ => {}
        }
    }
    if query.ids.len() > MAX_MATCH_VALUES
        || query.types.len() > MAX_MATCH_VALUES
        || versions.len() > MAX_MATCH_VALUES
    {
        return Err(bad("a match filter may name at most 100 values"));
    }
    query.versions = match versions.as_slice() {
        [] => Versions::Last,
        v if v.iter().any(|x| x == "all") => Versions::All,
        v if v.iter().all(|x| x == "last") => Versions::Last,
        v if v.iter().all(|x| x == "first") => Versions::First,
        v => {
            if v.iter().any(|x| matches!(x.as_str(), "first" | "last")) {
                return Err(bad("match[version] mixes first or last with timestamps"));
            }
            Versions::These(v.to_vec())
        }
    };
    Ok(query)
}

/// The `next` of a page: where it stopped.
fn next_token(object: &StoredObject) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}|{}|{}",
        object.added_us, object.id, object.version
    ))
}

fn parse_next(token: &str) -> Result<(i64, String, String), ApiError> {
    let invalid = || bad("next is not a value this server gave");
    let decoded = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(decoded).map_err(|_| invalid())?;
    let mut parts = text.splitn(3, '|');
    let added = parts
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(invalid)?;
    let id = parts.next().ok_or_else(invalid)?.to_owned();
    let version = parts.next().ok_or_else(invalid)?.to_owned();
    if !is_storable_text(&id) || !is_storable_text(&version) {
        return Err(invalid());
    }
    Ok((added, id, version))
}

/// A paged answer (an envelope, a manifest, a version list: `items` under `key`) with its
/// paging fields and date headers.
fn page_answer(rows: &[StoredObject], more: bool, key: &str, items: Vec<Value>) -> HttpResponse {
    let mut body = json!({"more": more});
    if more && let Some(last) = rows.last() {
        body["next"] = next_token(last).into();
    }
    if !items.is_empty() {
        body[key] = items.into();
    }
    let mut response = HttpResponse::Ok();
    response.content_type(TAXII_MEDIA_TYPE);
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        response.insert_header(("X-TAXII-Date-Added-First", taxii_time(first.added_us)));
        response.insert_header(("X-TAXII-Date-Added-Last", taxii_time(last.added_us)));
    }
    response.body(body.to_string())
}

fn bodies(rows: &[StoredObject]) -> Result<Vec<Value>, ApiError> {
    rows.iter()
        .map(|r| serde_json::from_str(&r.body).map_err(|e| ApiError::Internal(e.into())))
        .collect()
}

/// A page of a collection's objects.
async fn objects(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Partner,
    meta: RequestMeta,
    path: web::Path<String>,
) -> Answer {
    let id = storable(path.into_inner())?;
    let query = object_query(&req, None)?;
    let (rows, more) = pull(
        &state,
        &caller,
        &meta,
        "taxii.objects",
        id,
        move |conn, c| sharing::objects(conn, &c.id, &query),
    )
    .await?;
    let items = bodies(&rows)?;
    Ok(page_answer(&rows, more, "objects", items))
}

/// A page of a collection's manifest: each object version's id, date added and version.
async fn manifest(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Partner,
    meta: RequestMeta,
    path: web::Path<String>,
) -> Answer {
    let id = storable(path.into_inner())?;
    let query = object_query(&req, None)?;
    let (rows, more) = pull(
        &state,
        &caller,
        &meta,
        "taxii.manifest",
        id,
        move |conn, c| sharing::objects(conn, &c.id, &query),
    )
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "date_added": taxii_time(r.added_us),
                "version": r.version,
                "media_type": STIX_MEDIA_TYPE,
            })
        })
        .collect();
    Ok(page_answer(&rows, more, "objects", items))
}

/// One object (its latest version unless `match[version]` says otherwise); 404 when absent.
async fn object(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Partner,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Answer {
    let (collection_id, object_id) = path.into_inner();
    let (collection_id, object_id) = (storable(collection_id)?, storable(object_id)?);
    let query = object_query(&req, Some(&object_id))?;
    let (rows, more) = pull(
        &state,
        &caller,
        &meta,
        "taxii.object",
        collection_id,
        move |conn, c| sharing::objects(conn, &c.id, &query),
    )
    .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound.into());
    }
    let items = bodies(&rows)?;
    Ok(page_answer(&rows, more, "objects", items))
}

/// The versions of one object, oldest first; 404 when absent.
async fn versions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Partner,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Answer {
    let (collection_id, object_id) = path.into_inner();
    let (collection_id, object_id) = (storable(collection_id)?, storable(object_id)?);
    let mut query = object_query(&req, Some(&object_id))?;
    query.versions = Versions::All;
    let (rows, more) = pull(
        &state,
        &caller,
        &meta,
        "taxii.versions",
        collection_id,
        move |conn, c| sharing::objects(conn, &c.id, &query),
    )
    .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound.into());
    }
    let versions = rows
        .iter()
        .map(|r| Value::from(r.version.clone()))
        .collect();
    Ok(page_answer(&rows, more, "versions", versions))
}

/// Anything else under `/taxii2/`: 405 for a method other than GET (the server is read-only),
/// 404 otherwise.
async fn not_served(req: HttpRequest) -> Answer {
    if req.method() != Method::GET {
        return Err(ApiError::MethodNotAllowed {
            allowed: vec!["GET"],
        }
        .into());
    }
    Err(ApiError::NotFound.into())
}

/// The TAXII server's routes, mounted at the root beside the API (not in its OpenAPI
/// document: TAXII 2.1 is its own specification).
pub fn scope() -> actix_web::Scope {
    web::scope("/taxii2")
        .route("/", web::get().to(discovery))
        .route("/api/", web::get().to(api_root))
        .route("/api/collections/", web::get().to(collections))
        .route("/api/collections/{id}/", web::get().to(collection))
        .route("/api/collections/{id}/objects/", web::get().to(objects))
        .route("/api/collections/{id}/manifest/", web::get().to(manifest))
        .route(
            "/api/collections/{id}/objects/{object_id}/",
            web::get().to(object),
        )
        .route(
            "/api/collections/{id}/objects/{object_id}/versions/",
            web::get().to(versions),
        )
        .default_service(web::to(not_served))
}
