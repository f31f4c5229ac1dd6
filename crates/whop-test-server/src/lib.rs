//! A loopback server that misbehaves on cue, for testing an HTTP client or transport: yours, or
//! whop-rs's own.
//!
//! [whop-mock](https://docs.rs/whop-mock) fakes Whop's API and its faults at the HTTP level. Some
//! faults an HTTP server library will not produce: a connection reset before the response, a head
//! that never ends, a body shorter than its `Content-Length`, a connection that goes silent. A
//! [`ScriptedServer`] produces them, and answers plain HTTP as well:
//!
//! - [`ScriptedServer::http`]: a real HTTP/1.1 and HTTP/2 server (keep-alive, HTTP/2 by prior
//!   knowledge) that answers request number `n` (0-based, counted across connections) with a
//!   response you compute from `n` and the request head: a status sequence such as 503, 503, 200,
//!   a `Retry-After`, a redirect;
//! - `ScriptedServer::https` (cargo feature `tls`): the same over TLS with a generated
//!   `TestCertificate`, offering `h2` and `http/1.1` by ALPN;
//! - [`ScriptedServer::raw`]: every connection reads one request head, then plays a [`RawScript`]
//!   of raw bytes, pauses and a close or reset.
//!
//! Every server listens on `127.0.0.1` at a free port and counts what it saw: connections accepted
//! and closed, requests, each request's headers. Dropping it (or [`ScriptedServer::shutdown`])
//! stops it and every connection.
//!
//! It is part of [whop-rs](https://github.com/whop-rs/whop-rs)'s own tests (the transport's
//! loopback tests, the workspace's fault tests) and is not published.
//!
//! ```
//! use std::time::Duration;
//! use whop_test_server::{RawScript, ScriptedServer, response};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! // Two 503s, then 200: does the client retry?
//! let flaky = ScriptedServer::http(|n, _head| response(if n < 2 { 503 } else { 200 }, &[], "ok")).await?;
//! assert!(flaky.url("/m").starts_with("http://127.0.0.1:"));
//!
//! // A status line and headers, then a reset in the middle of the body.
//! let cut = ScriptedServer::raw(
//!     RawScript::new()
//!         .write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"id\":")
//!         .pause(Duration::from_millis(20))
//!         .reset(),
//! )
//! .await?;
//! // ... point the client under test at `flaky.base_url()` and `cut.base_url()` ...
//! assert_eq!(cut.connections_accepted(), 0);
//! cut.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod raw;
mod respond;
#[cfg(feature = "tls")]
mod tls;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::HeaderMap;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use self::raw::{HOLD_LIMIT, RawScript};
pub use self::respond::response;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use self::tls::TestCertificate;

/// What a server does with one accepted connection, given its 0-based index and the record of
/// what the server saw.
type ServeConnection = Arc<
    dyn Fn(TcpStream, usize, Arc<Seen>) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync,
>;

/// A running scripted server on `127.0.0.1`. See the [crate docs](crate).
///
/// Dropping it stops the accept loop and aborts every connection.
#[derive(Debug)]
pub struct ScriptedServer {
    addr: SocketAddr,
    scheme: &'static str,
    seen: Arc<Seen>,
    accept_loop: Option<JoinHandle<()>>,
}

/// What the server saw, shared by its connection tasks.
#[derive(Debug)]
struct Seen {
    accepted: AtomicUsize,
    closed: AtomicUsize,
    open: watch::Sender<usize>,
    requests: AtomicUsize,
    headers: Mutex<Vec<HeaderMap>>,
}

impl Seen {
    /// Records a request head; returns its 0-based index among all requests.
    fn request(&self, headers: HeaderMap) -> usize {
        let mut all = self.headers.lock().expect("not poisoned");
        all.push(headers);
        self.requests.fetch_add(1, Ordering::SeqCst)
    }
}

impl ScriptedServer {
    async fn start(scheme: &'static str, serve: ServeConnection) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Seen {
            accepted: AtomicUsize::new(0),
            closed: AtomicUsize::new(0),
            open: watch::Sender::new(0),
            requests: AtomicUsize::new(0),
            headers: Mutex::new(Vec::new()),
        });
        let accept_loop = tokio::spawn(accept_loop(listener, Arc::clone(&seen), serve));
        Ok(ScriptedServer {
            addr,
            scheme,
            seen,
            accept_loop: Some(accept_loop),
        })
    }

    /// The bound address (`127.0.0.1:<port>`).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (`https://` for `ScriptedServer::https`), without a trailing
    /// slash.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// `base_url()` followed by `path_and_query` (which should start with `/`), as given.
    #[must_use]
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url())
    }

    /// Connections accepted so far.
    #[must_use]
    pub fn connections_accepted(&self) -> usize {
        self.seen.accepted.load(Ordering::SeqCst)
    }

    /// Connections that have ended (closed by the client, reset, or failed).
    #[must_use]
    pub fn connections_closed(&self) -> usize {
        self.seen.closed.load(Ordering::SeqCst)
    }

    /// Connections accepted and not yet ended.
    #[must_use]
    pub fn connections_open(&self) -> usize {
        *self.seen.open.borrow()
    }

    /// Request heads received so far, all connections together.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.seen.requests.load(Ordering::SeqCst)
    }

    /// The headers of every request received, in order.
    #[must_use]
    pub fn headers(&self) -> Vec<HeaderMap> {
        self.seen.headers.lock().expect("not poisoned").clone()
    }

    /// Waits at most `limit` until no connection is open; `true` if none is. A client that has
    /// let go of every connection passes; one that leaks a connection does not.
    pub async fn all_closed_within(&self, limit: Duration) -> bool {
        let mut open = self.seen.open.subscribe();
        tokio::time::timeout(limit, open.wait_for(|open| *open == 0))
            .await
            .is_ok_and(|waited| waited.is_ok())
    }

    /// Stops accepting, aborts every connection, and waits until all server tasks are gone.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.accept_loop.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        if let Some(task) = self.accept_loop.take() {
            // Dropping the accept loop's future drops its JoinSet, which aborts the connections.
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, seen: Arc<Seen>, serve: ServeConnection) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // Accept errors (e.g. too many open files) are transient: keep serving.
                let Ok((stream, _peer)) = accepted else { continue };
                let index = seen.accepted.fetch_add(1, Ordering::SeqCst);
                seen.open.send_modify(|open| *open += 1);
                let (seen, connection) = (Arc::clone(&seen), serve(stream, index, Arc::clone(&seen)));
                connections.spawn(async move {
                    connection.await;
                    seen.closed.fetch_add(1, Ordering::SeqCst);
                    seen.open.send_modify(|open| *open -= 1);
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A loopback address with nothing listening on it, for "connection refused".
///
/// The port was free a moment ago; another process may take it in between, which on loopback in
/// a test is rare enough to ignore.
///
/// # Panics
/// When loopback cannot be bound: the test cannot run.
#[must_use]
pub fn unused_loopback_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind loopback");
    listener.local_addr().expect("bound address")
}

#[cfg(test)]
mod tests;
