//! `GET /graphql` follows one dispatch rule; GraphiQL is served from the binary and works with no
//! internet (checked in a headless Chromium that cannot resolve any name outside loopback).

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use techniekpact_api::routes::graphiql::readme_examples;

use crate::browser::Browser;
use crate::helpers::{backends, spawn_app, TestApp};

const BROWSER_HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A `405` in the GraphQL error shape, with `Allow: POST`; returns its message.
fn assert_json_405(case: &str, status: u16, headers: &[(String, String)], body: &str) -> String {
    assert_eq!(status, 405, "{case}: {body}");
    assert!(header(headers, "content-type").is_some_and(|t| t.starts_with("application/json")), "{case}: {headers:?}");
    assert_eq!(header(headers, "allow"), Some("POST"), "{case}");
    let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{case}: not JSON: {body}"));
    assert_eq!(body["data"], Value::Null, "{case}: {body}");
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("{case}: no errors: {body}"));
    assert_eq!(errors.len(), 1, "{case}: {body}");
    assert_eq!(errors[0]["extensions"]["code"], "METHOD_NOT_ALLOWED", "{case}: {body}");
    errors[0]["message"].as_str().unwrap_or_else(|| panic!("{case}: no message: {body}")).to_owned()
}

/// Sends a raw HTTP/1.1 request (a WebSocket handshake the client library would not give back as
/// a plain response); returns the status, the lower-cased headers and the body.
async fn raw_get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let raw = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&host).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        stream.write_all(request.as_bytes()).expect("write");
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
            let text = String::from_utf8_lossy(&raw);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                    .and_then(|v| v.parse::<usize>().ok());
                if length.is_some_and(|n| body.len() >= n) {
                    break;
                }
            }
        }
        String::from_utf8_lossy(&raw).into_owned()
    })
    .await
    .expect("raw request");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

#[actix_web::test]
async fn get_graphql_follows_one_dispatch_rule() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;

        // 1. A WebSocket upgrade for graphql-transport-ws is reserved for live updates.
        let upgrade = [
            ("Connection", "Upgrade"),
            ("Upgrade", "websocket"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Protocol", "graphql-transport-ws"),
            ("Accept", "text/html"),
        ];
        let (status, headers, body) = raw_get(&app, "/graphql", &upgrade).await;
        let message = assert_json_405("graphql-transport-ws upgrade", status, &headers, &body);
        assert!(message.contains("live updates"), "{message}");
        let (status, headers, body) = raw_get(&app, "/graphql", &upgrade[..4]).await;
        assert_json_405("another WebSocket upgrade", status, &headers, &body);

        // 2. query / documentId / extensions are reserved for persisted reads, whatever Accept says.
        for path in [
            "/graphql?query=%7B__typename%7D",
            "/graphql?query=",
            "/graphql?documentId=sha256:abc",
            "/graphql?extensions=%7B%22persistedQuery%22%3A%7B%7D%7D",
            "/graphql?operationName=X&query=%7B__typename%7D",
        ] {
            let (status, headers, body) = app.get_with(path, &[("Accept", BROWSER_HTML)]).await;
            let message = assert_json_405(path, status, &headers, &body);
            assert!(message.contains("persisted"), "{path}: {message}");
        }
        // A mutation over GET is always refused, and says so.
        let (status, headers, body) =
            app.get_with("/graphql?query=mutation%20%7B%20x%20%7D", &[("Accept", "application/json")]).await;
        let message = assert_json_405("a mutation", status, &headers, &body);
        assert!(message.contains("mutations are never run over GET"), "{message}");

        // 3. Accept: text/html gets GraphiQL; anything else a JSON 405.
        for accept in ["text/html", BROWSER_HTML, "application/json;q=0.5, TEXT/HTML"] {
            let (status, headers, body) = app.get_with("/graphql", &[("Accept", accept)]).await;
            assert_eq!(status, 200, "{accept}: {body}");
            assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"), "{accept}");
            assert!(body.contains("/graphiql/graphiql.min.js"), "{accept}");
            assert!(header(&headers, "vary").is_some_and(|v| v.contains("Accept")), "{headers:?}");
        }
        for accept in [
            None,
            Some("application/json"),
            Some("*/*"),
            Some("application/graphql-response+json"),
            Some("text/html;q=0"),
        ] {
            let extra: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
            let (status, headers, body) = app.get_with("/graphql?operationName=X", &extra).await;
            let message = assert_json_405(&format!("Accept {accept:?}"), status, &headers, &body);
            assert!(message.contains("POST /graphql"), "{message}");
        }
    }
}

