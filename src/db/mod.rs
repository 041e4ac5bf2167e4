//! The database: one connection type over SQLite and PostgreSQL, the pool, and the embedded migrations.

// `missing_docs` is not checked here: the `diesel::MultiConnection` derive on `DbConnection`
// generates public items without docs (`MultiBackend` and its parts), and `schema` declares one
// column a line, named for what it holds. It is checked in the other modules below.
#![allow(missing_docs)]

#[warn(missing_docs)]
pub mod admission;
#[warn(missing_docs)]
pub mod background;
#[warn(missing_docs)]
pub mod group_commit;
#[warn(missing_docs)]
pub mod portable;
pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to whichever backend `DATABASE_URL` chose.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// Production: PostgreSQL (or a PostgreSQL-compatible engine).
    Postgres(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

/// The connection pool every request and command draws from.
pub type DbPool = r2d2::Pool<DbManager>;

/// A pooled connection.
pub type PooledConnection = r2d2::PooledConnection<DbManager>;

/// The migrations of one database, for each backend.
pub struct Migrations {
    sqlite: EmbeddedMigrations,
    postgres: EmbeddedMigrations,
}

/// The main database's migrations.
pub const MAIN: Migrations = Migrations {
    sqlite: embed_migrations!("migrations/sqlite"),
    postgres: embed_migrations!("migrations/postgres"),
};

/// The key store's migrations (see [`crate::keys`]).
pub const KEYS: Migrations = Migrations {
    sqlite: embed_migrations!("migrations/keys/sqlite"),
    postgres: embed_migrations!("migrations/keys/postgres"),
};

/// Pragmas on every SQLite connection: a new database gets pages of 8 KiB (a report's row, about
/// 1.6 KB with its sealed body, fits twice in SQLite's default 4 KiB page, leaving a fifth of
/// each page empty, and five times in 8 KiB; a database made before keeps its pages, as the
/// pragma only counts before the first table), an acknowledged write survives power loss
/// (`synchronous=FULL` in WAL mode), foreign keys are enforced, writers wait for each other, and
/// each connection caches 8 MiB of pages (SQLite's default of 2 MiB sends most reads of a busy
/// database to the kernel) and keeps its temporary tables in memory.
const SQLITE_PRAGMAS: &str = "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -8192; \
     PRAGMA temp_store = MEMORY;";

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// Anything else: a file path, optionally prefixed `sqlite://`.
    Sqlite,
}

impl Backend {
    /// The backend for `url`, chosen by its scheme (never by trying to connect).
    pub fn of(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens connections for the pool: the backend is fixed by the URL's scheme, and SQLite
/// connections get their pragmas before first use.
#[derive(Debug)]
pub struct DbManager {
    url: String,
    backend: Backend,
}

impl DbManager {
    /// A manager for `url`; for SQLite, the file's folder is created if missing.
    pub fn new(url: &str) -> std::io::Result<Self> {
        let backend = Backend::of(url);
        let url = match backend {
            Backend::Postgres => url.to_owned(),
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if let Some(parent) = Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent)?;
                }
                path.to_owned()
            }
        };
        Ok(Self { url, backend })
    }

    /// The backend this manager connects to.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                // PostgreSQL's own plan caching (`plan_cache_mode = auto`): the query builder's
                // statements, prepared once a connection, keep a generic plan after five runs,
                // unless the generic plan looks dearer than the plans made for each run (as for
                // lookups of `= ANY($n)`: a submission's transaction forces the generic plans,
                // `portable::Local::GenericPlans`). Those whose best plan depends on their
                // parameters or on the tables' size (the correlation lookups) are SQL text that
                // diesel does not cache, so they are planned for each run. Forcing a plan for
                // each run of every statement, as before, cost about a fifth of PostgreSQL's CPU
                // a submission (`benches/results/2026-12-10-merged.md`).
                //
                // JIT compilation is off: it pays for itself only on long analytical queries,
                // and none of ours is one. Once autovacuum had analyzed a seeded
                // `correlation_key_sets` of 1.2 million reports, the planner's estimate for the
                // exact-value lookup passed `jit_above_cost`, and the lookup took 29 ms with its
                // compilation against 2.5 ms without (`benches/results/2026-12-12-held.md`): the
                // seed's rate halved at once.
                let mut conn =
                    PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute("SET jit = off")
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgres(conn))
            }
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Asks the database for nothing (`SELECT 1`): fails when the connection no longer reaches it.
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(drop)
}

/// Opens the pool for `url`, `size` connections at most, each request waiting at most `timeout`.
///
/// The pool starts empty and connects on demand, so a database that is down at start-up or later
/// yields 503 answers rather than a crash. Every connection is tested as it is taken, so the
/// connections a database restart broke are dropped instead of failing a request, and new ones
/// are opened as soon as the database is back (r2d2 retries at most `timeout / 2` apart).
pub fn connect(url: &str, size: u32, timeout: Duration) -> std::io::Result<DbPool> {
    let manager = DbManager::new(url)?;
    Ok(r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .test_on_check_out(true)
        .connection_timeout(timeout)
        .build_unchecked(manager))
}

/// Runs the main database's pending migrations; answers how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    apply(conn, MAIN)
}

/// Runs the pending `migrations` of this connection's backend; answers how many ran.
pub fn apply(conn: &mut DbConnection, migrations: Migrations) -> anyhow::Result<usize> {
    let applied = portable::with_migration_lock(conn, |conn| match conn {
        DbConnection::Postgres(c) => c
            .run_pending_migrations(migrations.postgres)
            .map(|v| v.len()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(migrations.sqlite).map(|v| v.len()),
    });
    applied.map_err(|e| anyhow::anyhow!("migrations failed: {e}"))
}

/// Whether every one of `migrations` has been applied.
pub fn migrations_current(conn: &mut DbConnection, migrations: Migrations) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConnection::Postgres(c) => c.has_pending_migration(migrations.postgres),
        DbConnection::Sqlite(c) => c.has_pending_migration(migrations.sqlite),
    };
    pending
        .map(|p| !p)
        .map_err(|e| anyhow::anyhow!("cannot read migrations: {e}"))
}

/// A SQLite database file at `path`, opened as the server opens it and migrated: what the unit
/// tests of the store run on.
#[cfg(test)]
pub(crate) fn migrated_sqlite(path: &Path) -> DbConnection {
    let manager = DbManager::new(path.to_str().expect("a UTF-8 path")).expect("a SQLite file");
    let mut conn = manager.connect().expect("a SQLite file opens");
    run_migrations(&mut conn).expect("the migrations run");
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_sqlite_database_has_pages_of_8_kib_and_one_made_before_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |path: &Path| {
            diesel::sql_query("PRAGMA page_size")
                .load::<PageSize>(&mut migrated_sqlite(path))
                .unwrap()[0]
                .page_size
        };
        assert_eq!(page_size(&dir.path().join("new.db")), 8192);
        let old = dir.path().join("old.db");
        SqliteConnection::establish(old.to_str().unwrap())
            .unwrap()
            .batch_execute("PRAGMA page_size = 4096; CREATE TABLE t (x INTEGER)")
            .unwrap();
        assert_eq!(page_size(&old), 4096);
    }

    #[derive(diesel::QueryableByName)]
    struct PageSize {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        page_size: i32,
    }
}
