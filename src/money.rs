//! Exact money: integer euro cents in storage, decimal strings at the edges. Never a float.

/// The largest amount one record may hold: €100 billion, in cents. Sums of many such amounts still
/// fit the 64-bit totals with room to spare, and no figure of the pact comes near it.
pub const MAX_CENTS: i64 = 10_000_000_000_000;

/// Parses a decimal euro amount such as `"25000000"`, `"1520000.5"` or `"2.50"` into cents.
///
/// # Errors
/// A message when the text is not a non-negative decimal with at most two decimals, or is over
/// [`MAX_CENTS`].
pub fn parse_euros(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > 2 {
        return Err(format!("{text:?} is not an amount in euros (digits, optional '.' and up to 2 decimals)"));
    }
    let whole: i64 = whole.parse().map_err(|_| format!("{text:?} is too large"))?;
    let frac_cents: i64 = match frac.len() {
        0 => 0,
        1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
        _ => frac.parse().map_err(|_| format!("{text:?} is not an amount"))?,
    };
    whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac_cents))
        .filter(|c| *c <= MAX_CENTS)
        .ok_or_else(|| format!("{text:?} is more than the largest amount accepted (100000000000.00)"))
}

/// Formats cents as a decimal string with two decimals: `2500000000` → `"25000000.00"`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Splits `total` cents over `shares` (basis points summing to 10000) by the largest-remainder
/// method, so the parts always add up to `total` exactly. Ties go to the earlier share.
pub fn split_by_shares(total: i64, shares: &[i32]) -> Vec<i64> {
    let total = i128::from(total);
    let mut parts: Vec<i64> = Vec::with_capacity(shares.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(shares.len());
    for (i, share) in shares.iter().enumerate() {
        let exact = total * i128::from(*share);
        parts.push((exact / 10_000) as i64);
        remainders.push((exact % 10_000, i));
    }
    let assigned: i128 = parts.iter().map(|p| i128::from(*p)).sum();
    let mut left = (total - assigned) as i64;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_exactly() {
        assert_eq!(parse_euros("25000000"), Ok(2_500_000_000));
        assert_eq!(parse_euros("2.5"), Ok(250));
        assert_eq!(parse_euros("0.07"), Ok(7));
        assert!(parse_euros("1,5").is_err());
        assert!(parse_euros("-3").is_err());
        assert!(parse_euros("1.234").is_err());
        assert!(parse_euros("99999999999999999999").is_err());
        assert!(parse_euros("92233720368547758.07").is_err());
        assert_eq!(parse_euros("100000000000"), Ok(MAX_CENTS));
        assert_eq!(format_cents(2_500_000_000), "25000000.00");
        assert_eq!(format_cents(7), "0.07");
    }

    #[test]
    fn largest_remainder_adds_up() {
        assert_eq!(split_by_shares(100, &[3333, 3333, 3334]), vec![33, 33, 34]);
        assert_eq!(split_by_shares(1, &[5000, 5000]), vec![1, 0]);
        let parts = split_by_shares(1_000_001, &[2500, 2500, 5000]);
        assert_eq!(parts.iter().sum::<i64>(), 1_000_001);
    }
}
