//! Token signing keys. Built once at start from the settings; never global.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

use crate::config::{JwtAlgorithm, Settings};

/// The keys and the claims every token must carry.
#[derive(Clone)]
pub struct JwtKeys {
    /// The one accepted algorithm.
    pub algorithm: Algorithm,
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
    /// Required `iss`.
    pub issuer: String,
    /// Required `aud`.
    pub audience: String,
    /// Names the key without revealing it: SHA-256 of the Ed25519 public key, or an HMAC of a fixed
    /// text under the HS256 secret (never the secret). Stored in the database at first start.
    pub fingerprint: String,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// The default EdDSA key path.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("jwt-ed25519.pem")
}

/// Whether a missing EdDSA key file may be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFile {
    /// Generate it (first start of a database that records no key yet).
    CreateIfMissing,
    /// Refuse: the database's tokens were signed with a key that should be there.
    MustExist,
}

/// The EdDSA key file the settings name.
pub fn key_path(settings: &Settings) -> PathBuf {
    settings.jwt_private_key_path.clone().unwrap_or_else(|| default_key_path(&settings.data_dir))
}

impl JwtKeys {
    /// Loads (or, for EdDSA, generates on first start) the keys the settings name.
    ///
    /// # Errors
    /// HS256 without a secret of at least 32 bytes; an unreadable or invalid key file; a key that
    /// cannot be written.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        Self::load(settings, KeyFile::CreateIfMissing)
    }

    /// Loads the keys the settings name; with [`KeyFile::MustExist`] a missing EdDSA key file is an
    /// error instead of a new key.
    ///
    /// # Errors
    /// As [`from_settings`](Self::from_settings), and a missing key file when it must exist.
    pub fn load(settings: &Settings, key_file: KeyFile) -> anyhow::Result<Self> {
        use hmac::Mac;
        use sha2::Digest;
        let (algorithm, encoding, decoding, fingerprint) = match settings.jwt_algorithm {
            JwtAlgorithm::Hs256 => {
                let secret = settings.jwt_secret.as_ref().map(|s| s.0.as_bytes()).unwrap_or_default();
                if secret.len() < 32 {
                    anyhow::bail!("JWT_ALGORITHM=HS256 needs JWT_SECRET of at least 32 bytes");
                }
                let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret)
                    .map_err(|e| anyhow::anyhow!("JWT_SECRET: {e}"))?;
                mac.update(b"techniekpact-api signing key fingerprint");
                let fingerprint = format!("hs256:{}", hex(&mac.finalize().into_bytes()[..16]));
                (Algorithm::HS256, EncodingKey::from_secret(secret), DecodingKey::from_secret(secret), fingerprint)
            }
            JwtAlgorithm::EdDsa => {
                let path = key_path(settings);
                if key_file == KeyFile::MustExist && !path.exists() {
                    anyhow::bail!(
                        "there is no token signing key at {} (DATA_DIR={}), but this database's tokens were signed \
                         with one: point DATA_DIR or JWT_PRIVATE_KEY_PATH at the key, or run \
                         `techniekpact-api token rotate-key` to retire every token and start a new key",
                        path.display(),
                        settings.data_dir.display()
                    );
                }
                let (private_pem, public_pem) = load_or_generate_ed25519(&path)?;
                let fingerprint = format!("ed25519:{}", hex(&sha2::Sha256::digest(public_pem.as_bytes())[..16]));
                (
                    Algorithm::EdDSA,
                    EncodingKey::from_ed_pem(private_pem.as_bytes())?,
                    DecodingKey::from_ed_pem(public_pem.as_bytes())?,
                    fingerprint,
                )
            }
        };
        Ok(Self {
            algorithm,
            encoding,
            decoding,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            fingerprint,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a new Ed25519 key at `path`, moving an existing one aside to `PATH.retired-<unix time>`.
///
/// # Errors
/// The file cannot be moved or written.
pub fn replace_ed25519(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        let aside = path.with_extension(format!("pem.retired-{}", chrono::Utc::now().timestamp()));
        std::fs::rename(path, &aside).map_err(|e| anyhow::anyhow!("moving {} aside: {e}", path.display()))?;
    }
    load_or_generate_ed25519(path).map(|_| ())
}

/// Reads the PKCS#8 PEM key at `path`, or generates one there (mode 0600) when the file is missing.
/// Returns the private and public PEM.
fn load_or_generate_ed25519(path: &Path) -> anyhow::Result<(String, String)> {
    let key = if path.exists() {
        let pem = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        SigningKey::from_pkcs8_pem(&pem)
            .map_err(|e| anyhow::anyhow!("{} is not an Ed25519 PKCS#8 key: {e}", path.display()))?
    } else {
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| anyhow::anyhow!("encoding the key: {e}"))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
        }
        write_private(path, pem.as_bytes())?;
        tracing::info!(key.path = %path.display(), "generated a new token signing key");
        key
    };
    let private = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| anyhow::anyhow!("encoding the key: {e}"))?.to_string();
    let public = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("encoding the public key: {e}"))?;
    Ok((private, public))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))
}
