//! One call end to end on loopback: the full client, the bare hyper-util floor, and reqwest, on
//! the seed's v5 lookup; and the full client and the floor on the Current API's retrieve
//! (`GET /v1/memberships/{id}` with `Api-Version-Date`).
//!
//! The server is a second process (this binary with `--serve`): a hyper HTTP/1.1 server on a
//! one-thread runtime that answers every request with the same real body (a `/v1/` path with
//! the v1 membership, any other with the v5 one). Keeping it out of this
//! process leaves one core to it and one to the clients, and keeps its allocations out of the
//! counts. The clients run on a one-thread runtime on the main thread.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use whop_client::models::MeMembership;
use whop_client::transport::{API_VERSION_DATE, ApiVersionDate};
use whop_client::{Client, PacingConfig, Token, v1};

use crate::stats::{median, percentile};

/// The membership every side looks up.
pub(crate) const MEMBERSHIP_ID: &str = "mem_XXXXXXXXXXXXXX";
const TOKEN: &str = "bench_user_token";

/// The full default client stack, as a user builds it, with every default setting but pacing.
///
/// The one place the benchmark builds side (a). Pacing (on by default) holds a client to Whop's
/// rate limits, so it is turned off here: on, this benchmark would measure the limit.
pub(crate) fn full_client(base_url: &str) -> Client {
    let token = Token::new(TOKEN).expect("a valid token");
    Client::builder()
        // Pacing keeps a client under Whop's limits (v5: 20 calls per 10 s) by making calls wait:
        // on, it would measure the limit, not the stack. Everything else is the default.
        .transport(|t| {
            t.base_url(base_url)
                .token(token)
                .pacing(PacingConfig::disabled())
        })
        .build()
        .expect("the default client builds")
}

/// What a call decoded: the v5 membership, or the Current API's.
#[derive(Debug, PartialEq)]
pub(crate) enum Decoded {
    V5(Box<MeMembership>),
    V1(Box<v1::Membership>),
}

/// The ways of making the call that are compared.
// Each side is built once and shared behind an `Arc`: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Side {
    /// (a) `whop_client::Client::legacy().me_membership`, the whole default stack.
    Full(Client),
    /// (b) the floor: a bare hyper-util legacy client, the same request, body collected and decoded
    /// with `whop_models::decode` by hand. With `api_version_date`, the Current API's request:
    /// the header the transport sends on it, and the body decoded as `v1::Membership`.
    Bare {
        client: HyperClient<HttpConnector, Full<Bytes>>,
        uri: Uri,
        authorization: HeaderValue,
        api_version_date: Option<HeaderValue>,
    },
    /// (a1) `whop_client::Client::membership`, the Current API through the whole default stack.
    FullV1(Client),
    /// (c) what a user would write instead: reqwest and its serde_json `.json()`.
    Reqwest {
        client: reqwest::Client,
        base: String,
    },
}

/// Sides 0-2 make the v5 lookup, 3-4 the v1 retrieve ([`V1_FULL`], [`V1_BARE`]).
pub(crate) const SIDE_NAMES: [&str; 5] = [
    "(a) whop_client::Client (full default stack)",
    "(b) bare hyper-util client + whop_models::decode (floor)",
    "(c) reqwest + serde_json (what a user would write)",
    "(a1) whop_client::Client::membership (full default stack)",
    "(b1) bare hyper-util client + Api-Version-Date + whop_models::decode (floor)",
];

/// The index of (a1), the full client's v1 retrieve, in [`SIDE_NAMES`] and [`Side::all`].
pub(crate) const V1_FULL: usize = 3;
/// The index of (b1), the floor's v1 retrieve.
pub(crate) const V1_BARE: usize = 4;

/// The route a side calls, for the table.
pub(crate) fn route_of(side: usize) -> &'static str {
    if side >= V1_FULL {
        "GET /v1/memberships/{id}"
    } else {
        "GET /v5/me/memberships/{id}"
    }
}

impl Side {
    pub(crate) fn all(port: u16) -> [Arc<Side>; 5] {
        let base = format!("http://127.0.0.1:{port}/api");
        let bare = |path: String, api_version_date: Option<HeaderValue>| {
            let mut connector = HttpConnector::new();
            // The transport sets it too: the floor gets the same socket options.
            connector.set_nodelay(true);
            Side::Bare {
                client: HyperClient::builder(TokioExecutor::new()).build(connector),
                uri: format!("{base}{path}").parse().expect("valid URI"),
                authorization: HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("valid"),
                api_version_date,
            }
        };
        let pinned =
            HeaderValue::from_str(ApiVersionDate::PINNED.as_str()).expect("a valid header value");
        [
            Arc::new(Side::Full(full_client(&base))),
            Arc::new(bare(format!("/v5/me/memberships/{MEMBERSHIP_ID}"), None)),
            Arc::new(Side::Reqwest {
                client: reqwest::Client::new(),
                base: base.clone(),
            }),
            Arc::new(Side::FullV1(full_client(&base))),
            Arc::new(bare(
                format!("/v1/memberships/{MEMBERSHIP_ID}"),
                Some(pinned),
            )),
        ]
    }

