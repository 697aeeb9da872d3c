//! Finding a record's facts in the documents' text: names in any spelling the documents use,
//! amounts and numbers in their Dutch notations, dates at their precision. Shared by the provenance
//! tests (every record cites lines that state it) and the `coverage` command (which passages a
//! record holds a fact from).

use std::collections::HashMap;
use std::path::Path;

use super::format::{DataSet, SourceRef};

/// The Dutch month names, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// Lower-cased, `€` dropped, words hyphenated across lines joined, whitespace folded.
pub fn normalise(text: &str) -> String {
    let folded = text.to_lowercase().replace(['€', '\u{a0}'], " ");
    let mut out = String::with_capacity(folded.len());
    let mut words = folded.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if let Some(stem) = word.strip_suffix('-').filter(|s| s.chars().last().is_some_and(char::is_alphabetic)) {
            // "opge-" + "maakt" → "opgemaakt".
            if let Some(next) = words.peek().filter(|n| n.chars().next().is_some_and(char::is_lowercase)) {
                out.push_str(stem);
                out.push_str(next);
                out.push(' ');
                words.next();
                continue;
            }
        }
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// The documents' lines, per file name, read from one folder.
pub struct Documents(HashMap<String, Vec<String>>);

impl Documents {
    /// Reads every document the data set lists from `dir`.
    ///
    /// # Errors
    /// The file and the reason when one cannot be read.
    pub fn load(dir: &Path, set: &DataSet) -> Result<Self, String> {
        let mut files = HashMap::new();
        for d in &set.documents {
            let path = dir.join(&d.file);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(d.file.clone(), text.lines().map(String::from).collect());
        }
        Ok(Self(files))
    }

    /// A document's lines (line 1 first).
    pub fn lines(&self, file: &str) -> Option<&[String]> {
        self.0.get(file).map(Vec::as_slice)
    }

    /// Lines `start..=end` (1-based) of a document, joined and normalised; `Err` when the range does
    /// not exist.
    ///
    /// # Errors
    /// When the document is unknown or shorter than the range.
    pub fn text(&self, file: &str, start: usize, end: usize) -> Result<String, String> {
        let lines = self.lines(file).ok_or_else(|| format!("{file}: unknown document"))?;
        if start == 0 || end < start || end > lines.len() {
            return Err(format!("{file}#L{start}-L{end}: the document has only {} lines", lines.len()));
        }
        Ok(normalise(&lines[start - 1..end].join(" ")))
    }

    /// The cited lines of a source locator, joined and normalised.
    ///
    /// # Errors
    /// When the locator does not parse or the range does not exist.
    pub fn cited(&self, source: &str) -> Result<String, String> {
        let r = SourceRef::parse(source)?;
        self.text(&r.document, r.line_start as usize, r.line_end as usize).map_err(|e| format!("{source}: {e}"))
    }
}

/// True when the normalised `haystack` contains `name` (also without its hyphens).
pub fn contains_name(haystack: &str, name: &str) -> bool {
    let n = normalise(name);
    let n = n.trim();
    !n.is_empty() && (haystack.contains(n) || haystack.contains(&n.replace('-', "")))
}

const UNITS: [&str; 10] = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"];
const TEENS: [&str; 10] =
    ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"];
const TENS: [&str; 10] =
    ["", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"];

/// A number below 1000 in Dutch words: 25 → "vijfentwintig", 500 → "vijfhonderd".
pub fn dutch_words(n: u64) -> Option<String> {
    let at = |list: &[&str; 10], i: u64| list.get(usize::try_from(i).ok()?).map(|s| (*s).to_owned());
    if (100..1000).contains(&n) {
        let head = if n / 100 == 1 { String::new() } else { at(&UNITS, n / 100)? };
        let tail = if n % 100 == 0 { String::new() } else { dutch_words(n % 100)? };
        return Some(format!("{head}honderd{tail}"));
    }
    match n {
        1..=9 => at(&UNITS, n),
        10..=19 => at(&TEENS, n - 10),
        20..=99 if n % 10 == 0 => at(&TENS, n / 10),
        21..=99 => {
            let unit = at(&UNITS, n % 10)?;
            let join = if unit.ends_with('e') { "ën" } else { "en" };
            Some(format!("{unit}{join}{}", at(&TENS, n / 10)?))
        }
        _ => None,
    }
}

/// The ways a Dutch text may write an amount of euros: "25.000.000", "25 miljoen", "25 mln",
/// "32,1 miljoen", "1,52 miljoen", "530.000", "18.6 miljoen" (a dot as decimal point), "vijfentwintig
/// miljoen", "2 miljard".
pub fn amount_forms(cents: i64) -> Vec<String> {
    let euros = cents / 100;
    let mut forms = Vec::new();
    if cents % 100 != 0 {
        forms.push(format!("{},{:02}", euros, cents % 100));
    }
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    forms.push(grouped);
    for (unit, names) in [
        (1_000_000_000i64, &["miljard", "mld"][..]),
        (1_000_000, &["miljoen", "mln", "mio"][..]),
        (1_000, &["duizend"][..]),
    ] {
        if euros * 100 >= unit && (euros * 1000) % unit == 0 {
            let whole = euros / unit;
            let frac = euros % unit * 1000 / unit;
            let mut numbers = Vec::new();
            if frac == 0 {
                numbers.push(whole.to_string());
                numbers.extend(u64::try_from(whole).ok().and_then(dutch_words));
            } else {
                let f = format!("{frac:03}");
                let f = f.trim_end_matches('0');
                numbers.push(format!("{whole},{f}"));
                numbers.push(format!("{whole}.{f}"));
            }
            for n in &numbers {
                for name in names {
                    forms.push(format!("{n} {name}"));
                    forms.push(format!("{n}{name}"));
                }
            }
        }
    }
    forms
}

/// The ways a count or percentage may be written: "2.000", "2000", "55,5", "55.5", "negen",
/// "een vijftiental", "108 duizend", "1,2 miljoen".
pub fn number_forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_owned(), value.replace('.', ",")];
    if let Ok(n) = value.parse::<u64>() {
        if let Some(cents) = n.checked_mul(100).and_then(|c| i64::try_from(c).ok()) {
            forms.extend(amount_forms(cents));
        }
        if let Some(w) = dutch_words(n) {
            forms.push(format!("{w}tal"));
            forms.push(w);
        }
    }
    forms
}

