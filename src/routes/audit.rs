//! Audit endpoints for auditors: the events, and the verification of their hash chain.

use actix_web::{get, web};

use super::meta::RequestMeta;
use super::query::Query;
use crate::audit_chain;
use crate::auth::caller::{Auditors, Staff};
use crate::domain::audit::{AuditEvent, Verification};
use crate::domain::pagination::{Page, PageParams, Paginated};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::audit::{self, AuditFilter};

/// Every handler here is for auditors.
type Caller = Staff<Auditors>;

/// Audit events, newest first, filtered. Events not yet in the chain are sealed first. Text
/// fields longer than 1024 characters are shown cut to 1024 characters and `…`.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditFilter, PageParams),
    responses(
        (status = 200, description = "One page of events", body = Paginated<AuditEvent>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        Caller,
    )
)]
#[get("/audit/events")]
pub async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
    filter: Query<AuditFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<Paginated<AuditEvent>>, ApiError> {
    let page = Page::try_from(page.into_inner())?;
    let event = meta.event(Some(&caller.member.actor()), "audit.read", None);
    let events = state
        .db(move |conn| {
            audit::append(conn, &event)?;
            audit::seal(conn)?;
            audit::list(conn, &filter, &page)
        })
        .await?;
    Ok(web::Json(events))
}

/// Checkpoints the chain's head (if the chain still extends the latest checkpoint), then walks
/// the whole hash chain against what the key store witnessed and its latest signed checkpoint:
/// `valid`, how many events were `checked`, and the id and position of the first altered,
/// missing or displaced event.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The verdict", body = Verification),
        Caller,
    )
)]
#[get("/audit/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: Caller,
    meta: RequestMeta,
) -> Result<web::Json<Verification>, ApiError> {
    let event = meta.event(Some(&caller.member.actor()), "audit.verify", None);
    let keys = state.keys.clone();
    let witness_file = state.settings.audit_witness_path();
    let verdict = state
        .db(move |conn| {
            audit::append(conn, &event)?;
            audit::seal(conn)?;
            audit_chain::checkpoint(conn, &keys, witness_file.as_deref())?;
            audit_chain::verify(conn, &keys, None)
        })
        .await?;
    Ok(web::Json(verdict))
}
