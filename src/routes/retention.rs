//! Retention endpoints for supervisors: legal holds (a held report is never purged) and the
//! release of referred or actioned reports for purge.

use actix_web::{delete, post, web};

use super::body::JsonBody;
use super::meta::RequestMeta;
use super::responses::JsonErrors;
use crate::auth::caller::{Staff, Supervisors};
use crate::domain::retention::ReasonRequest;
use crate::error::{ApiError, Problem};
use crate::read_model::review::ReviewDetail;
use crate::service;
use crate::state::AppState;
use crate::store::retention;

/// Every handler here is for supervisors.
type Caller = Staff<Supervisors>;

/// Place a legal hold on a report: it is never purged while the hold is in place.
///
/// The hold, its reason and who placed it appear in the detail view and on the timeline.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Held", body = ReviewDetail),
        Caller,
        JsonErrors,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already on legal hold", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/hold")]
pub async fn place_hold(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<ReasonRequest>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    body.value.check()?;
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.hold", Some(&id));
    let keys = state.keys.clone();
    Ok(web::Json(
        state
            .db(move |conn| {
                let change = |conn: &mut _| {
                    retention::place_hold(conn, &keys, &id, &actor, &body.value.reason)
                };
                service::review::change_then_detail(conn, &keys, &id, &event, change)
            })
            .await?,
    ))
}

/// Lift a report's legal hold: its retention policy applies again.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "Hold lifted", body = ReviewDetail),
        Caller,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not on legal hold", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/review/reports/{id}/hold")]
pub async fn lift_hold(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.hold_lift", Some(&id));
    let keys = state.keys.clone();
    Ok(web::Json(
        state
            .db(move |conn| {
                let change = |conn: &mut _| retention::lift_hold(conn, &id, &actor);
                service::review::change_then_detail(conn, &keys, &id, &event, change)
            })
            .await?,
    ))
}

/// Release a referred report, or one closed as actioned, for purge after
/// `retention_released_days` (until then such reports are kept).
///
/// Any later status change withdraws the release; a legal hold still prevails.
#[utoipa::path(
    tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Released", body = ReviewDetail),
        Caller,
        JsonErrors,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Neither referred nor actioned, or already released", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/review/reports/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    id: web::Path<String>,
    body: JsonBody<ReasonRequest>,
) -> Result<web::Json<ReviewDetail>, ApiError> {
    body.value.check()?;
    let actor = caller.member.actor();
    let event = meta.event(Some(&actor), "report.release", Some(&id));
    let keys = state.keys.clone();
    Ok(web::Json(
        state
            .db(move |conn| {
                let change =
                    |conn: &mut _| retention::release(conn, &keys, &id, &actor, &body.value.reason);
                service::review::change_then_detail(conn, &keys, &id, &event, change)
            })
            .await?,
    ))
}
