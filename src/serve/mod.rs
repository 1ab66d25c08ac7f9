//! `baoku serve`: the archive over HTTP — a JSON API and a search page.
//!
//! Like the command line, this is a thin client of the library: it turns requests
//! into [`baoku::SearchRequest`]s and serialises what the library returns, and holds
//! no query logic of its own. It owns the HTTP concerns only: routing ([`router`]),
//! who may ask ([`access`]: tokens, and no exposed server without one), limits per
//! client and request ([`limits`]), deadlines and limits on connections and TLS
//! ([`listener`], [`tls`]), cross-origin rules ([`cors`]), counters ([`metrics`]),
//! the work on the index ([`api`]), the embedded page and OpenAPI description
//! ([`page`]), and a graceful shutdown on Ctrl-C or SIGTERM.
//!
//! Read-only by design: every route is a GET, nothing served comes from the file
//! system at request time (the page, its script and style and the OpenAPI document
//! are compiled into the binary), and the API reads only the index the server was
//! started with.

pub mod access;
pub mod api;
pub mod cache;
pub mod cors;
pub mod limits;
pub mod listener;
pub mod metrics;
pub mod page;
pub mod research;
pub mod tls;

use axum::http::{header, HeaderValue};
use axum::routing::{get, MethodRouter};
use axum::Router;
use baoku::engine::Engine;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The address `baoku serve` listens on unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";

/// How long a request may wait for and run a search before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's head (and a TLS handshake), and a
/// kept-alive connection may wait for its next request.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How much longer than `--timeout` a connection may make no progress at all (a
/// client that stops reading its answer) before it is closed.
pub const STALL_MARGIN: Duration = Duration::from_secs(2);

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
    /// Longest time a client may take to send a request's head.
    pub read_timeout: Duration,
    /// Bytes of search answers kept for repeated requests (0: none); the cache is
    /// emptied whenever the index gets a new commit.
    pub cache_bytes: usize,
    /// The tokens API requests must carry (none: no token needed).
    pub tokens: access::TokenSources,
    /// Serve an address other machines can reach without a token.
    pub public: bool,
    /// Show the `path` of articles' source files to callers on other machines too.
    pub show_paths: bool,
    /// The one other origin whose pages may call the API (checked by
    /// [`cors::check_origin`]).
    pub cors: Option<String>,
    /// PEM files of the certificate chain and private key, to serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// What one client may do.
    pub clients: limits::ClientLimits,
}

impl ServeOptions {
    /// Options for listening on `addr`, with one search at a time per core, no token,
    /// plain HTTP and the default limits.
    pub fn new(addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            addr,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            timeout: REQUEST_TIMEOUT,
            read_timeout: READ_TIMEOUT,
            cache_bytes: DEFAULT_CACHE_BYTES,
            tokens: access::TokenSources::default(),
            public: false,
            show_paths: false,
            cors: None,
            tls: None,
            clients: limits::ClientLimits::default(),
        }
    }
}

/// Serves `engine` (the archive `open` gives, or a cluster index) until Ctrl-C or
/// SIGTERM.
///
/// Refuses, before opening anything, to expose the archive to other machines without
/// a token (unless `public`). Prints `baoku serving URL` on stdout once it listens,
/// and a greeting on stderr.
pub fn run(
    open: impl FnOnce() -> anyhow::Result<Engine>,
    options: &ServeOptions,
) -> anyhow::Result<()> {
    let access = Arc::new(access::Access::load(&options.tokens).map_err(anyhow::Error::msg)?);
    access::check_exposure(options.addr, access.required(), options.public)
        .map_err(anyhow::Error::msg)?;
    let tls = match &options.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let engine = open()?;
    let articles = engine.num_articles()?;
    let location = engine.location();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("baoku-serve")
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", options.addr))?;
        let local = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // The first line on stdout, for people and for scripts that started the
        // server on port 0 and need to know where it is.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "baoku serving {scheme}://{local}/");
        let _ = stdout.flush();
        if !local.ip().is_loopback() {
            match (access.required(), tls.is_some()) {
                (false, _) => eprintln!(
                    "baoku: warning: {local} is reachable from other machines and needs no token (--public)"
                ),
                (true, false) => eprintln!(
                    "baoku: warning: {local} is reachable from other machines over plain HTTP: tokens and answers cross the network readable (--tls-cert/--tls-key)"
                ),
                (true, true) => {}
            }
        }
        eprintln!(
            "baoku: {articles} articles from {location}; {}; Ctrl-C to stop",
            if access.required() {
                "API requests need a token"
            } else {
                "no token needed"
            }
        );
        Arc::clone(&access).watch();

        let metrics = Arc::new(metrics::Metrics::default());
        let state = api::AppState::new(engine, options, access, Arc::clone(&metrics));
        let clients = Arc::clone(state.clients());
        let app = router(state);
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let config = listener::ConnectionConfig {
            app,
            tls,
            read_timeout: options.read_timeout,
            // A connection that makes no progress for longer than a request may take
            // is closed (with a margin, so that a late 503 still reaches its client).
            stall: options.timeout + STALL_MARGIN,
            clients,
            metrics,
        };
        // A client that keeps its connection open without finishing a request must
        // not keep the server from stopping.
        if !listener::serve(listener, config, stopping, SHUTDOWN_GRACE).await {
            eprintln!(
                "baoku: connections still open after {} s; closing them",
                SHUTDOWN_GRACE.as_secs()
            );
        }
        eprintln!("baoku: stopped");
        anyhow::Ok(())
    })
}

