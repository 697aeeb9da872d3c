//! Provenance: every record of the shipped data set cites lines of the source documents
//! (`../shared/seeds/`) that really contain its name (or an alias), and every money figure cites
//! lines that contain both the amount (in any Dutch notation) and what it is tied to.
//!
//! Runs wherever the documents exist; elsewhere it says it skipped, and with `CI=true` a skip fails.

use std::collections::HashMap;
use std::path::PathBuf;

use techniekpact_api::data::facts::{
    amount_positions, contains_amount, contains_form, date_forms, number_forms, number_positions, status_words,
    Occurrence,
};
pub(crate) use techniekpact_api::data::facts::{contains_name, Documents};
use techniekpact_api::data::{self};
use techniekpact_api::money::parse_euros;

/// The data set the provenance tests check: the bundled one, or the file `DATA_FILE` names (a data
/// file being edited, checked with an already built test binary).
pub(crate) fn data_under_test() -> data::format::DataSet {
    match std::env::var("DATA_FILE") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("DATA_FILE {path}: {e}"));
            data::parse(&text).unwrap_or_else(|e| panic!("DATA_FILE {path}: {e}"))
        }
        Err(_) => data::parse(data::BUNDLED_DATA).expect("the bundled data parses"),
    }
}

fn seeds_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    dir.is_dir().then_some(dir)
}

/// The wording that qualifies a figure when it stands right before it, per qualifier.
const QUALIFYING_WORDS: [(&str, &[&str]); 3] = [
    ("APPROXIMATE", &["circa", "ca.", "ongeveer", "zo'n", "zo’n", "rond de", "ongeveer zo'n"]),
    ("AT_LEAST", &["ruim", "meer dan", "minimaal", "ten minste", "tenminste", "bijna ruim"]),
    // Not "tot" alone: "toegenomen tot 2.562" is an exact figure.
    ("AT_MOST", &["bijna", "maximaal", "hooguit", "tot maximaal", "nagenoeg"]),
];

/// The qualifiers the words right before (or after) an occurrence allow (`EXACT` when there are none).
fn qualifiers_at(haystack: &str, at: &Occurrence) -> &'static [&'static str] {
    if at.about {
        return &["APPROXIMATE"];
    }
    // An ordinal: "de 750e scholingsvoucher" is exactly 750 on the day it was handed out, at least
    // 750 afterwards ("inmiddels is de 10.000e leerling verwelkomd").
    let after = &haystack[at.end..];
    if after.starts_with("e ") || after.starts_with("ste ") {
        return &["EXACT", "AT_LEAST"];
    }
    let before = haystack[..at.start].trim_end();
    for (qualifier, words) in QUALIFYING_WORDS {
        let hit = words.iter().any(|w| {
            before.strip_suffix(w).is_some_and(|rest| !rest.chars().next_back().is_some_and(char::is_alphabetic))
        });
        if hit {
            return match qualifier {
                "APPROXIMATE" => &["APPROXIMATE"],
                "AT_LEAST" => &["AT_LEAST"],
                _ => &["AT_MOST"],
            };
        }
    }
    &["EXACT"]
}

/// The text around an occurrence: 120 bytes before, 40 after (on character boundaries).
fn around<'a>(haystack: &'a str, at: &Occurrence) -> &'a str {
    let mut a = at.start.saturating_sub(120);
    while !haystack.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at.end + 40).min(haystack.len());
    while !haystack.is_char_boundary(b) {
        b += 1;
    }
    &haystack[a..b]
}

/// Whether the words around an occurrence say what the figure counts.
fn basis_at(window: &str, basis: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|w| window.contains(w));
    match basis {
        "PER_YEAR" => has(&["per jaar", "jaarlijks", "structureel", "elk jaar", "ieder jaar"]),
        "PER_ITEM" => {
            has(&["iedere ", "ieder ", "elke ", "elk "])
                || window.match_indices("per ").any(|(i, _)| !window[i + 4..].starts_with("jaar"))
        }
        "TOTAL" => has(&["totaal", "totale", "voor de jaren", "voor de periode", "voor een periode"]),
        _ => false,
    }
}

/// A period that is one calendar year ("2018" to "2018"): an amount for it is that year's total.
fn one_year(period: Option<&techniekpact_api::data::format::Period>) -> bool {
    period.is_some_and(|p| match (&p.start, &p.end) {
        (Some(a), Some(b)) => a.get(..4).is_some() && a.get(..4) == b.get(..4) && a.len() == 4 && b.len() == 4,
        _ => false,
    })
}

#[derive(Default)]
struct Report {
    problems: Vec<String>,
    checked: usize,
    qualifiers: usize,
    bases: usize,
    statuses: usize,
    award_dates: usize,
}

