//! Limits per client and per request, so that one client cannot crowd out the others.
//!
//! A client is an IP address (an IPv6 client by its /64 network, which one machine
//! can fill with addresses at will). Each may hold a bounded number of connections
//! open ([`Clients::connect`], checked by the listener), have a bounded number of
//! requests in progress, and make requests at a bounded rate (a token bucket: `rate` a
//! second, in bursts of up to twice that); a request beyond either gets 429 with
//! `Retry-After`. `/healthz` is exempt so that a monitor always gets its answer.
//! Requests whose address is too long, or that carry a body (no route takes one), are
//! refused before any work. Behind a reverse proxy every request comes from the proxy's
//! address: there, raise these limits or turn the rate off.
//!
//! This module decides admission only; what is counted lives in [`super::metrics`].

use super::api::{ApiError, AppState};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Requests a second one client may make unless told otherwise (bursts of twice that).
pub const DEFAULT_RATE: u32 = 50;
/// Requests one client may have in progress at once unless told otherwise.
pub const DEFAULT_CLIENT_CONCURRENCY: u32 = 8;
/// Connections one client may hold open unless told otherwise (browsers open six).
pub const DEFAULT_CLIENT_CONNECTIONS: u32 = 64;
/// Longest request address (path and query) in bytes; a query of 1,000 Chinese
/// characters, percent-encoded, is 9,000.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Clients remembered before idle ones are forgotten.
const PRUNE_AT: usize = 4096;

/// How one client is limited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientLimits {
    /// Requests a second (0: no rate limit); bursts of up to twice that.
    pub rate: u32,
    /// Requests in progress at once.
    pub concurrency: u32,
    /// Connections open at once.
    pub connections: u32,
}

impl Default for ClientLimits {
    fn default() -> ClientLimits {
        ClientLimits {
            rate: DEFAULT_RATE,
            concurrency: DEFAULT_CLIENT_CONCURRENCY,
            connections: DEFAULT_CLIENT_CONNECTIONS,
        }
    }
}

/// What a client is known by: its IPv4 address, or its IPv6 /64 network.
pub fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

#[derive(Debug)]
struct Client {
    connections: u32,
    in_flight: u32,
    /// Requests the bucket holds now (at `refilled`).
    tokens: f64,
    refilled: Instant,
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Over the rate: the next request is allowed in this many seconds.
    Rate { retry_after: u64 },
    /// Too many requests of this client in progress.
    Busy,
}

/// The state of every client seen recently.
#[derive(Debug)]
pub struct Clients {
    limits: ClientLimits,
    table: Mutex<HashMap<IpAddr, Client>>,
}

impl Clients {
    /// No client seen yet.
    pub fn new(limits: ClientLimits) -> Arc<Clients> {
        Arc::new(Clients {
            limits,
            table: Mutex::new(HashMap::new()),
        })
    }

    fn burst(&self) -> f64 {
        f64::from(self.limits.rate) * 2.0
    }

    fn with_client<T>(&self, client: IpAddr, f: impl FnOnce(&mut Client) -> T) -> T {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if table.len() >= PRUNE_AT && !table.contains_key(&client) {
            let (burst, rate) = (self.burst(), f64::from(self.limits.rate));
            table.retain(|_, c| {
                let full = rate == 0.0
                    || c.tokens + now.duration_since(c.refilled).as_secs_f64() * rate >= burst;
                c.connections > 0 || c.in_flight > 0 || !full
            });
        }
        let burst = self.burst();
        let entry = table.entry(client).or_insert(Client {
            connections: 0,
            in_flight: 0,
            tokens: burst,
            refilled: now,
        });
        f(entry)
    }

    /// A place for one more connection of `ip`, or `None` when it holds its limit.
    pub fn connect(self: &Arc<Clients>, ip: IpAddr) -> Option<ClientConnection> {
        let client = client_of(ip);
        let limit = self.limits.connections;
        let admitted = self.with_client(client, |c| {
            if c.connections >= limit {
                return false;
            }
            c.connections += 1;
            true
        });
        admitted.then(|| ClientConnection {
            clients: Arc::clone(self),
            client,
        })
    }

    /// Admits one request of `ip` (its place is held until the guard is dropped), or
    /// says why not.
    pub fn admit(self: &Arc<Clients>, ip: IpAddr) -> Result<ClientRequest, Refusal> {
        let client = client_of(ip);
        let (rate, burst, concurrency) = (
            f64::from(self.limits.rate),
            self.burst(),
            self.limits.concurrency,
        );
        self.with_client(client, |c| {
            if c.in_flight >= concurrency {
                return Err(Refusal::Busy);
            }
            if rate > 0.0 {
                let now = Instant::now();
                let elapsed = now.duration_since(c.refilled).as_secs_f64();
                c.tokens = (c.tokens + elapsed * rate).min(burst);
                c.refilled = now;
                if c.tokens < 1.0 {
                    let wait = ((1.0 - c.tokens) / rate).ceil().max(1.0);
                    return Err(Refusal::Rate {
                        retry_after: wait as u64,
                    });
                }
                c.tokens -= 1.0;
            }
            c.in_flight += 1;
            Ok(())
        })?;
        Ok(ClientRequest {
            clients: Arc::clone(self),
            client,
        })
    }
}

