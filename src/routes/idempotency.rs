//! `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) for the POSTs that
//! `external_id` does not make idempotent. A route takes part with
//! `#[post("/path", wrap = "from_fn(idempotency::keyed)")]`, and documents the header with
//! `params(idempotency::IdempotencyKeyHeader)`.
//!
//! A key is scoped to the calling credential's organization and mode (a staff member's to
//! themselves), and fingerprinted with the request's method, path and body bytes (SHA-256). The same key with the same request
//! answers the first answer again, with `Idempotent-Replayed: true`; with another request, 422;
//! while the first is still running, 409. Answers are kept `idempotency_key_seconds` (24 h),
//! sealed under a data key of their own, except those worth retrying (401, 403, 408, 429 and
//! 5xx), after which the key is free again.

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use chrono::Duration;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::caller::Principal;
use crate::db::background;
use crate::domain::organization::CredentialMode;
use crate::error::ApiError;
use crate::keys::KeyStore;
use crate::state::AppState;
use crate::store::idempotency::{self, Claim, KeyScope, Recorded};

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The longest key accepted, in characters.
pub const MAX_KEY_LENGTH: usize = 255;

/// A request still in flight after this long is taken to have died with its process.
const ABANDONED_AFTER_SECONDS: i64 = 15 * 60;

/// The `Idempotency-Key` request header, for a keyed route's `params(...)` in the document.
pub struct IdempotencyKeyHeader;

impl utoipa::IntoParams for IdempotencyKeyHeader {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r#"^([!#-\[\]-~]{1,255}|"[!#-\[\]-~]{1,255}")$"#));
        vec![
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes the request safe to retry (draft-ietf-httpapi-idempotency-key-header): \
                     the same key with the same request answers the first answer again (with \
                     `Idempotent-Replayed: true`) for 24 hours; with another request, 422; while \
                     the first still runs, 409. 1 to 255 visible ASCII characters, optionally \
                     quoted; one namespace per organization and mode.",
                ))
                .schema(Some(schema))
                .build(),
        ]
    }
}

/// What is kept of an answer, sealed, for replays.
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: String,
}

/// The middleware (for `from_fn`): passes a request without the header through; otherwise
/// authenticates the caller (refusing as the route would), claims the key and runs, replays or
/// refuses the request.
pub async fn keyed(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = parse_key(value)?;
    let caller = req.extract::<Principal>().await?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
    // An API client's keys are its organization's in its mode; a staff member's are their own.
    let scope = match caller {
        Principal::Reporter(reporter) => KeyScope {
            organization_id: reporter.organization_id,
            mode: reporter.mode,
            key,
        },
        Principal::Staff(staff) => KeyScope {
            organization_id: format!("staff:{}", staff.id),
            mode: CredentialMode::Live,
            key,
        },
    };
    let now = crate::store::now();
    let retention = Duration::seconds(state.settings.idempotency_key_seconds as i64);
    let expired_before = now - retention;
    let abandoned_before = now - Duration::seconds(ABANDONED_AFTER_SECONDS);
    let claim_scope = scope.clone();
    let claim = state
        .db(move |conn| {
            idempotency::claim(conn, &claim_scope, now, expired_before, abandoned_before)
        })
        .await?;
    let body = Fingerprint::start(&mut req);
    let drain_limit = drain_limit(&state);
    match claim {
        Claim::InFlight => Err(ApiError::Conflict {
            detail: "a request with this Idempotency-Key is still in progress; retry later".into(),
            existing_id: None,
        }
        .into()),
        Claim::Answered(recorded) => {
            let fingerprint = body.finish(drain_limit).await;
            if fingerprint.as_deref() != Some(recorded.fingerprint.as_str()) {
                return Err(ApiError::invalid(
                    "",
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request; use a new key",
                )
                .into());
            }
            let keys = state.keys.clone();
            let answer = web::block(move || open(&keys, &scope, &recorded)).await??;
            Ok(req.into_response(replay(answer)))
        }
        Claim::Claimed => {
            let response = next.call(req).await;
            let kept = match &response {
                Ok(response) if worth_keeping(response.status()) => body.finish(drain_limit).await,
                _ => None,
            };
            let Some(fingerprint) = kept else {
                let release_scope = scope.clone();
                state
                    .db(move |conn| idempotency::release(conn, &release_scope))
                    .await?;
                return Ok(response?.map_into_boxed_body());
            };
            let (request, response) = response?.into_parts();
            let (head, body) = response.into_parts();
            let bytes = actix_web::body::to_bytes(body).await.map_err(|e| {
                let error: Box<dyn std::error::Error> = e.into();
                ApiError::Internal(anyhow::anyhow!("answer unreadable: {error}"))
            })?;
            record(&state, scope, fingerprint, &head, &bytes).await?;
            Ok(ServiceResponse::new(
                request,
                head.set_body(bytes).map_into_boxed_body(),
            ))
        }
    }
}

