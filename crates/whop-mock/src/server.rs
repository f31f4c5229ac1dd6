//! [`MockWhop`] served over HTTP/1.1 on loopback, for tests of a real HTTP stack.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::{MockError, MockWhop};

/// Request bodies larger than this are refused by closing the connection.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

impl MockWhop {
    /// Serves this mock (sharing its state) over HTTP/1.1 on `127.0.0.1` at a free port.
    ///
    /// Must be called inside a Tokio runtime. The server runs until
    /// [`MockServer::shutdown`] or until the [`MockServer`] is dropped.
    ///
    /// ```
    /// use whop_mock::{DEMO_LICENSE_KEY, MockWhop};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let server = MockWhop::demo().serve().await?;
    /// let url = server.url(&format!("/api/v5/me/memberships/{DEMO_LICENSE_KEY}"));
    /// assert!(url.starts_with("http://127.0.0.1:"));
    /// // ... point an HTTP client at `server.base_url()` ...
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// If binding the loopback port fails.
    pub async fn serve(&self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let connections = Arc::new(AtomicUsize::new(0));
        let accept_loop = tokio::spawn(accept_loop(
            listener,
            self.clone(),
            stopped,
            Arc::clone(&connections),
        ));
        Ok(MockServer {
            addr,
            mock: self.clone(),
            stop,
            accept_loop: Some(accept_loop),
            connections,
        })
    }
}

/// A running loopback server. Dropping it stops the server and closes every connection.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    mock: MockWhop,
    stop: watch::Sender<bool>,
    accept_loop: Option<JoinHandle<()>>,
    connections: Arc<AtomicUsize>,
}

impl MockServer {
    /// The bound address (`127.0.0.1:<port>`).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash: the base URL to give a client.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url()` followed by `path_and_query` (which should start with `/`), as given.
    #[must_use]
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url())
    }

    /// The mock behind the server (same state).
    #[must_use]
    pub fn mock(&self) -> &MockWhop {
        &self.mock
    }

    /// How many TCP connections were accepted so far (for connection-reuse tests).
    #[must_use]
    pub fn connections_accepted(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Stops accepting, closes every connection, and waits until all server tasks are gone.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.accept_loop.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.accept_loop.take() {
            // Dropping the accept loop's future drops its JoinSet, which aborts the connections.
            task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    mock: MockWhop,
    mut stopped: watch::Receiver<bool>,
    connections: Arc<AtomicUsize>,
) {
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => {
                // Accept errors (e.g. too many open files) are transient: keep serving.
                let Ok((stream, _peer)) = accepted else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                let mock = mock.clone();
                tasks.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let mock = mock.clone();
                        async move { handle(mock, request).await }
                    });
                    // A connection error (including an injected drop) just ends the connection.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    tasks.shutdown().await;
}

async fn handle(
    mock: MockWhop,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, MockError> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
        .map_err(|e| MockError::RequestBody(e.to_string()))?
        .to_bytes();
    let response = mock.respond(Request::from_parts(parts, body)).await?;
    Ok(response.map(Full::new))
}
