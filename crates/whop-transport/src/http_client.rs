//! The innermost service: hyper-util's pooled client over rustls, with the body collected under a
//! size cap.
//!
//! A *connector* opens connections: TCP (with a connect timeout), then TLS by rustls, whose ALPN
//! offers HTTP/1.1 (and HTTP/2 first, with the `http2` feature, so the server picks). The hyper-util client keeps idle connections in
//! a pool and reuses them; its idle timeout only works when the pool has a timer, which we set.
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
use http::header::CONTENT_LENGTH;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use tower::Service;

use crate::error::{Error, ErrorKind, RequestSent};
use crate::url_policy::check_base_url;

/// The hyper-util client type underneath [`HttpClient`].
pub type HyperClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The future of [`HttpClient`] (boxed, like hyper-util's own response future).
pub type HttpClientFuture =
    Pin<Box<dyn Future<Output = Result<Response<Bytes>, Error>> + Send + 'static>>;

/// Sends a request over the pooled hyper-util client and collects the body under a cap. Cheap to
/// clone: clones share the pool. Build one with
/// [`TransportBuilder::build_http_client`](crate::TransportBuilder::build_http_client) or wrap your
/// own hyper-util client with [`HttpClient::new`].
#[derive(Clone, Debug)]
pub struct HttpClient {
    // Behind one `Arc`: hyper-util's client is several hundred bytes and a dozen reference counts,
    // and every call clones the service (the client's `oneshot`, the retry layer) and carries a
    // clone in its future. One pointer is cheaper to clone and to move.
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
        if let Err(refused) = check_base_url(req.uri()) {
            return Box::pin(std::future::ready(Err(refused)));
        }
        // A HEAD response declares the length of a body it does not carry.
        let limit = BodyLimit {
            max: self.inner.max_body_bytes,
            check_declared: req.method() != Method::HEAD,
        };
        let response = self.inner.client.request(req.map(Full::new));
        Box::pin(async move {
            let response = response.await.map_err(classify_request_error)?;
            collect_body(response, limit).await
        })
    }
}

#[derive(Clone, Copy)]
struct BodyLimit {
    max: usize,
    check_declared: bool,
}

async fn collect_body(
    response: Response<Incoming>,
    BodyLimit {
        max: limit,
        check_declared,
    }: BodyLimit,
) -> Result<Response<Bytes>, Error> {
    let (parts, body) = response.into_parts();
    let too_large = |status| {
        Error::new(
            ErrorKind::BodyTooLarge { limit },
            RequestSent::MaybeSent,
            None,
        )
        .with_status(status)
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if check_declared && declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(parts.status));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(Response::from_parts(parts, collected.to_bytes())),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large(parts.status)),
        Err(e) => {
            Err(Error::new(ErrorKind::Body, RequestSent::MaybeSent, Some(e))
                .with_status(parts.status))
        }
    }
}

/// Maps hyper-util's error to ours, deciding conservatively whether the request may have left.
fn classify_request_error(error: hyper_util::client::legacy::Error) -> Error {
    // A TLS failure happens during connect, before any request byte is written.
    if chain(&error).any(is_rustls_error) {
        return Error::not_sent(ErrorKind::Tls, error);
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
fn is_rustls_error(error: &(dyn StdError + 'static)) -> bool {
    if error.is::<rustls::Error>() {
        return true;
    }
    match error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => is_rustls_error(inner),
        None => false,
    }
}
