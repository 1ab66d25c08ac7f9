//! The listening socket and its connections, with deadlines and limits.
//!
//! A server for a newsroom must not be tied up by clients that connect and say
//! nothing, trickle a request a byte at a time (slowloris), or stop reading their
//! answer. So each connection is served by hyper directly, with:
//! - a deadline for a request's head: all of it (request line and headers) must arrive
//!   within `read_timeout` of the moment the server waits for it, on a new connection
//!   and between the requests of a kept-alive one; otherwise it is answered 408 and
//!   closed. Bytes arriving slowly do not extend it. No route reads a body (see
//!   [`super::limits`]), so nothing waits for one;
//! - a deadline for progress: a connection that neither delivers nor accepts a byte
//!   for `stall` (a client that stops reading its answer) is closed;
//! - at most [`MAX_CONNECTIONS`] open at once (more wait in the kernel's accept queue)
//!   and at most the client's limit from any one client ([`Clients::connect`]);
//! - TLS when configured, its handshake within the same head deadline;
//! - a head of at most [`MAX_HEAD_BYTES`] (431 beyond).
//!
//! Each request carries the peer's address (`ConnectInfo<SocketAddr>`) for the
//! per-client limits and for what only local callers may see.

use super::limits::Clients;
use super::metrics::Metrics;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Most connections open at once (well under the usual limit of 1,024 open files,
/// which the index's own files share).
pub const MAX_CONNECTIONS: usize = 512;

/// Largest request head (request line and headers) read, in bytes; a larger one is
/// answered 431.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// How connections are served.
#[derive(Clone)]
pub struct ConnectionConfig {
    /// The router every request goes to.
    pub app: Router,
    /// TLS, when the server has a certificate.
    pub tls: Option<TlsAcceptor>,
    /// Deadline for a request's head (and a TLS handshake).
    pub read_timeout: Duration,
    /// A connection without progress for this long is closed.
    pub stall: Duration,
    /// Per-client connection limits.
    pub clients: Arc<Clients>,
    /// Where connections are counted.
    pub metrics: Arc<Metrics>,
}

/// Accepts and serves connections until `stop` turns true, then lets those open
/// finish their requests within `grace`. Returns whether all of them did.
pub async fn serve(
    listener: TcpListener,
    config: ConnectionConfig,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) -> bool {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => {
                permit.expect("the connection semaphore is never closed")
            }
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was
                // accepted: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let Some(place) = config.clients.connect(peer.ip()) else {
            // The client holds as many connections as it may: close this one at once.
            config.metrics.refused("too_many_connections");
            drop(stream);
            continue;
        };
        let config = config.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _place = place;
            config.metrics.opened();
            let reason = connection(stream, peer, &config, stop).await;
            config.metrics.closed(reason);
        });
    }
    drop(listener);
    // Every connection holds a permit until it ends.
    let finished = tokio::time::timeout(grace, permits.acquire_many(MAX_CONNECTIONS as u32))
        .await
        .is_ok();
    finished
}

/// Serves one connection to its end; says why the server ended it, if it did.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    config: &ConnectionConfig,
    stop: watch::Receiver<bool>,
) -> Option<&'static str> {
    // Answers are small and written at once: send them without delay.
    let _ = stream.set_nodelay(true);
    let stream = Guarded::new(stream, config.stall);
    match &config.tls {
        None => http(stream, peer, config, stop).await,
        Some(acceptor) => {
            match tokio::time::timeout(config.read_timeout, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => http(tls, peer, config, stop).await,
                Ok(Err(_)) | Err(_) => Some("tls_failed"),
            }
        }
    }
}

/// HTTP/1.1 on an established (plain or TLS) stream.
async fn http<I>(
    io: I,
    peer: SocketAddr,
    config: &ConnectionConfig,
    mut stop: watch::Receiver<bool>,
) -> Option<&'static str>
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let app = config.app.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let stopping = async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stopping);
    let mut shutting_down = false;
    let result = loop {
        tokio::select! {
            result = connection.as_mut() => break result,
            () = &mut stopping, if !shutting_down => {
                // Finish the request in progress, if any, then close.
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    };
    match result {
        Ok(()) => None,
        Err(error) if error.is_timeout() => Some("header_timeout"),
        Err(error) if error.is_parse_too_large() => Some("too_large"),
        Err(error) if stalled(&error) => Some("stalled"),
        // The client went away or sent what is not HTTP: nothing to count as ours.
        Err(error) if error.is_incomplete_message() || error.is_parse() => None,
        Err(_) => Some("error"),
    }
}

fn stalled(error: &hyper::Error) -> bool {
    std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<io::Error>())
        .is_some_and(|e| e.kind() == io::ErrorKind::TimedOut)
}

/// A TCP stream that fails with `TimedOut` once neither a read nor a write has made
/// progress for `stall`.
#[derive(Debug)]
struct Guarded {
    stream: TcpStream,
    stall: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Guarded {
    fn new(stream: TcpStream, stall: Duration) -> Guarded {
        Guarded {
            stream,
            stall,
            deadline: Box::pin(tokio::time::sleep(stall)),
        }
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.stall;
        self.deadline.as_mut().reset(next);
    }

    /// Pending, unless the deadline has passed.
    fn expired(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                "no progress within the stall time",
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.progressed();
                Poll::Ready(result)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.progressed();
                Poll::Ready(result)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                this.progressed();
                Poll::Ready(result)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
