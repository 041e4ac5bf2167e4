//! Turning a request away before its body is read when the queue for the database is already
//! full ([`crate::db::admission::Admission::has_room`]): the same 429 with `Retry-After` that it
//! would get once queued, without reading (and holding in memory) a body that would only be
//! refused, and without holding a connection's permit while a slow client sends it.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::error::ApiError;
use crate::state::AppState;

/// Middleware: a request that carries a body (a `Content-Length` above zero, or chunked) gets
/// 429 at once when the queue is full; anything else goes on (and queues, or is refused, when it
/// reaches the database).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let room = match (has_body(&req), req.app_data::<web::Data<AppState>>()) {
        (true, Some(state)) => state.admission.has_room(),
        _ => Ok(()),
    };
    if let Err(refused) = room {
        let error = actix_web::Error::from(ApiError::from(refused));
        return Ok(req.error_response(error).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Whether the client announced a body.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|length| length.to_str().ok())
            .is_some_and(|length| length.trim() != "0")
}
