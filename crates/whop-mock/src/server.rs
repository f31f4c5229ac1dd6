//! [`MockWhop`] served over HTTP/1.1 on loopback, for tests of a real HTTP stack.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Sleep;

use crate::error::MockError;
use crate::mock::MockWhop;
use crate::respond::{Delivered, Delivery};

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
    /// assert_eq!(server.base_url(), server.url("/api")); // what a client's base URL takes
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

    /// `http://127.0.0.1:<port>/api`: the API root, exactly what a client's base URL takes
    /// (whop-client: `TransportBuilder::base_url`). Endpoint paths (`/v1/…`, `/v2/…`, `/v5/…`)
    /// go after it.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("{}/api", self.origin())
    }

    /// `http://127.0.0.1:<port>`, without a path: the server's origin. Not a client's base URL
    /// (that is [`base_url`](Self::base_url)): every endpoint is under `/api`.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// [`origin()`](Self::origin) followed by `path_and_query` (the full path, `/api/…`, which
    /// should start with `/`), as given.
    #[must_use]
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.origin())
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

// whop-test-server's `ScriptedServer` has an accept loop of the same shape. They stay two:
// whop-mock is published, and sharing one would make it depend on that unpublished crate.
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
) -> Result<Response<MockBody>, MockError> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
        .map_err(|e| MockError::RequestBody(e.to_string()))?
        .to_bytes();
    let Delivered {
        mut response,
        delivery,
    } = mock.respond(Request::from_parts(parts, body)).await?;
    let body = std::mem::take(response.body_mut());
    let body = match delivery {
        Delivery::Whole => MockBody::new(body, None, false),
        Delivery::Truncated { keep } => {
            // hyper sends this Content-Length, then the body errors out after `keep` bytes and
            // hyper closes the connection mid-body.
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            MockBody::new(body.slice(..keep.min(body.len())), None, true)
        }
        Delivery::Trickle { chunk, interval } => {
            MockBody::new(body, Some((chunk, interval)), false)
        }
    };
    Ok(response.map(|_empty| body))
}

/// A response body that can be sent whole, in timed chunks, or cut short with an error.
struct MockBody {
    remaining: Bytes,
    trickle: Option<(usize, Duration)>,
    fail_at_end: bool,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl MockBody {
    fn new(data: Bytes, trickle: Option<(usize, Duration)>, fail_at_end: bool) -> Self {
        Self {
            remaining: data,
            trickle,
            fail_at_end,
            sleep: None,
        }
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = MockError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, MockError>>> {
        let this = self.get_mut();
        if this.remaining.is_empty() {
            if this.fail_at_end {
                // Pause first: hyper flushes what it has (headers and the partial body) while the
                // body is pending; failing at once would discard it unsent.
                let pause = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(5))));
                if pause.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.sleep = None;
                this.fail_at_end = false;
                return Poll::Ready(Some(Err(MockError::ConnectionDropped)));
            }
            return Poll::Ready(None);
        }
        let chunk = match this.trickle {
            None => this.remaining.len(),
            Some((chunk, interval)) => {
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(interval)));
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.sleep = None;
                chunk.max(1)
            }
        };
        let data = this.remaining.split_to(chunk.min(this.remaining.len()));
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining.is_empty() && !self.fail_at_end
    }

    fn size_hint(&self) -> SizeHint {
        if self.fail_at_end {
            SizeHint::default()
        } else {
            SizeHint::with_exact(self.remaining.len() as u64)
        }
    }
}
