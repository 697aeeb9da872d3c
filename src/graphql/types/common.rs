//! Small value types shared by the domain types: money, partial dates, periods, sources.

use async_graphql::{Object, Scalar, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;

use crate::db::models::SourceRow;
use crate::money::format_cents;
use crate::period::{format_partial_date, parse_partial_date, Bound, DatePrecision};
use crate::vocab::CurrencyCode;

/// An exact decimal number as a string, e.g. `"25000000.00"`. Never a float: GraphQL's `Int` is
/// 32-bit and `Float` is inexact, so money travels as text.
#[derive(Debug, Clone)]
pub struct Decimal(pub String);

/// An exact decimal number as a string, e.g. `"25000000.00"`. Never a float: GraphQL's `Int` is
/// 32-bit and `Float` is inexact, so money travels as text. Input must match
/// `-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?` exactly: no spaces, no leading zeros, no `+`, no exponent,
/// at most two decimals; a JSON number is refused.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match value {
            Value::String(s) if is_decimal(&s) => Ok(Self(s)),
            Value::String(s) => Err(async_graphql::InputValueError::custom(format!(
                "{s:?} is not a decimal of the form -?(0|[1-9][0-9]*)(.[0-9]{{1,2}})?"
            ))),
            other => Err(async_graphql::InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if is_decimal(s))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// True when `s` matches `-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?`.
pub fn is_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (whole, frac) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole) && (whole == "0" || !whole.starts_with('0'));
    let frac_ok = frac.is_none_or(|f| digits(f) && f.len() <= 2);
    whole_ok && frac_ok
}

/// An exact amount of money with its currency.
#[derive(SimpleObject, Clone)]
pub struct Money {
    /// The amount in the currency's units with two decimals, e.g. `"25000000.00"` for €25 million.
    pub amount: Decimal,
    /// The currency; always `EUR` in this API.
    pub currency_code: CurrencyCode,
    /// The amount in integer euro cents, as a decimal string (exact; handy for arithmetic).
    pub cents: Decimal,
}

impl Money {
    /// Euro cents as money.
    pub fn eur(cents: i64) -> Self {
        Self {
            amount: Decimal(format_cents(cents)),
            currency_code: CurrencyCode::Eur,
            cents: Decimal(cents.to_string()),
        }
    }
}

/// A date known to a precision: `"2014"` (the year 2014), `"2014-09"` or `"2014-09-01"`.
pub struct PartialDate {
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

/// A date known to a precision: `"2014"` (the year 2014), `"2014-09"` or `"2014-09-01"`.
#[Object]
impl PartialDate {
    /// The date as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, per `precision`.
    async fn value(&self) -> String {
        format_partial_date(self.date, self.precision)
    }

    /// How exact the date is.
    async fn precision(&self) -> DatePrecision {
        self.precision
    }

    /// The first calendar day (ISO 8601) the date can mean.
    async fn earliest(&self) -> String {
        self.bound(Bound::Start)
    }

    /// The last calendar day (ISO 8601) the date can mean.
    async fn latest(&self) -> String {
        self.bound(Bound::End)
    }
}

impl PartialDate {
    fn bound(&self, bound: Bound) -> String {
        parse_partial_date(&format_partial_date(self.date, self.precision), bound)
            .map_or(self.date, |(d, _)| d)
            .format("%Y-%m-%d")
            .to_string()
    }

    /// A stored date and precision, if both are present.
    pub fn from_db(date: Option<NaiveDate>, precision: Option<&str>) -> Option<Self> {
        date.map(|date| Self {
            date,
            precision: precision.and_then(DatePrecision::parse).unwrap_or(DatePrecision::Day),
        })
    }
}

/// A span of time; either end may be unknown (null) or open.
#[derive(SimpleObject)]
pub struct Period {
    /// When it started (the first day covered is `start.earliest`).
    pub start: Option<PartialDate>,
    /// When it ended or ends (the last day covered is `end.latest`); null when open or unknown.
    pub end: Option<PartialDate>,
}

impl Period {
    /// The period stored as four columns; `None` when neither end is known.
    pub fn from_db(sd: Option<NaiveDate>, sp: Option<&str>, ed: Option<NaiveDate>, ep: Option<&str>) -> Option<Self> {
        let p = Self { start: PartialDate::from_db(sd, sp), end: PartialDate::from_db(ed, ep) };
        (p.start.is_some() || p.end.is_some()).then_some(p)
    }
}

/// Where a record comes from: a line range in one of the pact's source documents, or a partner's
/// submission through the API.
pub struct Source(pub SourceRow);

/// Where a record comes from: a line range in one of the pact's source documents, or a partner's
/// submission through the API.
#[Object]
impl Source {
    /// The source document's file name (in the project's `shared/seeds/` folder), or null for a
    /// partner submission.
    async fn document(&self) -> Option<&str> {
        self.0.document.as_deref()
    }

    /// Where in the document: `L12-L14` (1-based line numbers, inclusive).
    async fn locator(&self) -> Option<String> {
        match (self.0.line_start, self.0.line_end) {
            (Some(a), Some(b)) => Some(format!("L{a}-L{b}")),
            _ => None,
        }
    }

    /// The first cited line (1-based).
    async fn line_start(&self) -> Option<i32> {
        self.0.line_start
    }

    /// The last cited line (1-based, inclusive).
    async fn line_end(&self) -> Option<i32> {
        self.0.line_end
    }
}

#[cfg(test)]
mod tests {
    use super::is_decimal;

    #[test]
    fn decimals_have_exactly_one_form() {
        for ok in ["0", "12", "12.5", "12.50", "-3.07", "100000000000"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [" 12.00", "12.", "00012.50", "012", "+5", "1e3", "12.345", "", "-", ".5", "1,5", "١٢"] {
            assert!(!is_decimal(bad), "{bad:?}");
        }
    }
}
