//! The innermost service: hyper-util's pooled client over rustls, with the body collected under a
//! size cap.
//!
//! A *connector* opens connections: TCP (with a connect timeout), then TLS by rustls, whose ALPN
//! offers HTTP/1.1 (and HTTP/2 first, with the `http2` feature, so the server picks). The
//! hyper-util client keeps idle connections in a pool and reuses them; its idle timeout only works
//! when the pool has a timer, which we set.
//! hyper-util does not follow redirects, and neither does any layer here: a 3xx is returned.
//!
//! Every request is checked against the [base URL policy](crate::check_base_url) before anything
//! is sent. The response body is read to the end into one `Bytes`, refusing anything over the cap
//! ([`ErrorKind::BodyTooLarge`]): a declared `Content-Length` over the cap is refused before
//! reading, and a chunked body is counted while it arrives.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use tower::{BoxError, Service};

use crate::error::{Error, ErrorKind, RequestSent};
use crate::tls::VersionMismatch;
use crate::url_policy::check_base_url;

/// The hyper-util client type underneath [`HttpClient`].
pub type HyperClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Sends a request over the pooled hyper-util client and collects the body under a cap. Cheap to
/// clone: clones share the pool. Build one with
/// [`TransportBuilder::build_http_client`](crate::TransportBuilder::build_http_client) or wrap your
/// own hyper-util client with [`HttpClient::new`].
#[derive(Clone, Debug)]
pub struct HttpClient {
    // Behind one `Arc`: hyper-util's client is several hundred bytes and a dozen reference counts,
    // and every call clones the service (for the retry layer) and carries the clone in its
    // future. One pointer is cheaper to clone and to move.
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: HyperClient,
    max_body_bytes: usize,
}

impl HttpClient {
    /// Wraps `client`, refusing response bodies over `max_body_bytes`.
    pub fn new(client: HyperClient, max_body_bytes: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                max_body_bytes,
            }),
        }
    }
}

impl Service<Request<Bytes>> for HttpClient {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = HttpClientFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // hyper-util's client is always ready: it queues on its pool, not here.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            check_base_url(req.uri())?;
            let max = inner.max_body_bytes;
            // A HEAD response declares the length of a body it does not carry.
            let check_declared = req.method() != Method::HEAD;
            let (parts, body) = inner
                .client
                .request(req.map(Full::new))
                .await
                .map_err(classify_request_error)?
                .into_parts();
            if check_declared && declared_length(&body) > Some(max as u64) {
                return Err(too_large(max, parts.status));
            }
            // Trailers are not kept.
            let body = Limited::new(body, max)
                .collect()
                .await
                .map_err(|e| body_error(e, max, parts.status))?
                .to_bytes();
            Ok(Response::from_parts(parts, body))
        })
    }
}

/// The future of [`HttpClient`]: the response head, then its body collected under the cap (boxed,
/// like hyper-util's own response future).
pub type HttpClientFuture = Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send>>;

/// The body length the response head declares, if it declares one: hyper has parsed and checked
/// `Content-Length` already, and says it as the body's exact size.
fn declared_length(body: &Incoming) -> Option<u64> {
    body.size_hint().exact()
}

/// A failure while reading the body: over the cap (counted while it arrives), or a read error.
fn body_error(error: BoxError, limit: usize, status: http::StatusCode) -> Error {
    if error.is::<LengthLimitError>() {
        too_large(limit, status)
    } else {
        Error::new(ErrorKind::Body, RequestSent::MaybeSent, Some(error)).with_status(status)
    }
}

fn too_large(limit: usize, status: http::StatusCode) -> Error {
    Error::new(
        ErrorKind::BodyTooLarge { limit },
        RequestSent::MaybeSent,
        None,
    )
    .with_status(status)
}

/// Maps hyper-util's error to ours, deciding conservatively whether the request may have left.
fn classify_request_error(error: hyper_util::client::legacy::Error) -> Error {
    // A TLS failure happens during connect, before any request byte is written.
    let tls = chain(&error).find_map(rustls_error).cloned();
    if let Some(tls) = tls {
        // A version failure says in words what each side offered (its `Display` is part of ours).
        let source: BoxError = match VersionMismatch::of(&tls, Box::new(error)) {
            Ok(mismatch) => Box::new(mismatch),
            Err(error) => error,
        };
        return Error::not_sent(ErrorKind::Tls, source);
    }
    if error.is_connect() {
        return Error::not_sent(ErrorKind::Connect, error);
    }
    let kind = chain(&error)
        .find_map(|e| {
            if let Some(h) = e.downcast_ref::<hyper::Error>() {
                if h.is_timeout() {
                    Some(ErrorKind::Timeout)
                } else if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                    Some(ErrorKind::ConnectionClosed)
                } else if h.is_user() {
                    Some(ErrorKind::InvalidRequest)
                } else {
                    None
                }
            } else if e.is::<std::io::Error>() {
                Some(ErrorKind::Io)
            } else {
                None
            }
        })
        .unwrap_or(ErrorKind::Other);
    Error::maybe_sent(kind, Some(Box::new(error)))
}

fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |e: &&'a (dyn StdError + 'static)| {
        (*e).source()
    })
}

/// `std::io::Error::source` skips the error it wraps (and hyper-rustls wraps rustls's error in two
/// io errors), so look inside io errors explicitly.
fn rustls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    rustls_error(error.downcast_ref::<std::io::Error>()?.get_ref()?)
}
