//! Queries, one module per aggregate. Functions take a connection and domain types, never HTTP types.

pub mod audit;
pub mod correlation;
pub mod evidence;
pub mod lifecycle;
pub mod organizations;
pub mod outbox;
pub mod reports;
pub mod retention;
pub mod review;
pub mod stats;
pub mod users;

/// The current time as stored: UTC, microsecond precision (what both backends keep).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new time-ordered id (UUIDv7) as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
