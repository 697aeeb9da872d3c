//! `techniekpact-api`: serve the GraphQL API (default), or run one maintenance command.

use clap::{Parser, Subcommand};
use techniekpact_api::config::Settings;
use techniekpact_api::db::Database;
use techniekpact_api::startup::Application;
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
}

fn read_data(file: Option<&std::path::Path>) -> anyhow::Result<data::format::DataSet> {
    match file {
        Some(path) => {
            data::parse(&std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        None => data::parse(data::BUNDLED_DATA),
    }
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
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
    }
}
