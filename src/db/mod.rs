//! Database access: one connection type for SQLite and PostgreSQL, the r2d2 pool, migrations, and the
//! one way async code reaches the database ([`Database::run`]).

pub mod cached;
pub mod meta;
pub mod models;
pub mod schema;

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

/// Migrations for each backend; both folders describe the same tables and columns.
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// See [`PG_MIGRATIONS`].
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection to either backend. Queries written once against this type run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, chosen by a `postgres://` or `postgresql://` URL.
    Pg(PgConnection),
    /// SQLite, chosen by a `sqlite://PATH` URL (the embedded default).
    Sqlite(SqliteConnection),
}

/// The backend type shared by both connection variants, for boxed queries.
pub type Db = <DbConn as Connection>::Backend;

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A PostgreSQL URL, passed to libpq unchanged.
    Postgres(String),
    /// The path of an SQLite file (`:memory:` is refused: the pool would give each connection its own).
    Sqlite(String),
}

impl DbTarget {
    /// Reads `postgres://…`, `postgresql://…` or `sqlite://PATH` (also `sqlite:PATH`).
    ///
    /// # Errors
    /// A message naming the URL's scheme when it is neither of these.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).ok_or_else(|| {
            format!("DATABASE_URL must start with sqlite:// or postgres:// (got {:?})", scheme_of(url))
        })?;
        if path.is_empty() || path.contains(":memory:") {
            return Err("DATABASE_URL: an SQLite URL needs a file path, e.g. sqlite://techniekpact.db".into());
        }
        Ok(Self::Sqlite(path.to_owned()))
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

fn scheme_of(url: &str) -> &str {
    url.split_once(':').map_or("", |(scheme, _)| scheme)
}

mod pool;

pub use pool::{ConnectionManager, PooledDb, QueryCounter};

/// How long a request waits for a pooled connection (and SQLite for its write lock) before it is
/// told `SERVICE_UNAVAILABLE`.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

/// How many pooled connections one request may use at once, unless configured.
pub const DEFAULT_PER_REQUEST: u32 = 2;

/// The connection pool and what is known about it. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<ConnectionManager>,
    target: DbTarget,
    counter: QueryCounter,
    /// How many pooled connections one request may use at once (see [`Database::for_request`]).
    per_request: u32,
    /// A request's own share of the pool: at most this many of its statements run at once.
    permits: Option<Arc<tokio::sync::Semaphore>>,
    /// SQLite's one writer: serving write transactions take turns here, in arrival order (see
    /// [`Database::write`]). None on PostgreSQL, whose writers lock only the rows they touch.
    writer: Option<Arc<tokio::sync::Semaphore>>,
    /// How long a checkout, or a turn at SQLite's writer, may wait.
    wait: Duration,
}

