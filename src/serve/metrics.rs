//! What the server has done, counted, and served at `/metrics` in Prometheus's text
//! format: requests by route and status, their latency, requests refused and why,
//! connections opened and closed and why, and answers served from the cache.
//!
//! Counters are atomics or small maps behind a mutex, updated once per request or
//! connection; nothing here slows a search. Every series a reason can take exists from
//! the start (at 0), so that a dashboard's rate over it is defined before the first
//! refusal. Nothing counted carries a query, a token or an address.

use super::api::{ApiError, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The routes requests are counted under.
const ROUTES: &[&str] = &[
    "search", "trend", "kwic", "export", "article", "similar", "stats", "openapi", "metrics",
    "healthz", "page", "other",
];

/// Why a request was refused before it was answered.
pub const REJECTIONS: &[&str] = &[
    "unauthorized",
    "rate_limited",
    "client_busy",
    "server_busy",
    "timeout",
    "too_large",
];

/// Why a connection ended, when it was not the client that closed it.
pub const CLOSES: &[&str] = &[
    "header_timeout",
    "stalled",
    "too_large",
    "tls_failed",
    "too_many_connections",
    "error",
];

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request path.
pub fn route_of(path: &str) -> &'static str {
    match path {
        "/api/search" => "search",
        "/api/trend" => "trend",
        "/api/kwic" => "kwic",
        "/api/export" => "export",
        "/api/stats" => "stats",
        "/api/openapi.json" => "openapi",
        "/metrics" => "metrics",
        "/healthz" => "healthz",
        "/" | "/app.js" | "/style.css" => "page",
        _ if path.starts_with("/api/articles/") && path.ends_with("/similar") => "similar",
        _ if path.starts_with("/api/articles/") => "article",
        _ => "other",
    }
}

#[derive(Debug, Default)]
struct Latency {
    buckets: [AtomicU64; BUCKETS.len()],
    micros: AtomicU64,
    count: AtomicU64,
}

/// Every counter of one server.
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Vec<Latency>,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    closed: Mutex<BTreeMap<&'static str, u64>>,
    accepted: AtomicU64,
    open: AtomicU64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            started: Instant::now(),
            requests: Mutex::default(),
            latency: ROUTES.iter().map(|_| Latency::default()).collect(),
            rejected: Mutex::new(REJECTIONS.iter().map(|r| (*r, 0)).collect()),
            closed: Mutex::new(CLOSES.iter().map(|r| (*r, 0)).collect()),
            accepted: AtomicU64::new(0),
            open: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            cache_misses: AtomicU64::new(0),
        }
    }
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K) {
    *locked(map).entry(key).or_insert(0) += 1;
}