    /// One lookup, decoded; panics on any failure (the server never fails).
    pub(crate) async fn call(&self) -> Decoded {
        match self {
            Side::Full(client) => Decoded::V5(Box::new(
                client
                    .legacy()
                    .me_membership(MEMBERSHIP_ID)
                    .send()
                    .await
                    .expect("full client call")
                    .into_inner(),
            )),
            Side::FullV1(client) => Decoded::V1(Box::new(
                client
                    .membership(MEMBERSHIP_ID)
                    .send()
                    .await
                    .expect("full client v1 call")
                    .into_inner(),
            )),
            Side::Bare {
                client,
                uri,
                authorization,
                api_version_date,
            } => {
                let mut request = Request::new(Full::new(Bytes::new()));
                *request.uri_mut() = uri.clone();
                let headers = request.headers_mut();
                headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
                headers.insert(AUTHORIZATION, authorization.clone());
                headers.insert(USER_AGENT, HeaderValue::from_static("bench"));
                if let Some(date) = api_version_date {
                    headers.insert(API_VERSION_DATE, date.clone());
                }
                let response = client.request(request).await.expect("bare call");
                assert!(response.status().is_success());
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes();
                if api_version_date.is_some() {
                    Decoded::V1(Box::new(whop_models::decode(&body).expect("decodes")))
                } else {
                    Decoded::V5(Box::new(whop_models::decode(&body).expect("decodes")))
                }
            }
            Side::Reqwest { client, base } => Decoded::V5(Box::new(
                client
                    .get(format!("{base}/v5/me/memberships/{MEMBERSHIP_ID}"))
                    .bearer_auth(TOKEN)
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .expect("reqwest call")
                    .error_for_status()
                    .expect("success")
                    .json::<MeMembership>()
                    .await
                    .expect("decodes"),
            )),
        }
    }
}

/// The server process; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
}

impl Server {
    /// Starts this binary with `--serve` and reads the port it listens on.
    pub(crate) fn start() -> Server {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the server prints its port");
        let port = line.trim().parse().expect("a port number");
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--serve`: answers every request with the v5 membership body (a `/v1/` path: the v1
/// membership body) until stdin closes.
pub(crate) fn serve() {
    let body = Bytes::from(crate::codec::me_membership_body());
    let v1_body = Bytes::from(crate::codec::v1_membership_body());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    println!("{}", listener.local_addr().expect("address").port());
    // The parent closes our stdin when it is done (or dies): stop then.
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (body, v1_body) = (body.clone(), v1_body.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let body = if request.uri().path().contains("/v1/") {
                        v1_body.clone()
                    } else {
                        body.clone()
                    };
                    let mut response = Response::new(Full::new(body));
                    response
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// One side at one concurrency for one round.
struct Sample {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
}

/// Figures of one side at one concurrency: medians over rounds.
#[derive(Debug)]
pub(crate) struct LoadResult {
    pub(crate) concurrency: usize,
    /// Per side: requests/s, p50 µs, p99 µs (medians over rounds).
    pub(crate) sides: [[f64; 3]; 5],
    /// Medians over rounds of the per-round ratios: a/b, a/c and a1/b1 in requests/s.
    pub(crate) a_over_b: f64,
    pub(crate) a_over_c: f64,
    pub(crate) a1_over_b1: f64,
    pub(crate) rounds: usize,
    pub(crate) requests: usize,
}

async fn load(side: &Arc<Side>, concurrency: usize, duration: Duration) -> (Sample, usize) {
    let start = Instant::now();
    let end = start + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let side = Arc::clone(side);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(4096);
                while Instant::now() < end {
                    let t = Instant::now();
                    std::hint::black_box(side.call().await);
                    latencies.push(t.elapsed().as_nanos() as f64);
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("load task"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let n = all.len();
    (
        Sample {
            rps: n as f64 / elapsed,
            p50_us: percentile(&mut all, 0.50) / 1e3,
            p99_us: percentile(&mut all, 0.99) / 1e3,
        },
        n,
    )
}

/// Warms every side up (opens `max_concurrency` pooled connections each), checks the sides of
/// one route decode the same value, then runs `rounds` interleaved rounds (a, b, c, a1, b1, a, b,
/// ...) per concurrency.
pub(crate) async fn run(
    sides: &[Arc<Side>; 5],
    concurrencies: &[usize],
    rounds: usize,
    duration: Duration,
) -> Vec<LoadResult> {
    let expected = sides[1].call().await;
    for side in &sides[..V1_FULL] {
        assert_eq!(
            side.call().await,
            expected,
            "every v5 side decodes the same"
        );
    }
    assert_eq!(
        sides[V1_FULL].call().await,
        sides[V1_BARE].call().await,
        "both v1 sides decode the same"
    );
    let mut results = Vec::new();
    for &concurrency in concurrencies {
        for side in sides {
            load(side, concurrency, duration / 2).await;
        }
        let mut figures: [[Vec<f64>; 3]; 5] = Default::default();
        let mut a_over_b = Vec::new();
        let mut a_over_c = Vec::new();
        let mut a1_over_b1 = Vec::new();
        let mut requests = 0;
        for _ in 0..rounds {
            let mut rps = [0.0; 5];
            for (i, side) in sides.iter().enumerate() {
                let (sample, n) = load(side, concurrency, duration).await;
                requests += n;
                rps[i] = sample.rps;
                figures[i][0].push(sample.rps);
                figures[i][1].push(sample.p50_us);
                figures[i][2].push(sample.p99_us);
            }
            a_over_b.push(rps[0] / rps[1]);
            a_over_c.push(rps[0] / rps[2]);
            a1_over_b1.push(rps[V1_FULL] / rps[V1_BARE]);
        }
        results.push(LoadResult {
            concurrency,
            sides: figures.map(|side| side.map(|mut v| median(&mut v))),
            a_over_b: median(&mut a_over_b),
            a_over_c: median(&mut a_over_c),
            a1_over_b1: median(&mut a1_over_b1),
            rounds,
            requests,
        });
    }
    results
}
