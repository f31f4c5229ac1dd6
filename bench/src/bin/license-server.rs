//! The license server's figures (issue 24), with whop-mock and a `LicenseServer` in-process on
//! loopback (the embedded store):
//!
//! 1. **Whop calls for N launches over M keys.** M apps hold tokens (issued earlier, due for a
//!    refresh) and launch N times in all, in a shuffled order, 64 at a time: each launch is a
//!    `POST /v1/refresh`, to a server just started (with its default start-up sync, which lists
//!    Whop's memberships). The mock enforces Whop's limits, the server's client paces at them.
//!    Target: at most M calls to Whop, no 429.
//! 2. **Refreshes per second from cache**, p50 and p99, at a few concurrencies (every membership
//!    is in the cache after step 1). Target: ≥ 20,000/s and p99 < 5 ms on 2 cores.
//! 3. **The floor**, in the same run: a bare axum handler answering a fixed token over the same
//!    loopback and load generator (HTTP alone), and the token work alone per call: open the
//!    presented token with `SigningKeys::open_own` (the server's seal, as the refresh does) and
//!    sign a new one, beside `KeySet::open` + sign (the full Ed25519 verify, as before the seal)
//!    and a bare ed25519-compact sign of the same bytes. Ratios say what the server adds to each.
//!
//! The load of steps 2 and 3 comes from a lean generator, the same for the server and its floor
//! (so the ratio stays fair): one keep-alive TCP connection per concurrent worker, opened before
//! the clock starts, each sending one request at a time (no pipelining, so a request's latency
//! stays its own) from bytes built once per token, and reading the answer into a reused buffer
//! (httparse for the head, then exactly `Content-Length` bytes of body; anything else, chunked
//! or a closed connection, stops the run loudly). The generator shares the server's two cores,
//! so what it spends is taken from the server: hyper's client (a header map, a body channel, a
//! pool checkout and a parse into hyper types per request) cost a real share of them and
//! understated both the server and the floor. A load generator is measurement overhead, which is
//! why wrk, h2load and oha are built to cost little; this one follows them. Answers other than
//! 200 are counted, not timed, and printed: a run with any says so. Step 1 (launches) keeps
//! hyper's client: it counts Whop calls, not requests per second.
//!
//! `cargo run --release -p whop-bench --bin license-server [-- --quick]`

#[path = "../paseto.rs"]
mod paseto;
#[path = "../stats.rs"]
#[allow(dead_code)]
mod stats;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use whop_client::{Client, Token};
use whop_license::{Claims, SigningKey, SigningKeys};
use whop_license_server::LicenseServer;
use whop_mock::{DEFAULT_PRODUCT_ID, DEMO_COMPANY_KEY, MockMembership, MockServer, MockWhop};

use crate::paseto::{decode, pae};
use crate::stats::percentile;

const CONCURRENCIES: [usize; 4] = [1, 16, 32, 64];
const LAUNCH_CONCURRENCY: usize = 64;

type Http = HyperClient<HttpConnector, Full<Bytes>>;

