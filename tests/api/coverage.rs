//! The coverage report (`techniekpact-api coverage`): the committed segmentation fits the documents,
//! a passage counts only when a record citing it holds a fact from the lines it shares with the
//! citation, and the README shows what the command prints.

use techniekpact_api::data::coverage::{self, coverage, MAX_CITATION_LINES};
use techniekpact_api::data::facts::Documents;
use techniekpact_api::data::passages::{PassageClass, Segmentation, BUNDLED_PASSAGES};
use techniekpact_api::data::{self};

use crate::provenance::{data_under_test, seeds_or_skip};

#[test]
fn the_segmentation_covers_every_line_once_and_states_facts_in_at_least_80_percent() {
    let Some(dir) = seeds_or_skip() else { return };
    let set = data_under_test();
    let docs = Documents::load(&dir, &set).expect("the documents load");
    let seg = Segmentation::parse(BUNDLED_PASSAGES).expect("data/passages.json parses");
    let files: Vec<String> = set.documents.iter().map(|d| d.file.clone()).collect();
    let problems = seg.problems(&docs, &files);
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    assert_eq!(seg.documents.len(), 5, "the five documents are segmented");
    let all: Vec<_> = seg.documents.iter().flat_map(|d| &d.passages).collect();
    let non_fact = all.iter().filter(|p| p.class != PassageClass::Fact).count();
    assert!(all.len() > 500 && non_fact * 5 < all.len(), "{non_fact} of {} passages state no fact", all.len());
}

/// A document of ten lines and a segmentation of it; the check must refuse a gap and an overlap.
fn tiny() -> (tempfile::TempDir, Documents) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let lines = [
        "De Stichting Alfa opende een centrum.", // 1
        "",                                      // 2
        "Beta kreeg 2 miljoen euro.",            // 3
        "",                                      // 4
        "Gamma begon in maart 2015 met lessen",  // 5
        "in het hele land.",                     // 6
        "Delta sloot zich aan.",                 // 7
        "WAT IS ER BEREIKT?",                    // 8
        "Epsilon volgde.",                       // 9
    ];
    std::fs::write(dir.path().join("doc.txt"), lines.join("\n")).expect("write the document");
    let set = data::parse(&data_set("[]", "[]")).expect("parses");
    let docs = Documents::load(dir.path(), &set).expect("loads");
    (dir, docs)
}

/// A data set citing `doc.txt` with these organisations and fundings.
fn data_set(organisations: &str, fundings: &str) -> String {
    format!(
        r#"{{"dataVersion":1,"documents":[{{"file":"doc.txt","title":"t"}}],"regions":[],"programmes":[],
        "fundingSchemes":[],"organisations":{organisations},"fundings":{fundings}}}"#
    )
}