impl Report {
    /// Some cited range contains one of `names`; every alias appears in some cited range.
    fn names(&mut self, docs: &Documents, what: &str, sources: &[String], names: &[&str], aliases: &[String]) {
        self.checked += 1;
        let mut texts = Vec::new();
        for s in sources {
            match docs.cited(s) {
                Ok(t) => texts.push(t),
                Err(e) => self.problems.push(format!("{what}: {e}")),
            }
        }
        if !texts.iter().any(|t| names.iter().any(|n| contains_name(t, n))) {
            self.problems.push(format!("{what}: no cited range {sources:?} contains {names:?}"));
        }
        for alias in aliases {
            if !texts.iter().any(|t| contains_name(t, alias)) {
                self.problems.push(format!("{what}: alias {alias:?} is not in any cited range"));
            }
        }
    }

    /// Some cited range contains both the amount and one of `names`.
    fn money(&mut self, docs: &Documents, what: &str, sources: &[String], amount: &str, names: &[String]) {
        self.checked += 1;
        let Ok(cents) = parse_euros(amount) else {
            self.problems.push(format!("{what}: amount {amount:?} does not parse"));
            return;
        };
        let ok = sources
            .iter()
            .filter_map(|s| docs.cited(s).ok())
            .any(|t| contains_amount(&t, cents) && names.iter().any(|n| contains_name(&t, n)));
        if !ok {
            self.problems
                .push(format!("{what}: no cited range {sources:?} contains both {amount} and one of {names:?}"));
        }
    }
}

impl Report {
    /// The figure's qualifier and basis are what the words around it in some cited range say; a
    /// field the file leaves out (null) is always allowed.
    #[expect(clippy::too_many_arguments, reason = "one column per argument")]
    fn precision(
        &mut self,
        docs: &Documents,
        what: &str,
        sources: &[String],
        positions: &dyn Fn(&str) -> Vec<Occurrence>,
        qualifier: Option<&str>,
        basis: Option<&str>,
        one_year: bool,
    ) {
        let texts: Vec<String> = sources.iter().filter_map(|s| docs.cited(s).ok()).collect();
        if let Some(q) = qualifier {
            self.qualifiers += 1;
            let ok = texts.iter().any(|t| positions(t).iter().any(|at| qualifiers_at(t, at).contains(&q)));
            if !ok {
                self.problems
                    .push(format!("{what}: qualifier {q} is not what the words before the figure in {sources:?} say"));
            }
        }
        if let Some(b) = basis {
            self.bases += 1;
            let ok = (b == "TOTAL" && one_year)
                || texts.iter().any(|t| positions(t).iter().any(|at| basis_at(around(t, at), b)));
            if !ok {
                self.problems
                    .push(format!("{what}: basis {b} is not what the words around the figure in {sources:?} say"));
            }
        }
    }
}

pub(crate) fn all_names(
    name: &str,
    short: Option<&String>,
    display: Option<&String>,
    aliases: &[String],
) -> Vec<String> {
    std::iter::once(name.to_owned())
        .chain(short.cloned())
        .chain(display.cloned())
        .chain(aliases.iter().cloned())
        .collect()
}

/// The documents' folder; `None` (the test skips, saying so) where it is missing, which `CI=true`
/// refuses.
pub(crate) fn seeds_or_skip() -> Option<PathBuf> {
    let dir = seeds_dir();
    if dir.is_none() {
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true but ../shared/seeds/ is missing: the provenance test cannot be skipped in CI"
        );
        eprintln!("skipped: ../shared/seeds/ not found beside the repository");
    }
    dir
}

