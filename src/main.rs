//! `techniekpact-api`: serve the GraphQL API (default), or run one maintenance command.

use clap::{Parser, Subcommand};
use techniekpact_api::auth::key_record;
use techniekpact_api::auth::keys::{key_path, replace_ed25519, JwtKeys, KeyFile};
use techniekpact_api::auth::Scope;
use techniekpact_api::config::{JwtAlgorithm, Settings};
use techniekpact_api::db::{write_transaction, Database, DbTarget};
use techniekpact_api::startup::Application;
use techniekpact_api::write::tokens;
use techniekpact_api::{data, graphql, telemetry};

/// The Techniekpact partner graph: a GraphQL API over the pact's stakeholders, programmes, regions
/// and funding schemes.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API on HOST:PORT (the default command).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Recompute where every funding counts per region and the totals (`fundingByRegion`) from the
    /// records, in one transaction (writers wait). Safe at any time; for a database written by an
    /// older build or restored in part.
    RebuildPlacement,
    /// Load a data set (default: the bundled data/pact.json) and print what changed.
    LoadData {
        /// A data file to load instead of the bundled one.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// Compare every record even when the database already holds this data-set version.
        #[arg(long)]
        force: bool,
    },
    /// Check a data set (default: the bundled one) and list every problem; exit 1 if there are any.
    ValidateData {
        /// A data file to check instead of the bundled one.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Add deterministic synthetic organisations, programmes and fundings (marked `synthetic-`)
    /// beside the loaded data, for benchmarks; refuses a database partners wrote to.
    GenerateData {
        /// Synthetic organisations.
        #[arg(long, default_value_t = 2_000)]
        organisations: usize,
        /// Synthetic programmes.
        #[arg(long, default_value_t = 5_000)]
        programmes: usize,
        /// Synthetic fundings.
        #[arg(long, default_value_t = 200_000)]
        fundings: usize,
        /// The seed: the same seed and sizes give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Delete an earlier synthetic set first.
        #[arg(long)]
        replace: bool,
        /// Generate even though partners wrote records through the API.
        #[arg(long)]
        force: bool,
    },
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    PrintSchema,
    /// Ask the service on 127.0.0.1:PORT for `/health`; exit 0 when it answers 200 (for container
    /// health checks: no curl needed).
    Healthcheck,
    /// Print which fact-stating passages of the documents the data set holds: the share per document
    /// and in total, then the uncovered passages by line range (no document text).
    Coverage {
        /// A data file to measure instead of the bundled one.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// The folder holding the documents (default: `../shared/seeds` beside the source tree).
        #[arg(long, env = "DOCUMENTS_DIR")]
        documents_dir: Option<std::path::PathBuf>,
    },
    /// Print a Markdown table of what a data set (default: the bundled one) holds.
    Stats {
        /// A data file to count instead of the bundled one.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Issue, list and revoke partner tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token for an organisation and print it (it is shown only this once).
    Issue {
        /// The organisation's slug, e.g. `sbb`.
        #[arg(long)]
        org: String,
        /// Space- or comma-separated scopes: programmes:write fundings:write organisation:write tokens:write admin.
        #[arg(long)]
        scope: String,
        /// Lifetime, e.g. `90d`, `12h`, `30m`.
        #[arg(long, default_value = "90d")]
        ttl: String,
        /// A note shown by `token list`.
        #[arg(long)]
        label: Option<String>,
    },
    /// List issued tokens (never the tokens themselves).
    List,
    /// Revoke a token by its jti; it is refused from its next request on.
    Revoke {
        /// The token's jti.
        jti: String,
    },
    /// Retire the signing key and start a new one (EdDSA: a new key file, the old one moved
    /// aside; HS256: the new JWT_SECRET you set). Every token issued before is then refused.
    /// Stop every instance first; give them the new key before starting them again.
    RotateKey,
}

fn read_data(file: Option<&std::path::Path>) -> anyhow::Result<data::format::DataSet> {
    match file {
        Some(path) => {
            data::parse(&std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        None => data::parse(data::BUNDLED_DATA),
    }
}

/// `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db?…`, for messages:
/// no password ever reaches a log.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (rest, query) = match rest.split_once('?') {
        Some((r, _)) => (r, "?…"),
        None => (rest, ""),
    };
    let rest = match rest.rsplit_once('@') {
        Some((user, host)) => format!("{}:***@{host}", user.split(':').next().unwrap_or("")),
        None => rest.to_owned(),
    };
    format!("{scheme}://{rest}{query}")
}

/// Says on stderr which database and data folder a command uses.
fn say_where(settings: &Settings) {
    eprintln!("database: {}  data folder: {}", redacted(&settings.database_url), settings.data_dir.display());
}

/// Opens a database that exists and holds a loaded data set; never creates one.
fn open_existing(settings: &Settings) -> anyhow::Result<Database> {
    if let Ok(DbTarget::Sqlite(path)) = DbTarget::parse(&settings.database_url) {
        anyhow::ensure!(
            std::path::Path::new(&path).exists(),
            "there is no database at {path}: run the command where the service runs (or set DATABASE_URL), \
             or create one with `techniekpact-api migrate` and `techniekpact-api load-data`"
        );
    }
    let db = Database::connect(&settings.database_url, 1)?;
    let mut conn = db.get()?;
    anyhow::ensure!(
        !Database::has_pending_migrations(&mut conn)?,
        "the database is not migrated (or not this service's): run `techniekpact-api migrate` and `load-data` first"
    );
    anyhow::ensure!(
        data::meta(&mut conn, "data_version")?.is_some(),
        "the database holds no loaded data: run `techniekpact-api load-data` (or start the service once) first"
    );
    drop(conn);
    Ok(db)
}

fn token_command(settings: &Settings, command: TokenCommand) -> anyhow::Result<()> {
    let db = open_existing(settings)?;
    let app = |e: techniekpact_api::error::AppError| match e.cause() {
        Some(cause) => anyhow::anyhow!("{e}: {}", cause.chain()),
        None => anyhow::anyhow!("{e}"),
    };
    if let TokenCommand::RotateKey = command {
        let mut conn = db.get()?;
        let old = key_record::recorded(&mut conn)?;
        let keys = match settings.jwt_algorithm {
            JwtAlgorithm::EdDsa => {
                let path = key_path(settings);
                replace_ed25519(&path)?;
                eprintln!(
                    "wrote a new signing key to {}: copy this file to every instance's DATA_DIR (or \
                     JWT_PRIVATE_KEY_PATH) before starting them",
                    path.display()
                );
                JwtKeys::load(settings, KeyFile::MustExist)?
            }
            JwtAlgorithm::Hs256 => {
                let keys = JwtKeys::load(settings, KeyFile::MustExist)?;
                anyhow::ensure!(
                    old.as_deref() != Some(keys.fingerprint.as_str()),
                    "JWT_SECRET is the secret in use: set the new secret, then run rotate-key"
                );
                eprintln!("recorded the new JWT_SECRET: give every instance the same secret before starting them");
                keys
            }
        };
        write_transaction(&mut conn, |c| key_record::record_rotation(c, &keys)).map_err(app)?;
        println!("rotated the signing key: {} -> {}", old.as_deref().unwrap_or("none"), keys.fingerprint);
        return Ok(());
    }
    let mut conn = db.get()?;
    let recorded = key_record::recorded(&mut conn)?;
    let keys = JwtKeys::load(settings, if recorded.is_some() { KeyFile::MustExist } else { KeyFile::CreateIfMissing })?;
    key_record::check_or_record(&mut conn, &keys).map_err(app)?;
    let rotated_at = key_record::rotated_at(&mut conn)?;
    match command {
        TokenCommand::Issue { org, scope, ttl, label } => {
            let scopes = Scope::parse_list(&scope.replace(',', " ")).map_err(anyhow::Error::msg)?;
            anyhow::ensure!(!scopes.is_empty(), "give at least one --scope");
            let ttl = humantime::parse_duration(&ttl).map_err(|e| anyhow::anyhow!("--ttl {ttl:?}: {e}"))?;
            let ttl = chrono::Duration::from_std(ttl)?;
            let issued = write_transaction(&mut conn, |c| {
                tokens::issue_from_cli(c, &keys, &org, &scopes, ttl, label.as_deref())
            })
            .map_err(app)?;
            eprintln!("jti {} for {org}, expires {}", issued.jti, issued.expires_at.to_rfc3339());
            println!("{}", issued.token);
        }
        TokenCommand::List => {
            for t in tokens::list(&mut conn).map_err(app)? {
                let retired = rotated_at.is_some_and(|r| t.created_at < r);
                let state = match t.revoked_at {
                    Some(r) => format!("revoked {r}"),
                    None if retired => "signed with a retired key".to_owned(),
                    None => format!("expires {}", t.expires_at),
                };
                println!("{}  {}  [{}]  {}  {}", t.jti, t.organisation, t.scopes, state, t.label.unwrap_or_default());
            }
        }
        TokenCommand::Revoke { jti } => {
            write_transaction(&mut conn, |c| tokens::revoke_from_cli(c, &jti)).map_err(app)?;
            println!("revoked {jti}");
        }
        TokenCommand::RotateKey => unreachable!("handled above"),
    }
    Ok(())
}

/// `GET /health` on the local port, with a 3-second budget.
fn healthcheck(port: u16) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let timeout = std::time::Duration::from_secs(3);
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    anyhow::ensure!(head.starts_with(b"HTTP/1.1 200"), "unhealthy: {}", String::from_utf8_lossy(&head));
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    if matches!(DbTarget::parse(&cli.settings.database_url), Ok(DbTarget::Sqlite(_))) {
        // Before any thread starts: SQLite works inside our process, on the blocking threads.
        techniekpact_api::arenas::limit();
    }
    telemetry::init();
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(
        command,
        Command::PrintSchema
            | Command::ValidateData { .. }
            | Command::Stats { .. }
            | Command::Coverage { .. }
            | Command::Healthcheck
    ) {
        say_where(&cli.settings);
    }
    match command {
        Command::Serve => actix_web::rt::System::new().block_on(async {
            let app = Application::build(cli.settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }),
        Command::Migrate => {
            let db = Database::connect(&cli.settings.database_url, 1)?;
            let applied = db.migrate()?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::RebuildPlacement => {
            let db = Database::connect(&cli.settings.database_url, 1)?;
            db.migrate()?;
            let mut conn = db.get()?;
            techniekpact_api::db::write_transaction(&mut conn, techniekpact_api::write::placement::rebuild)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("rebuilt the funding placement and totals");
            Ok(())
        }
        Command::LoadData { file, force } => {
            let set = read_data(file.as_deref())?;
            let db = Database::connect(&cli.settings.database_url, 1)?;
            db.migrate()?;
            let mut conn = db.get()?;
            let report = data::load(&mut conn, &set, force).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::ValidateData { file } => {
            let problems = data::validate(&read_data(file.as_deref())?);
            if problems.is_empty() {
                println!("the data set is valid");
                return Ok(());
            }
            for p in &problems {
                println!("{p}");
            }
            anyhow::bail!("{} problem(s)", problems.len())
        }
        Command::Token { command } => token_command(&cli.settings, command),
        Command::Stats { file } => {
            print!("{}", data::stats(&read_data(file.as_deref())?));
            Ok(())
        }
        Command::Coverage { file, documents_dir } => {
            let set = read_data(file.as_deref())?;
            let dir = documents_dir.unwrap_or_else(data::coverage::default_documents_dir);
            print!("{}", data::coverage::run(&set, &dir).map_err(|e| anyhow::anyhow!(e))?.report());
            Ok(())
        }
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Healthcheck => healthcheck(cli.settings.port),
        Command::GenerateData { organisations, programmes, fundings, seed, replace, force } => {
            let db = open_existing(&cli.settings)?;
            let mut conn = db.get()?;
            let sizes = data::generate::Sizes { organisations, programmes, fundings, seed };
            let options = data::generate::Options { replace, force };
            let report = data::generate::generate(&mut conn, sizes, options).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
    }
}
