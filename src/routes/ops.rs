//! Operations endpoints at the root: liveness, and readiness with the state of the e-mail
//! outbox; and the Prometheus metrics, served on `metrics_bind` only (see
//! [`crate::startup`]), never on the API's port.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::notification::OutboxDepth;
use crate::error::ApiError;
use crate::mail::{Composer, NO_RECIPIENTS};
use crate::state::AppState;
use crate::store::{self, outbox};

/// The answer of `/healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// The answer of `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: &'static str,
    /// E-mail notifications not sent: pending ones, and failed ones waiting for an admin.
    pub outbox: OutboxDepth,
    /// Why e-mail is not going out, when that is known (nobody to receive it); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database and the key store are reachable and every migration of each has been applied;
/// tells how many e-mail notifications are pending and how many failed, and why they fail when
/// nobody is to receive them.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Database or key store unreachable, or migrations pending", body = crate::error::Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Readiness>, ApiError> {
    let keys = state.keys.clone();
    let composer = Composer::from_settings(&state.settings).map_err(ApiError::Internal)?;
    let (outbox, staff) = state
        .db(move |conn| {
            let current = store::migrations_current(conn).map_err(|_| ApiError::Unavailable)?;
            if !current || !keys.ready() {
                return Err(ApiError::Unavailable);
            }
            Ok((outbox::depth(conn)?, outbox::staff_recipients(conn)?))
        })
        .await
        .map_err(ApiError::not_ready)?;
    let detail = composer
        .report_recipients(&staff)
        .is_empty()
        .then(|| format!("e-mail is not delivered: {NO_RECIPIENTS}"));
    Ok(web::Json(Readiness {
        status: "ready",
        outbox,
        detail,
    }))
}

/// Prometheus metrics (text format): requests by route and status, latency, database pool,
/// reports received by mode, keys the rate limiters track, the queue for the database; 503 when
/// the database is unavailable. The outbox's figures are read only when a connection is free at
/// once (else they stay as last read), so that a scrape neither waits nor queues under load.
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let depth = state.db_if_free(outbox::depth).await?;
    state.metrics.rate_limit_keys(&state.rate_limits.tracked());
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&state.pool, depth.as_ref())))
}
