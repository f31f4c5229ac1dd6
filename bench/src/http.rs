//! One call end to end on loopback: the full client, the bare hyper-util floor, and reqwest.
//!
//! The server is a second process (this binary with `--serve`): a hyper HTTP/1.1 server on a
//! one-thread runtime that answers every request with the same real body. Keeping it out of this
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
use whop_client::{Client, PacingConfig, Token};

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

/// The ways of making the call that are compared.
// Each side is built once and shared behind an `Arc`: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Side {
    /// (a) `whop_client::Client::me_membership`, the whole default stack.
    Full(Client),
    /// (b) the floor: a bare hyper-util legacy client, the same request, body collected and decoded
    /// with `whop_models::decode` by hand.
    Bare {
        client: HyperClient<HttpConnector, Full<Bytes>>,
        uri: Uri,
        authorization: HeaderValue,
    },
    /// (c) what a user would write instead: reqwest and its serde_json `.json()`.
    Reqwest {
        client: reqwest::Client,
        base: String,
    },
}

pub(crate) const SIDE_NAMES: [&str; 3] = [
    "(a) whop_client::Client (full default stack)",
    "(b) bare hyper-util client + whop_models::decode (floor)",
    "(c) reqwest + serde_json (what a user would write)",
];

impl Side {
    pub(crate) fn all(port: u16) -> [Arc<Side>; 3] {
        let base = format!("http://127.0.0.1:{port}/api");
        let mut connector = HttpConnector::new();
        // The transport sets it too: the floor gets the same socket options.
        connector.set_nodelay(true);
        let bare = HyperClient::builder(TokioExecutor::new()).build(connector);
        [
            Arc::new(Side::Full(full_client(&base))),
            Arc::new(Side::Bare {
                client: bare,
                uri: format!("{base}/v5/me/memberships/{MEMBERSHIP_ID}")
                    .parse()
                    .expect("valid URI"),
                authorization: HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("valid"),
            }),
            Arc::new(Side::Reqwest {
                client: reqwest::Client::new(),
                base,
            }),
        ]
    }

    /// One lookup, decoded; panics on any failure (the server never fails).
    pub(crate) async fn call(&self) -> MeMembership {
        match self {
            Side::Full(client) => client
                .legacy()
                .me_membership(MEMBERSHIP_ID)
                .send()
                .await
                .expect("full client call")
                .into_inner(),
            Side::Bare {
                client,
                uri,
                authorization,
            } => {
                let mut request = Request::new(Full::new(Bytes::new()));
                *request.uri_mut() = uri.clone();
                let headers = request.headers_mut();
                headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
                headers.insert(AUTHORIZATION, authorization.clone());
                headers.insert(USER_AGENT, HeaderValue::from_static("bench"));
                let response = client.request(request).await.expect("bare call");
                assert!(response.status().is_success());
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes();
                whop_models::decode(&body).expect("decodes")
            }
            Side::Reqwest { client, base } => client
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

/// `--serve`: answers every request with the v5 membership body until stdin closes.
pub(crate) fn serve() {
    let body = Bytes::from(crate::codec::me_membership_body());
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
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    let mut response = Response::new(Full::new(body.clone()));
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
    pub(crate) sides: [[f64; 3]; 3],
    /// Medians over rounds of the per-round ratios: a/b and a/c in requests/s.
    pub(crate) a_over_b: f64,
    pub(crate) a_over_c: f64,
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

/// Warms every side up (opens `max_concurrency` pooled connections each), checks the three decode
/// the same value, then runs `rounds` interleaved rounds (a, b, c, a, b, c, ...) per concurrency.
pub(crate) async fn run(
    sides: &[Arc<Side>; 3],
    concurrencies: &[usize],
    rounds: usize,
    duration: Duration,
) -> Vec<LoadResult> {
    let expected = sides[1].call().await;
    for side in sides {
        assert_eq!(side.call().await, expected, "every side decodes the same");
    }
    let mut results = Vec::new();
    for &concurrency in concurrencies {
        for side in sides {
            load(side, concurrency, duration / 2).await;
        }
        let mut figures: [[Vec<f64>; 3]; 3] = Default::default();
        let mut a_over_b = Vec::new();
        let mut a_over_c = Vec::new();
        let mut requests = 0;
        for _ in 0..rounds {
            let mut rps = [0.0; 3];
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
        }
        results.push(LoadResult {
            concurrency,
            sides: figures.map(|side| side.map(|mut v| median(&mut v))),
            a_over_b: median(&mut a_over_b),
            a_over_c: median(&mut a_over_c),
            rounds,
            requests,
        });
    }
    results
}
