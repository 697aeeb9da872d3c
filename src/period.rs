//! Periods with a precision: `"2014"` is the year 2014, `"2014-09"` September 2014, `"2014-09-01"` a day.
//! A start is stored as the first day it covers, an end as the last day, so overlap tests are exact.

use chrono::{Datelike, NaiveDate};

pub use crate::vocab::DatePrecision;

/// The years a date may have, in every input and in the data: a date outside is a typo.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// True when the date's year is in [`YEARS`].
pub fn in_range(date: NaiveDate) -> bool {
    YEARS.contains(&date.year())
}

/// Which end of the covered span a date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first day covered.
    Start,
    /// The last day covered.
    End,
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into the first (start) or last (end) day it covers.
///
/// # Errors
/// A message naming the text when it has none of these forms or is no real date.
pub fn parse_partial_date(text: &str, bound: Bound) -> Result<(NaiveDate, DatePrecision), String> {
    let bad = || format!("{text:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str, len: usize| -> Result<u32, String> {
        if s.len() == len && s.chars().all(|c| c.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let year = i32::try_from(num(parts[0], 4)?).map_err(|_| bad())?;
    match parts.len() {
        1 => {
            let (m, d) = if bound == Bound::Start { (1, 1) } else { (12, 31) };
            Ok((NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)?, DatePrecision::Year))
        }
        2 => {
            let month = num(parts[1], 2)?;
            let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
            let date = if bound == Bound::Start { first } else { last_day_of_month(first).ok_or_else(bad)? };
            Ok((date, DatePrecision::Month))
        }
        3 => {
            let date = NaiveDate::from_ymd_opt(year, num(parts[1], 2)?, num(parts[2], 2)?).ok_or_else(bad)?;
            Ok((date, DatePrecision::Day))
        }
        _ => Err(bad()),
    }
}

fn last_day_of_month(first: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if first.month() == 12 { (first.year() + 1, 1) } else { (first.year(), first.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
}

/// Formats a stored date back at its precision: `(2014-12-31, YEAR)` → `"2014"`.
pub fn format_partial_date(date: NaiveDate, precision: DatePrecision) -> String {
    match precision {
        DatePrecision::Year => format!("{:04}", date.year()),
        DatePrecision::Month => format!("{:04}-{:02}", date.year(), date.month()),
        DatePrecision::Day => date.format("%Y-%m-%d").to_string(),
    }
}

/// The SQL for a funding's year over table alias `f`: its award date's year, else its period
/// start's, else 0 (unknown). PostgreSQL stores dates as dates, SQLite as `YYYY-MM-DD` text.
pub fn funding_year_sql(pg: bool, f: &str) -> String {
    if pg {
        format!(
            "COALESCE(CAST(EXTRACT(YEAR FROM {f}.award_date) AS INTEGER), CAST(EXTRACT(YEAR FROM {f}.start_date) AS INTEGER), 0)"
        )
    } else {
        format!(
            "COALESCE(CAST(substr({f}.award_date, 1, 4) AS INTEGER), CAST(substr({f}.start_date, 1, 4) AS INTEGER), 0)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_cover_their_span() {
        let (d, p) = parse_partial_date("2014", Bound::End).unwrap();
        assert_eq!((d.to_string(), p), ("2014-12-31".into(), DatePrecision::Year));
        let (d, _) = parse_partial_date("2016-02", Bound::End).unwrap();
        assert_eq!(d.to_string(), "2016-02-29");
        let (d, p) = parse_partial_date("2015-08", Bound::Start).unwrap();
        assert_eq!((format_partial_date(d, p)), "2015-08");
        assert!(parse_partial_date("2015-13", Bound::Start).is_err());
        assert!(parse_partial_date("15", Bound::Start).is_err());
        assert!(parse_partial_date("2015-02-30", Bound::Start).is_err());
    }
}
