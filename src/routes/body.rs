//! Reading request bodies: the size limit (413), the media type (415), and JSON that is
//! malformed or nested too deep (400) or of the wrong shape (422 with a JSON Pointer to the
//! offending value).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::domain::received::canonical_json;
use crate::domain::storable;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// Reads the whole body, refusing it (413) as soon as it passes `limit` bytes, and (408) when it
/// has not all arrived within `body_timeout_seconds`, so that a client sending slowly, or not at
/// all, cannot hold a connection open.
pub async fn read_limited(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let declared = declared_length(req);
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let seconds = req.app_data::<web::Data<AppState>>().map_or(
        crate::config::Settings::default().body_timeout_seconds,
        |s| s.settings.body_timeout_seconds,
    );
    let read = async {
        let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0));
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::BadRequest(format!("the request body could not be read: {e}"))
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    actix_web::rt::time::timeout(std::time::Duration::from_secs(seconds), read)
        .await
        .map_err(|_| ApiError::RequestTimeout { seconds })?
}

/// The body's length as the request's `Content-Length` declares it.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(actix_web::http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// 415 unless the request declares the media type `expected` (or, for JSON, any `+json` type).
pub fn require_media_type(req: &HttpRequest, expected: &'static str) -> Result<(), ApiError> {
    let mime = req.mime_type().ok().flatten();
    let matches = mime.is_some_and(|m| {
        let essence = m.essence_str();
        essence == expected
            || (expected == "application/json" && m.suffix().is_some_and(|s| s == "json"))
    });
    if matches {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType { expected })
    }
}

/// A JSON request body read into `T`, with the body itself in canonical form (object keys
/// sorted, no insignificant whitespace) so it can be kept and hashed.
pub struct JsonBody<T> {
    /// The body as `T`.
    pub value: T,
    /// The body as received, canonical JSON.
    pub canonical: String,
}

/// How deeply arrays and objects may nest in a request body. No body the API reads comes near
/// it; a deeper one is refused (400) before it is walked. (serde_json itself stops at 128, so
/// parsing never overflows the stack.)
pub const MAX_JSON_DEPTH: usize = 32;

/// Parses `bytes` as JSON: 400 when it is not JSON or nests deeper than [`MAX_JSON_DEPTH`].
fn parse_json(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if nesting_depth(&json) > MAX_JSON_DEPTH {
        return Err(ApiError::BadRequest(format!(
            "the body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    Ok(json)
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parses `bytes`: 400 when it is not JSON or nests deeper than [`MAX_JSON_DEPTH`], 422 when
    /// it is JSON of the wrong shape or holds a NUL character.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        Self::from_value(parse_json(bytes)?)
    }

    /// Reads an already parsed JSON value as `T` (422 when it has the wrong shape or a string
    /// with a NUL character, pointing into `json`), keeping it in canonical form: how each item
    /// of a batch is read. A number written with a zero fraction (`12.0`) is an integer, as
    /// JSON Schema counts it.
    pub fn from_value(mut json: serde_json::Value) -> Result<Self, ApiError> {
        if let Some(pointer) = string_with_nul(&json) {
            return Err(ApiError::Invalid(vec![storable::nul_error(pointer)]));
        }
        // Every body read this way is an object: serde would read a struct from an array too.
        if !json.is_object() {
            return Err(ApiError::Invalid(vec![FieldError::new(
                String::new(),
                "type",
                "the body must be a JSON object".to_owned(),
            )]));
        }
        let canonical = canonical_json(&mut json);
        let value = read_shape(json)?;
        Ok(JsonBody { value, canonical })
    }
}

/// Reads `json` as `T`: 422 pointing at the offending value when it has the wrong shape.
fn read_shape<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(json).map_err(shape_error)
}

/// The JSON Pointer of the first string in `json` holding a NUL character (which no field
/// needs, and PostgreSQL cannot store). The pointer is written only on the way back from a
/// string that has one: a body without NUL allocates nothing here.
fn string_with_nul(json: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match json {
        Value::String(text) => (!storable::is_storable_text(text)).then(String::new),
        Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            string_with_nul(item).map(|below| format!("/{index}{below}"))
        }),
        Value::Object(fields) => fields.iter().find_map(|(key, value)| {
            string_with_nul(value).map(|below| format!("/{}{below}", escape_pointer(key)))
        }),
        _ => None,
    }
}

/// How many arrays and objects `json` nests: 0 for a scalar, 1 for `[]` or `{"a": 1}`.
fn nesting_depth(json: &serde_json::Value) -> usize {
    use serde_json::Value;
    match json {
        Value::Array(items) => 1 + items.iter().map(nesting_depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(nesting_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Turns a deserialization failure into a 422 pointing at the offending value.
fn shape_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let mut pointer = String::new();
    for segment in error.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", escape_pointer(key))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    let message = error.inner().to_string();
    let (code, field) = if let Some(field) = quoted_after(&message, "missing field ") {
        ("required", Some(field))
    } else if message.starts_with("unknown field ") {
        // The path ends at the unknown key, whose name may hold backquotes itself.
        let named = matches!(error.path().iter().next_back(),
            Some(serde_path_to_error::Segment::Map { key })
                if message.starts_with(&format!("unknown field `{key}`")));
        let field = quoted_after(&message, "unknown field ").filter(|_| !named);
        ("unknown_field", field)
    } else if message.starts_with("unknown variant") {
        ("enum", None)
    } else if message.starts_with("invalid type") {
        ("type", None)
    } else {
        ("invalid", None)
    };
    if let Some(field) = field {
        pointer.push_str(&format!("/{}", escape_pointer(field)));
    }
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    ApiError::Invalid(vec![FieldError::new(pointer, code, message)])
}

/// The first backquoted name after `prefix` in serde's message, e.g. ``missing field `name` ``.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message
        .strip_prefix(prefix)?
        .strip_prefix('`')?
        .split('`')
        .next()
}

/// Escapes a key for a JSON Pointer (RFC 6901).
pub(super) fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let limit = req
                .app_data::<web::Data<AppState>>()
                .map_or(crate::config::Settings::default().max_body_bytes, |s| {
                    s.settings.max_body_bytes
                });
            read_json(&req, payload, limit).await
        })
    }
}

