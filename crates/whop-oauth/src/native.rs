//! Native apps (RFC 8252): sign in from a desktop app or a terminal through the system browser
//! and a loopback redirect. Feature `native` (and `browser` for [`OpenUrl::System`]).
//!
//! [`LoopbackRedirect::bind`] listens on `127.0.0.1` on an ephemeral port; its
//! [`redirect_uri`](LoopbackRedirect::redirect_uri) (`http://127.0.0.1:<port>/callback`) is the
//! one to build the [`OAuthClient`] with. [`LoopbackRedirect::sign_in`] shows the authorization
//! URL (opens the browser, or prints it for an SSH session), waits for the one request to
//! `/callback`, answers it with a small "you can close this tab" page, and finishes the sign-in.
//!
//! ```no_run
//! # #[cfg(feature = "browser")]
//! # async fn run() -> Result<(), whop_oauth::Error> {
//! use whop_oauth::OAuthClient;
//! use whop_oauth::native::{LoopbackRedirect, OpenUrl};
//!
//! let redirect = LoopbackRedirect::bind().await?;
//! let client = OAuthClient::builder("app_xxx", redirect.redirect_uri()).build()?;
//! let signed_in = redirect.sign_in(&client, client.authorize(), OpenUrl::System).await?;
//! # let _ = signed_in;
//! # Ok(())
//! # }
//! ```
//!
//! Whop matches redirect URIs exactly, and whether it lets a loopback URI match on any port (as
//! RFC 8252 §7.3 asks) is not documented: register the URI you use. For a fixed registered port,
//! [`LoopbackRedirect::bind_port`].
//!
//! Only the first `GET` to the callback path is taken; any other request gets a 404 and the
//! listener keeps waiting. The listener is bound to `127.0.0.1`, so only this machine can reach it.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::{AuthorizeRequest, Callback, Error, OAuthClient, SignedIn};

/// The path of the redirect URI the listener serves.
pub const CALLBACK_PATH: &str = "/callback";

/// How long [`LoopbackRedirect`] waits for the browser unless told otherwise: five minutes, time
/// to sign in and consent (Whop's codes live ten).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// How long the page of a taken callback may take to reach the browser before the listener
/// stops anyway.
const PAGE_FLUSH: Duration = Duration::from_secs(2);

/// The page the browser shows once the callback is taken.
const DONE_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Signed in \
    with Whop</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>You can close \
    this tab</h1><p>The sign-in went back to the application that asked for it.</p></body></html>";

/// What went wrong with the loopback listener.
#[derive(Debug)]
#[non_exhaustive]
pub enum NativeError {
    /// The listener could not be bound to `127.0.0.1` (a fixed port already taken).
    Bind(io::Error),
    /// No callback arrived within the wait.
    Timeout(Duration),
    /// Accepting a connection failed.
    Accept(io::Error),
    /// The system browser could not be opened (feature `browser`).
    Browser(io::Error),
}

impl fmt::Display for NativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(e) => write!(
                f,
                "cannot listen on 127.0.0.1 for the sign-in redirect: {e}"
            ),
            Self::Timeout(wait) => write!(
                f,
                "no sign-in came back within {} s: the browser never reached the redirect",
                wait.as_secs()
            ),
            Self::Accept(e) => write!(f, "the sign-in redirect listener failed: {e}"),
            Self::Browser(e) => write!(f, "cannot open the browser: {e}"),
        }
    }
}

impl std::error::Error for NativeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(e) | Self::Accept(e) | Self::Browser(e) => Some(e),
            Self::Timeout(_) => None,
        }
    }
}

impl From<NativeError> for Error {
    fn from(e: NativeError) -> Self {
        Error::Native(e)
    }
}

/// How the authorization URL reaches the user.
#[non_exhaustive]
pub enum OpenUrl {
    /// The system browser (feature `browser`: the `open` crate, i.e. `xdg-open`, macOS's `open`,
    /// Windows' `ShellExecute`). If it cannot be started, the URL is printed on stderr instead.
    #[cfg(feature = "browser")]
    System,
    /// Printed on stderr, for the user to open (an SSH session, a machine with no browser).
    Print,
    /// Handed to this function (to show in the app's own window, or print in your own words).
    With(Box<dyn FnOnce(&str) + Send>),
}

impl fmt::Debug for OpenUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            #[cfg(feature = "browser")]
            Self::System => "System",
            Self::Print => "Print",
            Self::With(_) => "With(..)",
        })
    }
}

