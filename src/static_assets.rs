//! Files compiled into the binary: under `/graphiql/`, the vendored GraphiQL 4 and React 18
//! production builds (see `static/graphiql/VERSIONS.md`) and our own start script and styles.
//! Nothing is fetched at build or run time, so GraphiQL works without internet access. Under `/page/`
//! and at `/`: the funding-per-region page (`static/page/`).

/// One served file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// The file name, as in `/graphiql/{name}`.
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

/// A file of `static/graphiql/` (the default) or of another folder of `static/`.
macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        asset!("graphiql", $name, $content_type)
    };
    ($folder:literal, $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $folder, "/", $name)),
        }
    };
}

/// The README this binary was built with (served at `/README.md`; GraphiQL offers its examples).
pub const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Every file under `/graphiql/`.
pub const ASSETS: &[Asset] = &[
    asset!("graphiql.min.js", JS),
    asset!("graphiql.min.css", CSS),
    asset!("react.production.min.js", JS),
    asset!("react-dom.production.min.js", JS),
    asset!("app.js", JS),
    asset!("page.css", CSS),
    asset!("VERSIONS.md", TEXT),
    asset!("LICENSE.graphiql", TEXT),
    asset!("LICENSE.react", TEXT),
    asset!("LICENSE.react-dom", TEXT),
];

/// The GraphiQL page; `{{EXAMPLES}}` is replaced by the README's example queries as JSON.
pub const GRAPHIQL_PAGE_TEMPLATE: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/graphiql/index.html"));

/// The file served as `/graphiql/{name}`, if there is one.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// Our funding-per-region page's files, served under `/page/` (plain HTML, CSS, JavaScript, no
/// libraries; `index.html` is the page at `/`).
pub const PAGE_ASSETS: &[Asset] = &[asset!("page", "app.js", JS), asset!("page", "app.css", CSS)];

/// The page at `/`.
pub const PAGE_HTML: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/page/index.html"));

/// The file served as `/page/{name}`, if there is one.
pub fn find_page_asset(name: &str) -> Option<&'static Asset> {
    PAGE_ASSETS.iter().find(|a| a.name == name)
}