/// The key: an sf-string (`"…"`, the draft's form) or the same characters unquoted, 1 to
/// [`MAX_KEY_LENGTH`] visible ASCII characters (400 otherwise).
fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let refused = || {
        ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, \
             optionally in double quotes"
        ))
    };
    let text = value.to_str().map_err(|_| refused())?.trim();
    let key = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let visible = |c: char| c.is_ascii_graphic() && c != '"' && c != '\\';
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.chars().all(visible) {
        return Err(refused());
    }
    Ok(key.to_owned())
}

/// Whether an answer is the request's outcome, to replay: not one worth retrying (401, 403,
/// 408, 429, 5xx).
fn worth_keeping(status: StatusCode) -> bool {
    let retry = [
        StatusCode::UNAUTHORIZED,
        StatusCode::FORBIDDEN,
        StatusCode::REQUEST_TIMEOUT,
        StatusCode::TOO_MANY_REQUESTS,
    ];
    !status.is_server_error() && !retry.contains(&status)
}

/// The most bytes of a body read to fingerprint it: more than any route accepts.
fn drain_limit(state: &AppState) -> usize {
    let settings = &state.settings;
    settings
        .max_body_bytes
        .max(settings.max_batch_body_bytes)
        .max(settings.max_evidence_bytes)
        .saturating_add(1024 * 1024)
}

/// Where a sealed answer belongs (its associated data), so that it opens only for its key.
fn place(scope: &KeyScope) -> String {
    format!(
        "idempotency/{}/{}/{}",
        scope.organization_id,
        scope.mode.as_ref(),
        scope.key
    )
}

/// Seals the answer under a fresh data key and records it with the request's fingerprint.
async fn record(
    state: &web::Data<AppState>,
    scope: KeyScope,
    fingerprint: String,
    head: &HttpResponse<()>,
    body: &Bytes,
) -> Result<(), ApiError> {
    let Ok(text) = std::str::from_utf8(body) else {
        return state
            .db(move |conn| idempotency::release(conn, &scope))
            .await;
    };
    let text_header = |name| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let answer = Answer {
        status: head.status().as_u16(),
        content_type: text_header(header::CONTENT_TYPE),
        location: text_header(header::LOCATION),
        body: text.to_owned(),
    };
    let keys = state.keys.clone();
    state
        .db(move |conn| {
            let (data_key_id, data_key) = keys.take(1)?.pop().ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("the key store gave no data key"))
            })?;
            let plain = serde_json::to_string(&answer).map_err(anyhow::Error::from)?;
            let recorded = Recorded {
                fingerprint,
                status: answer.status,
                sealed_answer: data_key.seal(&plain, &place(&scope)),
                data_key_id,
            };
            idempotency::record(conn, &scope, &recorded)
        })
        .await
}

