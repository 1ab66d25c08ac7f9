//! Cross-origin requests: off unless `--cors ORIGIN` names the one web page origin
//! (such as an intranet portal) whose scripts may call the API.
//!
//! Without it no answer carries `Access-Control-Allow-Origin`, so a page from another
//! site that a colleague happens to open cannot read the archive through their
//! browser. With it, requests whose `Origin` is exactly that origin get it back (with
//! `Vary: Origin`), and their preflight (`OPTIONS` with
//! `Access-Control-Request-Method`) is answered with GET and the `Authorization`
//! header allowed. Other origins get nothing, whatever the flag.

use super::api::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Checks an origin as `--cors` takes it: `scheme://host[:port]`, nothing after.
pub fn check_origin(origin: &str) -> Result<String, String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("--cors {origin}: an origin starts with https:// or http:// (e.g. https://intranet.example.org)")
        })?;
    let valid = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !valid {
        return Err(format!(
            "--cors {origin}: an origin is a scheme and host (and port) only, with no path (e.g. https://intranet.example.org:8443)"
        ));
    }
    Ok(origin.to_ascii_lowercase())
}

/// Middleware: answers the allowed origin's preflight and marks its answers readable.
pub async fn handle(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(allowed) = state.cors().cloned() else {
        return next.run(request).await;
    };
    let from_allowed = request
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|origin| origin.as_bytes().eq_ignore_ascii_case(allowed.as_bytes()));
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight && from_allowed {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        response
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if from_allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after, x-baoku-cache"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            check_origin("https://Intranet.example.org:8443").as_deref(),
            Ok("https://intranet.example.org:8443")
        );
        assert!(check_origin("http://[::1]:7700").is_ok());
        for bad in [
            "intranet.example.org",
            "https://",
            "https://example.org/",
            "https://example.org/page",
            "*",
            "https://a b",
        ] {
            let error = check_origin(bad).unwrap_err();
            assert!(error.starts_with(&format!("--cors {bad}: ")), "{error}");
        }
    }
}
