//! The e-mail outbox for administrators: the notifications and their delivery, and retrying one
//! that failed.

use actix_web::{get, post, web};

use super::query::Query;
use crate::auth::caller::{Admins, Staff};
use crate::domain::notification::{Notification, NotificationFilter};
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::outbox;

/// Every handler here is for administrators.
type Caller = Staff<Admins>;

/// The e-mail notifications, newest first, optionally only those in one status.
///
/// Each names the report it is about, never its content; `last_error` says why the latest
/// failed attempt failed (the mail server's answer, for instance).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(NotificationFilter, PageParams),
    responses(
        (status = 200, description = "One page of notifications", body = Paginated<Notification>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/admin/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    _caller: Caller,
    filter: Query<NotificationFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<Notification>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let status = filter.status;
    let items = state
        .db(move |conn| outbox::list(conn, status, &page))
        .await?;
    Ok(web::Json(items))
}

/// Send a failed notification again.
///
/// It is queued at once with a fresh round of attempts. Only a `failed` notification can be
/// retried: a pending one is queued already, and a sent one would arrive twice.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notification's id")),
    responses(
        (status = 200, description = "Queued again", body = Notification),
        Caller,
        (status = 404, description = "No such notification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a failed notification", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/notifications/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Notification>, ApiError> {
    let notification = state.db(move |conn| outbox::retry(conn, &id)).await?;
    state.mail_wakeup.notify_one();
    Ok(web::Json(notification))
}
