//! Provenance of the pact's model: every relation cites lines naming both records, every event
//! lines giving its date (the year at least; the Dutch month name, and the day before it, where
//! the date is that precise), every person and role lines with the person's name, every listed item
//! lines with its label, every statement lines with its phrase (and its date), its summary in our
//! own words. Skips as `provenance.rs` does when the documents are missing.

use std::collections::HashMap;

use techniekpact_api::data::facts::{gives_date, normalise};

use crate::provenance::{all_names, contains_name, data_under_test, seeds_or_skip, Documents};

#[test]
fn every_relation_event_person_item_and_statement_cites_lines_that_state_it() {
    let Some(dir) = seeds_or_skip() else { return };
    let set = data_under_test();
    let docs = Documents::load(&dir, &set).expect("the documents load");
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    for o in &set.organisations {
        names.insert(format!("organisation:{}", o.slug), all_names(&o.name, o.short_name.as_ref(), None, &o.aliases));
    }
    for p in &set.programmes {
        names.insert(format!("programme:{}", p.slug), all_names(&p.name, None, None, &p.aliases));
    }
    for s in &set.funding_schemes {
        names.insert(format!("scheme:{}", s.code), all_names(&s.name, None, s.display_name.as_ref(), &s.aliases));
    }
    let mut problems = Vec::new();
    let texts = |what: &str, sources: &[String], problems: &mut Vec<String>| -> Vec<String> {
        sources
            .iter()
            .filter_map(|s| docs.cited(s).map_err(|e| problems.push(format!("{what}: {e}"))).ok())
            .collect::<Vec<_>>()
    };
    let names_in = |texts: &[String], list: &[String]| texts.iter().any(|t| list.iter().any(|n| contains_name(t, n)));
    for r in &set.relations {
        let what = format!("relation {}", r.natural_key());
        let cited = texts(&what, &r.sources, &mut problems);
        for side in [&r.subject, &r.object] {
            let list = names.get(side.as_str()).cloned().unwrap_or_default();
            if !names_in(&cited, &list) {
                problems.push(format!("{what}: no cited range {:?} names {side} ({list:?})", r.sources));
            }
        }
    }
    for e in &set.events {
        let what = format!("event {}", e.key);
        let cited = texts(&what, &e.sources, &mut problems);
        if !cited.iter().any(|t| gives_date(t, &e.date)) {
            problems.push(format!("{what}: no cited range {:?} gives the date {}", e.sources, e.date));
        }
    }
    for p in &set.people {
        let list: Vec<String> = std::iter::once(p.name.clone()).chain(p.aliases.clone()).collect();
        let what = format!("person {}", p.slug);
        let cited = texts(&what, &p.sources, &mut problems);
        if !names_in(&cited, &list) {
            problems.push(format!("{what}: no cited range {:?} contains {list:?}", p.sources));
        }
        for alias in &p.aliases {
            if !names_in(&cited, std::slice::from_ref(alias)) {
                problems.push(format!("{what}: alias {alias:?} is not in any cited range"));
            }
        }
        for role in &p.roles {
            let what = format!("{what} role {:?}", role.title);
            let cited = texts(&what, &role.sources, &mut problems);
            if !names_in(&cited, &list) {
                problems.push(format!("{what}: no cited range {:?} names the person", role.sources));
            }
        }
    }
    for i in &set.items {
        let what = format!("item {}", i.natural_key());
        let cited = texts(&what, &i.sources, &mut problems);
        if !names_in(&cited, std::slice::from_ref(&i.label)) {
            problems.push(format!("{what}: no cited range {:?} contains the label", i.sources));
        }
    }
    for s in &set.statements {
        let what = format!("statement {}", s.key);
        let cited = texts(&what, &s.sources, &mut problems);
        if !names_in(&cited, std::slice::from_ref(&s.phrase)) {
            problems.push(format!("{what}: no cited range {:?} contains the phrase {:?}", s.sources, s.phrase));
        }
        if let Some(date) = &s.date {
            if !cited.iter().any(|t| gives_date(t, date)) {
                problems.push(format!("{what}: no cited range {:?} gives the date {date}", s.sources));
            }
        }
        if let Some(copied) = copied_run(&s.summary, &cited) {
            problems.push(format!("{what}: the summary copies the document ({copied:?}); write it in our own words"));
        }
    }
    assert!(
        set.relations.len() >= 10 && set.events.len() >= 10 && set.people.len() >= 10 && set.items.len() >= 10,
        "the model needs at least ten of each kind from the documents"
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn a_date_is_given_only_at_its_precision() {
    let text = "de 1e tranche is open van 12 mei 2014 tot en met 8 juni 2014. op 23 april 2014 ";
    assert!(gives_date(text, "2014"));
    assert!(gives_date(text, "2014-05"));
    assert!(gives_date(text, "2014-05-12"));
    assert!(gives_date(text, "2014-06-08"));
    assert!(!gives_date(text, "2014-05-02"), "2 mei is not 12 mei");
    assert!(!gives_date(text, "2014-07"));
    assert!(!gives_date(text, "2015"));
    assert!(gives_date("datum 01-03-2019", "2019-03-01"));
}

/// A run of [`COPIED_WORDS`] words of `summary` that one of the cited texts holds word for word.
fn copied_run(summary: &str, cited: &[String]) -> Option<String> {
    let summary = words_only(&normalise(summary));
    let cited: Vec<String> = cited.iter().map(|t| format!(" {} ", words_only(t))).collect();
    let words: Vec<&str> = summary.split(' ').collect();
    words.windows(COPIED_WORDS).map(|w| w.join(" ")).find(|run| cited.iter().any(|t| t.contains(&format!(" {run} "))))
}

/// The words of a text without their punctuation ("hbo)" is "hbo"), one space apart.
fn words_only(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many words in a row a summary may not share with the document.
const COPIED_WORDS: usize = 8;

#[test]
fn a_summary_that_copies_eight_words_of_the_document_is_found() {
    let cited = [normalise("De leerdoelen in het curriculum bieden nu te weinig duidelijke kaders als het gaat om")];
    assert!(copied_run("Volgens stakeholders: de leerdoelen in het curriculum bieden nu te weinig houvast.", &cited)
        .is_some());
    assert!(copied_run("Het curriculum geeft scholen te weinig houvast voor wetenschap en techniek.", &cited).is_none());
    // Punctuation does not hide a copy: the document's "(mbo en hbo) dragen" is the summary's "mbo en hbo dragen".
    let cited = [normalise("goed beroepsonderwijs (mbo en hbo) dragen daaraan bij en worden beter")];
    assert!(copied_run("Bedrijven, mbo en hbo dragen daaraan bij en worden zo beter.", &cited).is_some());
}