#[actix_web::test]
async fn schema_graphql_serves_the_committed_sdl() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql");
    let app = spawn_app(backends()[0], false).await;
    let (status, headers, body) = app.get_with("/schema.graphql", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("text/plain; charset=utf-8"));
    assert!(body == committed, "GET /schema.graphql differs from the committed schema.graphql");
}

/// The values of every `src="…"` and `href="…"` attribute in an HTML text.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let end = rest.find('"').expect("a closed attribute");
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    found
}

#[actix_web::test]
async fn the_graphiql_page_references_no_external_url() {
    let app = spawn_app(backends()[0], false).await;
    let (status, headers, html) = app.get_with("/graphql", &[("Accept", "text/html")]).await;
    assert_eq!(status, 200);
    for scheme in ["http://", "https://", "//", "url("] {
        assert!(!html.contains(scheme), "the page contains `{scheme}`:\n{html}");
    }
    let refs = references(&html);
    assert!(refs.len() >= 6, "{refs:?}");
    for r in &refs {
        assert!(r.starts_with("/graphiql/") || r == "/schema.graphql" || r == "data:,", "an unexpected reference {r}");
    }
    // The browser is told so too: nothing may load from another origin.
    let csp = header(&headers, "content-security-policy").expect("a Content-Security-Policy");
    for directive in ["default-src 'none'", "script-src 'self'", "connect-src 'self'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    // Every referenced file is served, and our own scripts and styles name no other host.
    for r in refs.iter().filter(|r| r.starts_with("/graphiql/")) {
        let (status, headers, body) = app.get_with(r, &[]).await;
        assert_eq!(status, 200, "{r}");
        let kind = header(&headers, "content-type").unwrap_or_default();
        assert!(
            (r.ends_with(".js") && kind.starts_with("text/javascript"))
                || (r.ends_with(".css") && kind.starts_with("text/css")),
            "{r}: {kind}"
        );
        if r.ends_with("app.js") || r.ends_with("page.css") {
            assert!(!body.contains("http:") && !body.contains("https:") && !body.contains("://"), "{r}");
        }
    }
    let (status, _, body) = app.get_with("/graphiql/no-such-file.js", &[]).await;
    assert_eq!(status, 404);
    assert!(body.contains("NOT_FOUND"), "{body}");

    // The README's example queries are offered in the page.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let tag = "<script type=\"application/json\" id=\"tp-examples\">";
    let start = html.find(tag).expect("the examples") + tag.len();
    let end = start + html[start..].find("</script>").expect("the end of the examples");
    let examples: Value = serde_json::from_str(&html[start..end]).expect("examples JSON");
    let expected = readme_examples(&readme);
    assert_eq!(examples.as_array().map(Vec::len), Some(expected.len()));
    for (got, want) in examples.as_array().into_iter().flatten().zip(&expected) {
        assert_eq!(
            (got["title"].as_str(), got["query"].as_str()),
            (Some(want.title.as_str()), Some(want.query.as_str()))
        );
    }
}

#[test]
fn the_vendored_assets_are_the_files_named_in_versions_md() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/graphiql");
    let versions = std::fs::read_to_string(format!("{dir}/VERSIONS.md")).expect("VERSIONS.md");
    let mut checked = 0;
    for line in versions.lines().filter(|l| l.starts_with("| graphiql ") || l.starts_with("| react")) {
        let cells: Vec<&str> = line.split('|').map(|c| c.trim().trim_matches('`')).collect();
        if cells.len() != 8 {
            continue; // the table of tarballs
        }
        let (file, sha) = (cells[3], cells[6]);
        let bytes = std::fs::read(format!("{dir}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, sha, "{file} is not the file VERSIONS.md names");
        let served = techniekpact_api::static_assets::find(file).unwrap_or_else(|| panic!("{file} is not served"));
        assert!(served.bytes == bytes.as_slice(), "{file}: the binary serves other bytes");
        checked += 1;
    }
    assert_eq!(checked, 4, "VERSIONS.md lists the four vendored files");
    for licence in ["LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"] {
        let text = std::fs::read_to_string(format!("{dir}/{licence}")).expect(licence);
        assert!(text.contains("MIT License"), "{licence}");
    }
}

/// The same JavaScript expression the test uses to read an editor's text.
fn editor_value(selector: &str) -> String {
    format!(
        "(() => {{ const cm = document.querySelector('{selector} .CodeMirror'); return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : null; }})()"
    )
}

#[actix_web::test]
async fn graphiql_works_offline_lists_the_query_root_and_runs_an_example() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let examples = readme_examples(&readme);
    let wait = Duration::from_secs(30);
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let Some(mut page) = Browser::open(&format!("{}/graphql", app.address)).await else { return };

        // GraphiQL renders, with the README's examples in its Examples pane.
        page.wait_for(
            "document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror') !== null",
            wait,
        )
        .await;
        let offered = page.wait_for("document.querySelectorAll('.tp-example').length", wait).await;
        assert_eq!(offered, json!(examples.len()), "{backend:?}");
        let titles = page.eval("[...document.querySelectorAll('.tp-example')].map(b => b.textContent)").await;
        assert_eq!(titles, json!(examples.iter().map(|e| e.title.clone()).collect::<Vec<_>>()));

        // The schema is loaded: the Docs pane lists every field of QueryRoot.
        page.click("button[aria-label='Show Documentation Explorer']").await;
        page.wait_for(
            "[...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')].some(a => a.textContent === 'QueryRoot')",
            wait,
        )
        .await;
        let clicked = page
            .eval("(() => { const a = [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')].find(a => a.textContent === 'QueryRoot'); a.click(); return true; })()")
            .await;
        assert_eq!(clicked, json!(true));
        let listed = page
            .wait_for(
                "(() => { const f = [...document.querySelectorAll('.graphiql-doc-explorer-content .graphiql-doc-explorer-field-name')].map(e => e.textContent); return f.length ? f : null; })()",
                wait,
            )
            .await;
        let d = app.data("{ __type(name: \"QueryRoot\") { fields { name } } }", json!({})).await;
        let mut expected: Vec<String> = d["__type"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        let mut listed: Vec<String> = serde_json::from_value(listed).expect("names");
        expected.sort();
        listed.sort();
        assert_eq!(listed, expected, "{backend:?}: the Docs pane lists QueryRoot's fields");

        // An example query runs and its result appears.
        let example = 1;
        page.click("button[aria-label='Show Examples']").await;
        page.wait_for(&format!("document.querySelector('.tp-example[data-example=\"{example}\"]') !== null"), wait)
            .await;
        page.click(&format!(".tp-example[data-example=\"{example}\"]")).await;
        let query = page.wait_for(&editor_value(".graphiql-query-editor"), wait).await;
        assert_eq!(query, json!(examples[example].query));
        page.click(".graphiql-execute-button").await;
        let shown = page
            .wait_for(
                &format!(
                    "(() => {{ const v = {}; return v && v.includes('\"data\"') ? v : null; }})()",
                    editor_value(".result-window")
                ),
                wait,
            )
            .await;
        let shown: Value = serde_json::from_str(shown.as_str().expect("text")).expect("the result pane shows JSON");
        let expected = app.data(&examples[example].query, json!({})).await;
        assert_eq!(shown["data"], expected, "{backend:?}: the result pane shows what POST /graphql answers");
        assert!(shown.get("errors").is_none(), "{shown}");

        // Nothing was requested from outside the app, and nothing went wrong.
        let urls = page.requested_urls();
        assert!(urls.iter().any(|u| u.ends_with("/graphiql/graphiql.min.js")), "{urls:?}");
        for url in &urls {
            assert!(
                url.starts_with(&format!("{}/", app.address)) || url.starts_with("data:"),
                "{backend:?}: requested {url}"
            );
        }
        assert_eq!(page.errors(), Vec::<String>::new(), "{backend:?}");
        eprintln!("{backend:?}: GraphiQL ran offline; {} requests, all to the app", urls.len());
    }
}
