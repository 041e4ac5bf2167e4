//! The server's look for API credentials about to expire, every `credential_expiry_check_seconds`
//! (the first at start-up), warning their organizations with `credential.expiring` events; safe
//! with many replicas looking at once.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;

use crate::db::background::{self, FirstRun};
use crate::error::ApiError;
use crate::service::credentials::{WARNING_BATCH, warn_of_expiry};
use crate::state::AppState;

/// Warns of expiring credentials on schedule until the process stops.
pub async fn warn_on_schedule(state: web::Data<AppState>) {
    let period = Duration::from_secs(state.settings.credential_expiry_check_seconds.max(1));
    let warning_days = state.settings.credential_expiry_warning_days;
    let warn = || async {
        loop {
            let warned = state
                .db(move |conn| warn_of_expiry(conn, Utc::now(), warning_days))
                .await?;
            if warned > 0 {
                tracing::info!(warned, "credential.expiring events recorded");
            }
            if warned as i64 != WARNING_BATCH {
                return Ok::<_, ApiError>(());
            }
        }
    };
    let what = "warn of expiring credentials";
    background::every(period, FirstRun::AtStart, what, warn).await
}
