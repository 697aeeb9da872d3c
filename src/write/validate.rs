//! Collects every problem in a mutation's input, each with its field path and code, so a client
//! sees all of them at once.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::error::{AppError, FieldError, UserErrorCode};
use crate::ids::{decode_typed_id, NodeType};
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound, DatePrecision};

/// A parsed period: start and end as (date, precision).
pub type ParsedPeriod = (Option<(NaiveDate, DatePrecision)>, Option<(NaiveDate, DatePrecision)>);

/// What is wrong with a (trimmed) text, if anything.
fn text_problem(t: &str, max: usize) -> Option<(UserErrorCode, &'static str)> {
    let multi_line = max > 300;
    let invisible =
        |c: char| c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}');
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if t.chars().all(invisible) {
        Some((UserErrorCode::Blank, "must not be empty"))
    } else if t.chars().any(|c| (c.is_control() && !(multi_line && (c == '\n' || c == '\t'))) || bidi(c)) {
        Some((UserErrorCode::Invalid, "must not contain control characters or direction overrides"))
    } else if t.chars().count() > max {
        Some((UserErrorCode::Invalid, "is too long"))
    } else {
        None
    }
}

/// Text as stored: Unicode NFC, so `Fryslân` typed with a combining accent is the same name.
fn nfc(t: &str) -> String {
    t.nfc().collect()
}

/// Accumulates field errors.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// A new, empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub fn push(&mut self, field: &[&str], code: UserErrorCode, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// Trimmed non-empty one-line text of at most `max` characters: no control characters, no
    /// bidirectional overrides, not only invisible characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let t = value.trim();
        if let Some((code, message)) = text_problem(t, max) {
            self.push(&["input", field], code, format!("`{field}` {message}"));
        }
        nfc(t)
    }

    /// Optional text: empty becomes `None`; otherwise as [`text`](Self::text) (newlines allowed
    /// when `max` exceeds 300, for descriptions and notes).
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let t = value.map(str::trim).filter(|t| !t.is_empty())?;
        if let Some((code, message)) = text_problem(t, max) {
            self.push(&["input", field], code, format!("`{field}` {message}"));
        }
        Some(nfc(t))
    }

    /// An `http://` or `https://` address.
    pub fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let t = self.optional_text(field, value, 500)?;
        let lower = t.to_ascii_lowercase();
        let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
            && t.len() > 8
            && !t.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"');
        if !ok {
            self.push(&["input", field], UserErrorCode::Invalid, format!("`{field}` must be an http(s) address"));
        }
        Some(t)
    }

    /// A list of short texts: blanks refused, duplicates removed, at most 50 items.
    pub fn text_list(&mut self, field: &str, items: &[String]) -> Vec<String> {
        if items.len() > 50 {
            self.push(&["input", field], UserErrorCode::OutOfRange, format!("`{field}` holds at most 50 items"));
        }
        let mut out: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let t = item.trim();
            let index = i.to_string();
            if let Some((code, message)) = text_problem(t, 300) {
                self.push(&["input", field, &index], code, format!("`{field}` item {message}"));
            } else {
                let t = nfc(t);
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// A slug: lowercase ASCII letters, digits and `-`.
    pub fn slug(&mut self, field: &str, value: &str) -> String {
        let ok = !value.is_empty()
            && value.len() <= 100
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            self.push(
                &["input", field],
                UserErrorCode::Invalid,
                format!("`{field}` must be lowercase letters, digits and -"),
            );
        }
        value.to_owned()
    }

    /// A global ID of the given type.
    pub fn id(&mut self, field: &[&str], value: &str, node: NodeType) -> i64 {
        match decode_typed_id(value, node, &field.join(".")) {
            Ok(id) => id,
            Err(_) => {
                let name = node.name();
                let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
                let message = format!("`{}` is not the ID of {article} {name}", field.join("."));
                self.push(field, UserErrorCode::Invalid, message);
                0
            }
        }
    }

    /// A non-negative euro amount as cents.
    pub fn amount(&mut self, field: &str, value: &str) -> i64 {
        if value.trim().starts_with('-') {
            self.push(&["input", field], UserErrorCode::OutOfRange, format!("`{field}` must not be negative"));
            return 0;
        }
        parse_euros(value).unwrap_or_else(|e| {
            self.push(&["input", field], UserErrorCode::Invalid, e);
            0
        })
    }

    /// A period from `YYYY[-MM[-DD]]` texts; the end must not be before the start.
    pub fn period(&mut self, field: &str, start: Option<&str>, end: Option<&str>) -> ParsedPeriod {
        let mut part = |sub: &str, text: Option<&str>, bound| {
            text.and_then(|t| match parse_partial_date(t, bound) {
                Ok(v) if !crate::period::in_range(v.0) => {
                    self.push(&["input", field, sub], UserErrorCode::OutOfRange, "years run from 1900 to 2100");
                    None
                }
                Ok(v) => Some(v),
                Err(e) => {
                    self.push(&["input", field, sub], UserErrorCode::Invalid, e);
                    None
                }
            })
        };
        let s = part("start", start, Bound::Start);
        let e = part("end", end, Bound::End);
        if let (Some((sd, _)), Some((ed, _))) = (s, e) {
            if ed < sd {
                self.push(&["input", field], UserErrorCode::EndBeforeStart, format!("`{field}` ends before it starts"));
            }
        }
        (s, e)
    }

    /// Ends validation: `Err(Invalid)` with every problem, or `Ok`.
    ///
    /// # Errors
    /// [`AppError::Invalid`] when any problem was recorded.
    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}
