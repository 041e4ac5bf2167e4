//! Queries, one module per aggregate. Functions take a connection and domain types, never HTTP types.

pub mod audit;
pub mod correlation;
pub mod dry_run;
pub mod evidence;
pub mod idempotency;
pub mod lifecycle;
pub mod organizations;
pub mod outbox;
pub mod reports;
pub mod retention;
pub mod review;
pub mod sealed;
pub mod stats;
pub mod users;

/// Runs the main database's and the key store's pending migrations, then seals the free text a
/// migration set aside ([`sealed::seal_set_aside`]), before anything reads it; answers how many
/// migrations ran.
pub fn migrate(
    conn: &mut crate::db::DbConnection,
    keys: &crate::keys::KeyStore,
) -> anyhow::Result<usize> {
    let applied = crate::db::run_migrations(conn)? + keys.migrate()?;
    crate::db::portable::with_migration_lock(conn, |conn| sealed::seal_set_aside(conn, keys))?;
    Ok(applied)
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
