//! The normalised search key: one function used for stored keys and for queries, so search and
//! ordering behave the same on SQLite and PostgreSQL.

use unicode_normalization::UnicodeNormalization;

/// Bump when [`search_key`] changes: stored keys are then recomputed on the next start.
pub const SEARCH_KEY_VERSION: &str = "2";

/// Lower-cases, removes accents (Unicode decomposition, combining marks dropped) and folds every
/// run of other characters (spaces, punctuation, `-`, `&`, `!`) into one space:
/// `"Fryslân"` → `"fryslan"`, `"Jet-Net & TechNet"` → `"jet net technet"`.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The stored search text of a record: its name and aliases as search keys, separated by `|` so
/// a match never spans two names.
pub fn search_text<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let keys: Vec<String> = names.into_iter().map(search_key).filter(|k| !k.is_empty()).collect();
    format!("|{}|", keys.join("|"))
}

/// A `LIKE` pattern matching `query`'s search key anywhere, with `\` as the escape character.
pub fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in search_key(query).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Parses a stored JSON list of strings (aliases, identifiers); malformed text gives an empty list.
pub fn json_strings(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// FNV-1a 64-bit hash as hex: stable across Rust versions and platforms, used to see whether a
/// record in the data file changed since it was loaded.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(search_key("Fryslân"), "fryslan");
        assert_eq!(search_key("  Jet-Net &  TechNet "), "jet net technet");
        assert_eq!(search_key("MKB!dee"), "mkb dee");
        assert_eq!(search_key("%_\\ 😀"), "");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        // `%` and `_` fold to spaces in the key, so a query can never inject a wildcard.
        assert_eq!(like_pattern("50%_x"), "%50 x%");
        assert_eq!(search_text(["Fryslân", "Friesland"]), "|fryslan|friesland|");
    }
}
