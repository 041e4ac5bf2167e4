//! The one place with per-backend statements: write transactions, the migration lock, and
//! recognising a unique-key violation.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{QueryResult, RunQueryDsl};

use super::DbConnection;

/// Runs `work` in a transaction that holds the write lock from its first statement.
///
/// SQLite starts it with `BEGIN IMMEDIATE`, so that a transaction that reads before it writes
/// waits for other writers (`busy_timeout`) instead of failing with `SQLITE_BUSY`; PostgreSQL
/// uses a plain `BEGIN` (row locks do the rest). Inside another write transaction it is a
/// savepoint, so store functions compose (a change and its audit event commit together).
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    let nested = DbConnection::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    match conn {
        DbConnection::Sqlite(c) if !nested => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        // A savepoint inside an enclosing transaction, which already holds the write lock.
        _ => DbConnection::begin_transaction(conn)?,
    }
    match work(conn) {
        Ok(value) => {
            DbConnection::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The work's error is the one worth reporting; a failed rollback marks the
            // connection broken and the pool discards it.
            let _ = DbConnection::rollback_transaction(conn);
            Err(error)
        }
    }
}

/// Runs `work` while holding a cluster-wide lock on PostgreSQL, so that replicas starting at
/// once apply migrations one after the other (SQLite serializes writers by itself).
pub fn with_migration_lock<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> T {
    const KEY: &str = "7201640311";
    let locked = matches!(conn, DbConnection::Postgres(_))
        && diesel::sql_query(format!("SELECT pg_advisory_lock({KEY})"))
            .execute(conn)
            .is_ok();
    let result = work(conn);
    if locked {
        let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({KEY})")).execute(conn);
    }
    result
}

/// Takes the audit sealer's lock until the end of the current transaction: on PostgreSQL a
/// transaction-scoped advisory lock, so that one sealer at a time extends the hash chain across
/// all replicas; SQLite's `BEGIN IMMEDIATE` (see [`write_transaction`]) already serializes.
pub fn lock_audit_sealer(conn: &mut DbConnection) -> QueryResult<()> {
    if matches!(conn, DbConnection::Postgres(_)) {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201640312)").execute(conn)?;
    }
    Ok(())
}

/// Whether `result` failed because a row with the same unique key already exists.
pub fn is_unique_violation<T>(result: &QueryResult<T>) -> bool {
    matches!(
        result,
        Err(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// Evaluates `$body` with `$c` bound to the backend's own connection: for the statements
/// diesel's `MultiConnection` cannot run itself (multi-row inserts, upserts), which each backend
/// can. The statement is written once and compiled for both.
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// Inserts `rows` (a slice of insertable tuples) into `table` in one multi-row statement;
/// nothing is sent for an empty slice.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if rows.is_empty() {
            Ok(0)
        } else {
            $crate::db::portable::per_backend!($conn, c => diesel::insert_into($table).values(rows).execute(c))
        }
    }};
}
pub(crate) use insert_rows;

/// Like [`insert_rows`], skipping the rows whose key is already stored (`ON CONFLICT DO
/// NOTHING`); answers how many were inserted.
macro_rules! insert_new_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if rows.is_empty() {
            Ok(0)
        } else {
            $crate::db::portable::per_backend!($conn, c => diesel::insert_into($table).values(rows).on_conflict_do_nothing().execute(c))
        }
    }};
}
pub(crate) use insert_new_rows;
