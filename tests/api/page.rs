//! The funding-per-region page at `/`: served from the binary, it shows what `fundingMatrix` answers
//! (checked against the test's own GraphQL call), works by keyboard, keeps its choice in the URL and
//! fits a 375 px phone, with no request leaving loopback.
//!
//! `TP_WRITE_SCREENSHOT=1 cargo test --test api the_page_shows` rewrites `docs/funding-per-region.png`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::{Browser, Page};
use crate::helpers::{backends, spawn_app, TestApp};

const WAIT: Duration = Duration::from_secs(30);

/// A decimal string as `Intl.NumberFormat('nl-NL', {style: 'currency', currency: 'EUR'})` shows it.
fn dutch_euros(decimal: &str) -> String {
    let (sign, digits) = decimal.strip_prefix('-').map_or(("", decimal), |d| ("-", d));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("€\u{a0}{sign}{grouped},{cents:0<2}")
}

#[test]
fn amounts_are_formatted_the_dutch_way() {
    assert_eq!(dutch_euros("74650000.00"), "€\u{a0}74.650.000,00");
    assert_eq!(dutch_euros("0.05"), "€\u{a0}0,05");
    assert_eq!(dutch_euros("123.40"), "€\u{a0}123,40");
}

/// The table rows the test expects: (key, name, amount, count) from its own `fundingMatrix` call.
async fn expected_rows(app: &TestApp, level: &str, scheme: Option<&str>) -> Vec<(String, String, String, i64)> {
    let filter = scheme.map_or(json!({}), |s| json!({ "scheme": [s] }));
    let d = app
        .data(
            "query($level: RegionScheme!, $filter: FundingFilter) { fundingMatrix(rows: $level, columns: YEAR, filter: $filter) {
               regions { region { id name } total { amount { amount } fundingCount } }
               unsplit { total { amount { amount } fundingCount } } outsideLevel { total { amount { amount } fundingCount } }
               unallocated { total { amount { amount } fundingCount } } grandTotal { amount } } }",
            json!({ "level": level, "filter": filter }),
        )
        .await;
    let m = &d["fundingMatrix"];
    let figure = |row: &Value| {
        (
            row["total"]["amount"]["amount"].as_str().expect("amount").to_owned(),
            row["total"]["fundingCount"].as_i64().expect("count"),
        )
    };
    let mut rows: Vec<_> = m["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .map(|r| {
            let (amount, count) = figure(r);
            (
                r["region"]["id"].as_str().expect("id").to_owned(),
                r["region"]["name"].as_str().expect("name").to_owned(),
                amount,
                count,
            )
        })
        .collect();
    for (key, name) in
        [("unsplit", "Niet te verdelen"), ("outsideLevel", "Buiten dit niveau"), ("unallocated", "Niet toegewezen")]
    {
        let (amount, count) = figure(&m[key]);
        rows.push((key.into(), name.into(), amount, count));
    }
    let count = rows.iter().map(|r| r.3).sum();
    rows.push((
        "grandTotal".into(),
        "Totaal".into(),
        m["grandTotal"]["amount"].as_str().expect("total").to_owned(),
        count,
    ));
    rows
}

/// What the page's table shows: (key, name, amount attribute, amount text, count).
const SHOWN: &str = "[...document.querySelectorAll('#table tbody tr')].map(tr => [tr.dataset.key, tr.cells[0].textContent, tr.cells[1].dataset.amount, tr.cells[1].textContent, Number(tr.cells[2].textContent)])";

async fn assert_table_shows(page: &mut Page, expected: &[(String, String, String, i64)], context: &str) {
    // Wait for the rows with these keys and amounts (the table may still show the last choice).
    let want: Vec<[&str; 2]> = expected.iter().map(|r| [r.0.as_str(), r.2.as_str()]).collect();
    let condition = format!(
        "JSON.stringify({SHOWN}.map(r => [r[0], r[2]])) === JSON.stringify({})",
        serde_json::to_string(&json!(want)).expect("json")
    );
    page.wait_for(&format!("(() => {{ try {{ return {condition}; }} catch (e) {{ return false; }} }})()"), WAIT).await;
    let shown = page.eval(SHOWN).await;
    let shown = shown.as_array().expect("rows");
    assert_eq!(shown.len(), expected.len(), "{context}: {shown:?}");
    for (got, (key, name, amount, count)) in shown.iter().zip(expected) {
        assert_eq!(got[0], json!(key), "{context}");
        assert_eq!(got[1], json!(name), "{context}: {key}");
        assert_eq!(got[2], json!(amount), "{context}: {name}");
        assert_eq!(got[3], json!(dutch_euros(amount)), "{context}: {name}");
        assert_eq!(got[4], json!(count), "{context}: {name}");
    }
    // The chart has one bar per region.
    let bars = page.eval("document.querySelectorAll('#chart g[role=button]').length").await;
    assert_eq!(bars, json!(expected.len() - 4), "{context}");
}

