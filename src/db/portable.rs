//! The one place with per-backend statements: write transactions, the migration, audit and
//! key-wrapping locks, the audit chain's links, short lock waits, recognising a unique-key
//! violation, multi-row inserts and counter upserts, and claiming rows that other workers skip.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{QueryResult, RunQueryDsl};
use parking_lot::{FairMutex, FairMutexGuard};

use super::DbConnection;

/// The SQLite writers of this process, in line: SQLite lets one writer in at a time and makes
/// the others poll (`busy_timeout`), sleeping up to 100 ms between tries, so that under load an
/// early writer could wait seconds while later ones got in. Here they queue first come, first
/// served, and SQLite's own lock is free when each arrives (other processes, the command line,
/// still meet `busy_timeout`). Background work ([`super::background`]) lets every request go
/// first, for up to [`MAX_BACKGROUND_WAIT`].
static SQLITE_WRITERS: FairMutex<()> = parking_lot::const_fair_mutex(());

/// Requests waiting in [`SQLITE_WRITERS`]: background work lets each of them go first.
static REQUESTS_WAITING: AtomicUsize = AtomicUsize::new(0);

/// When background work may next take the write lock: after each hold it leaves the lock free
/// at least as long as it held it, so that other processes polling for it (`busy_timeout`) get
/// their turn too.
static BACKGROUND_RESUMES: parking_lot::Mutex<Option<Instant>> = parking_lot::const_mutex(None);

/// The longest pause background work makes after one hold of the write lock.
const MAX_BACKGROUND_PAUSE: Duration = Duration::from_millis(250);

/// The longest background work lets requests go first: then it takes its place in the line as a
/// request would, so that under a stream of requests that never stops e-mail still goes out and
/// the audit log is still sealed (before this bound, a server saturated with submissions sent
/// almost no e-mail until the stream ended).
const MAX_BACKGROUND_WAIT: Duration = Duration::from_millis(200);

