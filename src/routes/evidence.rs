//! Evidence upload by an organization's API client: one file per request, streamed through
//! hashing, type checking and encryption into the evidence store, never held whole in memory.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::middleware::from_fn;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::body::{declared_length, escape_pointer, require_media_type};
use super::idempotency;
use crate::auth::caller::Reporter;
use crate::domain::evidence::{Evidence, SNIFF_BYTES, media_type};
use crate::domain::storable;
use crate::domain::user::Actor;
use crate::domain::user::Role;
use crate::error::{ApiError, Problem};
use crate::evidence::SealedUpload;
use crate::service;
use crate::state::AppState;
use crate::store::evidence::NewEvidence;

/// The form of an evidence upload (`multipart/form-data`); a field not listed here is refused.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceUpload {
    /// The file: an image, video, audio, PDF, plain text or HTML file (the type is found from
    /// its bytes), at most `max_evidence_bytes` (50 MiB by default).
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// The SHA-256 (hex) of the file as the client computed it; checked when given.
    #[schema(nullable = false, pattern = "^[0-9A-Fa-f]{64}$")]
    pub sha256: Option<String>,
    /// The index, in the report's content (its own items, then those of each amendment in
    /// order), of the content item the file shows.
    #[schema(nullable = false, minimum = 0, maximum = 65535)]
    pub content_index: Option<i32>,
    /// What the file is.
    #[schema(nullable = false, min_length = 1, max_length = 2000)]
    pub description: Option<String>,
}

/// Room in a request body for the form's boundaries and other fields, beyond the file: the
/// whole body, chunked or not, is at most `max_evidence_bytes` and this (413 beyond).
const FORM_ROOM: usize = 64 * 1024;
/// The largest text field of the form, in bytes; each text field may come once.
const MAX_TEXT_FIELD: usize = 8 * 1024;
/// The longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Attach an evidence file to a report.
///
/// One file per request, as `multipart/form-data` with the field `file`, and optionally
/// `sha256` (checked: a mismatch is 422), `content_index` and `description`, each at most once
/// and at most 8 KiB (422 otherwise). The file's type is found from its bytes, not from its
/// name or declared type, and must be an image, video, audio, PDF, plain text or HTML file (422
/// otherwise). Stored encrypted. The whole body, chunked or not, may be at most
/// `max_evidence_bytes` plus 64 KiB (413 beyond). The same bytes sent again for the same report
/// are stored once: the answer is then 200 with the first upload.
#[utoipa::path(
    tag = "submission",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), idempotency::IdempotencyKeyHeader),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Evidence),
        (status = 200, description = "The report already has this file", body = Evidence),
        (status = 400, description = "Malformed multipart body, or no boundary", body = Problem, content_type = "application/problem+json"),
        Reporter,
        (status = 404, description = "No such report of this organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report was retracted", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File larger than `max_evidence_bytes`, or a body larger than that and 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file, a type not accepted, a SHA-256 that does not match, or a bad or repeated field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/evidence", wrap = "from_fn(idempotency::keyed)")]
pub async fn upload(
    state: web::Data<AppState>,
    reporter: Reporter,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_media_type(&req, "multipart/form-data")?;
    let has_boundary = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|mime| mime.get_param(actix_web::mime::BOUNDARY).is_some());
    if !has_boundary {
        return Err(ApiError::BadRequest(
            "multipart/form-data needs its boundary parameter".into(),
        ));
    }
    let limit = state.settings.max_evidence_bytes;
    let cap = limit.saturating_add(FORM_ROOM);
    if declared_length(&req).is_some_and(|length| length > cap) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut form = Multipart::new(req.headers(), capped(payload, cap));
    let answer = receive(&state, reporter, id.into_inner(), &mut form).await;
    if answer.is_err() {
        drain(&mut form, limit).await;
    }
    answer
}

