//! The shipped data set: its file format, validation, and the idempotent loader.

pub mod format;
mod load;
mod validate;

pub use load::{load, reindex_if_needed, LoadReport};
pub use validate::validate;

use format::DataSet;

/// The data set compiled into the binary, so `cargo run` needs no files beside it.
pub const BUNDLED_DATA: &str = include_str!("../../data/pact.json");

/// Parses a data file.
///
/// # Errors
/// A message with the line and column of the JSON or field error.
pub fn parse(text: &str) -> anyhow::Result<DataSet> {
    serde_json::from_str(text).map_err(|e| anyhow::anyhow!("data file: {e}"))
}

/// FNV-1a 64-bit hash as hex: stable across Rust versions and platforms, used to see whether a
/// record in the data file changed since it was loaded.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
