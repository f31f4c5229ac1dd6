//! Shared set-up: whop-mock on loopback, a license server over it with a manual clock, and
//! requests sent to the server's router in process.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use whop_client::{Client, PacingConfig, RetryConfig, Token};
use whop_license::{License, SigningKey, SigningKeys};
use whop_license_server::store::Store;
use whop_license_server::{LicenseServer, ManualClock, ServerBuilder};
use whop_mock::{MockMembership, MockServer, MockWhop, MockWhopBuilder};

pub const COMPANY_KEY: &str = "test_company_key";

/// A mock with the company key and no rate limits, for a test to seed.
pub fn mock_builder() -> MockWhopBuilder {
    MockWhop::builder()
        .company_token(COMPANY_KEY)
        .no_rate_limits()
}

/// An active membership `mem_<n>` with license key `KEY-<n>`, bound to `hwid` if given.
pub fn membership(n: usize, hwid: Option<&str>) -> MockMembership {
    let m = MockMembership::new(format!("mem_{n:08}")).license_key(license_key(n));
    match hwid {
        Some(hwid) => m.metadata(json!({ "hwid": hwid })),
        None => m,
    }
}

pub fn license_key(n: usize) -> String {
    format!("KEY-{n:06}-SECRETPART")
}

pub fn hardware_id(n: usize) -> String {
    format!("HWID-{n:06}-MACHINE")
}

/// A world of `keys` memberships, each bound to its [`hardware_id`].
pub fn bound_world(keys: usize) -> MockWhopBuilder {
    (0..keys).fold(mock_builder(), |world, n| {
        world.membership(membership(n, Some(&hardware_id(n))))
    })
}

pub struct Setup {
    pub mock: MockWhop,
    pub mock_server: MockServer,
    pub server: LicenseServer,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    /// The server's signing keys: to open its tokens, and to sign as an older server did.
    pub signing: SigningKeys,
}

/// A client of the mock: no retries and no pacing (the server's own reads are what is
/// counted), short timeouts.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(base_url)
                .token(Token::new(COMPANY_KEY).expect("token"))
                .retry(RetryConfig::disabled())
                .pacing(PacingConfig::disabled())
                .attempt_timeout(Duration::from_secs(30))
                .deadline(Duration::from_secs(40))
        })
        .build()
        .expect("client builds")
}

/// A client of the mock as a deployment would have it: the default retries and pacing (Whop's
/// documented limits, v1 600 per 60 s per operation).
pub fn paced_client(base_url: &str) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(base_url)
                .token(Token::new(COMPANY_KEY).expect("token"))
        })
        .build()
        .expect("client builds")
}

/// Serves `mock` and builds a server over it (no per-client limit and no membership sync
/// unless `configure` sets them), reading the mock through [`client`].
pub async fn start(
    mock: MockWhop,
    configure: impl FnOnce(ServerBuilder) -> ServerBuilder,
) -> Setup {
    start_with(mock, client, configure).await
}

/// As [`start`], with the server's client made by `client` from the mock's base URL.
pub async fn start_with(
    mock: MockWhop,
    client: fn(&str) -> Client,
    configure: impl FnOnce(ServerBuilder) -> ServerBuilder,
) -> Setup {
    let mock_server = mock.serve().await.expect("mock serves on loopback");
    let signing = SigningKeys::new(SigningKey::generate().expect("key"));
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let builder = LicenseServer::builder(client(&mock_server.url("/api")), signing.clone())
        .clock(Arc::clone(&clock) as Arc<dyn whop_license_server::Clock>)
        .per_client_limit(None)
        .sync(false);
    let server = configure(builder).build();
    let router = server.router();
    Setup {
        mock,
        mock_server,
        server,
        router,
        clock,
        signing,
    }
}

