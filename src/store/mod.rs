//! Queries, one module per aggregate, and the pieces they share (timeline, tombstones, owner,
//! parts, summaries) in modules of their own; store modules do not import each other in a circle.
//! Functions take a connection and domain types, never HTTP types; those a use case in
//! `crate::service` calls run inside the one transaction it opens.

pub mod audit;
pub mod correlation;
pub mod events;
pub mod evidence;
pub mod feedback;
pub mod idempotency;
pub mod lifecycle;
pub mod oidc;
pub mod organizations;
pub mod outbox;
pub mod owner;
pub mod parts;
pub mod queue;
pub mod refresh_tokens;
pub mod reports;
pub mod retention;
pub mod review;
pub mod sealed;
pub mod sharing;
pub mod staff_factors;
pub mod stats;
pub mod summaries;
pub mod timeline;
pub mod tombstones;
pub mod users;
pub mod webhooks;
pub mod words;

/// Runs the main database's and the key store's pending migrations, then seals the free text a
/// migration set aside ([`sealed::seal_set_aside`]), before anything reads it; answers how many
/// migrations ran.
pub fn migrate(
    conn: &mut crate::db::DbConnection,
    keys: &crate::keys::KeyStore,
) -> anyhow::Result<usize> {
    let applied = crate::db::run_migrations(conn)? + keys.migrate()?;
    crate::db::portable::with_migration_lock(conn, |conn| sealed::seal_set_aside(conn, keys))?;
    crate::db::portable::with_migration_lock(conn, reports::upgrade_bodies)?;
    Ok(applied)
}

/// Whether every migration of the main database has been applied (the key store answers for
/// its own in [`crate::keys::KeyStore::ready`]).
pub fn migrations_current(conn: &mut crate::db::DbConnection) -> anyhow::Result<bool> {
    crate::db::migrations_current(conn, crate::db::MAIN)
}

/// The current time as stored: UTC, microsecond precision (what both backends keep).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new time-ordered id (UUIDv7) as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
