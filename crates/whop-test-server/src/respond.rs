//! The HTTP mode: hyper speaks HTTP/1.1 or HTTP/2, a function of yours picks each response.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response, request};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};

use super::{ScriptedServer, Seen};

/// Picks the response to request number `n` (0-based, counted across connections) from `n` and
/// the request's head.
pub(super) type Respond = Arc<dyn Fn(usize, &request::Parts) -> Response<Bytes> + Send + Sync>;

impl ScriptedServer {
    /// Serves HTTP/1.1 and HTTP/2 (prior knowledge) over plain TCP, answering each request with
    /// `respond(n, &head)`. The request body is not read.
    ///
    /// ```
    /// use whop_test_server::{ScriptedServer, response};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let server = ScriptedServer::http(|n, _| match n {
    ///     0 => response(429, &[("retry-after", "1")], ""),
    ///     _ => response(200, &[("content-type", "application/json")], "{}"),
    /// })
    /// .await?;
    /// # drop(server);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// If binding the loopback port fails.
    pub async fn http(
        respond: impl Fn(usize, &request::Parts) -> Response<Bytes> + Send + Sync + 'static,
    ) -> std::io::Result<ScriptedServer> {
        let respond: Respond = Arc::new(respond);
        ScriptedServer::start(
            "http",
            Arc::new(move |stream, _index, seen| {
                Box::pin(serve_connection(stream, seen, Arc::clone(&respond)))
            }),
        )
        .await
    }
}

/// Serves one connection (plain or TLS) until the client closes it.
pub(super) async fn serve_connection<I>(io: I, seen: Arc<Seen>, respond: Respond)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request: Request<Incoming>| {
        let (head, _body) = request.into_parts();
        let index = seen.request(head.headers.clone());
        let response = respond(index, &head).map(Full::new);
        async move { Ok::<_, Infallible>(response) }
    });
    // A connection error (the client reset it, a bad request) just ends the connection.
    let _ = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(io), service)
        .await;
}

/// A response with `status`, `headers` and `body`, for [`ScriptedServer::http`].
///
/// # Panics
/// When `status` is not a valid status code (100-999) or a header name or value is invalid: the
/// script is wrong.
#[must_use]
pub fn response(status: u16, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Response<Bytes> {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(body.into())
        .expect("a valid scripted response")
}
