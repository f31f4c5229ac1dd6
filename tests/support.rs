//! Shared set-up for the workspace tests: a `whop-mock` API served on loopback and clients of the
//! default stack pointed at it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::future::Future;
use std::time::Duration;

use whop_client::{Client, PacingConfig, RetryConfig, Token};
use whop_mock::{MockMembership, MockServer, MockWhop, MockWhopBuilder};

/// The company key every harness's mock accepts.
pub const COMPANY_KEY: &str = "test_company_key";
/// The user token every harness's mock accepts, for [`USER_ID`].
pub const USER_TOKEN: &str = "test_user_token";
/// The user [`USER_TOKEN`] belongs to.
pub const USER_ID: &str = "user_test000000001";

/// A mock served on loopback and two clients over the default transport: one with the company key
/// (v2) and one derived from it with the user's token (v5), sharing its connection pool.
pub struct Harness {
    /// The running mock server; dropped (and stopped) with the harness.
    pub server: MockServer,
    /// The mock's state, for assertions and fault injection.
    pub mock: MockWhop,
    /// A client with [`COMPANY_KEY`].
    pub company: Client,
    /// The same client with [`USER_TOKEN`].
    pub user: Client,
}

/// The membership most tests use: `mem_1`, owned by [`USER_ID`], license key `K-1`.
pub fn sample_membership() -> MockMembership {
    MockMembership::new("mem_1")
        .user(USER_ID)
        .license_key("K-1")
}

/// A mock with the test tokens and no rate limits, for `customise` to seed.
pub fn mock_builder() -> MockWhopBuilder {
    MockWhop::builder()
        .company_token(COMPANY_KEY)
        .user_token(USER_TOKEN, USER_ID)
        .no_rate_limits()
}

/// Retries as the default, with short waits so tests stay fast.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::default()
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(20))
        .no_budget()
}

impl Harness {
    /// Serves `mock` on loopback and builds both clients with [`fast_retries`].
    ///
    /// # Panics
    /// When the server cannot start or the client cannot be built: the test cannot run.
    pub async fn start(mock: MockWhop) -> Harness {
        Harness::start_with(mock, fast_retries()).await
    }

    /// Serves `mock` on loopback and builds both clients with `retry`.
    ///
    /// # Panics
    /// When the server cannot start or the client cannot be built: the test cannot run.
    pub async fn start_with(mock: MockWhop, retry: RetryConfig) -> Harness {
        let server = mock.serve().await.expect("mock server starts on loopback");
        let company = Client::builder()
            .transport(|t| {
                t.base_url(server.base_url())
                    .token(Token::new(COMPANY_KEY).expect("valid token"))
                    .retry(retry)
                    .attempt_timeout(Duration::from_secs(2))
                    .deadline(Duration::from_secs(5))
                    .pacing(PacingConfig::disabled())
            })
            .build()
            .expect("client builds");
        let user = company.with_token(&Token::new(USER_TOKEN).expect("valid token"));
        Harness {
            server,
            mock,
            company,
            user,
        }
    }
}

/// Runs a test body with a bound on its time, so a hang fails instead of stalling CI.
///
/// # Panics
/// When `test` takes longer than 10 s.
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), test)
        .await
        .expect("test finished within 10 s")
}

/// A scripted raw-TCP server on `127.0.0.1:0`, for the faults an HTTP server library will not
/// produce: resets, a head that never ends, a body shorter than its `Content-Length`.
///
/// Every connection reads the request head (recorded in [`RawServer::received`]), then plays the
/// [`RawReply`], then reads until the client closes its side, so [`RawServer::open`] drops to zero
/// only when the client has let go of every connection. Dropping the server aborts everything.
pub struct RawServer {
    addr: std::net::SocketAddr,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    open: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    received: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

/// What a [`RawServer`] does after reading a request head.
#[derive(Clone, Debug)]
pub enum RawReply {
    /// Reset the connection (RST, `SO_LINGER` 0) without a byte of response.
    ResetBeforeResponse,
    /// Write these bytes, then reset the connection.
    ResetAfter(&'static [u8]),
    /// Write these bytes, then close the write side (FIN) and wait for the client to close.
    CloseAfter(&'static [u8]),
    /// Write these bytes, then wait (up to 30 s) for the client to close.
    StallAfter(&'static [u8]),
}

impl RawServer {
    /// Starts the server; every connection gets `reply`.
    ///
    /// # Panics
    /// When loopback cannot be bound: the test cannot run.
    pub async fn start(reply: RawReply) -> RawServer {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (a, o, r) = (accepted.clone(), open.clone(), received.clone());
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        a.fetch_add(1, Ordering::SeqCst);
                        o.fetch_add(1, Ordering::SeqCst);
                        let (o, r, reply) = (o.clone(), r.clone(), reply.clone());
                        connections.spawn(async move {
                            play(stream, reply, &r).await;
                            o.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        RawServer {
            addr,
            accepted,
            open,
            received,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Connections not yet closed by both sides.
    pub fn open(&self) -> usize {
        self.open.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every byte received, all connections together.
    pub fn received(&self) -> Vec<u8> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// Waits (at most `limit`) until every connection is closed; `true` if they all were.
    pub async fn all_closed_within(&self, limit: Duration) -> bool {
        eventually(limit, || self.open() == 0).await
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn play(
    mut stream: tokio::net::TcpStream,
    reply: RawReply,
    received: &std::sync::Mutex<Vec<u8>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 1 << 20 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    received
        .lock()
        .expect("not poisoned")
        .extend_from_slice(&head);
    let reset = |stream: tokio::net::TcpStream| {
        // Linger 0 makes the close an RST; it never blocks, unlike a positive linger.
        let _ = stream.set_zero_linger();
        drop(stream);
    };
    match reply {
        RawReply::ResetBeforeResponse => return reset(stream),
        RawReply::ResetAfter(bytes) => {
            let _ = stream.write_all(bytes).await;
            let _ = stream.flush().await;
            // Give the bytes a moment to leave before the RST overtakes them.
            tokio::time::sleep(Duration::from_millis(20)).await;
            return reset(stream);
        }
        RawReply::CloseAfter(bytes) => {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        }
        RawReply::StallAfter(bytes) => {
            let _ = stream.write_all(bytes).await;
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// Polls `condition` every 5 ms until it holds or `limit` passes; `true` if it held.
pub async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let until = tokio::time::Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Tasks alive in the current Tokio runtime (every spawned task not yet finished), for leak
/// checks: a test's own body is not a task, so a test that has dropped everything it started sees
/// zero.
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}