/// Every route of the server: the API routes, the page and its files, behind the
/// layers every request passes (outermost first): counting, common headers, CORS,
/// size and per-client limits, then the token check.
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
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            access::require_token,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            limits::admit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            cors::handle,
        ))
        .layer(axum::middleware::map_response(common_headers))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            metrics::record,
        ))
        .with_state(state)
}

/// The routes of the API, each described in `schema/openapi.json` (a test holds the
/// two together).
pub fn api_routes() -> Vec<(&'static str, MethodRouter<Arc<api::AppState>>)> {
    vec![
        ("/api/search", get(api::search)),
        ("/api/trend", get(research::trend)),
        ("/api/kwic", get(research::kwic)),
        ("/api/export", get(research::export)),
        ("/api/articles/{id}", get(api::article)),
        ("/api/articles/{id}/similar", get(api::similar)),
        ("/api/stats", get(api::stats)),
        ("/api/openapi.json", get(page::openapi)),
        ("/metrics", get(metrics::metrics)),
        ("/healthz", get(api::healthz)),
    ]
}

/// Headers on every response: browsers must not guess content types, and answers
/// from an archive are not for shared caches.
async fn common_headers(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
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
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{Request, StatusCode};
    use baoku::Archive;
    use std::path::Path;
    use tower::ServiceExt;

    const TOKEN: &str = "unit-test-token-0123456789";

    /// An archive of one article whose source file is `/newsroom/drafts/typhoon.txt`.
    fn one_article_archive(dir: &Path) -> Archive {
        let archive = Archive::create(dir.join("archive")).unwrap();
        let mut writer = archive.writer().unwrap();
        writer
            .upsert(&baoku::Article {
                id: "draft-1".into(),
                title: Some("台风登陆前的准备".into()),
                body: "沿海各地加固渔船，转移群众，迎接台风。".into(),
                path: Some("/newsroom/drafts/typhoon.txt".into()),
                ..baoku::Article::default()
            })
            .unwrap();
        writer.finish().unwrap();
        archive.reload().unwrap();
        archive
    }

    /// `GET uri` from `peer` through the whole router (no socket involved).
    async fn get(
        app: &Router,
        uri: &str,
        peer: &str,
        token: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = Request::get(uri).body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(token) = token {
            request.headers_mut().insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            );
        }
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    fn app(archive: Archive, show_paths: bool) -> Router {
        let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
        options.show_paths = show_paths;
        options.tokens.tokens = vec![TOKEN.into()];
        let access = Arc::new(access::Access::load(&options.tokens).unwrap());
        router(api::AppState::new(
            Engine::Embedded(archive),
            &options,
            access,
            Arc::new(metrics::Metrics::default()),
        ))
    }

    #[tokio::test]
    async fn source_paths_are_shown_only_to_local_callers_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let archive = one_article_archive(dir.path());
        let path = serde_json::json!("/newsroom/drafts/typhoon.txt");
        let hidden = app(archive.clone(), false);
        for (peer, expected) in [
            ("127.0.0.1:40000", &path),
            ("[::1]:40000", &path),
            ("192.0.2.7:40000", &serde_json::Value::Null),
            ("[2001:db8::7]:40000", &serde_json::Value::Null),
        ] {
            let (status, article) = get(&hidden, "/api/articles/draft-1", peer, Some(TOKEN)).await;
            assert_eq!(status, StatusCode::OK, "{article}");
            assert_eq!(&article["path"], expected, "article for {peer}");
            // Twice: the second answer comes from the cache, which must not mix them up.
            for _ in 0..2 {
                let (status, results) = get(
                    &hidden,
                    "/api/search?q=%E5%8F%B0%E9%A3%8E",
                    peer,
                    Some(TOKEN),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{results}");
                assert_eq!(&results["hits"][0]["path"], expected, "search for {peer}");
            }
            // One article: its export in JSON lines is one JSON object.
            let (status, row) = get(
                &hidden,
                "/api/export?q=%E5%8F%B0%E9%A3%8E&format=jsonl&fields=id,path",
                peer,
                Some(TOKEN),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{row}");
            assert_eq!(&row["path"], expected, "export for {peer}");
        }
        let shown = app(archive, true);
        let (_, article) = get(
            &shown,
            "/api/articles/draft-1",
            "192.0.2.7:40000",
            Some(TOKEN),
        )
        .await;
        assert_eq!(article["path"], path, "--show-paths shows them to everyone");
    }

    #[tokio::test]
    async fn every_protected_route_needs_the_token_whoever_asks() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(one_article_archive(dir.path()), false);
        for peer in ["127.0.0.1:40000", "192.0.2.7:40000"] {
            for uri in [
                "/api/search?q=%E5%8F%B0%E9%A3%8E",
                "/api/trend?q=%E5%8F%B0%E9%A3%8E",
                "/api/export?q=%E5%8F%B0%E9%A3%8E",
                "/api/articles/draft-1",
                "/api/stats",
                "/metrics",
            ] {
                assert!(access::is_protected(uri.split('?').next().unwrap()));
                for token in [None, Some("wrong-token-0123456789")] {
                    let (status, body) = get(&app, uri, peer, token).await;
                    assert_eq!(
                        status,
                        StatusCode::UNAUTHORIZED,
                        "{uri} from {peer} with {token:?}"
                    );
                    assert!(body["error"].as_str().unwrap().contains("token"), "{body}");
                }
                let (status, _) = get(&app, uri, peer, Some(TOKEN)).await;
                assert_eq!(status, StatusCode::OK, "{uri} from {peer} with the token");
            }
            for uri in ["/healthz", "/api/openapi.json"] {
                let (status, _) = get(&app, uri, peer, None).await;
                assert_eq!(status, StatusCode::OK, "{uri} is open");
            }
        }
    }

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