async fn key(page: &mut Page, key: &str, code: &str, key_code: u32) {
    for kind in ["keyDown", "keyUp"] {
        let mut params = json!({ "type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code });
        if key == "Enter" && kind == "keyDown" {
            params["text"] = json!("\r");
        }
        page.command("Input.dispatchKeyEvent", params).await;
    }
}

/// Chooses `value` in the page's `<select id=…>` as a user would (a change event).
async fn choose(page: &mut Page, id: &str, value: &str) {
    let js = format!(
        "(() => {{ const s = document.getElementById('{id}'); s.value = {v}; s.dispatchEvent(new Event('change')); return s.value; }})()",
        v = serde_json::to_string(value).expect("json")
    );
    assert_eq!(page.eval(&js).await, json!(value));
}

fn assert_only_loopback(page: &Page, app: &TestApp, context: &str) {
    let urls = page.requested_urls();
    assert!(urls.iter().any(|u| u.ends_with("/page/app.js")), "{context}: {urls:?}");
    for url in &urls {
        assert!(
            url.starts_with(&format!("{}/", app.address)) || url.starts_with("data:"),
            "{context}: requested {url}"
        );
    }
    assert_eq!(page.errors(), Vec::<String>::new(), "{context}");
}

#[actix_web::test]
async fn the_root_serves_the_page_and_its_links() {
    let app = spawn_app(backends()[0], false).await;
    let (status, headers, html) = app.get_with("/", &[("Accept", "text/html")]).await;
    assert_eq!(status, 200);
    let kind = headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str());
    assert_eq!(kind, Some("text/html; charset=utf-8"));
    assert!(html.contains("<html lang=\"nl\">"), "{html}");
    for scheme in ["http://", "https://", "//", "url("] {
        assert!(!html.contains(scheme), "the page contains `{scheme}`");
    }
    let csp = headers.iter().find(|(k, _)| k == "content-security-policy").map(|(_, v)| v.clone()).expect("a CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"), "{csp}");
    for (path, kind) in [
        ("/page/app.js", "text/javascript"),
        ("/page/app.css", "text/css"),
        ("/graphql", "text/html"),
        ("/schema.graphql", "text/plain"),
        ("/export/fundings.csv", "text/csv"),
        ("/export/360giving.json", "application/json"),
        ("/README.md", "text/markdown"),
    ] {
        assert!(html.contains(&format!("\"{path}\"")), "the page does not reference {path}");
        let (status, headers, _) = app.get_with(path, &[("Accept", "text/html")]).await;
        assert_eq!(status, 200, "{path}");
        let got = headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str()).unwrap_or_default();
        assert!(got.starts_with(kind), "{path}: {got}");
    }
    let (_, _, js) = app.get_with("/page/app.js", &[]).await;
    assert!(!js.contains("https:") && !js.contains("http://localhost"), "app.js names another host");
    assert_eq!(app.get_with("/page/nothing.js", &[]).await.0, 404);
}