/// Stores the form's file as evidence of `report_id` and records it.
async fn receive(
    state: &AppState,
    reporter: Reporter,
    report_id: String,
    form: &mut Multipart,
) -> Result<HttpResponse, ApiError> {
    let (owner, rid) = (reporter.clone(), report_id.clone());
    let keys = state.keys.clone();
    let key = state
        .db(move |conn| crate::store::evidence::prepare_upload(conn, &keys, owner.owner(), &rid))
        .await?;

    let evidence_id = crate::store::new_id();
    let location = crate::evidence::location(&report_id, &evidence_id);
    let mut sealed = state.evidence.create(&key, &location).await?;
    let received = match read_form(form, &mut sealed, state.settings.max_evidence_bytes).await {
        Ok(received) => received,
        Err(error) => {
            sealed.abort().await;
            return Err(error);
        }
    };
    sealed.finish().await?;

    let new = NewEvidence {
        id: evidence_id,
        report_id,
        sha256: received.sha256,
        size: received.size,
        media_type: received.media_type,
        content_index: received.content_index,
        description: received.description,
    };
    let actor = Actor {
        id: reporter.client_id,
        role: Role::Reporter,
    };
    let recorded = state
        .db(move |conn| service::evidence::record_upload(conn, &key, &new, &actor))
        .await;
    match recorded {
        Ok((evidence, true)) => Ok(HttpResponse::Created().json(evidence)),
        Ok((evidence, false)) => {
            state.evidence.delete(&location).await;
            Ok(HttpResponse::Ok().json(evidence))
        }
        Err(error) => {
            state.evidence.delete(&location).await;
            Err(error)
        }
    }
}

/// What the form carried, the file already stored.
struct ReceivedForm {
    sha256: String,
    size: i64,
    media_type: &'static str,
    content_index: Option<i32>,
    description: Option<String>,
}

/// Reads the form, streaming its file into `sealed`; checks every field.
async fn read_form(
    form: &mut Multipart,
    sealed: &mut SealedUpload,
    limit: usize,
) -> Result<ReceivedForm, ApiError> {
    let mut file = None;
    let mut claimed_sha256 = None;
    let mut content_index = None;
    let mut description = None;
    let mut seen = Vec::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| unreadable(e, limit))?;
        let name = field.name().unwrap_or_default().to_owned();
        if seen.contains(&name) {
            return Err(ApiError::invalid(
                format!("/{}", escape_pointer(&name)),
                "duplicate",
                "may be sent only once per upload",
            ));
        }
        seen.push(name.clone());
        match name.as_str() {
            "file" => file = Some(stream_file(&mut field, sealed, limit).await?),
            "sha256" => {
                let text = text(&mut field, "/sha256", limit)
                    .await?
                    .to_ascii_lowercase();
                if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ApiError::invalid(
                        "/sha256",
                        "sha256",
                        "must be 64 hexadecimal digits",
                    ));
                }
                claimed_sha256 = Some(text);
            }
            "content_index" => {
                let text = text(&mut field, "/content_index", limit).await?;
                let index = text.trim().parse::<u16>().map_err(|_| {
                    ApiError::invalid(
                        "/content_index",
                        "type",
                        "must be the index (0, 1, …) of one of the report's content items",
                    )
                })?;
                content_index = Some(i32::from(index));
            }
            "description" => {
                let text = text(&mut field, "/description", limit).await?;
                if text.trim().is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
                    return Err(ApiError::invalid(
                        "/description",
                        "length",
                        format!("must be 1 to {MAX_DESCRIPTION_CHARS} characters"),
                    ));
                }
                description = Some(text);
            }
            other => {
                return Err(ApiError::invalid(
                    format!("/{}", escape_pointer(other)),
                    "unknown_field",
                    "is not a field of an evidence upload (file, sha256, content_index, description)",
                ));
            }
        }
    }
    let (sha256, size, media_type) =
        file.ok_or_else(|| ApiError::invalid("/file", "required", "a file is required"))?;
    if claimed_sha256.is_some_and(|claimed| claimed != sha256) {
        return Err(ApiError::invalid(
            "/sha256",
            "mismatch",
            format!("does not match the SHA-256 of the file received ({sha256})"),
        ));
    }
    Ok(ReceivedForm {
        sha256,
        size,
        media_type,
        content_index,
        description,
    })
}

