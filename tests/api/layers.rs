//! The module layers, checked on the source text: nothing imports upward, and the GraphQL layer
//! holds no SQL. Layers from the top: `main`/`startup`/`routes` → `graphql` → `write` → `read` →
//! `auth` → `db`, with `data` → `write`/`read`/`db`; the value modules serve every layer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Modules every layer may use; they use only each other.
const VALUES: &[&str] = &["error", "ids", "money", "period", "text", "vocab", "config", "telemetry"];

/// The crate modules a top-level module may import from (besides itself and the value modules).
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    Some(match module {
        "graphql" => &["read", "write", "auth", "db"],
        "write" => &["read", "auth", "db"],
        "read" => &["auth", "db"],
        "auth" => &["db"],
        "db" => &[],
        "data" => &["write", "read", "auth", "db"],
        m if VALUES.contains(&m) => &[],
        // main, startup, routes, middleware, static_assets: the top, may use anything.
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate modules a file names as `crate::<module>` (in `use` lines and paths alike; comments
/// are skipped).
fn crate_modules(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        // `$crate::` in macros is the crate too; `{` starts a group of modules.
        if after.starts_with('{') {
            let group = &after[1..after.find('}').unwrap_or(after.len())];
            for part in group.split(',') {
                let m: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !m.is_empty() {
                    found.insert(m);
                }
            }
        } else if !name.is_empty() {
            found.insert(name.clone());
        }
        rest = &after[name.len().max(1).min(after.len())..];
    }
    found
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // `#[macro_export]` puts a macro at the crate root: it belongs to the module that defines it.
    let mut exported = std::collections::BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim() == "#[macro_export]" {
                let name = lines.next().and_then(|l| l.trim().strip_prefix("macro_rules! ")).unwrap_or_default();
                let module = file.strip_prefix(&src).ok().and_then(|r| r.components().next());
                let module = module.and_then(|c| c.as_os_str().to_str()).unwrap_or_default().trim_end_matches(".rs");
                exported.insert(name.trim_end_matches(" {").to_owned(), module.to_owned());
            }
        }
    }
    assert!(exported.contains_key("keyset"), "found the exported macros: {exported:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let module = rel.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or_default();
        let module = module.trim_end_matches(".rs");
        let Some(below) = allowed(module) else { continue };
        let text = std::fs::read_to_string(file).expect("read");
        for used in crate_modules(&text) {
            let used = exported.get(&used).cloned().unwrap_or(used);
            let ok = used == module || VALUES.contains(&used.as_str()) || below.contains(&used.as_str());
            if !ok {
                wrong.push(format!("src/{}: {module} uses crate::{used}", rel.display()));
            }
        }
    }
    assert!(files.len() > 50, "read the source tree: {} files", files.len());
    assert!(wrong.is_empty(), "imports that run upward:\n{}", wrong.join("\n"));
}

#[test]
fn the_graphql_layer_holds_no_sql() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/graphql");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        for (n, line) in text.lines().enumerate() {
            if ["diesel", "db::schema", "BoxedQuery", ".load("].iter().any(|w| line.contains(w)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(files.len() > 20);
    assert!(found.is_empty(), "SQL in src/graphql:\n{}", found.join("\n"));
}

#[test]
fn the_layer_scan_sees_imports() {
    let text =
        "use crate::db::DbConn;\nuse crate::{ids, read::page};\n/// see crate::write\nlet x = crate::graphql::f();";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, ["db", "graphql", "ids", "read"]);
}