#[test]
fn every_record_cites_lines_that_name_it_and_every_amount_cites_its_figure() {
    let Some(dir) = seeds_or_skip() else { return };
    let set = data_under_test();
    let docs = Documents::load(&dir, &set).expect("the documents load");
    let mut r = Report::default();
    let mut names_of: HashMap<String, Vec<String>> = HashMap::new();
    for reg in &set.regions {
        let what = format!("region {}:{}", reg.scheme, reg.code);
        r.names(&docs, &what, &reg.sources, &[&reg.name], &reg.aliases);
    }
    for o in &set.organisations {
        let names = all_names(&o.name, o.short_name.as_ref(), None, &o.aliases);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        r.names(&docs, &format!("organisation {}", o.slug), &o.sources, &refs, &o.aliases);
        names_of.insert(format!("org:{}", o.slug), names);
    }
    for p in &set.programmes {
        let names = all_names(&p.name, None, None, &p.aliases);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        r.names(&docs, &format!("programme {}", p.slug), &p.sources, &refs, &p.aliases);
        if let Some(status) = &p.status {
            r.statuses += 1;
            let words = status_words(&status.value);
            let stated = status
                .source
                .iter()
                .filter_map(|s| docs.cited(s).ok())
                .any(|t| words.iter().any(|w| contains_name(&t, w)));
            let explained = status.inferred && status.note.as_deref().is_some_and(|n| !n.trim().is_empty());
            if !stated && !explained {
                r.problems.push(format!(
                    "programme {}: status {} is not stated in {:?} (no {words:?}) and not marked inferred with a note",
                    p.slug, status.value, status.source
                ));
            }
        }
        for part in &p.participants {
            let org_names = names_of.get(&format!("org:{}", part.organisation)).cloned().unwrap_or_default();
            let refs: Vec<&str> = org_names.iter().map(String::as_str).collect();
            r.names(
                &docs,
                &format!("programme {} participant {}", p.slug, part.organisation),
                &part.sources,
                &refs,
                &[],
            );
        }
        names_of.insert(format!("programme:{}", p.slug), names);
    }
    for s in &set.funding_schemes {
        let names = all_names(&s.name, None, s.display_name.as_ref(), &s.aliases);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        r.names(&docs, &format!("scheme {}", s.code), &s.sources, &refs, &s.aliases);
        for (i, line) in s.budget_lines.iter().enumerate() {
            let what = format!("scheme {} budgetLines[{i}]", s.code);
            r.money(&docs, &what, &line.sources, &line.amount, &names);
            let cents = parse_euros(&line.amount).unwrap_or_default();
            r.precision(
                &docs,
                &what,
                &line.sources,
                &|t| amount_positions(t, cents),
                line.qualifier.as_deref(),
                line.basis.as_deref(),
                one_year(line.period.as_ref()),
            );
        }
        names_of.insert(format!("scheme:{}", s.code), names);
    }
    for f in &set.fundings {
        let mut tied: Vec<String> = Vec::new();
        for key in [
            f.scheme.as_ref().map(|c| format!("scheme:{c}")),
            f.programme.as_ref().map(|p| format!("programme:{p}")),
            f.recipient.as_ref().map(|o| format!("org:{o}")),
            f.funder.as_ref().map(|o| format!("org:{o}")),
        ]
        .into_iter()
        .flatten()
        {
            tied.extend(names_of.get(&key).cloned().unwrap_or_default());
        }
        let what = format!("funding {}", f.key);
        r.money(&docs, &what, &f.sources, &f.amount_awarded, &tied);
        let cents = parse_euros(&f.amount_awarded).unwrap_or_default();
        r.precision(
            &docs,
            &what,
            &f.sources,
            &|t| amount_positions(t, cents),
            f.qualifier.as_deref(),
            f.basis.as_deref(),
            one_year(f.period.as_ref()),
        );
        if let Some(date) = &f.award_date {
            r.award_dates += 1;
            let forms = date_forms(date);
            let ok = f.sources.iter().filter_map(|s| docs.cited(s).ok()).any(|t| forms.iter().any(|d| t.contains(d)));
            if !ok {
                r.problems
                    .push(format!("{what}: no cited range {:?} gives the award date {date} ({forms:?})", f.sources));
            }
        }
    }
    for g in &set.goals {
        r.names(&docs, &format!("goal {}", g.code), &g.sources, &[&g.name], &[]);
    }
    for o in &set.observations {
        let what = format!("observation {}", o.natural_key());
        let names: Vec<String> = match o.subject.split_once(':') {
            None => Vec::new(),
            Some(("programme", s)) => names_of.get(&format!("programme:{s}")).cloned().unwrap_or_default(),
            Some(("organisation", s)) => names_of.get(&format!("org:{s}")).cloned().unwrap_or_default(),
            Some(("scheme", c)) => names_of.get(&format!("scheme:{c}")).cloned().unwrap_or_default(),
            Some(("region", key)) => set
                .regions
                .iter()
                .filter(|x| format!("{}:{}", x.scheme, x.code) == key)
                .flat_map(|x| std::iter::once(x.name.clone()).chain(x.aliases.clone()))
                .collect(),
            Some(_) => Vec::new(),
        };
        r.checked += 1;
        let ok = o.sources.iter().filter_map(|s| docs.cited(s).ok()).any(|t| {
            let value_ok = if o.unit == "EUR" {
                parse_euros(&o.value).is_ok_and(|c| contains_amount(&t, c))
            } else {
                number_forms(&o.value).iter().any(|f| contains_form(&t, f))
            };
            value_ok && (names.is_empty() || names.iter().any(|n| contains_name(&t, n)))
        });
        if !ok {
            r.problems
                .push(format!("{what}: no cited range {:?} contains both {} and one of {names:?}", o.sources, o.value));
        }
        let euro_cents = if o.unit == "EUR" { parse_euros(&o.value).ok() } else { None };
        let positions = |t: &str| match euro_cents {
            Some(c) => amount_positions(t, c),
            None => number_positions(t, &o.value),
        };
        r.precision(&docs, &what, &o.sources, &positions, o.qualifier.as_deref(), None, false);
    }
    assert!(r.checked > 300, "the data set has at least 300 records to check (got {})", r.checked);
    assert!(
        r.qualifiers > 200 && r.bases > 20 && r.statuses >= 4 && r.award_dates >= 3,
        "the qualifier, basis, status and award-date checks ran ({} / {} / {} / {})",
        r.qualifiers,
        r.bases,
        r.statuses,
        r.award_dates
    );
    assert!(r.problems.is_empty(), "{} provenance problem(s):\n  {}", r.problems.len(), r.problems.join("\n  "));
}