thread_local! {
    /// Whether this thread is in the line's front place: a key-store write inside a report's
    /// transaction (another SQLite file) goes on without queueing behind itself.
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// This thread's place at the front of [`SQLITE_WRITERS`], given up when dropped (`None` when
/// it already had it), and when it was taken by background work.
struct SqliteWriter(Option<(FairMutexGuard<'static, ()>, Option<Instant>)>);

impl SqliteWriter {
    fn wait() -> Self {
        if WRITING.get() {
            return SqliteWriter(None);
        }
        let turn = if super::background::on_this_thread() {
            Self::wait_behind_requests()
        } else {
            REQUESTS_WAITING.fetch_add(1, Ordering::SeqCst);
            let guard = SQLITE_WRITERS.lock();
            REQUESTS_WAITING.fetch_sub(1, Ordering::SeqCst);
            (guard, None)
        };
        WRITING.set(true);
        SqliteWriter(Some(turn))
    }

    /// Background work's turn: after its pause, and when no request waits (a request that
    /// queued meanwhile is handed the lock directly), or once it has waited
    /// [`MAX_BACKGROUND_WAIT`].
    fn wait_behind_requests() -> (FairMutexGuard<'static, ()>, Option<Instant>) {
        let since = Instant::now();
        loop {
            let resumes = *BACKGROUND_RESUMES.lock();
            if let Some(wait) = resumes.and_then(|at| at.checked_duration_since(Instant::now())) {
                std::thread::sleep(wait);
            }
            let guard = SQLITE_WRITERS.lock();
            if REQUESTS_WAITING.load(Ordering::SeqCst) == 0
                || since.elapsed() >= MAX_BACKGROUND_WAIT
            {
                return (guard, Some(Instant::now()));
            }
            FairMutexGuard::unlock_fair(guard);
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for SqliteWriter {
    fn drop(&mut self) {
        if let Some((_guard, background)) = self.0.take() {
            WRITING.set(false);
            if let Some(taken) = background {
                let held = taken.elapsed().min(MAX_BACKGROUND_PAUSE);
                *BACKGROUND_RESUMES.lock() = Some(Instant::now() + held);
            }
        }
    }
}

/// Runs `work` in a transaction that holds the write lock from its first statement.
///
/// SQLite starts it with `BEGIN IMMEDIATE` once its turn comes among the process's writers
/// ([`SQLITE_WRITERS`]), so that a transaction that reads before it writes never fails with
/// `SQLITE_BUSY`; PostgreSQL uses a plain `BEGIN` (row locks do the rest). Inside another write
/// transaction it is a savepoint, so store functions compose (a change and its audit event
/// commit together).
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    write_transaction_with(conn, None, work)
}

/// [`write_transaction`] under `setting` for all of it. On PostgreSQL the setting goes with the
/// `BEGIN`, in one round trip (a submission's transaction has some twenty, each costing both
/// sides a few tens of µs); inside an enclosing transaction it is sent on its own.
pub fn write_transaction_under<T, E>(
    conn: &mut DbConnection,
    setting: Local,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    write_transaction_with(conn, Some(setting), work)
}

/// [`write_transaction`], under `setting` when given.
fn write_transaction_with<T, E>(
    conn: &mut DbConnection,
    setting: Option<Local>,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    let nested = in_transaction(conn)?;
    let _turn = match conn {
        DbConnection::Sqlite(c) if !nested => {
            let turn = SqliteWriter::wait();
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(turn)
        }
        DbConnection::Postgres(c) if !nested => {
            let begin = setting.map_or_else(
                || "BEGIN".to_owned(),
                |setting| format!("BEGIN; SET LOCAL {}", setting.sql()),
            );
            AnsiTransactionManager::begin_transaction_sql(c, &begin)?;
            None
        }
        // A savepoint inside an enclosing transaction, which already holds the write lock.
        _ => {
            DbConnection::begin_transaction(conn)?;
            None
        }
    };
    let done = match setting {
        Some(setting) if nested => set_local_on_postgres(conn, setting)
            .map_err(E::from)
            .and_then(|()| work(conn)),
        _ => work(conn),
    };
    end_transaction(conn, done)
}

/// Runs `work` in a read-only transaction whose statements all see one snapshot of the
/// database: `REPEATABLE READ` on PostgreSQL; on SQLite a deferred transaction, whose first read
/// fixes the snapshot. Inside another transaction it is a savepoint of that one.
pub fn read_snapshot<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    let nested = in_transaction(conn)?;
    match conn {
        DbConnection::Postgres(c) if !nested => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )?,
        _ => DbConnection::begin_transaction(conn)?,
    }
    let done = work(conn);
    end_transaction(conn, done)
}

/// Whether `conn` is inside a transaction already.
pub fn in_transaction(conn: &mut DbConnection) -> QueryResult<bool> {
    Ok(DbConnection::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some())
}

/// Commits the current transaction if `done` is a success, else rolls it back.
fn end_transaction<T, E>(conn: &mut DbConnection, done: Result<T, E>) -> Result<T, E>
where
    E: From<DieselError>,
{
    match done {
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

/// The keys of PostgreSQL's advisory locks, one for each thing done one at a time, all in this
/// one place so that no two share a key (two did, the checkpoints' and the key wrapping's, from
/// bb8a53c until 2026-12-06).
mod advisory_key {
    pub const MIGRATION: i64 = 7_201_640_311;
    pub const AUDIT_SEALER: i64 = 7_201_640_312;
    pub const KEY_WRAPPING: i64 = 7_201_640_313;
    pub const AUDIT_CHECKPOINTS: i64 = 7_201_640_314;
    pub const ROLLUP_FOLDING: i64 = 7_201_640_315;
}

/// `SELECT function(key)` on PostgreSQL, for an advisory lock's `function`.
fn advisory(conn: &mut DbConnection, function: &str, key: i64) -> QueryResult<usize> {
    diesel::sql_query(format!("SELECT {function}($1)"))
        .bind::<diesel::sql_types::BigInt, _>(key)
        .execute(conn)
}

/// Runs `work` while holding a cluster-wide lock on PostgreSQL, so that replicas starting at
/// once apply migrations one after the other (SQLite serializes writers by itself).
pub fn with_migration_lock<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> T {
    let locked = matches!(conn, DbConnection::Postgres(_))
        && advisory(conn, "pg_advisory_lock", advisory_key::MIGRATION).is_ok();
    let result = work(conn);
    if locked {
        let _ = advisory(conn, "pg_advisory_unlock", advisory_key::MIGRATION);
    }
    result
}

/// What one writer at a time does, across all replicas ([`lock_until_commit`]).
#[derive(Debug, Clone, Copy)]
pub enum OneAtATime {
    /// Extending the audit hash chain, so that it never forks.
    AuditSealer,
    /// Keeping and publishing checkpoints, so that they never go back to an older head.
    AuditCheckpoints,
}

/// Takes the lock of `what` until the end of the current transaction: on PostgreSQL a
/// transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE` (see [`write_transaction`])
/// already serializes.
pub fn lock_until_commit(conn: &mut DbConnection, what: OneAtATime) -> QueryResult<()> {
    if matches!(conn, DbConnection::Postgres(_)) {
        advisory(conn, "pg_advisory_xact_lock", what.key())?;
    }
    Ok(())
}

/// Takes the lock of `what` until the end of the current transaction if no one holds it, never
/// waiting: answers whether it did. SQLite's write transactions already exclude each other, so
/// there it always does.
pub fn try_lock_until_commit(conn: &mut DbConnection, what: OneAtATime) -> QueryResult<bool> {
    try_advisory_xact_lock(conn, what.key())
}

impl OneAtATime {
    /// Its advisory lock's key on PostgreSQL.
    fn key(self) -> i64 {
        match self {
            OneAtATime::AuditSealer => advisory_key::AUDIT_SEALER,
            OneAtATime::AuditCheckpoints => advisory_key::AUDIT_CHECKPOINTS,
        }
    }
}

/// Writes the sealer's links into the audit events in one statement: `links` is a JSON array of
/// `{"id", "seq", "prev_hash", "hash"}`, one per event not yet sealed. Answers the events linked.
pub fn link_audit_events(conn: &mut DbConnection, links: &str) -> QueryResult<usize> {
    let sql = match conn {
        DbConnection::Postgres(_) => {
            "UPDATE audit_events SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash \
             FROM json_to_recordset($1::json) AS l(id text, seq bigint, prev_hash text, hash text) \
             WHERE audit_events.id = l.id AND audit_events.seq IS NULL"
        }
        // The links read once into a table that drives the join, each event found by its id.
        // Joined to `json_each` directly, SQLite walked the unsealed events and read the whole
        // array for each: after a seed of 30 000 reports, 68 s a batch of 1 000, holding the
        // write lock (sign-ins timed out); now 37 ms.
        DbConnection::Sqlite(_) => {
            "WITH l AS MATERIALIZED (SELECT value ->> 'id' AS id, value ->> 'seq' AS seq, \
             value ->> 'prev_hash' AS prev_hash, value ->> 'hash' AS hash FROM json_each(?)) \
             UPDATE audit_events SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash FROM l \
             WHERE audit_events.id = l.id AND audit_events.seq IS NULL"
        }
    };
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(links)
        .execute(conn)
}

/// Takes the key store's wrapping lock until the end of the current transaction: shared
/// (`exclusive` false) by a transaction that wraps new data keys under the newest master key,
/// exclusive by a master key rotation once its new version is on disk. When the rotation holds
/// it, every transaction that may have wrapped keys under an older version has committed, and
/// every later one sees the new version. On PostgreSQL a transaction-scoped advisory lock;
/// SQLite's `BEGIN IMMEDIATE` (see [`write_transaction`]) already serializes.
pub fn lock_key_wrapping(conn: &mut DbConnection, exclusive: bool) -> QueryResult<()> {
    lock_shared_or_not(conn, advisory_key::KEY_WRAPPING, exclusive)
}

/// Takes the statistics rollups' folding lock until the end of the current transaction:
/// shared (`exclusive` false) by a bulk writer adding to folded rows, so that a compaction
/// ([`try_lock_rollup_folding`]) never folds a month from rows someone is adding to unseen;
/// exclusive by a rebuild, which replaces them all. On PostgreSQL a transaction-scoped advisory
/// lock; SQLite's `BEGIN IMMEDIATE` (see [`write_transaction`]) already serializes.
pub fn lock_rollup_folding(conn: &mut DbConnection, exclusive: bool) -> QueryResult<()> {
    lock_shared_or_not(conn, advisory_key::ROLLUP_FOLDING, exclusive)
}

/// Takes the statistics rollups' folding lock, exclusive, until the end of the current
/// transaction if no one holds it: answers whether it did. A compaction folds only while it
/// holds it; one that finds it taken (another replica compacting, or a bulk writer) leaves the
/// folding to the next.
pub fn try_lock_rollup_folding(conn: &mut DbConnection) -> QueryResult<bool> {
    try_advisory_xact_lock(conn, advisory_key::ROLLUP_FOLDING)
}

/// `pg_try_advisory_xact_lock(key)` on PostgreSQL: whether the lock is now held until the end of
/// the transaction. Always true on SQLite, whose write transactions exclude each other.
fn try_advisory_xact_lock(conn: &mut DbConnection, key: i64) -> QueryResult<bool> {
    match conn {
        DbConnection::Postgres(c) => diesel::select(
            diesel::dsl::sql::<diesel::sql_types::Bool>("pg_try_advisory_xact_lock(")
                .bind::<diesel::sql_types::BigInt, _>(key)
                .sql(")"),
        )
        .get_result(c),
        DbConnection::Sqlite(_) => Ok(true),
    }
}

/// A transaction-scoped advisory lock on `key` on PostgreSQL, exclusive or shared.
fn lock_shared_or_not(conn: &mut DbConnection, key: i64, exclusive: bool) -> QueryResult<()> {
    if matches!(conn, DbConnection::Postgres(_)) {
        let lock = if exclusive {
            "pg_advisory_xact_lock"
        } else {
            "pg_advisory_xact_lock_shared"
        };
        advisory(conn, lock, key)?;
    }
    Ok(())
}

/// A PostgreSQL setting that holds for the rest of a transaction (`SET LOCAL`); SQLite has no
/// such settings, and nothing is sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// The statements diesel keeps prepared run on their generic plan, made once a connection,
    /// instead of being planned for each run. Meant for transactions of key lookups and inserts,
    /// whose plan is the same either way: PostgreSQL's `auto` mode never chose the generic plan
    /// of a lookup of `= ANY($n)` (it cannot tell how long the array is, so the generic plan
    /// looks dearer), and planning a submission's five such lookups again in each transaction
    /// took some 60 of the 900 µs of PostgreSQL's CPU a single submission
    /// (`benches/results/2026-12-22-generic-plans.md`). Statements diesel does not keep (the
    /// correlation lookups among them) are still planned for each run, on the tables' current
    /// statistics; their parameters are hidden from the planner either way.
    GenericPlans,
    /// Give up after a short wait for a row lock (`lock_timeout`), for background work that must
    /// never hold up a request nor be chosen over one in a deadlock; SQLite's writers already
    /// wait for one another as a whole.
    ShortLockWaits,
}

impl Local {
    /// The setting as `SET LOCAL` takes it.
    fn sql(self) -> &'static str {
        match self {
            Local::GenericPlans => "plan_cache_mode = force_generic_plan",
            Local::ShortLockWaits => "lock_timeout = '200ms'",
        }
    }
}

/// Makes the rest of the current transaction give up after a short wait for a row lock
/// ([`Local::ShortLockWaits`]), for background work inside a transaction it did not begin.
pub fn short_lock_waits(conn: &mut DbConnection) -> QueryResult<()> {
    set_local_on_postgres(conn, Local::ShortLockWaits)
}

/// `SET LOCAL setting` on PostgreSQL: `setting` holds for the rest of the current transaction.
/// Nothing is sent to SQLite.
fn set_local_on_postgres(conn: &mut DbConnection, setting: Local) -> QueryResult<()> {
    if matches!(conn, DbConnection::Postgres(_)) {
        diesel::sql_query(format!("SET LOCAL {}", setting.sql())).execute(conn)?;
    }
    Ok(())
}

/// `count` fresh integer keys for new reports (`reports.seq`), ascending: from the sequence
/// on PostgreSQL, after the greatest stored on SQLite (whose writers go one at a time, see
/// [`write_transaction`]; call it inside one).
pub fn next_report_seqs(conn: &mut DbConnection, count: usize) -> QueryResult<Vec<i64>> {
    use diesel::sql_types::BigInt;
    #[derive(diesel::QueryableByName)]
    struct Seq {
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    match conn {
        DbConnection::Postgres(_) => Ok(diesel::sql_query(
            "SELECT nextval('reports_seq') AS seq FROM generate_series(1, $1) ORDER BY 1",
        )
        .bind::<BigInt, _>(count as i64)
        .load::<Seq>(conn)?
        .into_iter()
        .map(|s| s.seq)
        .collect()),
        DbConnection::Sqlite(_) => {
            let greatest = diesel::sql_query("SELECT coalesce(max(seq), 0) AS seq FROM reports")
                .get_result::<Seq>(conn)?
                .seq;
            Ok((greatest + 1..).take(count).collect())
        }
    }
}

/// Whether `result` failed because a row with the same unique key already exists.
pub fn is_unique_violation<T>(result: &QueryResult<T>) -> bool {
    result.as_ref().is_err_and(is_duplicate)
}

/// Whether `error` says that a row with the same unique key already exists.
pub fn is_duplicate(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
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

/// Rows per multi-row insert: with at most 32 columns a table (diesel's `32-column-tables`),
/// 1000 rows stay under SQLite's 32766 bound parameters per statement (PostgreSQL allows 65535).
pub const ROWS_PER_STATEMENT: usize = 1000;

thread_local! {
    /// Whether this thread is inside a [`bulk_transaction`].
    static BULK: Cell<bool> = const { Cell::new(false) };
}

/// Rows from which [`insert_rows`] copies instead of inserting, inside a [`bulk_transaction`]
/// on PostgreSQL: below it one `INSERT` costs no more than a `COPY`.
pub const ROWS_TO_COPY: usize = 64;

/// Runs `work` in a write transaction ([`write_transaction`]) whose multi-row inserts without a
/// conflict clause ([`insert_rows`]) of at least [`ROWS_TO_COPY`] rows are sent as one
/// `COPY ... FROM STDIN (FORMAT binary)` each on PostgreSQL, which PostgreSQL parses and plans
/// once instead of per statement of [`ROWS_PER_STATEMENT`] rows: the bulk path of the seeder
/// and the import, whatever tables their writes reach. A unique-key violation fails the
/// `COPY` as it fails the `INSERT`. SQLite has no `COPY`: there the bulk path is only the larger
/// transaction its callers choose. The API's submissions stay on `INSERT`.
///
/// The transaction takes the audit sealer's lock first, waiting for it, and holds it to the end:
/// the events it appends go in sealed (`store::audit::append_all`). Taken before any row lock,
/// it never closes a cycle of waits: whoever waits for it (a bulk transaction, the sealer) holds
/// nothing yet, and requests only try it, never wait for it.
pub fn bulk_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    /// Leaves bulk mode when dropped, also on a panic.
    struct Bulk(bool);
    impl Drop for Bulk {
        fn drop(&mut self) {
            BULK.set(self.0);
        }
    }
    let _restore = Bulk(BULK.replace(true));
    write_transaction(conn, |conn| {
        lock_until_commit(conn, OneAtATime::AuditSealer)?;
        work(conn)
    })
}

/// Whether this thread is inside a [`bulk_transaction`].
pub fn in_bulk() -> bool {
    BULK.get()
}

/// Whether [`insert_rows`] sends `rows` rows as a `COPY` (see [`bulk_transaction`]).
pub fn copies(rows: usize) -> bool {
    rows >= ROWS_TO_COPY && in_bulk()
}

/// Inserts `rows` (a slice of column tuples, `(table::column.eq(value), ...)`) into `table` in
/// multi-row statements of at most
/// [`ROWS_PER_STATEMENT`] rows, each with the conflict clause `on_conflict` when one is named;
/// nothing is sent for an empty slice. Answers the rows inserted. Inside a
/// [`bulk_transaction`] on PostgreSQL, rows without a conflict clause go in one binary `COPY`
/// (diesel's `copy_from`) instead: the one place where the bulk path differs from the API's.
/// (A derived `Insertable` struct would do for PostgreSQL, but on SQLite diesel inserts such
/// rows one statement each and cannot add a conflict clause: single-row inserts take the typed
/// rows, these take tuples; a struct given here needs `treat_none_as_default_value = false`,
/// since a `COPY` sends every column of every row.)
macro_rules! insert_rows {
    (@insert $conn:expr, $table:expr, $rows:expr $(, $on_conflict:ident)?) => {
        $rows
            .chunks($crate::db::portable::ROWS_PER_STATEMENT)
            .try_fold(0, |inserted, chunk| {
                $crate::db::portable::per_backend!($conn, c => diesel::insert_into($table).values(chunk)$(.$on_conflict())?.execute(c))
                    .map(|n| inserted + n)
            })
    };
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        let conn: &mut $crate::db::DbConnection = $conn;
        match conn {
            $crate::db::DbConnection::Postgres(c) if $crate::db::portable::copies(rows.len()) => {
                diesel::prelude::ExecuteCopyFromDsl::execute(
                    diesel::copy_from($table).from_insertable(rows),
                    c,
                )
            }
            conn => $crate::db::portable::insert_rows!(@insert conn, $table, rows),
        }
    }};
    ($conn:expr, $table:expr, $rows:expr, $on_conflict:ident) => {
        $crate::db::portable::insert_rows!(@insert $conn, $table, $rows, $on_conflict)
    };
}
pub(crate) use insert_rows;

/// Adds `$rows` (a slice of column tuples of `$table`, as for [`insert_rows`]) to the counters of `$table`, keyed by its
/// columns `$key`: multi-row inserts of at most [`ROWS_PER_STATEMENT`] rows that, for a key
/// already stored, add to its `count` (`ON CONFLICT ... DO UPDATE`).
macro_rules! add_rows {
    ($conn:expr, $table:ident, ($($key:ident),+), $rows:expr) => {
        $rows
            .chunks($crate::db::portable::ROWS_PER_STATEMENT)
            .try_for_each(|chunk| {
                $crate::db::portable::per_backend!($conn, c => diesel::insert_into($table::table)
                    .values(chunk)
                    .on_conflict(($($table::$key),+))
                    .do_update()
                    .set($table::count.eq($table::count + diesel::upsert::excluded($table::count)))
                    .execute(c))
                .map(drop)
            })
    };
}
pub(crate) use add_rows;

/// Loads the rows `$query` selects and locks them for the rest of the transaction, skipping rows
/// that another transaction has locked (PostgreSQL `FOR UPDATE SKIP LOCKED`), so that workers
/// claiming at once get different rows without waiting for each other. SQLite has no row locks
/// and needs none: inside [`write_transaction`] it lets one writer in at a time.
macro_rules! load_skipping_locked {
    ($conn:expr, $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres(c) => $query.for_update().skip_locked().load(c),
            $crate::db::DbConnection::Sqlite(c) => $query.load(c),
        }
    };
}
pub(crate) use load_skipping_locked;
/// Loads the rows `$query` selects and locks them for the rest of the transaction, waiting for
/// another transaction that holds them (PostgreSQL `FOR UPDATE`), so that a read followed by a
/// write of the same rows is one step; SQLite needs no row locks inside [`write_transaction`].
/// Order `$query` by key, so that transactions locking several rows never deadlock.
macro_rules! load_locked {
    ($conn:expr, $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres(c) => $query.for_update().load(c),
            $crate::db::DbConnection::Sqlite(c) => $query.load(c),
        }
    };
}
pub(crate) use load_locked;

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, mpsc};

    use super::*;

    #[test]
    fn background_work_gets_its_turn_while_requests_never_stop_queueing() {
        let stop = Arc::new(AtomicBool::new(false));
        // Three request writers, each holding the line 2 ms and queueing again at once: while
        // one holds it, the others wait.
        let requests: Vec<_> = (0..3)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let _turn = SqliteWriter::wait();
                        std::thread::sleep(Duration::from_millis(2));
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(20));
        let (done, turn) = mpsc::channel();
        std::thread::spawn(move || {
            let started = Instant::now();
            crate::db::background::run(true, || drop(SqliteWriter::wait()));
            done.send(started.elapsed()).unwrap();
        });
        let waited = turn.recv_timeout(Duration::from_secs(5));
        stop.store(true, Ordering::SeqCst);
        for request in requests {
            request.join().unwrap();
        }
        let waited = waited.expect("background work got no turn in 5 s");
        assert!(waited < Duration::from_secs(1), "{waited:?}");
    }
}
