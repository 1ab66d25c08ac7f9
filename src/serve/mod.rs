//! `baoku serve`: the archive over HTTP — a JSON API and a search page.
//!
//! Like the command line, this is a thin client of the library: it turns requests
//! into [`baoku::SearchRequest`]s and serialises what the library returns, and holds
//! no query logic of its own. It owns the HTTP concerns only: routing ([`router`]),
//! limits (query parameters, concurrency, timeouts, in [`api`]; open and idle
//! connections, in [`listener`]), the embedded page
//! and OpenAPI description ([`page`]), and a graceful shutdown on Ctrl-C or SIGTERM.
//!
//! Nothing served comes from the file system at request time: the page, its script
//! and style and the OpenAPI document are compiled into the binary, and the API reads
//! only the index the server was started with.

pub mod api;
pub mod cache;
pub mod listener;
pub mod page;

use axum::http::{header, HeaderValue};
use axum::routing::{get, MethodRouter};
use axum::Router;
use baoku::Archive;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The address `baoku serve` listens on unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";

/// How long a request may wait for and run a search before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How much longer than `--timeout` a connection may stay silent before it is closed.
pub const IDLE_MARGIN: Duration = Duration::from_secs(2);

/// How long requests in flight may take to finish once the server is told to stop.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Memory for cached search answers unless told otherwise.
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free port; the URL printed says which).
    pub addr: SocketAddr,
    /// Searches (and other index reads) running at once; more wait their turn.
    pub concurrency: usize,
    /// Longest time a request may wait for and spend on the index.
    pub timeout: Duration,
    /// Bytes of search answers kept for repeated requests (0: none); the cache is
    /// emptied whenever the index gets a new commit.
    pub cache_bytes: usize,
}

impl ServeOptions {
    /// Options for listening on `addr`, with one search at a time per core.
    pub fn new(addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            addr,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            timeout: REQUEST_TIMEOUT,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

/// Opens the archive in `dir` and serves it until Ctrl-C or SIGTERM.
///
/// Prints `baoku serving URL` on stdout once it listens, and a greeting on stderr.
pub fn run(dir: &Path, options: &ServeOptions) -> anyhow::Result<()> {
    let archive = Archive::open(dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("baoku-serve")
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", options.addr))?;
        let local = listener.local_addr()?;
        // The first line on stdout, for people and for scripts that started the
        // server on port 0 and need to know where it is.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "baoku serving http://{local}/");
        let _ = stdout.flush();
        if !local.ip().is_loopback() {
            eprintln!("baoku: warning: {local} is reachable from other machines");
        }
        eprintln!(
            "baoku: {} articles from {}; Ctrl-C to stop",
            archive.num_articles(),
            dir.display()
        );

        let app = router(api::AppState::new(archive, options));
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let mut signalled = stopping.clone();
        // A connection idle for longer than a request may take is closed (with a
        // margin, so that a late 503 still reaches its client).
        let idle = options.timeout + IDLE_MARGIN;
        let listener = listener::BoundedListener::new(listener, idle);
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = signalled.wait_for(|stop| *stop).await;
        });
        // A client that keeps its connection open without finishing a request must
        // not keep the server from stopping.
        let mut signalled = stopping;
        let deadline = async move {
            let _ = signalled.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        tokio::select! {
            served = server => served?,
            () = deadline => eprintln!(
                "baoku: connections still open after {} s; closing them",
                SHUTDOWN_GRACE.as_secs()
            ),
        }
        eprintln!("baoku: stopped");
        anyhow::Ok(())
    })
}

/// Every route of the server: the API routes, the page and its files.
pub fn router(state: Arc<api::AppState>) -> Router {
    let mut router = Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style));
    for (path, route) in api_routes() {
        router = router.route(path, route);
    }
    router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::map_response(common_headers))
        .with_state(state)
}

/// The routes of the API, each described in `schema/openapi.json` (a test holds the
/// two together).
pub fn api_routes() -> Vec<(&'static str, MethodRouter<Arc<api::AppState>>)> {
    vec![
        ("/api/search", get(api::search)),
        ("/api/articles/{id}", get(api::article)),
        ("/api/stats", get(api::stats)),
        ("/api/openapi.json", get(page::openapi)),
        ("/healthz", get(api::healthz)),
    ]
}

/// Headers on every response: browsers must not guess content types.
async fn common_headers(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("baoku: shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_described_in_the_openapi_document_and_no_other() {
        let document: serde_json::Value =
            serde_json::from_str(page::OPENAPI_JSON).expect("schema/openapi.json is JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let described: Vec<&str> = document["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(String::as_str)
            .collect();
        let routes: Vec<&str> = api_routes().into_iter().map(|(path, _)| path).collect();
        for route in &routes {
            assert!(
                described.contains(route),
                "{route} is served but missing from schema/openapi.json: describe it there"
            );
            assert!(
                document["paths"][route]["get"]["responses"]["200"].is_object(),
                "{route}: describe its 200 answer"
            );
        }
        for path in &described {
            assert!(
                routes.contains(path),
                "schema/openapi.json describes {path}, which the server does not have"
            );
        }
    }
}
