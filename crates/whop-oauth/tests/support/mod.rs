//! A tiny OAuth server on loopback for the tests: each request is recorded (method, path, headers,
//! body) and answered by the test's function with a status and a JSON body.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use whop_oauth::{ClientAuth, HttpService, OAuthClient, OAuthClientBuilder};
use whop_transport::{BaseUrl, Transport};

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: http::Method,
    pub path: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    /// The form-encoded body as a map.
    pub fn form(&self) -> HashMap<String, String> {
        whop_oauth::oauth2::url::form_urlencoded::parse(&self.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

type Handler = dyn Fn(&Recorded) -> (u16, String) + Send + Sync;

pub struct OAuthServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl OAuthServer {
    /// A server answering with `handler`, each answer after `delay` (to let concurrent callers
    /// pile up).
    pub async fn start(
        delay: Duration,
        handler: impl Fn(&Recorded) -> (u16, String) + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = tokio::spawn({
            let seen = Arc::clone(&seen);
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let seen = Arc::clone(&seen);
                    let handler = Arc::clone(&handler);
                    tokio::spawn(async move {
                        let service = service_fn(move |req: http::Request<Incoming>| {
                            let seen = Arc::clone(&seen);
                            let handler = Arc::clone(&handler);
                            async move {
                                let (parts, body) = req.into_parts();
                                let body = body.collect().await.unwrap().to_bytes();
                                let recorded = Recorded {
                                    method: parts.method,
                                    path: parts.uri.path().to_owned(),
                                    headers: parts.headers,
                                    body,
                                };
                                seen.lock().unwrap().push(recorded.clone());
                                tokio::time::sleep(delay).await;
                                let (status, body) = handler(&recorded);
                                Ok::<_, Infallible>(
                                    http::Response::builder()
                                        .status(status)
                                        .header("content-type", "application/json")
                                        .body(Full::new(Bytes::from(body)))
                                        .unwrap(),
                                )
                            }
                        });
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        });
        Self { addr, seen, task }
    }

    pub fn base_url(&self) -> BaseUrl {
        BaseUrl::parse(&format!("http://{}/api", self.addr)).unwrap()
    }

    /// Every request received so far, in order.
    pub fn seen(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests went to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|r| r.path == path).count()
    }

    /// A client of the app `app_test`, public unless `auth` says otherwise, over whop-transport's
    /// own HTTP client.
    pub fn client(&self, auth: ClientAuth) -> OAuthClient {
        self.builder().client_auth(auth).build().unwrap()
    }

    /// A builder for the app `app_test` at this server, over whop-transport's own HTTP client.
    pub fn builder(&self) -> OAuthClientBuilder {
        let http = HttpService::new(Transport::builder().build_http_client().unwrap());
        OAuthClient::builder(CLIENT_ID, REDIRECT_URI)
            .base_url(self.base_url())
            .http(http)
    }
}

pub const CLIENT_ID: &str = "app_test";
pub const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

/// A token response body.
pub fn token_body(access: &str, refresh: &str, expires_in: u64) -> String {
    format!(
        r#"{{"access_token":"{access}","refresh_token":"{refresh}","token_type":"Bearer","expires_in":{expires_in}}}"#
    )
}

/// An OAuth error body.
pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}
