//! The search page and the OpenAPI description, compiled into the binary.
//!
//! The page is three files in `src/serve/page/` (HTML, script, style) with no
//! external resources: it works offline and behind any firewall. Nothing here reads
//! the file system at request time; each asset is a `&'static str` with a fixed
//! content type, an ETag for revalidation and, for the page, a strict
//! Content-Security-Policy (scripts and styles from this server only, no inline code).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

/// The search page.
const INDEX_HTML: &str = include_str!("page/index.html");
/// Its script.
const APP_JS: &str = include_str!("page/app.js");
/// Its style sheet.
const STYLE_CSS: &str = include_str!("page/style.css");
/// The OpenAPI 3.1 description of the API, as kept in the repository.
pub const OPENAPI_JSON: &str = include_str!("../../schema/openapi.json");

/// What the page may load: only this server's own script, style and API.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// One embedded file and its cached ETag.
struct Asset {
    body: &'static str,
    content_type: &'static str,
    etag: OnceLock<HeaderValue>,
}

impl Asset {
    const fn new(body: &'static str, content_type: &'static str) -> Asset {
        Asset {
            body,
            content_type,
            etag: OnceLock::new(),
        }
    }

    /// The asset, or 304 when the client already holds this version.
    fn respond(&self, request: &HeaderMap) -> Response {
        let etag = self.etag.get_or_init(|| {
            let hash = xxhash_rust::xxh3::xxh3_64(self.body.as_bytes());
            HeaderValue::from_str(&format!("\"{hash:016x}\"")).expect("hex is a valid header")
        });
        let cached = request
            .get(header::IF_NONE_MATCH)
            .is_some_and(|value| value.as_bytes() == etag.as_bytes());
        let mut response = if cached {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            self.body.into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::ETAG, etag.clone());
        // Always revalidate: a new baoku binary must not run with yesterday's script.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

static PAGE: Asset = Asset::new(INDEX_HTML, "text/html; charset=utf-8");
static SCRIPT: Asset = Asset::new(APP_JS, "text/javascript; charset=utf-8");
static STYLE: Asset = Asset::new(STYLE_CSS, "text/css; charset=utf-8");
static OPENAPI: Asset = Asset::new(OPENAPI_JSON, "application/json");

/// `GET /`: the search page (its state lives in the address: `/?q=…&source=…`).
pub async fn index(request: HeaderMap) -> Response {
    let mut response = PAGE.respond(&request);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /app.js`: the page's script.
pub async fn script(request: HeaderMap) -> Response {
    SCRIPT.respond(&request)
}

/// `GET /style.css`: the page's style sheet.
pub async fn style(request: HeaderMap) -> Response {
    STYLE.respond(&request)
}

/// `GET /api/openapi.json`: the OpenAPI description of the API.
pub async fn openapi(request: HeaderMap) -> Response {
    OPENAPI.respond(&request)
}