#[actix_web::test]
async fn the_page_shows_the_api_figures_works_by_keyboard_and_keeps_its_choice_in_the_url() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let Some(mut page) = Browser::open(&format!("{}/", app.address)).await else { return };
        let context = format!("{backend:?}");

        // Opens at LANDSDEEL with every landsdeel, the buckets and the total, as the API says.
        let expected = expected_rows(&app, "LANDSDEEL", None).await;
        assert_eq!(expected.len(), 5 + 4, "{context}: five landsdelen");
        assert_table_shows(&mut page, &expected, &context).await;
        assert_eq!(page.eval("document.documentElement.lang").await, json!("nl"));
        assert_eq!(
            page.eval("document.getElementById('level').selectedOptions[0].textContent").await,
            json!("Landsdeel")
        );
        if std::env::var("TP_WRITE_SCREENSHOT").is_ok_and(|v| v == "1") {
            page.command(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 900, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await;
            let shot =
                page.command("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true })).await;
            use base64::Engine;
            let png =
                base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().expect("png")).expect("base64");
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/funding-per-region.png"), png)
                .expect("write the screenshot");
            page.command("Emulation.clearDeviceMetricsOverride", json!({})).await;
        }

        // Tab to the first region with funding and press Enter: its fundings are listed with sources.
        let target = expected
            .iter()
            .find(|r| r.3 > 0 && !["unsplit", "outsideLevel", "unallocated", "grandTotal"].contains(&r.0.as_str()))
            .expect("a funded region")
            .clone();
        let mut reached = false;
        for _ in 0..40 {
            key(&mut page, "Tab", "Tab", 9).await;
            if page.eval("document.activeElement && document.activeElement.dataset.region || ''").await
                == json!(target.0)
            {
                reached = true;
                break;
            }
        }
        assert!(reached, "{context}: Tab never reached {}", target.1);
        key(&mut page, "Enter", "Enter", 13).await;
        page.wait_for("document.querySelectorAll('#detail-list li.funding').length > 0", WAIT).await;
        let listed = page.eval("document.querySelectorAll('#detail-list li.funding').length").await;
        let own = app
            .data(
                "query($f: FundingFilter) { fundings(first: 20, filter: $f) { totalCount nodes { key } } }",
                json!({ "f": { "region": target.0, "placement": "STATED_AND_PROGRAMME" } }),
            )
            .await;
        assert_eq!(listed, json!(own["fundings"]["nodes"].as_array().map(Vec::len)), "{context}");
        let text = page.eval("document.getElementById('detail').innerText").await;
        let text = text.as_str().unwrap_or_default();
        for node in own["fundings"]["nodes"].as_array().into_iter().flatten() {
            assert!(text.contains(node["key"].as_str().unwrap_or("?")), "{context}: {text}");
        }
        assert!(text.contains("Bronnen: "), "{context}: sources are shown: {text}");

        // Level and scheme change the chart, the table and the URL; the URL restores the choice.
        choose(&mut page, "level", "PROVINCE").await;
        assert_table_shows(&mut page, &expected_rows(&app, "PROVINCE", None).await, &format!("{context} PROVINCE"))
            .await;
        let rif = app.data("{ fundingScheme(code: \"RIF\") { id } }", json!({})).await;
        let rif = rif["fundingScheme"]["id"].as_str().expect("RIF").to_owned();
        choose(&mut page, "scheme", &rif).await;
        let rif_rows = expected_rows(&app, "PROVINCE", Some(&rif)).await;
        assert_table_shows(&mut page, &rif_rows, &format!("{context} PROVINCE RIF")).await;
        let search = page.eval("location.search").await;
        let search = search.as_str().unwrap_or_default().to_owned();
        assert!(
            search.contains("level=PROVINCE") && search.contains(&format!("scheme={}", rif.replace('=', "%3D"))),
            "{context}: {search}"
        );
        page.navigate(&format!("{}/{search}", app.address)).await;
        assert_table_shows(&mut page, &rif_rows, &format!("{context} restored from {search}")).await;
        assert_eq!(page.eval("document.getElementById('level').value").await, json!("PROVINCE"));

        // A 375 px phone: no horizontal scroll.
        page.command(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await;
        page.navigate(&format!("{}/", app.address)).await;
        assert_table_shows(&mut page, &expected, &format!("{context} 375 px")).await;
        let width = page.eval("document.documentElement.scrollWidth").await;
        assert!(width.as_i64().is_some_and(|w| w <= 375), "{context}: scrollWidth {width}");

        assert_only_loopback(&page, &app, &context);
    }
}

#[actix_web::test]
async fn on_generated_data_the_page_shows_what_the_api_answers() {
    for backend in backends() {
        let app = crate::placement::generated_app(backend, 20).await;
        let Some(mut page) = Browser::open(&format!("{}/?level=PROVINCE", app.address)).await else { return };
        let context = format!("{backend:?} generated");
        assert_table_shows(&mut page, &expected_rows(&app, "PROVINCE", None).await, &context).await;
        choose(&mut page, "level", "LANDSDEEL").await;
        assert_table_shows(&mut page, &expected_rows(&app, "LANDSDEEL", None).await, &context).await;
        assert_only_loopback(&page, &app, &context);
    }
}
