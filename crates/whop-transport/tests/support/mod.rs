//! Loopback test servers, started by a test and stopped when dropped.
//!
//! Each server listens on `127.0.0.1:0`, counts accepted connections and requests, records the
//! headers of each request, and answers through a handler given the request's index (0-based).

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// Answers request number `index` (0-based) of the server.
pub type Handler = Arc<dyn Fn(usize, &Request<Incoming>) -> Response<Full<Bytes>> + Send + Sync>;

/// A running test server. Dropping it stops the accept loop and every connection.
pub struct TestServer {
    pub addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    closed: Arc<AtomicUsize>,
    headers: Arc<Mutex<Vec<HeaderMap>>>,
    task: JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `https://127.0.0.1:<port><path>`.
    pub fn https_url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }

    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections that have ended (closed by the client or failed).
    pub fn closed(&self) -> usize {
        self.closed.load(Ordering::SeqCst)
    }

    /// The headers of every request received, in order.
    pub fn headers(&self) -> Vec<HeaderMap> {
        self.headers.lock().expect("not poisoned").clone()
    }
}

/// A handler that answers every request with `status` and an empty body.
pub fn status(code: u16) -> Handler {
    Arc::new(move |_, _| response(code, &[], ""))
}

/// A response with `code`, `headers` and `body`.
pub fn response(code: u16, headers: &[(&str, &str)], body: &str) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(code);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        .expect("valid test response")
}

/// An HTTP/1.1 and HTTP/2 (prior knowledge) server over plain TCP.
pub async fn serve(handler: Handler) -> TestServer {
    start(None, handler).await
}

/// The same over TLS with `cert` and `key`, offering h2 and http/1.1 by ALPN.
pub async fn serve_tls(tls: &TestCert, handler: Handler) -> TestServer {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default versions")
    .with_no_client_auth()
    .with_single_cert(vec![tls.leaf.clone()], tls.key())
    .expect("valid test certificate");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    start(Some(TlsAcceptor::from(Arc::new(config))), handler).await
}

async fn start(tls: Option<TlsAcceptor>, handler: Handler) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    let accepts = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let headers = Arc::new(Mutex::new(Vec::new()));
    let closed = Arc::new(AtomicUsize::new(0));
    let (a, r, h, c) = (
        accepts.clone(),
        requests.clone(),
        headers.clone(),
        closed.clone(),
    );
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            a.fetch_add(1, Ordering::SeqCst);
            let (r, h, c, handler, tls) = (
                r.clone(),
                h.clone(),
                c.clone(),
                handler.clone(),
                tls.clone(),
            );
            connections.spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let index = r.fetch_add(1, Ordering::SeqCst);
                    h.lock().expect("not poisoned").push(req.headers().clone());
                    let response = handler(index, &req);
                    async move { Ok::<_, Infallible>(response) }
                });
                let builder = auto::Builder::new(TokioExecutor::new());
                match tls {
                    Some(tls) => {
                        if let Ok(stream) = tls.accept(stream).await {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                    }
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
                c.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    TestServer {
        addr,
        accepts,
        requests,
        closed,
        headers,
        task,
    }
}

/// A server that accepts connections, reads whatever comes, and never answers.
pub async fn silent() -> TestServer {
    raw(None).await
}

/// A server that answers every connection's first request with the raw bytes `reply`, then
/// closes it.
pub async fn raw_reply(reply: &'static [u8]) -> TestServer {
    raw(Some(reply)).await
}

async fn raw(reply: Option<&'static [u8]>) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    let accepts = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (a, r) = (accepts.clone(), requests.clone());
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            a.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            connections.spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut seen = Vec::new();
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                    if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        r.fetch_add(1, Ordering::SeqCst);
                        if let Some(reply) = reply {
                            let _ = stream.write_all(reply).await;
                            let _ = stream.shutdown().await;
                            return;
                        }
                        seen.clear();
                    }
                }
            });
        }
    });
    TestServer {
        addr,
        accepts,
        requests,
        closed: Arc::default(),
        headers: Arc::default(),
        task,
    }
}

/// A test CA and a leaf certificate it signed for `localhost` and `127.0.0.1`.
pub struct TestCert {
    pub ca: CertificateDer<'static>,
    pub leaf: CertificateDer<'static>,
    key: Vec<u8>,
}

impl TestCert {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("generate CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().expect("generate leaf key");
        let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &issuer)
            .expect("sign leaf");
        Self {
            ca: ca.der().clone(),
            leaf: leaf.der().clone(),
            key: leaf_key.serialize_der(),
        }
    }

    fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()))
    }
}

/// A loopback port with nothing listening on it.
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    drop(listener);
    addr
}
