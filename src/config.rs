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
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 16, global = true)]
    pub db_pool_size: u32,

    /// How long a request waits for a pooled connection (and SQLite for its write lock) before the
    /// field fails with `SERVICE_UNAVAILABLE`, e.g. `2s`, `500ms`.
    #[arg(long, env = "DB_POOL_TIMEOUT", default_value = "2s", value_parser = humantime::parse_duration, global = true)]
    pub db_pool_timeout: std::time::Duration,

    /// How often each instance folds the funding totals writers appended (`0s`: never; reports stay
    /// exact either way, they only read more rows).
    #[arg(long, env = "TOTALS_FOLD_INTERVAL", default_value = "2s", value_parser = humantime::parse_duration, global = true)]
    pub totals_fold_interval: std::time::Duration,

    /// How many pooled connections one request may use at once (so one request cannot take the pool).
    #[arg(long, env = "DB_CONNECTIONS_PER_REQUEST", default_value_t = 2, global = true)]
    pub db_connections_per_request: u32,

    /// Load the bundled data set on start when the database does not hold it yet (`false` to skip).
    #[arg(long, env = "LOAD_DATA", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub load_data: bool,

    /// Folder for state the service keeps between starts (the generated token signing key).
    #[arg(long, env = "DATA_DIR", default_value = ".techniekpact", global = true)]
    pub data_dir: std::path::PathBuf,

    /// The one algorithm tokens are signed and accepted with: `EdDSA` (Ed25519, default) or `HS256`.
    #[arg(long, env = "JWT_ALGORITHM", default_value = "EdDSA", global = true)]
    pub jwt_algorithm: JwtAlgorithm,

    /// EdDSA: the PKCS#8 PEM private key; generated on first start when missing.
    /// Default: `DATA_DIR/jwt-ed25519.pem`.
    #[arg(long, env = "JWT_PRIVATE_KEY_PATH", global = true)]
    pub jwt_private_key_path: Option<std::path::PathBuf>,

    /// HS256 only: the shared secret, at least 32 bytes. Never logged.
    #[arg(long, env = "JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// The `iss` claim the service writes and requires.
    #[arg(long, env = "JWT_ISSUER", default_value = "techniekpact-api", global = true)]
    pub jwt_issuer: String,

    /// The `aud` claim the service writes and requires.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "techniekpact-partners", global = true)]
    pub jwt_audience: String,

    /// Cost budgets per caller (`false` switches them off, for measurement): see the budgets below.
    #[arg(long, env = "RATE_LIMITS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub rate_limits: bool,

    /// The period a budget is counted over, and refills over (e.g. `1h`, `10s`).
    #[arg(long, env = "RATE_LIMIT_PERIOD", default_value = "1h", value_parser = humantime::parse_duration, global = true)]
    pub rate_limit_period: std::time::Duration,

    /// Points per period a caller without a token may spend on queries, per client address.
    #[arg(long, env = "RATE_LIMIT_ANONYMOUS", default_value_t = 1_000_000_000, global = true)]
    pub rate_limit_anonymous: u32,

    /// Points per period a token may spend on queries (its session tokens share them).
    #[arg(long, env = "RATE_LIMIT_TOKEN", default_value_t = 2_000_000_000, global = true)]
    pub rate_limit_token: u32,

    /// Points per period a caller (token, else client address) may spend on mutations.
    #[arg(long, env = "RATE_LIMIT_WRITES", default_value_t = 1_000_000, global = true)]
    pub rate_limit_writes: u32,

    /// Addresses of proxies whose `X-Forwarded-For` names the client (comma-separated). Empty: the
    /// peer's own address is the client's.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: String,
}

/// The largest budget a setting may give (GraphQL's `Int` is 32 bits).
pub const MAX_BUDGET: u32 = i32::MAX as u32;

/// The token signing algorithms the service can be configured with.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// Ed25519 signatures (the default): a key pair kept in `DATA_DIR`.
    #[value(name = "EdDSA", alias = "eddsa")]
    EdDsa,
    /// HMAC-SHA256 with a shared secret (`JWT_SECRET`).
    #[value(name = "HS256", alias = "hs256")]
    Hs256,
}

/// A secret string that never appears in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl Settings {
    /// Checks what can be checked before start: CORS origins are `*` or `http(s)://host[:port]`.
    ///
    /// # Errors
    /// A message naming the bad setting.
    pub fn validate(&self) -> anyhow::Result<()> {
        for origin in self.cors_origins() {
            if origin != "*" && !valid_origin(&origin) {
                anyhow::bail!(
                    "CORS_ALLOWED_ORIGINS: {origin:?} is not an origin: write scheme://host[:port], e.g. \
                     https://partner.example (no path, no trailing slash), or *"
                );
            }
        }
        self.trusted_proxy_addresses()?;
        if self.rate_limit_period < std::time::Duration::from_secs(1)
            || self.rate_limit_period > std::time::Duration::from_secs(7 * 24 * 3600)
        {
            anyhow::bail!("RATE_LIMIT_PERIOD must be between 1s and 7d");
        }
        for (name, points) in [
            ("RATE_LIMIT_ANONYMOUS", self.rate_limit_anonymous),
            ("RATE_LIMIT_TOKEN", self.rate_limit_token),
            ("RATE_LIMIT_WRITES", self.rate_limit_writes),
        ] {
            if points == 0 || points > MAX_BUDGET {
                anyhow::bail!("{name} must be between 1 and {MAX_BUDGET} points");
            }
        }
        Ok(())
    }

    /// The addresses of `TRUSTED_PROXIES`.
    ///
    /// # Errors
    /// A message naming the entry that is not an IP address.
    pub fn trusted_proxy_addresses(&self) -> anyhow::Result<Vec<std::net::IpAddr>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<std::net::IpAddr>().map(|ip| ip.to_canonical()).map_err(|_| {
                    anyhow::anyhow!("TRUSTED_PROXIES: {s:?} is not an IP address (write e.g. 10.0.0.2,fd00::2)")
                })
            })
            .collect()
    }

    /// The allowed CORS origins, trimmed, empty entries dropped.
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_allowed_origins.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}

/// `http://host[:port]` or `https://host[:port]`: what a browser sends as `Origin`.
fn valid_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else { return false };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::valid_origin;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for ok in ["https://partner.example", "http://localhost:3000", "https://a-b.example.nl"] {
            assert!(valid_origin(ok), "{ok}");
        }
        for bad in [
            "partner.example",
            "https://partner.example/",
            "https://x.example/path",
            "ftp://x",
            "https://",
            "https://x:abc",
        ] {
            assert!(!valid_origin(bad), "{bad}");
        }
    }
}
