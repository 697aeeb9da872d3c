//! Partners' questions about the documents (`tests/data/questions/*.json`, issue "every fact the
//! five documents state"): each asks what one fact-stating passage says, with the GraphQL query that
//! answers it, the strings a full answer holds and a verdict (`FULLY`, `PARTLY`, `NOT`). This test
//! keeps the verdicts true on both backends: every query runs without errors, a `FULLY` answer
//! contains every expected string, a `PARTLY` or `NOT` one misses at least one (so a question the
//! data came to answer must have its verdict raised).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;
use techniekpact_api::data::passages::{PassageClass, Segmentation, BUNDLED_PASSAGES};

use crate::helpers::{backends, spawn_app};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    document: String,
    questions: Vec<Question>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    passage: String,
    question: String,
    answer: String,
    query: String,
    expect: Vec<String>,
    verdict: String,
    #[serde(default)]
    note: Option<String>,
}

fn question_files() -> Vec<(String, QuestionFile)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/questions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let parsed = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), parsed)
        })
        .collect()
}

#[test]
fn every_document_has_forty_questions_each_about_one_fact_stating_passage() {
    let files = question_files();
    let seg = Segmentation::parse(BUNDLED_PASSAGES).expect("data/passages.json parses");
    let documents: Vec<&str> = files.iter().map(|(_, f)| f.document.as_str()).collect();
    for d in &seg.documents {
        assert!(documents.contains(&d.file.as_str()), "no questions about {}", d.file);
    }
    for (name, file) in &files {
        assert!(file.questions.len() >= 40, "{name}: {} questions, 40 wanted", file.questions.len());
        let doc = seg.documents.iter().find(|d| d.file == file.document).expect("a segmented document");
        for (i, q) in file.questions.iter().enumerate() {
            let at = format!("{name} question {}", i + 1);
            assert!(
                doc.passages.iter().any(|p| p.lines == q.passage && p.class == PassageClass::Fact),
                "{at}: {} is not a fact-stating passage of {}",
                q.passage,
                file.document
            );
            assert!(!q.question.trim().is_empty() && !q.answer.trim().is_empty(), "{at}: a question and its answer");
            assert!(q.expect.iter().all(|e| !e.trim().is_empty()) && !q.expect.is_empty(), "{at}: expected strings");
            assert!(matches!(q.verdict.as_str(), "FULLY" | "PARTLY" | "NOT"), "{at}: verdict {}", q.verdict);
            assert!(q.verdict == "FULLY" || q.note.is_some(), "{at}: a PARTLY or NOT verdict says what is missing");
        }
    }
}

#[actix_web::test]
async fn every_verdict_is_what_the_api_answers() {
    let files = question_files();
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let mut problems = Vec::new();
        let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
        for (name, file) in &files {
            for (i, q) in file.questions.iter().enumerate() {
                let at = format!("{name} question {} ({})", i + 1, q.passage);
                let body = app.query(&q.query, json!({})).await;
                if body.get("errors").is_some() {
                    problems.push(format!("{at}: errors {}", body["errors"]));
                    continue;
                }
                // The answer only: not the extensions (cost, request id), whose numbers would match.
                let text = body["data"].to_string().to_lowercase();
                let found = q.expect.iter().filter(|e| text.contains(&e.to_lowercase())).count();
                let all = found == q.expect.len();
                let slot = counts.entry(file.document.clone()).or_default();
                match q.verdict.as_str() {
                    "FULLY" => slot[0] += 1,
                    "PARTLY" => slot[1] += 1,
                    _ => slot[2] += 1,
                }
                if (q.verdict == "FULLY") != all {
                    problems.push(format!(
                        "{at}: verdict {} but {found} of {} expected strings {:?} in the answer",
                        q.verdict,
                        q.expect.len(),
                        q.expect
                    ));
                }
            }
        }
        for (doc, [fully, partly, not]) in &counts {
            eprintln!("{backend:?} {doc}: {fully} fully, {partly} partly, {not} not");
        }
        assert!(problems.is_empty(), "{backend:?}: {} problem(s):\n{}", problems.len(), problems.join("\n"));
    }
}