struct Settings {
    keys: usize,
    launches: usize,
    rounds: usize,
    round: Duration,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let settings = if quick {
        Settings {
            keys: 100,
            launches: 1_000,
            rounds: 2,
            round: Duration::from_millis(300),
        }
    } else {
        Settings {
            keys: 1_000,
            launches: 10_000,
            rounds: 5,
            round: Duration::from_secs(1),
        }
    };
    // The servers on two workers (the machine's two cores); the load on a thread of its own.
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let signing = SigningKey::generate().expect("a signing key");
    let tokens = tokens_due_for_refresh(&signing, settings.keys);
    let (whop, server_addr) = servers.block_on(start(&signing, settings.keys));
    let floor_addr = servers.block_on(start_floor(tokens[0].clone()));
    let http: Http = HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new());

    eprintln!(
        "license-server: {} launches over {} keys, {LAUNCH_CONCURRENCY} at a time",
        settings.launches, settings.keys
    );
    let launches = load.block_on(launch(&http, server_addr, &tokens, settings.launches));
    let requests = whop.mock().requests();
    let whop_calls = requests.len();
    let whop_429 = requests.iter().filter(|r| r.status == Some(429)).count();
    // Which calls were repeats: a read sent but answered after the client's deadline is made
    // again by a later launch.
    let mut per_path: BTreeMap<&str, usize> = BTreeMap::new();
    for request in &requests {
        *per_path.entry(request.path.as_str()).or_insert(0) += 1;
    }
    let repeated = per_path.values().filter(|&&n| n > 1).count();

    eprintln!(
        "license-server: refreshes from cache, {} rounds of {:?} per concurrency",
        settings.rounds, settings.round
    );
    let server_requests = refresh_requests(server_addr, &tokens);
    let floor_requests = refresh_requests(floor_addr, &tokens);
    let mut rows = Vec::new();
    // Answers other than 200, over every round: (concurrency, "server" or "floor", status, count).
    let mut refused = Vec::new();
    for concurrency in CONCURRENCIES {
        let mut server = Vec::new();
        let mut floor = Vec::new();
        for _ in 0..settings.rounds {
            server.push(load.block_on(refresh_load(
                server_addr,
                &server_requests,
                concurrency,
                settings.round,
            )));
            floor.push(load.block_on(refresh_load(
                floor_addr,
                &floor_requests,
                concurrency,
                settings.round,
            )));
        }
        for (side, samples) in [("server", &server), ("floor", &floor)] {
            let mut statuses = BTreeMap::new();
            for sample in samples {
                add_counts(&mut statuses, &sample.non_200);
            }
            for (status, count) in statuses {
                refused.push((concurrency, side, status, count));
            }
        }
        rows.push((concurrency, median_of(server), median_of(floor)));
    }
    let work = token_work(&signing, &tokens);
    drop(servers);

    println!(
        "\n## License server (whop-mock and the server in-process on loopback, 2 server workers)\n"
    );
    println!(
        "Launches: {} refreshes over {} keys, {LAUNCH_CONCURRENCY} at a time, from a fresh server: \
         {:.1} s; answers {:?}",
        settings.launches, settings.keys, launches.seconds, launches.outcomes
    );
    println!(
        "Whop calls: {whop_calls} (target ≤ {}) on {} paths, {repeated} of them called more than \
         once; 429s: {whop_429} (target 0)\n",
        settings.keys,
        per_path.len()
    );
    println!(
        "Load generator (both columns): one keep-alive TCP connection per concurrent worker, one \
         request at a time each, request bytes built once per token, answers parsed with httparse \
         into a reused buffer (not hyper's client); refreshes/s and latencies count 200s only.\n"
    );
    println!("| concurrency | refreshes/s | p50 | p99 | floor req/s | floor p99 | server/floor |");
    println!("|---|---|---|---|---|---|---|");
    for (concurrency, server, floor) in &rows {
        println!(
            "| {concurrency} | {:.0} | {:.2} ms | {:.2} ms | {:.0} | {:.2} ms | {:.2} |",
            server.rps,
            server.p50_ms,
            server.p99_ms,
            floor.rps,
            floor.p99_ms,
            server.rps / floor.rps
        );
    }
    if refused.is_empty() {
        println!("\nAnswers other than 200: none.");
    } else {
        println!("\nTHIS RUN HAD ANSWERS OTHER THAN 200 (not counted in refreshes/s):");
        for (concurrency, side, status, count) in &refused {
            println!("- concurrency {concurrency}, {side}: {count} × {status}");
        }
    }
    println!(
        "\nToken work alone per refresh: open_own + sign {:.1} µs, at most {:.0}/s on one core; \
         before the seal, open + sign {:.1} µs ({:.0}/s): ×{:.2}",
        work.open_own_sign,
        1e6 / work.open_own_sign,
        work.open_sign,
        1e6 / work.open_sign,
        work.open_sign / work.open_own_sign
    );
    println!(
        "Parts: open_own {:.1} µs, open {:.1} µs, sign {:.1} µs; a bare Ed25519 sign of the same \
         bytes (ed25519-compact) {:.1} µs: sign ×{:.2} of it",
        work.open_own,
        work.open,
        work.sign,
        work.bare_sign,
        work.sign / work.bare_sign
    );
    println!("Targets: ≥ 20,000 refreshes/s and p99 < 5 ms on 2 cores; Whop calls ≤ keys, no 429.");
}