/// A second server on `store`, reading `first`'s mock, with its sync task started; waits (at
/// most 10 s) until both servers have counted a sync turn, and returns their
/// `whop_license_syncs_total` lines, sorted.
pub async fn sync_turns_beside(first: &Setup, store: Arc<dyn Store>) -> Vec<String> {
    let second = LicenseServer::builder(
        client(&first.mock_server.url("/api")),
        SigningKeys::new(SigningKey::generate().expect("key")),
    )
    .store(store)
    .per_client_limit(None)
    .build();
    let _router = second.router();
    let turns = |server: &LicenseServer| {
        let text = server.metrics_text();
        text.lines()
            .filter(|l| l.starts_with("whop_license_syncs_total{"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while (turns(&first.server).is_empty() || turns(&second).is_empty())
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut all = turns(&first.server);
    all.extend(turns(&second));
    all.sort();
    all
}

/// An answer: status, headers, body bytes.
/// The manual clock's reading (the trait method, named for tests).
pub trait NowForTest {
    fn now_for_test(&self) -> SystemTime;
}

impl NowForTest for ManualClock {
    fn now_for_test(&self) -> SystemTime {
        whop_license_server::Clock::now(self)
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `error.type`, or `"ok"` for a token.
    pub fn outcome(&self) -> String {
        let json = self.json();
        if self.status == StatusCode::OK {
            assert!(json["token"].is_string(), "200 without a token");
            return "ok".into();
        }
        json["error"]["type"]
            .as_str()
            .unwrap_or("<no type>")
            .to_owned()
    }

    pub fn token(&self) -> String {
        self.json()["token"]
            .as_str()
            .unwrap_or_else(|| {
                panic!(
                    "no token: {} {}",
                    self.status,
                    String::from_utf8_lossy(&self.body)
                )
            })
            .to_owned()
    }
}

impl Setup {
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<Body>,
        from: Option<SocketAddr>,
    ) -> Answer {
        let mut request = Request::post(path)
            .header("content-type", "application/json")
            .body(body.into())
            .expect("request");
        if let Some(addr) = from {
            request.extensions_mut().insert(ConnectInfo(addr));
        }
        self.send(request).await
    }

    pub async fn activate(&self, license_key: &str, hardware_id: &str) -> Answer {
        let body = json!({ "license_key": license_key, "hardware_id": hardware_id }).to_string();
        self.post_raw("/v1/activate", body, None).await
    }

    pub async fn refresh(&self, token: &str) -> Answer {
        self.post_raw("/v1/refresh", json!({ "token": token }).to_string(), None)
            .await
    }

    pub fn open(&self, token: &str) -> License {
        self.signing
            .key_set()
            .open(token)
            .expect("a token of this server")
    }

    /// The mock's requests for single memberships (`GET /v1/memberships/{key or id}`, and the
    /// binding's writes), without the sync's listings.
    pub fn single_calls(&self) -> Vec<whop_mock::RecordedRequest> {
        self.whop_calls()
            .into_iter()
            .filter(|r| r.path != "/api/v1/memberships")
            .collect()
    }

    /// The mock's listings of memberships (the sync's pages).
    pub fn list_calls(&self) -> Vec<whop_mock::RecordedRequest> {
        self.whop_calls()
            .into_iter()
            .filter(|r| r.path == "/api/v1/memberships")
            .collect()
    }

    /// Requests the mock received for the Current API's memberships.
    pub fn whop_calls(&self) -> Vec<whop_mock::RecordedRequest> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/v1/memberships"))
            .collect()
    }
}

/// `keys * per_key` launches at once, each app `n` (of `keys`) activating its pre-bound key and
/// refreshing the token it got; every answer must be a token. A sample of tokens is opened (in a
/// debug build opening costs as much as signing).
pub async fn launch_all(setup: &Arc<Setup>, keys: usize, per_key: usize) {
    let tasks: Vec<_> = (0..keys * per_key)
        .map(|launch| {
            let setup = Arc::clone(setup);
            let n = launch % keys;
            tokio::spawn(async move {
                let activated = setup.activate(&license_key(n), &hardware_id(n)).await;
                assert_eq!(activated.outcome(), "ok", "activate {n}");
                let refreshed = setup.refresh(&activated.token()).await;
                assert_eq!(refreshed.outcome(), "ok", "refresh {n}");
                if launch % 97 == 0 {
                    assert_eq!(setup.open(&refreshed.token()).hardware_id, hardware_id(n));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
