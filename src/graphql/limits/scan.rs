//! Bracket nesting of the raw request, counted before anything is parsed.

use super::MAX_NESTING;

/// The deepest bracket nesting in a GraphQL document, skipping strings, block strings and
/// comments; stops counting once past [`MAX_NESTING`].
pub fn nesting_of_query(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The deepest array/object nesting in a JSON text (the body's own object is level 1), skipping
/// strings; stops counting once past `MAX_NESTING + 2`.
pub fn nesting_of_json(bytes: &[u8]) -> usize {
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING + 2 {
                    return deepest;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_block_strings_and_comments_are_skipped() {
        assert_eq!(nesting_of_query("{ a(b: [[1]]) }"), 4);
        assert_eq!(nesting_of_query(r#"{ a(b: "[[[[\"[[[") }"#), 2);
        assert_eq!(nesting_of_query("{ a(b: \"\"\"[[[ \\\"\"\" [[[\"\"\") }"), 2);
        assert_eq!(nesting_of_query("{ a } # [[[[[[\n"), 1);
        assert_eq!(nesting_of_json(br#"{"query": "[[[[", "variables": {"v": [[1]]}}"#), 4);
        assert!(nesting_of_query(&"[".repeat(100_000)) == MAX_NESTING + 1);
    }
}