/// One occurrence of a figure in a normalised text.
pub struct Occurrence {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// The form itself is approximate ("een vijftiental").
    pub about: bool,
}

/// True when `form` at byte `i` of `haystack` stands on its own: a word not inside a longer word, a
/// number not inside a longer number ("25" is not in "125" nor in "25,5").
pub fn form_at(haystack: &str, i: usize, form: &str) -> bool {
    let before = haystack[..i].chars().next_back();
    let rest = &haystack[i + form.len()..];
    if form.chars().all(char::is_alphabetic) {
        return !before.is_some_and(char::is_alphabetic) && !rest.chars().next().is_some_and(char::is_alphabetic);
    }
    let digit_before = before.is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.');
    let next = rest.chars().next();
    let digit_after = next.is_some_and(|c| c.is_ascii_digit())
        || (matches!(next, Some(',' | '.')) && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
    !digit_before && !digit_after
}

/// True when `form` stands on its own somewhere in `haystack` (see [`form_at`]).
pub fn contains_form(haystack: &str, form: &str) -> bool {
    haystack.match_indices(form).any(|(i, _)| form_at(haystack, i, form))
}

/// Where an amount occurs in the text, in any of its forms.
pub fn amount_positions(haystack: &str, cents: i64) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for form in amount_forms(cents) {
        for (i, _) in haystack.match_indices(form.as_str()) {
            // Only digits bound an amount: "vijfentwintig miljoen" may follow a letter-free gap.
            let before = haystack[..i].chars().next_back();
            let rest = &haystack[i + form.len()..];
            let digit_before = before.is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.');
            let digit_after = rest.starts_with(|c: char| c.is_ascii_digit())
                || (rest.starts_with([',', '.']) && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
            if !digit_before && !digit_after {
                found.push(Occurrence { start: i, end: i + form.len(), about: false });
            }
        }
    }
    found
}

/// True when the amount occurs in the text in any of its forms.
pub fn contains_amount(haystack: &str, cents: i64) -> bool {
    !amount_positions(haystack, cents).is_empty()
}

/// Where a count or percentage occurs in the text, in any of its forms.
pub fn number_positions(haystack: &str, value: &str) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for form in number_forms(value) {
        for (i, _) in haystack.match_indices(form.as_str()) {
            if form_at(haystack, i, &form) {
                found.push(Occurrence { start: i, end: i + form.len(), about: form.ends_with("tal") });
            }
        }
    }
    found
}