impl Metrics {
    /// A request to `route` answered with `status` after `took`.
    pub fn answered(&self, route: &'static str, status: u16, took: Duration) {
        bump(&self.requests, (route, status));
        let at = ROUTES
            .iter()
            .position(|r| *r == route)
            .unwrap_or(ROUTES.len() - 1);
        let latency = &self.latency[at];
        let seconds = took.as_secs_f64();
        for (bucket, bound) in latency.buckets.iter().zip(BUCKETS) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        latency
            .micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        latency.count.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused for `reason` (one of [`REJECTIONS`]).
    pub fn rejected(&self, reason: &'static str) {
        debug_assert!(REJECTIONS.contains(&reason), "{reason}");
        bump(&self.rejected, reason);
    }

    /// A connection accepted.
    pub fn opened(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        self.open.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection ended; `reason` (one of [`CLOSES`]) when the server ended it.
    pub fn closed(&self, reason: Option<&'static str>) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        if let Some(reason) = reason {
            debug_assert!(CLOSES.contains(&reason), "{reason}");
            bump(&self.closed, reason);
        }
    }

    /// A connection refused at once (the client holds as many as it may).
    pub fn refused(&self, reason: &'static str) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        bump(&self.closed, reason);
    }

    /// An answer served from the cache (`true`) or computed (`false`).
    pub fn cache(&self, hit: bool) {
        let counter = if hit {
            &self.cache_hits
        } else {
            &self.cache_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything counted, in Prometheus's text exposition format (version 0.0.4).
    pub fn render(&self, articles: u64) -> String {
        let mut out = Exposition::default();
        let requests = locked(&self.requests);
        out.family(
            "baoku_http_requests_total",
            "counter",
            "Requests answered, by route and HTTP status.",
            requests.iter().map(|((route, status), count)| {
                (
                    format!("{{route=\"{route}\",status=\"{status}\"}}"),
                    *count as f64,
                )
            }),
        );
        let mut latency = Vec::new();
        for (route, counts) in ROUTES.iter().zip(&self.latency) {
            let count = counts.count.load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            for (bucket, bound) in counts.buckets.iter().zip(BUCKETS) {
                let n = bucket.load(Ordering::Relaxed);
                latency.push((
                    format!("_bucket{{route=\"{route}\",le=\"{bound}\"}}"),
                    n as f64,
                ));
            }
            let micros = counts.micros.load(Ordering::Relaxed);
            latency.push((
                format!("_bucket{{route=\"{route}\",le=\"+Inf\"}}"),
                count as f64,
            ));
            latency.push((format!("_sum{{route=\"{route}\"}}"), micros as f64 / 1e6));
            latency.push((format!("_count{{route=\"{route}\"}}"), count as f64));
        }
        out.family(
            "baoku_http_request_duration_seconds",
            "histogram",
            "Time from a request's head to its answer, by route.",
            latency,
        );
        let by_reason = |map: &Mutex<BTreeMap<&'static str, u64>>| -> Vec<(String, f64)> {
            locked(map)
                .iter()
                .map(|(reason, count)| (format!("{{reason=\"{reason}\"}}"), *count as f64))
                .collect()
        };
        out.family(
            "baoku_requests_rejected_total",
            "counter",
            "Requests refused before they were answered, by reason.",
            by_reason(&self.rejected),
        );
        out.family(
            "baoku_connections_closed_total",
            "counter",
            "Connections the server closed or refused, by reason.",
            by_reason(&self.closed),
        );
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed) as f64;
        for (name, kind, help, value) in [
            (
                "baoku_connections_accepted_total",
                "counter",
                "Connections accepted.",
                load(&self.accepted),
            ),
            (
                "baoku_connections_open",
                "gauge",
                "Connections open now.",
                load(&self.open),
            ),
            (
                "baoku_cache_hits_total",
                "counter",
                "Answers served from the answer cache.",
                load(&self.cache_hits),
            ),
            (
                "baoku_cache_misses_total",
                "counter",
                "Answers computed because the cache had none.",
                load(&self.cache_misses),
            ),
            (
                "baoku_articles",
                "gauge",
                "Articles in the index.",
                articles as f64,
            ),
            (
                "baoku_uptime_seconds",
                "gauge",
                "Seconds since the server started.",
                self.started.elapsed().as_secs() as f64,
            ),
        ] {
            out.family(name, kind, help, [(String::new(), value)]);
        }
        out.0
    }
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Text in the exposition format, one metric family at a time.
#[derive(Default)]
struct Exposition(String);

impl Exposition {
    /// `# HELP`, `# TYPE`, then one line per sample: the name, the sample's suffix
    /// and labels (`_bucket{le="0.1"}`, or nothing), its value.
    fn family(
        &mut self,
        name: &str,
        kind: &str,
        help: &str,
        samples: impl IntoIterator<Item = (String, f64)>,
    ) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (suffix, value) in samples {
            let _ = writeln!(self.0, "{name}{suffix} {value}");
        }
    }
}

/// Middleware: counts every request under its route and status, with its latency.
pub async fn record(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics()
        .answered(route, response.status().as_u16(), started.elapsed());
    response
}

/// `GET /metrics`: the counters in Prometheus's text format.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let text = state.metrics().render(state.num_articles().await?);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_the_prometheus_text_format() {
        let metrics = Metrics::default();
        metrics.answered("search", 200, Duration::from_millis(3));
        metrics.answered("search", 200, Duration::from_millis(30));
        metrics.answered("search", 400, Duration::from_micros(200));
        metrics.rejected("rate_limited");
        metrics.opened();
        metrics.opened();
        metrics.closed(Some("header_timeout"));
        metrics.cache(true);
        let text = metrics.render(24);
        for line in [
            "baoku_http_requests_total{route=\"search\",status=\"200\"} 2",
            "baoku_http_requests_total{route=\"search\",status=\"400\"} 1",
            "baoku_http_request_duration_seconds_bucket{route=\"search\",le=\"0.001\"} 1",
            "baoku_http_request_duration_seconds_bucket{route=\"search\",le=\"0.005\"} 2",
            "baoku_http_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"} 3",
            "baoku_http_request_duration_seconds_count{route=\"search\"} 3",
            "baoku_requests_rejected_total{reason=\"rate_limited\"} 1",
            "baoku_requests_rejected_total{reason=\"unauthorized\"} 0",
            "baoku_connections_accepted_total 2",
            "baoku_connections_open 1",
            "baoku_connections_closed_total{reason=\"header_timeout\"} 1",
            "baoku_cache_hits_total 1",
            "baoku_cache_misses_total 0",
            "baoku_articles 24",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from\n{text}"
            );
        }
        // Every sample line belongs to a family declared before it.
        let mut declared = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                declared.push(rest.split(' ').next().unwrap().to_string());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                assert!(
                    declared.iter().any(|d| name.starts_with(d.as_str())),
                    "{line}"
                );
            }
        }
    }

    #[test]
    fn routes_are_a_fixed_set() {
        assert_eq!(route_of("/api/search"), "search");
        assert_eq!(route_of("/api/trend"), "trend");
        assert_eq!(route_of("/api/kwic"), "kwic");
        assert_eq!(route_of("/api/export"), "export");
        assert_eq!(route_of("/api/articles/abc"), "article");
        assert_eq!(route_of("/api/articles/abc/similar"), "similar");
        for path in [
            "/api/search",
            "/api/trend",
            "/api/kwic",
            "/api/export",
            "/api/articles/a",
            "/api/articles/a/similar",
        ] {
            assert!(ROUTES.contains(&route_of(path)), "{path} has its latency");
        }
        assert_eq!(route_of("/app.js"), "page");
        assert_eq!(route_of("/etc/passwd"), "other");
    }
}
