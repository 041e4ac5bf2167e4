//! What happens around every request: its id (taken from `X-Request-Id` when the client sent a
//! sane one, otherwise generated; echoed in the response header, in every problem body and in
//! the request's log lines), the security headers, one log line, and the request metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Instrument;

use crate::error::ApiError;
use crate::state::AppState;

/// The header that carries the request id.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available to handlers through the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn accepted(value: &HeaderValue) -> Option<String> {
    let value = value.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    sane.then(|| value.to_owned())
}

/// Middleware: assigns the request id, logs the request once it is answered, and renders any
/// [`ApiError`] again with the id in its body.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(accepted)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    // The raw path is never logged (it may carry an organization's identifiers): the matched
    // route pattern is, once routing has happened.
    let span = tracing::info_span!("request", request_id = %id, method = %req.method());
    let started = Instant::now();
    // A NUL character (`%00`) in the path or query is in no valid id or parameter, and
    // PostgreSQL cannot even compare text with it.
    let response = if req.uri().to_string().contains("%00") {
        let malformed = ApiError::BadRequest("the URL must not contain %00".to_owned());
        ServiceResponse::from_err(malformed, req.into_parts().0)
    } else {
        next.call(req)
            .instrument(span.clone())
            .await?
            .map_into_boxed_body()
    };
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = response.request().method().to_string();
    let mut response = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        Some(error) => {
            let rendered = error.to_response(Some(&id));
            response.into_response(rendered).map_into_right_body()
        }
        None => response.map_into_left_body(),
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    add_security_headers(&route, response.headers_mut());
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Some(state) = response
        .request()
        .app_data::<web::Data<AppState>>()
        .cloned()
    {
        if state.settings.serves_tls() {
            response.headers_mut().insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(HSTS),
            );
        }
        state
            .metrics
            .observe_request(&route, &method, status, elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(
            route,
            status,
            elapsed_ms = elapsed.as_millis() as u64,
            "answered"
        )
    });
    Ok(response)
}

/// `Strict-Transport-Security` when the server itself serves HTTPS: browsers use only HTTPS for a
/// year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The Content-Security-Policy of the documentation pages (Swagger UI: scripts from this origin,
/// its inline styles).
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// The Content-Security-Policy of everything else: nothing may be loaded or framed.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// The Content-Security-Policy of a downloaded file (evidence, as uploaded): the API's, and a
/// sandbox, so that an HTML file opened in a browser runs no script and is of no origin.
pub const DOWNLOAD_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// Headers on every response: no MIME sniffing, no framing, no referrer, a strict CSP (unless
/// the handler set a stricter one of its own, as a download does), and `Cache-Control: no-store`
/// (answers carry report content, tokens and secrets), unless the handler set its own caching.
fn add_security_headers(route: &str, headers: &mut HeaderMap) {
    let csp = if route.starts_with("/docs") {
        DOCS_CSP
    } else {
        API_CSP
    };
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}