impl Database {
    /// Opens a pool of at most `max_connections` to the database `url` names.
    ///
    /// # Errors
    /// The URL is not understood, or the first connection fails (the driver's own message).
    pub fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        Self::open(url, max_connections, DEFAULT_WAIT, false)
    }

    /// Opens the serving pool of at most `max_connections`: a checkout (and an SQLite write lock, a
    /// PostgreSQL lock) waits at most `wait` before failing with [`AppError::Unavailable`], and a
    /// PostgreSQL statement runs at most a minute. [`connect`](Self::connect) (the CLI, migrations)
    /// has no statement limits.
    ///
    /// # Errors
    /// The URL is not understood, or the first connection fails (the driver's own message).
    pub fn connect_with(url: &str, max_connections: u32, wait: Duration) -> anyhow::Result<Self> {
        Self::open(url, max_connections, wait, true)
    }

    fn open(url: &str, max_connections: u32, wait: Duration, statement_limits: bool) -> anyhow::Result<Self> {
        let target = DbTarget::parse(url).map_err(anyhow::Error::msg)?;
        let counter = QueryCounter::default();
        let busy_timeout_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
        let manager =
            ConnectionManager { target: target.clone(), counter: counter.clone(), busy_timeout_ms, statement_limits };
        // One direct attempt first, so a wrong URL fails at once with the driver's own message
        // instead of after the pool's retries.
        r2d2::ManageConnection::connect(&manager).map_err(|e| match &target {
            DbTarget::Sqlite(path) => {
                anyhow::anyhow!("cannot open the SQLite database {path:?} (does its folder exist?): {e}")
            }
            DbTarget::Postgres(_) => anyhow::anyhow!("cannot connect to PostgreSQL: {e}"),
        })?;
        // SQLite allows one writer at a time; more connections only help readers.
        let pool = r2d2::Pool::builder()
            .max_size(max_connections.max(1))
            .connection_timeout(wait.max(Duration::from_millis(1)))
            // The checkout test probes only connections idle for over a second (see `pool`).
            .test_on_check_out(true)
            .max_lifetime(Some(Duration::from_secs(30 * 60)))
            .idle_timeout(Some(Duration::from_secs(10 * 60)))
            .build(manager)
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let writer = matches!(target, DbTarget::Sqlite(_)).then(|| Arc::new(tokio::sync::Semaphore::new(1)));
        Ok(Self { pool, target, counter, per_request: DEFAULT_PER_REQUEST, permits: None, writer, wait })
    }

    /// Sets how many pooled connections one request may use at once (at least 1).
    #[must_use]
    pub fn with_per_request(mut self, connections: u32) -> Self {
        self.per_request = connections.max(1);
        self
    }

    /// This pool as one request sees it: at most [`with_per_request`](Self::with_per_request) of
    /// its database calls run at once, so one request's many root fields or loaders cannot take
    /// every pooled connection.
    pub fn for_request(&self) -> Self {
        let permits = usize::try_from(self.per_request).unwrap_or(1);
        Self { permits: Some(Arc::new(tokio::sync::Semaphore::new(permits))), ..self.clone() }
    }

    /// Which backend this pool talks to.
    pub fn target(&self) -> &DbTarget {
        &self.target
    }

    /// The statement counter shared by all pooled connections.
    pub fn query_counter(&self) -> QueryCounter {
        self.counter.clone()
    }

    /// Takes a connection from the pool, blocking (for the CLI and for code already off the executor).
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when no connection can be had within the pool's wait.
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        // The pool's error holds the last connect error (e.g. "connection refused"): logged only.
        self.pool.get().map_err(|e| AppError::unavailable_from("database pool", e))
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, keeping the current tracing
    /// span, so the async executor never waits on the database.
    ///
    /// # Errors
    /// Whatever `f` returns, or [`AppError::Internal`] when the pool or the blocking task fails.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        let span = tracing::Span::current();
        let permit = match &self.permits {
            Some(permits) => {
                Some(permits.clone().acquire_owned().await.map_err(|_| AppError::internal("request permits closed"))?)
            }
            None => None,
        };
        tokio::task::spawn_blocking(move || {
            // Held until the statement is done, even when the request is dropped meanwhile.
            let _permit = permit;
            let _entered = span.enter();
            let mut conn = db.get()?;
            match f(&mut conn) {
                // A failed statement on a connection that no longer answers: the database went
                // away (restart, failover, a killed backend). The pool drops the connection.
                Err(AppError::Internal(cause) | AppError::Unavailable(cause)) if conn.check_after_error() => {
                    Err(AppError::unavailable_from("database connection lost", cause))
                }
                other => other,
            }
        })
        .await
        .map_err(|e| AppError::internal_from("blocking task failed", e))?
    }

    /// Runs `f` in one write transaction ([`write_transaction`]) with a pooled connection, like
    /// [`run`](Self::run). On SQLite, write transactions first queue for their turn in arrival
    /// order: left to SQLite's busy handler, which sleeps and retries with growing pauses, a writer
    /// that arrives late can overtake one that has waited long, and under many writers the unlucky
    /// one runs out of time.
    ///
    /// # Errors
    /// Whatever `f` returns (the transaction is rolled back); [`AppError::Unavailable`] when the
    /// turn does not come within the pool's wait.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let turn = match &self.writer {
            Some(writer) => Some(
                tokio::time::timeout(self.wait, writer.clone().acquire_owned())
                    .await
                    .map_err(|e| AppError::unavailable_from("waiting for the SQLite writer", e))?
                    .map_err(|_| AppError::internal("the SQLite writer's queue is closed"))?,
            ),
            None => None,
        };
        self.run(move |c| {
            // Held until the transaction ends, even when the request is dropped meanwhile.
            let _turn = turn;
            write_transaction(c, f)
        })
        .await
    }

    /// True when a migration is not yet applied on this connection's database.
    ///
    /// # Errors
    /// The migrations table cannot be read.
    pub fn has_pending_migrations(conn: &mut DbConn) -> Result<bool, AppError> {
        let migrations = match conn {
            DbConn::Pg(_) => PG_MIGRATIONS,
            DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
        };
        conn.has_pending_migration(migrations).map_err(|e| AppError::internal(format!("migrations: {e}")))
    }

    /// Brings the schema up to date.
    ///
    /// # Errors
    /// A migration fails (the message names it).
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.get()?;
        let migrations = match &**conn {
            DbConn::Pg(_) => PG_MIGRATIONS,
            DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
        };
        let applied = conn.run_pending_migrations(migrations).map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(applied.iter().map(ToString::to_string).collect())
    }
}

/// Runs `f` in one write transaction. On SQLite this is `BEGIN IMMEDIATE`, so a transaction that
/// reads and then writes takes the write lock up front and never fails with "database is locked";
/// on PostgreSQL it is an ordinary transaction. `f` must not open transactions of its own.
///
/// # Errors
/// Whatever `f` returns (the transaction is rolled back), or a database error.
pub fn write_transaction<T, F>(conn: &mut DbConn, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError>,
{
    if matches!(conn, DbConn::Pg(_)) {
        return conn.transaction(f);
    }
    // The derived connection's `transaction()` would start a deferred transaction on SQLite.
    conn.batch_execute("BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            if let Err(e) = conn.batch_execute("COMMIT") {
                let _ = conn.batch_execute("ROLLBACK");
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = conn.batch_execute("ROLLBACK") {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Runs `f` in one read-only transaction that sees one snapshot of the database from its first
/// statement to its last (`REPEATABLE READ` on PostgreSQL; on SQLite a deferred transaction, whose
/// first read fixes what it sees), so a long read in several statements (an export in batches)
/// agrees with itself while writers go on.
///
/// # Errors
/// Whatever `f` returns, or a database error.
pub fn read_snapshot<T, F>(conn: &mut DbConn, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError>,
{
    conn.transaction(|c| {
        if matches!(c, DbConn::Pg(_)) {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(c)
    })
}

/// Refreshes the query planner's statistics (`ANALYZE`, on both backends), after a bulk write.
///
/// # Errors
/// A database error.
pub fn analyze(conn: &mut DbConn) -> Result<(), AppError> {
    conn.batch_execute("ANALYZE")?;
    Ok(())
}

/// The current time in UTC, truncated to whole microseconds so both backends store and compare it
/// identically.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    let micros = t.and_utc().timestamp_micros();
    chrono::DateTime::from_timestamp_micros(micros).map_or(t, |d| d.naive_utc())
}