/// The ways a Dutch text writes a date at its precision: "2014", "februari 2014", "12 juni 2013",
/// "12-06-2013".
pub fn date_forms(date: &str) -> Vec<String> {
    let parts: Vec<&str> = date.split('-').collect();
    let month = |m: &str| m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied();
    match parts.as_slice() {
        [y] => vec![(*y).to_owned()],
        [y, m] => month(m).map(|m| vec![format!("{m} {y}")]).unwrap_or_default(),
        [y, m, d] => {
            let day = d.trim_start_matches('0');
            let mut v = vec![format!("{d}-{m}-{y}")];
            v.extend(month(m).map(|m| format!("{day} {m} {y}")));
            v
        }
        _ => Vec::new(),
    }
}

/// True when the normalised `text` gives `date` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) at its
/// precision: the year, plus the month's name ("april 2014" or "12 mei t/m 8 juni 2014"), plus the
/// day right before the month name ("23 april"), or `23-04-2014`.
pub fn gives_date(text: &str, date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let Some(year) = parts.first().filter(|y| text.contains(**y)) else { return false };
    let month = parts.get(1).and_then(|m| m.parse::<usize>().ok()).and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (parts.as_slice(), month) {
        ([_], _) => true,
        ([_, _], Some(m)) => text.contains(m),
        ([_, mm, dd], Some(m)) => {
            let day = dd.trim_start_matches('0');
            text.contains(&format!("{dd}-{mm}-{year}"))
                || text
                    .match_indices(&format!("{day} {m}"))
                    .any(|(i, _)| !text[..i].chars().next_back().is_some_and(|c| c.is_ascii_digit()))
        }
        _ => false,
    }
}

/// The words the 2014 annex's legend uses for each status (geel = afgerond, blauw = op schema, rood
/// = vertraagd).
pub fn status_words(value: &str) -> &'static [&'static str] {
    match value {
        "COMPLETED" => &["afgerond", "voltooid"],
        "ON_SCHEDULE" => &["op schema", "op koers"],
        "DELAYED" => &["vertraagd", "vertraging"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_amounts_are_recognised_in_their_usual_notations() {
        let hay = |s: &str| normalise(s);
        assert!(contains_amount(&hay("totaal van € 32,1 miljoen voor"), 3_210_000_000));
        assert!(contains_amount(&hay("4 jaar lang 25 mln. per jaar"), 2_500_000_000));
        assert!(contains_amount(&hay("kost €1,52 miljoen"), 152_000_000));
        assert!(contains_amount(&hay("gemiddeld €530.000 per centre"), 53_000_000));
        assert!(contains_amount(&hay("een totaal van 18.6 miljoen euro"), 1_860_000_000));
        assert!(contains_amount(&hay("vijfentwintig miljoen"), 2_500_000_000));
        assert!(!contains_amount(&hay("125 miljoen"), 2_500_000_000), "25 is not 125");
        assert!(!contains_amount(&hay("25,5 miljoen"), 2_500_000_000), "25 is not 25,5");
        assert_eq!(normalise("Tech-\nniekpact"), "techniekpact ");
    }

    #[test]
    fn dates_are_found_at_their_precision_only() {
        let t = normalise("Op 12 mei t/m 8 juni 2014 en 23-04-2015");
        assert!(gives_date(&t, "2014-05-12"));
        assert!(gives_date(&t, "2015-04-23"));
        assert!(!gives_date(&t, "2014-05-02"), "2 is not 12");
        assert!(!gives_date(&t, "2014-07"));
        assert_eq!(dutch_words(25).as_deref(), Some("vijfentwintig"));
        assert_eq!(dutch_words(500).as_deref(), Some("vijfhonderd"));
    }
}