/// One open connection of a client; its place is given back when dropped.
#[derive(Debug)]
pub struct ClientConnection {
    clients: Arc<Clients>,
    client: IpAddr,
}

impl Drop for ClientConnection {
    fn drop(&mut self) {
        self.clients.with_client(self.client, |c| {
            c.connections = c.connections.saturating_sub(1)
        });
    }
}

/// One request of a client in progress; its place is given back when dropped.
#[derive(Debug)]
pub struct ClientRequest {
    clients: Arc<Clients>,
    client: IpAddr,
}

impl Drop for ClientRequest {
    fn drop(&mut self) {
        self.clients
            .with_client(self.client, |c| c.in_flight = c.in_flight.saturating_sub(1));
    }
}

/// The address a request came from, as the listener recorded it.
pub fn peer(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0)
}

/// Middleware: refuses a request whose address is too long or that carries a body
/// (413/414), then one beyond its client's rate or concurrency (429 with
/// `Retry-After`), before any work is done for it.
pub async fn admit(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let metrics = state.metrics();
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        metrics.rejected("too_large");
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the address is {uri_bytes} bytes long; at most {MAX_URI_BYTES} are read"),
        )
        .into_response();
    }
    // A body on a method the server has (GET, HEAD) is refused; on another method the
    // router answers 405 without reading it.
    if matches!(*request.method(), Method::GET | Method::HEAD) && has_body(&request) {
        metrics.rejected("too_large");
        let mut response = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "requests to this server carry no body",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let Some(ip) = peer(&request).map(|addr| addr.ip()) else {
        return next.run(request).await;
    };
    match state.clients().admit(ip) {
        Ok(_place) => next.run(request).await,
        Err(refusal) => {
            let (reason, message, retry_after) = match refusal {
                Refusal::Rate { retry_after } => (
                    "rate_limited",
                    format!(
                        "too many requests from {}: at most {} a second; try again in {retry_after} s",
                        client_of(ip),
                        state.clients().limits.rate
                    ),
                    retry_after,
                ),
                Refusal::Busy => (
                    "client_busy",
                    format!(
                        "too many requests at once from {}: at most {}; try again when one is answered",
                        client_of(ip),
                        state.clients().limits.concurrency
                    ),
                    1,
                ),
            };
            metrics.rejected(reason);
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&retry_after.to_string()).expect("digits"),
            );
            response
        }
    }
}

fn has_body(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_rate_allows_a_burst_then_says_when_to_come_back() {
        let clients = Clients::new(ClientLimits {
            rate: 2,
            concurrency: 100,
            connections: 10,
        });
        for n in 0..4 {
            assert!(
                clients.admit(ip("10.0.0.1")).is_ok(),
                "request {n} of the burst"
            );
        }
        assert_eq!(
            clients.admit(ip("10.0.0.1")).unwrap_err(),
            Refusal::Rate { retry_after: 1 }
        );
        assert!(
            clients.admit(ip("10.0.0.2")).is_ok(),
            "another client is not held up"
        );
        let off = Clients::new(ClientLimits {
            rate: 0,
            ..ClientLimits::default()
        });
        for _ in 0..1000 {
            drop(off.admit(ip("10.0.0.1")).unwrap());
        }
    }

    #[test]
    fn requests_in_progress_and_connections_are_bounded_and_given_back() {
        let clients = Clients::new(ClientLimits {
            rate: 0,
            concurrency: 2,
            connections: 2,
        });
        let first = clients.admit(ip("10.0.0.1")).unwrap();
        let _second = clients.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(clients.admit(ip("10.0.0.1")).unwrap_err(), Refusal::Busy);
        drop(first);
        assert!(clients.admit(ip("10.0.0.1")).is_ok());

        let a = clients.connect(ip("10.0.0.1")).unwrap();
        let _b = clients.connect(ip("10.0.0.1")).unwrap();
        assert!(clients.connect(ip("10.0.0.1")).is_none());
        assert!(clients.connect(ip("10.0.0.3")).is_some());
        drop(a);
        assert!(clients.connect(ip("10.0.0.1")).is_some());
    }

    #[test]
    fn an_ipv6_client_is_its_network() {
        assert_eq!(
            client_of(ip("2001:db8:1:2:aaaa::1")),
            client_of(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            client_of(ip("2001:db8:1:2::1")),
            client_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_of(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        assert_eq!(client_of(ip("127.0.0.1")), ip("127.0.0.1"));
    }

    #[test]
    fn idle_clients_are_forgotten_and_busy_ones_kept() {
        let clients = Clients::new(ClientLimits {
            rate: 1000,
            concurrency: 10,
            connections: 10,
        });
        let held = clients.connect(ip("10.1.0.1")).unwrap();
        for n in 0..(PRUNE_AT as u32 + 10) {
            let address = IpAddr::from(std::net::Ipv4Addr::from(0x0a02_0000 + n));
            drop(clients.connect(address).unwrap());
        }
        let table = clients.table.lock().unwrap();
        assert!(table.len() <= PRUNE_AT + 10, "{}", table.len());
        assert!(table.contains_key(&ip("10.1.0.1")));
        drop(table);
        drop(held);
    }
}