/// Tokens of `keys` apps, issued two hours ago and due for a refresh an hour ago.
fn tokens_due_for_refresh(signing: &SigningKey, keys: usize) -> Vec<String> {
    let now = SystemTime::now();
    let hours = |h: u64| Duration::from_secs(h * 3600);
    (0..keys)
        .map(|i| {
            let claims = Claims {
                membership_id: membership_id(i),
                product_id: DEFAULT_PRODUCT_ID.to_owned(),
                hardware_id: hardware_id(i),
                status: "active".to_owned(),
                period_end: None,
                issued_at: now - hours(2),
                refresh_after: now - hours(1),
                expires_at: now + hours(24 * 6),
            };
            signing.sign(&claims).expect("signs")
        })
        .collect()
}

fn membership_id(i: usize) -> String {
    format!("mem_bench{i:08}")
}

fn hardware_id(i: usize) -> String {
    format!("machine-{i:05}")
}

/// whop-mock with `keys` bound memberships (Whop's limits on), and the license server.
async fn start(signing: &SigningKey, keys: usize) -> (MockServer, SocketAddr) {
    let mut world = MockWhop::demo_builder();
    for i in 0..keys {
        world = world.membership(
            MockMembership::new(membership_id(i))
                .license_key(format!("BENCH-KEY-{i:05}"))
                .metadata(json!({ whop_client::HWID_METADATA_KEY: hardware_id(i) })),
        );
    }
    let whop = world.build().serve().await.expect("the mock serves");
    let client = Client::builder()
        .transport(|t| {
            t.base_url(whop.base_url())
                .token(Token::new(DEMO_COMPANY_KEY).expect("valid token"))
        })
        .build()
        .expect("client builds");
    let keys = SigningKeys::from_env_text(&signing.to_paserk()).expect("the key parses");
    let server = LicenseServer::builder(client, keys)
        .per_client_limit(None)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { server.serve(listener).await });
    (whop, addr)
}

