//! The r2d2 connection manager: opens connections for the URL's backend, counts statements, and
//! tells the pool which connections to drop (dead, used by a panicking thread, idle and failing a
//! probe).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use super::{DbConn, DbTarget};

/// Counts SQL statements sent by every pooled connection (for tests and `/metrics`-style logs).
/// Health probes are not counted.
#[derive(Clone, Default, Debug)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    /// Statements started since the pool was built.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct CountingInstrumentation(QueryCounter);

impl Instrumentation for CountingInstrumentation {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            self.0 .0.fetch_add(1, Ordering::Relaxed);
            tracing::trace!(db.statement = %query, "sql statement");
        }
    }
}

/// Sees nothing: installed while a health probe runs, so probes are not counted.
struct Uncounted;

impl Instrumentation for Uncounted {
    fn on_connection_event(&mut self, _event: InstrumentationEvent<'_>) {}
}

/// The longest a PostgreSQL statement may run.
pub const STATEMENT_TIMEOUT_MS: u64 = 60_000;

/// The most memory (KiB) one SQLite connection keeps as its page cache.
pub const SQLITE_CACHE_KIB: u32 = 1024;

/// How long a connection may sit unused before it is probed at checkout.
const PROBE_AFTER_IDLE: Duration = Duration::from_secs(1);

/// A pooled connection with what the pool needs to know about its health. Derefs to [`DbConn`].
pub struct PooledDb {
    conn: DbConn,
    counter: QueryCounter,
    last_used: Instant,
    broken: bool,
}

impl std::ops::Deref for PooledDb {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.last_used = Instant::now();
        &mut self.conn
    }
}

impl PooledDb {
    /// Runs `SELECT 1` without counting it. True when the connection answers.
    pub fn probe(&mut self) -> bool {
        self.conn.set_instrumentation(Uncounted);
        // On SQLite `BEGIN` fails inside a transaction left open (a `BEGIN IMMEDIATE` whose
        // `COMMIT` and `ROLLBACK` failed): such a connection holds the write lock and must go.
        let alive = match &mut self.conn {
            DbConn::Pg(c) => c.batch_execute("SELECT 1").is_ok(),
            DbConn::Sqlite(c) => c.batch_execute("BEGIN DEFERRED; ROLLBACK").is_ok(),
        };
        self.conn.set_instrumentation(CountingInstrumentation(self.counter.clone()));
        self.last_used = Instant::now();
        alive
    }

    /// After a failed statement: probes the connection and, when it is dead, marks it so the pool
    /// drops it instead of handing it out again. True when the connection was lost.
    pub fn check_after_error(&mut self) -> bool {
        if !self.probe() {
            self.broken = true;
        }
        self.broken
    }
}

/// Opens connections for the pool, picking the backend from the URL itself (the derived
/// `establish` would try each backend in turn and hide the real error).
pub struct ConnectionManager {
    pub(super) target: DbTarget,
    pub(super) counter: QueryCounter,
    pub(super) busy_timeout_ms: u64,
    /// PostgreSQL `lock_timeout`/`statement_timeout` (the serving pool; not migrations or the CLI).
    pub(super) statement_limits: bool,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        let mut conn = match &self.target {
            DbTarget::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Serving: a statement waits for a lock no longer than a request waits for a
                // connection, and none runs longer than a minute: both fail as `SERVICE_UNAVAILABLE`.
                if self.statement_limits {
                    conn.batch_execute(&format!(
                        "SET lock_timeout = {}; SET statement_timeout = {STATEMENT_TIMEOUT_MS}",
                        self.busy_timeout_ms
                    ))
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                DbConn::Pg(conn)
            }
            DbTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                // Each connection's page cache is at most SQLITE_CACHE_KIB (SQLite's default is
                // 2 MiB), so a pool of 16 keeps at most 16 MiB of pages; the operating system
                // caches the file's pages anyway.
                conn.batch_execute(&format!(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -{SQLITE_CACHE_KIB};",
                    self.busy_timeout_ms
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                DbConn::Sqlite(conn)
            }
        };
        conn.set_instrumentation(CountingInstrumentation(self.counter.clone()));
        Ok(PooledDb { conn, counter: self.counter.clone(), last_used: Instant::now(), broken: false })
    }

    /// The checkout test: a connection unused for more than a second is probed (a database
    /// restart or a proxy's idle kill leaves dead connections in the pool); one used just now is
    /// trusted, and if it died meanwhile its statement fails once and it is dropped.
    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), Self::Error> {
        if conn.broken {
            return Err(diesel::ConnectionError::BadConnection("marked broken".into()));
        }
        if conn.last_used.elapsed() > PROBE_AFTER_IDLE && !conn.probe() {
            return Err(diesel::ConnectionError::BadConnection("the connection did not answer a probe".into()));
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        // Used by a thread that panicked: it may be inside a transaction (on SQLite, holding the
        // write lock), so it is closed rather than reused.
        if conn.broken || std::thread::panicking() {
            return true;
        }
        // A connection left inside a diesel transaction must not be reused.
        match &mut conn.conn {
            DbConn::Pg(c) => <diesel::connection::AnsiTransactionManager as diesel::connection::TransactionManager<
                PgConnection,
            >>::is_broken_transaction_manager(c),
            DbConn::Sqlite(c) => {
                <diesel::connection::AnsiTransactionManager as diesel::connection::TransactionManager<
                    SqliteConnection,
                >>::is_broken_transaction_manager(c)
            }
        }
    }
}
