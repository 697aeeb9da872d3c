//! `techniekpact-api`: serve the GraphQL API (default), or run one maintenance command.

use clap::{Parser, Subcommand};
use techniekpact_api::auth::keys::JwtKeys;
use techniekpact_api::auth::Scope;
use techniekpact_api::config::Settings;
use techniekpact_api::db::{write_transaction, Database};
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
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    PrintSchema,
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
}

fn read_data(file: Option<&std::path::Path>) -> anyhow::Result<data::format::DataSet> {
    match file {
        Some(path) => {
            data::parse(&std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        None => data::parse(data::BUNDLED_DATA),
    }
}

fn token_command(settings: &Settings, command: TokenCommand) -> anyhow::Result<()> {
    let db = Database::connect(&settings.database_url, 1)?;
    db.migrate()?;
    let mut conn = db.get()?;
    let app = |e: techniekpact_api::error::AppError| anyhow::anyhow!("{e}: {e:?}");
    match command {
        TokenCommand::Issue { org, scope, ttl, label } => {
            let keys = JwtKeys::from_settings(settings)?;
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
                let state =
                    t.revoked_at.map_or_else(|| format!("expires {}", t.expires_at), |r| format!("revoked {r}"));
                println!("{}  {}  [{}]  {}  {}", t.jti, t.organisation, t.scopes, state, t.label.unwrap_or_default());
            }
        }
        TokenCommand::Revoke { jti } => {
            write_transaction(&mut conn, |c| tokens::revoke_from_cli(c, &jti)).map_err(app)?;
            println!("revoked {jti}");
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    telemetry::init();
    match cli.command.unwrap_or(Command::Serve) {
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
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
    }
}
