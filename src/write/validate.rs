//! Collects every problem in a mutation's input, each with its field path and code, so a client
//! sees all of them at once.

use chrono::NaiveDate;

use crate::error::{AppError, FieldError, UserErrorCode};
use crate::ids::{decode_typed_id, NodeType};
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound, DatePrecision};

/// A parsed period: start and end as (date, precision).
pub type ParsedPeriod = (Option<(NaiveDate, DatePrecision)>, Option<(NaiveDate, DatePrecision)>);

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

    /// Trimmed non-empty text of at most `max` characters, without control characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let t = value.trim();
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.push(
                &["input", field],
                UserErrorCode::Invalid,
                format!("`{field}` must not contain control characters"),
            );
        } else if t.is_empty() {
            self.push(&["input", field], UserErrorCode::Blank, format!("`{field}` must not be empty"));
        } else if t.chars().count() > max {
            self.push(&["input", field], UserErrorCode::Invalid, format!("`{field}` is longer than {max} characters"));
        }
        t.to_owned()
    }

    /// Optional text: empty becomes `None`.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let t = value.map(str::trim).filter(|t| !t.is_empty())?;
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.push(
                &["input", field],
                UserErrorCode::Invalid,
                format!("`{field}` must not contain control characters"),
            );
        } else if t.chars().count() > max {
            self.push(&["input", field], UserErrorCode::Invalid, format!("`{field}` is longer than {max} characters"));
        }
        Some(t.to_owned())
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
                self.push(
                    field,
                    UserErrorCode::Invalid,
                    format!("`{}` is not the ID of a {}", field.join("."), node.name()),
                );
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