/// Reads a JSON body of at most `limit` bytes: 415 unless JSON, 413 beyond the limit, then as
/// [`JsonBody::parse`]. The extractor uses `max_body_bytes`; a handler with a larger limit calls
/// this itself.
pub async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<JsonBody<T>, ApiError> {
    JsonBody::from_value(read_json_value(req, payload, limit).await?)
}

/// The largest body of a sign-in, token, enrollment or sign-out request: far more than any
/// needs, and small enough that nothing a client sends there can fill the audit log or the
/// memory.
pub const SIGN_IN_BODY_LIMIT: usize = 4 * 1024;

/// Reads a sign-in endpoint's JSON body, at most [`SIGN_IN_BODY_LIMIT`], once the caller's
/// address is within its rate limit (429 before a byte is read otherwise); then as
/// [`read_json`]. The answers it may give are documented by
/// [`super::responses::SignInBodyErrors`] and [`super::responses::AddressLimited`].
pub async fn read_sign_in_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    meta: &super::meta::RequestMeta,
) -> Result<T, ApiError> {
    state.rate_limits.check_address(&meta.ip)?;
    Ok(read_json(req, payload.into_inner(), SIGN_IN_BODY_LIMIT)
        .await?
        .value)
}

/// Reads a batch: as [`read_json`], but its items, JSON values in `T`, are left whole for each
/// to be read on its own with [`JsonBody::from_value`], which refuses a NUL character in that
/// item alone.
pub async fn read_batch<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<T, ApiError> {
    read_shape(read_json_value(req, payload, limit).await?)
}

/// A JSON body of at most `limit` bytes (415 unless JSON, 413 beyond, 400 unless JSON that
/// nests at most [`MAX_JSON_DEPTH`] levels).
async fn read_json_value(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> Result<serde_json::Value, ApiError> {
    require_media_type(req, "application/json")?;
    let bytes = read_limited(req, &mut payload, limit).await?;
    parse_json(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn error_of(body: &str) -> (String, String) {
        match JsonBody::<Outer>::parse(body.as_bytes()) {
            Err(ApiError::Invalid(errors)) => (errors[0].pointer.clone(), errors[0].code.clone()),
            Err(other) => panic!("expected 422, got {other:?}"),
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn shape_errors_point_at_the_offending_value() {
        assert_eq!(
            error_of(r#"{"name":"a","items":[{"count":1},{"count":"x"}]}"#),
            ("/items/1/count".into(), "type".into())
        );
        assert_eq!(
            error_of(r#"{"name":"a","items":[{}]}"#),
            ("/items/0/count".into(), "required".into())
        );
        assert_eq!(
            error_of(r#"{"items":[]}"#),
            ("/name".into(), "required".into())
        );
        assert_eq!(
            error_of(r#"{"name":"a","items":[],"x/y":1}"#),
            ("/x~1y".into(), "unknown_field".into())
        );
    }

    #[test]
    fn an_unknown_field_with_backquotes_in_its_name_is_pointed_at_exactly() {
        // Found by the fuzz target: the pointer was "/`a`b/", not the field.
        assert_eq!(
            error_of(r#"{"name":"a","items":[],"`a`b":1}"#),
            ("/`a`b".into(), "unknown_field".into())
        );
    }

    #[test]
    fn malformed_json_is_a_bad_request_and_canonical_form_sorts_keys() {
        assert!(matches!(
            JsonBody::<Outer>::parse(b"{\"name\":"),
            Err(ApiError::BadRequest(_))
        ));
        let parsed =
            JsonBody::<Outer>::parse(br#"{ "name": "a", "items": [ {"count": 2} ] }"#).unwrap();
        assert_eq!(parsed.canonical, r#"{"items":[{"count":2}],"name":"a"}"#);
    }

    #[test]
    fn a_nul_character_in_any_string_is_refused_where_it_is() {
        assert_eq!(
            error_of("{\"name\":\"a\",\"items\":[{\"count\":1,\"x\":[\"ok\",\"b\\u0000\"]}]}"),
            ("/items/0/x/1".into(), "nul".into())
        );
    }

    #[test]
    fn whole_numbers_are_read_as_integers() {
        let parsed = JsonBody::<Outer>::parse(br#"{"name":"a","items":[{"count":3.0}]}"#).unwrap();
        assert_eq!(parsed.value.items[0].count, 3);
        assert_eq!(parsed.canonical, r#"{"items":[{"count":3}],"name":"a"}"#);
        assert_eq!(
            error_of(r#"{"name":"a","items":[{"count":3.5}]}"#),
            ("/items/0/count".into(), "type".into())
        );
    }

    #[test]
    fn nesting_is_measured_through_arrays_and_objects() {
        assert_eq!(nesting_depth(&serde_json::json!("x")), 0);
        assert_eq!(
            nesting_depth(&serde_json::json!({"a": [1, {"b": []}], "c": 2})),
            4
        );
    }
}