/// The floor: axum answering `POST /v1/refresh` with a fixed token, reading the body as the
/// server does.
async fn start_floor(token: String) -> SocketAddr {
    let body = Bytes::from(json!({ "token": token }).to_string());
    let router = axum::Router::new().route(
        "/v1/refresh",
        axum::routing::post(move |_body: Bytes| {
            let body = body.clone();
            async move { ([(http::header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

async fn refresh(http: &Http, addr: SocketAddr, token: &str) -> u16 {
    let request = http::Request::post(format!("http://{addr}/v1/refresh"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(
            json!({ "token": token }).to_string(),
        )))
        .expect("a request");
    match http.request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let _ = response.into_body().collect().await;
            status
        }
        Err(_) => 0,
    }
}

struct Launches {
    seconds: f64,
    outcomes: BTreeMap<u16, usize>,
}

/// `n` launches over the tokens in a shuffled order (each token about `n / keys` times).
async fn launch(http: &Http, addr: SocketAddr, tokens: &[String], n: usize) -> Launches {
    let order = Arc::new(shuffled(n, tokens.len()));
    let tokens: Arc<Vec<String>> = Arc::new(tokens.to_vec());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..LAUNCH_CONCURRENCY)
        .map(|_| {
            let (http, order, tokens, next) = (
                http.clone(),
                Arc::clone(&order),
                Arc::clone(&tokens),
                Arc::clone(&next),
            );
            tokio::spawn(async move {
                let mut outcomes = BTreeMap::new();
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&which) = order.get(at) else {
                        break outcomes;
                    };
                    let status = refresh(&http, addr, &tokens[which]).await;
                    *outcomes.entry(status).or_insert(0) += 1;
                }
            })
        })
        .collect();
    let mut outcomes = BTreeMap::new();
    for task in tasks {
        for (status, count) in task.await.expect("a launch task") {
            *outcomes.entry(status).or_insert(0) += count;
        }
    }
    Launches {
        seconds: started.elapsed().as_secs_f64(),
        outcomes,
    }
}

/// `n` indices below `keys`, each about `n / keys` times, in a fixed pseudo-random order.
fn shuffled(n: usize, keys: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).map(|i| i % keys).collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

struct Sample {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Answers other than 200, by status: counted, not timed.
    non_200: BTreeMap<u16, usize>,
}

/// `POST /v1/refresh` for each token, as the bytes sent on the wire, built before any timing.
fn refresh_requests(addr: SocketAddr, tokens: &[String]) -> Arc<Vec<Vec<u8>>> {
    let requests = tokens
        .iter()
        .map(|token| {
            let body = json!({ "token": token }).to_string();
            format!(
                "POST /v1/refresh HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        })
        .collect();
    Arc::new(requests)
}

/// `concurrency` workers refreshing for `duration`, each on a keep-alive connection of its own
/// (opened before the clock starts), one request at a time, cycling through the tokens.
async fn refresh_load(
    addr: SocketAddr,
    requests: &Arc<Vec<Vec<u8>>>,
    concurrency: usize,
    duration: Duration,
) -> Sample {
    let mut streams = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let stream = TcpStream::connect(addr).await.expect("a connection");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        streams.push(stream);
    }
    let started = Instant::now();
    let end = started + duration;
    let tasks: Vec<_> = streams
        .into_iter()
        .enumerate()
        .map(|(worker, mut stream)| {
            let requests = Arc::clone(requests);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(8192);
                let mut non_200: BTreeMap<u16, usize> = BTreeMap::new();
                let mut buf = Vec::with_capacity(4096);
                let mut i = worker;
                while Instant::now() < end {
                    let t = Instant::now();
                    stream
                        .write_all(&requests[i % requests.len()])
                        .await
                        .expect("the request is sent");
                    let status = read_response(&mut stream, &mut buf).await;
                    if status == 200 {
                        latencies.push(t.elapsed().as_secs_f64() * 1e3);
                    } else {
                        *non_200.entry(status).or_insert(0) += 1;
                    }
                    i += concurrency;
                }
                (latencies, non_200)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut non_200 = BTreeMap::new();
    for task in tasks {
        let (latencies, statuses) = task.await.expect("a load worker");
        all.extend(latencies);
        add_counts(&mut non_200, &statuses);
    }
    let seconds = started.elapsed().as_secs_f64();
    Sample {
        rps: all.len() as f64 / seconds,
        p50_ms: percentile(&mut all, 0.5),
        p99_ms: percentile(&mut all, 0.99),
        non_200,
    }
}

/// Reads one answer from `stream` into `buf` (cleared first) and returns its status. Both axum
/// servers answer with a `Content-Length` body and keep the connection open; anything else (a
/// chunked or unframed body, `Connection: close`, a closed connection, bytes past the body with
/// no request outstanding) stops the run with a message rather than skewing it.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> u16 {
    buf.clear();
    let (status, head_len, body_len) = loop {
        if stream.read_buf(buf).await.expect("the answer is read") == 0 {
            panic!(
                "the server closed the connection mid-answer ({} bytes read)",
                buf.len()
            );
        }
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(head_len) =
            response.parse(buf).expect("an HTTP/1.1 answer head")
        else {
            continue;
        };
        assert_eq!(response.version, Some(1), "an HTTP/1.1 answer");
        let status = response.code.expect("a status code");
        let mut body_len = None;
        for header in response.headers.iter() {
            if header.name.eq_ignore_ascii_case("content-length") {
                let value = std::str::from_utf8(header.value).expect("an ASCII Content-Length");
                body_len = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .expect("a numeric Content-Length"),
                );
            } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                panic!(
                    "unexpected Transfer-Encoding {:?} (status {status}): the generator reads \
                     Content-Length bodies only",
                    String::from_utf8_lossy(header.value)
                );
            } else if header.name.eq_ignore_ascii_case("connection")
                && header.value.eq_ignore_ascii_case(b"close")
            {
                panic!("the server closes the connection (status {status}): keep-alive expected");
            }
        }
        let body_len = body_len
            .unwrap_or_else(|| panic!("an answer without Content-Length (status {status})"));
        break (status, head_len, body_len);
    };
    let total = head_len + body_len;
    while buf.len() < total {
        if stream.read_buf(buf).await.expect("the body is read") == 0 {
            panic!(
                "the server closed the connection mid-body ({} of {body_len} bytes)",
                buf.len() - head_len
            );
        }
    }
    assert_eq!(
        buf.len(),
        total,
        "bytes past the answer's body with one request outstanding"
    );
    status
}

/// Adds `more`'s counts of each status to `total`'s.
fn add_counts(total: &mut BTreeMap<u16, usize>, more: &BTreeMap<u16, usize>) {
    for (&status, &count) in more {
        *total.entry(status).or_insert(0) += count;
    }
}

/// The median round (by requests per second).
fn median_of(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    let middle = samples.len() / 2;
    samples.swap_remove(middle)
}

/// Microseconds per call of each part of a refresh's token work.
struct TokenWork {
    /// `SigningKeys::open_own` + `SigningKey::sign`: the refresh's token work.
    open_own_sign: f64,
    /// `KeySet::open` + `SigningKey::sign`: the same before the seal.
    open_sign: f64,
    open_own: f64,
    open: f64,
    sign: f64,
    /// ed25519-compact signing the bytes a token's signature covers.
    bare_sign: f64,
}

fn token_work(signing: &SigningKey, tokens: &[String]) -> TokenWork {
    let keys = SigningKeys::from_env_text(&signing.to_paserk()).expect("the key parses");
    let key_set = keys.key_set();
    let rounds = 2_000;
    let token = |i: usize| std::hint::black_box(tokens[i % tokens.len()].as_str());
    let claims = Claims::from(key_set.open(&tokens[0]).expect("opens"));
    let (bare_key, signed) = bare_signing(signing, &tokens[0]);
    TokenWork {
        open_own_sign: per_call_us(rounds, |i| {
            let license = keys.open_own(token(i)).expect("opens");
            std::hint::black_box(signing.sign(&Claims::from(license)).expect("signs"));
        }),
        open_sign: per_call_us(rounds, |i| {
            let license = key_set.open(token(i)).expect("opens");
            std::hint::black_box(signing.sign(&Claims::from(license)).expect("signs"));
        }),
        open_own: per_call_us(rounds, |i| {
            std::hint::black_box(keys.open_own(token(i)).expect("opens"));
        }),
        open: per_call_us(rounds, |i| {
            std::hint::black_box(key_set.open(token(i)).expect("opens"));
        }),
        sign: per_call_us(rounds, |_| {
            std::hint::black_box(signing.sign(std::hint::black_box(&claims)).expect("signs"));
        }),
        bare_sign: per_call_us(rounds, |_| {
            std::hint::black_box(bare_key.sign(std::hint::black_box(&signed), None));
        }),
    }
}

fn per_call_us(rounds: usize, mut call: impl FnMut(usize)) -> f64 {
    let started = Instant::now();
    for i in 0..rounds {
        call(i);
    }
    started.elapsed().as_secs_f64() * 1e6 / rounds as f64
}

/// `signing` as an ed25519-compact key, and what `token`'s signature covers: PAE(header,
/// payload, footer, implicit assertion). Checked: the bare signature is the token's (Ed25519
/// signing is deterministic), so both sides sign the same bytes.
fn bare_signing(signing: &SigningKey, token: &str) -> (ed25519_compact::SecretKey, Vec<u8>) {
    let paserk = signing.to_paserk();
    let secret = decode(paserk.strip_prefix("k4.secret.").expect("a k4.secret key"));
    let key = ed25519_compact::SecretKey::from_slice(&secret).expect("an Ed25519 secret key");
    let mut parts = token.split('.').skip(2);
    let (body, footer) = (
        decode(parts.next().expect("a body")),
        decode(parts.next().expect("a footer")),
    );
    let (payload, signature) = body.split_at(body.len() - 64);
    let signed = pae(&[b"v4.public.", payload, &footer, b"whop-license v1"]);
    assert_eq!(
        key.sign(&signed, None).as_ref(),
        signature,
        "the bare sign signs what the token's signature covers"
    );
    (key, signed)
}