fn segmentation(passages: &str) -> Segmentation {
    Segmentation::parse(&format!(r#"{{"documents":[{{"file":"doc.txt","passages":[{passages}]}}]}}"#))
        .expect("the segmentation parses")
}

const PASSAGES: &str = r#"{"lines":"L1","class":"FACT"},{"lines":"L3","class":"FACT"},
    {"lines":"L5-L6","class":"FACT"},{"lines":"L7","class":"FACT"},{"lines":"L8","class":"HEADING"},
    {"lines":"L9","class":"FACT"}"#;

#[test]
fn the_shape_check_refuses_gaps_overlaps_and_blank_passages() {
    let (_dir, docs) = tiny();
    let files = vec!["doc.txt".to_owned()];
    assert_eq!(segmentation(PASSAGES).problems(&docs, &files), Vec::<String>::new());
    let gap = segmentation(r#"{"lines":"L1","class":"FACT"},{"lines":"L5-L9","class":"FACT"}"#);
    assert!(gap.problems(&docs, &files).iter().any(|p| p.contains("doc.txt#L3: a non-blank line in no passage")));
    let overlap = segmentation(r#"{"lines":"L1-L3","class":"FACT"},{"lines":"L3-L9","class":"FACT"}"#);
    assert!(overlap.problems(&docs, &files).iter().any(|p| p.contains("overlaps")));
    let blank =
        segmentation(r#"{"lines":"L1","class":"FACT"},{"lines":"L2","class":"FACT"},{"lines":"L3-L9","class":"FACT"}"#);
    assert!(blank.problems(&docs, &files).iter().any(|p| p.contains("only blank lines")));
    let past = segmentation(r#"{"lines":"L1-L10","class":"FACT"}"#);
    assert!(past.problems(&docs, &files).iter().any(|p| p.contains("only 9 lines")));
    let headings = segmentation(r#"{"lines":"L1-L3","class":"HEADING"},{"lines":"L5-L9","class":"FACT"}"#);
    assert!(headings.problems(&docs, &files).iter().any(|p| p.contains("state no fact")));
}

#[test]
fn a_passage_counts_only_when_a_citing_record_holds_a_fact_from_the_shared_lines() {
    let (_dir, docs) = tiny();
    // Alfa is named in L1 (covered); Beta's citation of L3 holds its amount (covered, though the
    // name is another); Gamma cites L5-L6 but is named as "Gama" (not covered); Delta cites L6-L7,
    // whose shared line with the passage L5-L6 is L6, which does not name Delta; L7 does (covered).
    // No record cites L9. An over-long citation naming Gamma counts for nothing.
    let long = 6 + MAX_CITATION_LINES;
    let set = data::parse(&data_set(
        &format!(
            r#"[{{"slug":"alfa","name":"Stichting Alfa","kind":"FOUNDATION","sources":["doc.txt#L1"]}},
            {{"slug":"gama","name":"Gama","kind":"FOUNDATION","sources":["doc.txt#L5-L6"]}},
            {{"slug":"delta","name":"Delta","kind":"COMPANY","sources":["doc.txt#L6-L7"]}},
            {{"slug":"gamma","name":"Gamma","kind":"COMPANY","sources":["doc.txt#L5-L{long}"]}}]"#
        ),
        r#"[{"key":"beta","recipient":"alfa","amountAwarded":"2000000","sources":["doc.txt#L3"]}]"#,
    ))
    .expect("the test data parses");
    let report = coverage(&set, &segmentation(PASSAGES), &docs).expect("measures");
    let doc = &report.documents[0];
    assert_eq!((doc.covered, doc.passages), (3, 5), "{report:?}");
    assert_eq!(doc.uncovered, vec!["L5-L6".to_owned(), "L9".to_owned()]);
    assert_eq!(report.over_long, vec![format!("doc.txt#L5-L{long}")]);
    assert!(report.summary().contains("doc.txt   60 %  (3 of 5)"), "{}", report.summary());
    assert!(report.summary().ends_with("total     60 %  (3 of 5)\n"), "{}", report.summary());
}

#[test]
fn the_readme_shows_what_coverage_prints_and_the_command_prints_no_document_text() {
    let Some(dir) = seeds_or_skip() else { return };
    let set = data::parse(data::BUNDLED_DATA).expect("the bundled data parses");
    let measured = coverage::run(&set, &dir).expect("coverage runs on the bundled data");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let begin = "<!-- coverage:begin -->\n```text\n";
    let start = readme.find(begin).expect("a coverage:begin marker") + begin.len();
    let end = readme[start..].find("```\n<!-- coverage:end -->").expect("a coverage:end marker") + start;
    assert_eq!(
        &readme[start..end],
        measured.summary(),
        "README's coverage summary is out of date: replace it with the summary `cargo run -- coverage` prints"
    );
    // From another folder, with the documents' folder as a setting.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_techniekpact-api"))
        .arg("coverage")
        .current_dir(folder.path())
        .env("DOCUMENTS_DIR", &dir)
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&measured.summary()) && stdout.contains("uncovered in "), "{stdout}");
    let docs = Documents::load(&dir, &set).expect("the documents load");
    for d in &set.documents {
        for line in docs.lines(&d.file).unwrap_or_default() {
            let line = line.trim();
            assert!(line.len() < 12 || !stdout.contains(line), "coverage printed document text: {line:?}");
        }
    }
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_techniekpact-api"))
        .args(["coverage", "--documents-dir", "/nonexistent"])
        .output()
        .expect("the binary runs");
    assert!(!missing.status.success(), "a missing documents folder is an error");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("DOCUMENTS_DIR"));
}