/// The recorded answer, opened.
fn open(keys: &KeyStore, scope: &KeyScope, recorded: &Recorded) -> Result<Answer, ApiError> {
    let key = keys.one(&recorded.data_key_id)?;
    let plain = key
        .open(&recorded.sealed_answer, &place(scope))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("sealed answer unreadable: {e}")))?;
    Ok(serde_json::from_str(&plain).map_err(anyhow::Error::from)?)
}

/// The recorded answer again, marked as a replay.
fn replay(answer: Answer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header(("Idempotent-Replayed", "true"));
    if let Some(content_type) = answer.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(location) = answer.location {
        response.insert_header((header::LOCATION, location));
    }
    response.body(answer.body)
}

/// The request's fingerprint, taken as the route reads the body: SHA-256 over the method, the
/// path and the body bytes.
struct Fingerprint {
    reading: Rc<RefCell<Reading>>,
}

struct Reading {
    body: Option<Payload>,
    hasher: Sha256,
    read: usize,
    ended: bool,
}

/// The body as the route sees it, hashed on its way.
struct Hashed(Rc<RefCell<Reading>>);

impl Stream for Hashed {
    type Item = Result<Bytes, actix_web::error::PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut reading = self.0.borrow_mut();
        let Some(body) = reading.body.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(body).poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => {
                reading.hasher.update(chunk);
                reading.read += chunk.len();
            }
            Poll::Ready(None) => reading.ended = true,
            Poll::Ready(Some(Err(_))) => reading.body = None,
            Poll::Pending => {}
        }
        polled
    }
}

impl Fingerprint {
    /// Puts the hashing body in place of `req`'s.
    fn start(req: &mut ServiceRequest) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(format!("{} {}\n", req.method(), req.path()));
        let reading = Rc::new(RefCell::new(Reading {
            body: Some(req.take_payload()),
            hasher,
            read: 0,
            ended: false,
        }));
        let stream: Pin<Box<dyn Stream<Item = _>>> = Box::pin(Hashed(reading.clone()));
        req.set_payload(Payload::from(stream));
        Self { reading }
    }

    /// Reads what the route left of the body (at most `limit` bytes in all) and answers the
    /// fingerprint (hex); `None` when the body could not be read whole.
    async fn finish(self, limit: usize) -> Option<String> {
        let mut rest = Hashed(self.reading.clone());
        loop {
            if self.reading.borrow().ended {
                break;
            }
            match rest.next().await {
                Some(Ok(_)) if self.reading.borrow().read <= limit => {}
                None if self.reading.borrow().ended => break,
                _ => return None,
            }
        }
        let hasher = self.reading.borrow().hasher.clone();
        Some(hex::encode(hasher.finalize()))
    }
}

/// Keys deleted per transaction by the pruning.
const PRUNE_BATCH: i64 = 500;

/// Every `idempotency_prune_seconds`, deletes the keys older than `idempotency_key_seconds`
/// and destroys the data keys that sealed their answers (safe with many replicas doing it).
pub async fn prune_on_schedule(state: web::Data<AppState>) {
    let period = std::time::Duration::from_secs(state.settings.idempotency_prune_seconds.max(1));
    let (first, what) = (background::FirstRun::AtStart, "prune idempotency keys");
    background::every(period, first, what, || prune(&state)).await
}

/// Deletes the expired keys, a batch at a time, and destroys their data keys.
async fn prune(state: &web::Data<AppState>) -> Result<(), ApiError> {
    let retention = Duration::seconds(state.settings.idempotency_key_seconds as i64);
    let cutoff = crate::store::now() - retention;
    loop {
        let pruned = state
            .db(move |conn| idempotency::prune(conn, cutoff, PRUNE_BATCH))
            .await?;
        let data_keys: Vec<String> = pruned.iter().flatten().cloned().collect();
        let keys = state.keys.clone();
        web::block(move || keys.destroy(&data_keys.iter().map(String::as_str).collect::<Vec<_>>()))
            .await??;
        tracing::debug!(pruned = pruned.len(), "idempotency keys pruned");
        if pruned.len() < PRUNE_BATCH as usize {
            return Ok(());
        }
    }
}