/// Streams the file into `sealed` while hashing it and finding its type from its first bytes;
/// answers its SHA-256, size and media type. 413 as soon as it passes `limit` bytes.
async fn stream_file(
    field: &mut Field,
    sealed: &mut SealedUpload,
    limit: usize,
) -> Result<(String, i64, &'static str), ApiError> {
    let mut hasher = Sha256::new();
    let mut size = 0usize;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut found = None;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| unreadable(e, limit))?;
        size += chunk.len();
        if size > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        hasher.update(&chunk);
        if found.is_some() {
            sealed.write(&chunk).await?;
            continue;
        }
        head.extend_from_slice(&chunk);
        if head.len() >= SNIFF_BYTES {
            found = Some(media_type(&head[..SNIFF_BYTES]).map_err(invalid)?);
            sealed.write(&std::mem::take(&mut head)).await?;
        }
    }
    if size == 0 {
        return Err(ApiError::invalid("/file", "empty", "must not be empty"));
    }
    let media_type = match found {
        Some(media_type) => media_type,
        None => {
            let media_type = media_type(&head).map_err(invalid)?;
            sealed.write(&head).await?;
            media_type
        }
    };
    let size = i64::try_from(size).map_err(|_| ApiError::PayloadTooLarge { limit })?;
    Ok((hex::encode(hasher.finalize()), size, media_type))
}

/// A text field of the form, at most [`MAX_TEXT_FIELD`] bytes of UTF-8 that can be stored
/// (no NUL character); `limit` is the upload's `max_evidence_bytes`.
async fn text(field: &mut Field, pointer: &str, limit: usize) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        bytes.extend_from_slice(&chunk.map_err(|e| unreadable(e, limit))?);
        if bytes.len() > MAX_TEXT_FIELD {
            return Err(ApiError::invalid(pointer, "length", "is too long"));
        }
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::invalid(pointer, "type", "must be UTF-8 text"))?;
    if !storable::is_storable_text(&text) {
        return Err(ApiError::Invalid(vec![storable::nul_error(pointer)]));
    }
    Ok(text)
}

/// Reads and discards the rest of the form (at most `cap` bytes) after a refusal, so that a
/// client still sending gets the answer rather than a broken connection.
async fn drain(form: &mut Multipart, cap: usize) {
    let mut left = cap;
    while let Some(Ok(mut field)) = form.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            left = left.saturating_sub(chunk.len());
            if left == 0 {
                return;
            }
        }
    }
}

/// `payload`, ending with [`PayloadError::Overflow`] once more than `cap` bytes have come,
/// whether the body declared its length or came chunked.
fn capped(
    payload: web::Payload,
    cap: usize,
) -> impl Stream<Item = Result<web::Bytes, PayloadError>> + 'static {
    let mut received = 0usize;
    payload.map(move |chunk| {
        let chunk = chunk?;
        received = received.saturating_add(chunk.len());
        if received > cap {
            return Err(PayloadError::Overflow);
        }
        Ok(chunk)
    })
}

/// A form that could not be read: 413 when the body passed its cap (see [`capped`]; `limit` is
/// the upload's `max_evidence_bytes`), 400 otherwise.
fn unreadable(error: MultipartError, limit: usize) -> ApiError {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => ApiError::PayloadTooLarge {
            limit: limit.saturating_add(FORM_ROOM),
        },
        error => ApiError::BadRequest(format!("the multipart body could not be read: {error}")),
    }
}

fn invalid(error: crate::error::FieldError) -> ApiError {
    ApiError::Invalid(vec![error])
}