impl OpenUrl {
    fn show(self, url: &str) {
        match self {
            #[cfg(feature = "browser")]
            Self::System => {
                if let Err(e) = open::that_detached(url) {
                    eprintln!(
                        "{}; open this URL to sign in:\n{url}",
                        NativeError::Browser(e)
                    );
                }
            }
            Self::Print => eprintln!("Open this URL in a browser to sign in:\n{url}"),
            Self::With(show) => show(url),
        }
    }
}

/// A listener on `127.0.0.1` waiting for the browser to come back with the sign-in's callback.
#[derive(Debug)]
pub struct LoopbackRedirect {
    listener: TcpListener,
    port: u16,
    wait: Duration,
}

impl LoopbackRedirect {
    /// Listens on `127.0.0.1` on a port the system picks.
    ///
    /// # Errors
    /// [`NativeError::Bind`].
    pub async fn bind() -> Result<Self, NativeError> {
        Self::bind_port(0).await
    }

    /// Listens on `127.0.0.1:port` (a port registered with the app, when the server matches
    /// redirect URIs exactly).
    ///
    /// # Errors
    /// [`NativeError::Bind`] (the port is taken).
    pub async fn bind_port(port: u16) -> Result<Self, NativeError> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(NativeError::Bind)?;
        let port = listener.local_addr().map_err(NativeError::Bind)?.port();
        Ok(Self {
            listener,
            port,
            wait: DEFAULT_WAIT,
        })
    }

    /// Waits `wait` for the callback instead of [`DEFAULT_WAIT`].
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The redirect URI to build the [`OAuthClient`] with: `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Shows the URL of `request` with `open`, waits for the callback and finishes the sign-in
    /// with `client`.
    ///
    /// # Errors
    /// [`Error::Config`] if `client` was not built with this listener's
    /// [`redirect_uri`](Self::redirect_uri); [`Error::Native`] ([`NativeError::Timeout`] when no
    /// callback came); then [`OAuthClient::finish`]'s errors.
    pub async fn sign_in(
        self,
        client: &OAuthClient,
        request: AuthorizeRequest<'_>,
        open: OpenUrl,
    ) -> Result<SignedIn, Error> {
        let expected = self.redirect_uri();
        let configured = client.protocol.redirect_uri().map(|u| u.as_str());
        if configured != Some(expected.as_str()) {
            return Err(Error::Config(format!(
                "the client's redirect URI is not the listener's {expected}: build the client \
                 with LoopbackRedirect::redirect_uri"
            )));
        }
        let pending = request.start();
        open.show(pending.url());
        let callback = self.callback().await?;
        client.finish(pending, &callback).await
    }

    /// Waits for the first `GET` to the callback path and returns its query; every other request
    /// gets a 404.
    ///
    /// # Errors
    /// [`NativeError::Timeout`], [`NativeError::Accept`].
    pub async fn callback(self) -> Result<Callback, NativeError> {
        let (sender, mut received) = oneshot::channel::<Callback>();
        let sender = Arc::new(Mutex::new(Some(sender)));
        let mut connections = JoinSet::new();
        let accept = async {
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted.map_err(NativeError::Accept)?;
                        let sender = Arc::clone(&sender);
                        let service = service_fn(move |r| answer(r, Arc::clone(&sender)));
                        connections.spawn(async move {
                            // A browser that hangs up early costs nothing: the wait goes on.
                            let _ = hyper::server::conn::http1::Builder::new()
                                .keep_alive(false)
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                    callback = &mut received => {
                        // The sender lives in `sender` until a callback is sent.
                        if let Ok(callback) = callback {
                            return Ok(callback);
                        }
                    }
                }
            }
        };
        let callback = tokio::time::timeout(self.wait, accept)
            .await
            .map_err(|_| NativeError::Timeout(self.wait))?;
        // Let the page reach the browser before the connections are dropped.
        let _ = tokio::time::timeout(PAGE_FLUSH, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        callback
    }
}

type Sender = Arc<Mutex<Option<oneshot::Sender<Callback>>>>;

/// Takes the first `GET /callback`; answers everything else 404.
async fn answer(
    request: Request<Incoming>,
    sender: Sender,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let is_callback = request.method() == Method::GET && request.uri().path() == CALLBACK_PATH;
    let taken = is_callback
        && sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some_and(|sender| {
                let query = request.uri().query().unwrap_or_default();
                sender.send(Callback::from_query(query)).is_ok()
            });
    let (status, body) = if taken {
        (StatusCode::OK, DONE_PAGE)
    } else {
        (StatusCode::NOT_FOUND, "Not found")
    };
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    let content_type = if taken {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    // The page must not be kept: its URL held the code.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
