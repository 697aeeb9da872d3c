//! Settings from environment variables (a local `.env` is read first), each also a CLI flag.
//! The README's settings table lists the same names and defaults.

use clap::Args;

/// Everything the service can be configured with. Secrets are never logged.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Database URL: `sqlite://PATH` (embedded, the default) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://techniekpact.db", global = true)]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1", global = true)]
    pub host: String,

    /// Port to listen on (0 picks a free port).
    #[arg(long, env = "PORT", default_value_t = 8080, global = true)]
    pub port: u16,

    /// Browser origins allowed to call the API (comma-separated, e.g.
    /// `https://partner.example,https://other.example`; `*` allows any). Empty: no CORS headers.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "", global = true)]
    pub cors_allowed_origins: String,

    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 8, global = true)]
    pub db_pool_size: u32,

    /// Load the bundled data set on start when the database does not hold it yet (`false` to skip).
    #[arg(long, env = "LOAD_DATA", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub load_data: bool,
}

impl Settings {
    /// The allowed CORS origins, trimmed, empty entries dropped.
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_allowed_origins.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}
