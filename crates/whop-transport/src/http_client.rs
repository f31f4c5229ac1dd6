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

use bytes::{Bytes, BytesMut};
use http::{Method, Request, Response};
use http_body_util::{Full, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use tower::Service;

use crate::error::{Error, ErrorKind, RequestSent};
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
        if let Err(refused) = check_base_url(req.uri()) {
            return HttpClientFuture {
                state: State::Refused(Some(refused)),
            };
        }
        // A HEAD response declares the length of a body it does not carry.
        let limit = BodyLimit {
            max: self.inner.max_body_bytes,
            check_declared: req.method() != Method::HEAD,
        };
        let response = self.inner.client.request(req.map(Full::new));
        HttpClientFuture {
            state: State::Sending { response, limit },
        }
    }
}

/// The future of [`HttpClient`]: the response head, then its body collected under the cap.
///
/// Written out by hand rather than boxed: hyper-util's response future is boxed already, and a
/// second box per call would be one more allocation for nothing.
pub struct HttpClientFuture {
    state: State,
}

impl std::fmt::Debug for HttpClientFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClientFuture")
    }
}

// Boxing the large variant would bring back the allocation this future exists to avoid.
#[allow(clippy::large_enum_variant)]
enum State {
    Refused(Option<Error>),
    Sending {
        response: hyper_util::client::legacy::ResponseFuture,
        limit: BodyLimit,
    },
    Collecting {
        parts: Option<http::response::Parts>,
        body: Limited<Incoming>,
        collected: Collected,
        limit: usize,
    },
}

/// The body so far. Collected by hand rather than with `BodyExt::collect`: a response of one
/// frame (the usual one) is that frame's bytes as they are, with no list of frames to keep.
#[derive(Default)]
enum Collected {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn push(&mut self, data: Bytes) {
        *self = match std::mem::take(self) {
            Collected::Empty => Collected::One(data),
            Collected::One(first) => {
                let mut many = BytesMut::with_capacity(first.len() + data.len());
                many.extend_from_slice(&first);
                many.extend_from_slice(&data);
                Collected::Many(many)
            }
            Collected::Many(mut many) => {
                many.extend_from_slice(&data);
                Collected::Many(many)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Collected::Empty => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(many) => many.freeze(),
        }
    }
}

impl Future for HttpClientFuture {
    type Output = Result<Response<Bytes>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            match &mut self.state {
                State::Refused(refused) => {
                    return Poll::Ready(Err(refused
                        .take()
                        .expect("HttpClientFuture polled after completion")));
                }
                State::Sending { response, limit } => {
                    let limit = *limit;
                    let response = match std::task::ready!(Pin::new(response).poll(cx)) {
                        Ok(response) => response,
                        Err(e) => return Poll::Ready(Err(classify_request_error(e))),
                    };
                    let (parts, body) = response.into_parts();
                    if limit.check_declared && declared_length(&body) > Some(limit.max as u64) {
                        return Poll::Ready(Err(too_large(limit.max, parts.status)));
                    }
                    self.state = State::Collecting {
                        parts: Some(parts),
                        body: Limited::new(body, limit.max),
                        collected: Collected::Empty,
                        limit: limit.max,
                    };
                }
                State::Collecting {
                    parts,
                    body,
                    collected,
                    limit,
                } => {
                    let failure = loop {
                        match std::task::ready!(Pin::new(&mut *body).poll_frame(cx)) {
                            // Trailers are not kept (nor were they by `Collected::to_bytes`).
                            Some(Ok(frame)) => {
                                if let Ok(data) = frame.into_data()
                                    && !data.is_empty()
                                {
                                    collected.push(data);
                                }
                            }
                            Some(Err(e)) => break Some(e),
                            None => break None,
                        }
                    };
                    let parts = parts
                        .take()
                        .expect("HttpClientFuture polled after completion");
                    return Poll::Ready(match failure {
                        None => Ok(Response::from_parts(
                            parts,
                            std::mem::take(collected).into_bytes(),
                        )),
                        Some(e) if e.is::<LengthLimitError>() => {
                            Err(too_large(*limit, parts.status))
                        }
                        Some(e) => {
                            Err(Error::new(ErrorKind::Body, RequestSent::MaybeSent, Some(e))
                                .with_status(parts.status))
                        }
                    });
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
struct BodyLimit {
    max: usize,
    check_declared: bool,
}

/// The body length the response head declares, if it declares one: hyper has parsed and checked
/// `Content-Length` already, and says it as the body's exact size.
fn declared_length(body: &Incoming) -> Option<u64> {
    body.size_hint().exact()
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
