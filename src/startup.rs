//! Building and running the application: database, migrations, data, HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};

use crate::auth::budget::Budgets;
use crate::auth::keys::JwtKeys;
use crate::config::Settings;
use crate::data;
use crate::db::Database;
use crate::graphql::build_schema;
use crate::routes;
use crate::routes::budget::TrustedProxies;

/// A built, not yet running, application.
pub struct Application {
    port: u16,
    server: Server,
    db: Database,
}

impl Application {
    /// Connects to the database, runs migrations, loads the bundled data set when the database does
    /// not hold it yet (and `load_data` is on), and binds the listener.
    ///
    /// # Errors
    /// The database cannot be reached or migrated, the data set is invalid, or the port is taken.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.validate()?;
        let db = Database::connect_with(&settings.database_url, settings.db_pool_size, settings.db_pool_timeout)?
            .with_per_request(settings.db_connections_per_request);
        // Fail fast on a taken port before the (slower) migrations and data load; the port is bound
        // for real only once the database is ready, so no request meets a half-prepared one.
        drop(bind(&settings)?);
        // Migrations, the data load and a reindex may wait for locks and run long: on a connection
        // of their own, without the serving pool's statement limits.
        let setup = Database::connect(&settings.database_url, 1)?;
        let load = settings.load_data;
        tokio::task::spawn_blocking(move || prepare(&setup, load)).await??;
        let keys_db = db.clone();
        let key_settings = settings.clone();
        let keys = tokio::task::spawn_blocking(move || keys_for(&keys_db, &key_settings)).await??;
        let listener = bind(&settings)?;
        let port = listener.local_addr()?.port();
        let budgets = Arc::new(Budgets::new(&settings)?);
        forget_full_budgets(budgets.clone());
        let budgets_data = web::Data::from(budgets.clone());
        let schema = web::Data::new(build_schema(db.clone(), keys.clone(), budgets));
        let exports = web::Data::new(routes::export::Exports::default());
        let trusted = web::Data::new(TrustedProxies(settings.trusted_proxy_addresses()?));
        let keys = web::Data::new(keys);
        let db_data = web::Data::new(db.clone());
        let origins = settings.cors_origins();
        let server = HttpServer::new(move || {
            // The last `wrap` runs first: every response, CORS refusals included, gets a request
            // id and an access-log line; bodies are compressed when the client asks.
            App::new()
                .wrap(cors(&origins))
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(crate::middleware::request_context))
                .app_data(schema.clone())
                .app_data(db_data.clone())
                .app_data(keys.clone())
                .app_data(trusted.clone())
                .app_data(budgets_data.clone())
                .app_data(exports.clone())
                .route("/graphql", web::post().to(routes::graphql))
                .route("/graphql", web::get().to(routes::graphiql::get_graphql))
                .route("/graphql", web::route().to(routes::method_not_allowed))
                .route("/health", web::get().to(routes::health))
                .route("/health", web::head().to(routes::health))
                .route("/ready", web::get().to(routes::ready))
                .route("/ready", web::head().to(routes::ready))
                .route("/health", web::route().to(routes::get_or_head_only))
                .route("/ready", web::route().to(routes::get_or_head_only))
                .configure(routes::graphiql::configure)
                .configure(routes::export::configure)
                .configure(routes::page::configure)
                .default_service(web::to(routes::not_found))
        })
        .listen(listener)?
        .run();
        if !settings.totals_fold_interval.is_zero() {
            // On a connection of its own: folding never takes one of the requests'.
            spawn_compactor(Database::connect(&settings.database_url, 1)?, settings.totals_fold_interval);
        }
        tracing::info!(
            server.port = port,
            db.backend = if db.target().is_postgres() { "postgres" } else { "sqlite" },
            "listening"
        );
        Ok(Self { port, server, db })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database pool (tests read its statement counter).
    pub fn database(&self) -> Database {
        self.db.clone()
    }

    /// Serves until the process is stopped.
    ///
    /// # Errors
    /// The server fails.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Folds the funding totals the writers appended (`placement::compact`) every `every`
/// (`TOTALS_FOLD_INTERVAL`), for as long as the server runs. Every instance runs one (each folds the
/// keys touched since its last round; two folding the same key at once are safe).
fn spawn_compactor(db: Database, every: std::time::Duration) {
    use crate::write::placement;
    actix_web::rt::spawn(async move {
        // The highest totals rows folded so far, per table (0: fold every key once after a start).
        let mut since = [0, 0];
        loop {
            tokio::time::sleep(every).await;
            match db.run(move |c| crate::db::write_transaction(c, |c| placement::compact(c, since))).await {
                Ok(seen) => since = seen,
                Err(e) => tracing::warn!(error = ?e, "folding the funding totals failed; retrying later"),
            }
        }
    });
}

fn bind(settings: &Settings) -> anyhow::Result<TcpListener> {
    TcpListener::bind((settings.host.as_str(), settings.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.host, settings.port))
}

/// The signing keys, checked against the fingerprint the database records (recorded at first
/// start). A database that records a key never gets a newly generated one (blocking).
///
/// # Errors
/// The key is missing or is not the database's, or cannot be read.
pub fn keys_for(db: &Database, settings: &Settings) -> anyhow::Result<JwtKeys> {
    use crate::auth::key_record;
    use crate::auth::keys::KeyFile;
    let mut conn = db.get()?;
    let recorded = key_record::recorded(&mut conn)?;
    let keys = JwtKeys::load(settings, if recorded.is_some() { KeyFile::MustExist } else { KeyFile::CreateIfMissing })?;
    key_record::check_or_record(&mut conn, &keys).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(keys)
}

/// Migrates and, if asked, loads the bundled data set (blocking).
///
/// # Errors
/// Migration or loading fails.
pub fn prepare(db: &Database, load_data: bool) -> anyhow::Result<()> {
    for m in db.migrate()? {
        tracing::info!(migration = %m, "applied migration");
    }
    let mut conn = db.get()?;
    if data::reindex_if_needed(&mut conn).map_err(|e| anyhow::anyhow!("recomputing search keys: {e:?}"))? {
        tracing::info!("recomputed the stored search keys");
    }
    if crate::write::placement::needs_rebuild(&mut conn)? {
        crate::db::write_transaction(&mut conn, crate::write::placement::rebuild)?;
        tracing::info!("computed the funding placement of every region");
    }
    if load_data {
        let set = data::parse(data::BUNDLED_DATA)?;
        let report =
            data::load(&mut conn, &set, false).map_err(|e| anyhow::anyhow!("loading the bundled data set: {e:?}"))?;
        if !report.up_to_date {
            tracing::info!(
                data.version = report.data_version,
                data.inserted = report.inserted,
                data.updated = report.updated,
                data.kept = report.kept_api_changes.len(),
                "loaded the bundled data set"
            );
        }
        for kept in &report.kept_api_changes {
            tracing::warn!(record = %kept, "data set record not applied");
        }
    }
    Ok(())
}

/// How often budgets that are full again are forgotten (rows on PostgreSQL, entries in memory).
const FORGET_FULL_BUDGETS_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Forgets full budgets every [`FORGET_FULL_BUDGETS_EVERY`], so callers seen once do not pile up.
fn forget_full_budgets(budgets: Arc<Budgets>) {
    if !budgets.enabled() {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(FORGET_FULL_BUDGETS_EVERY);
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = budgets.forget_full().await {
                tracing::warn!(error.cause = %e, "could not forget full cost budgets");
            }
        }
    });
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers(["content-type", "authorization"])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        for o in origins {
            cors = cors.allowed_origin(o);
        }
    }
    cors
}
