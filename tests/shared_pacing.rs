//! Many processes, one API key: pacing and the 429 cooldown shared through Redis.
//!
//! Each test starts its own `redis-server` on a free loopback port and serves one whop-mock from
//! the test process, enforcing the limit across all callers; the callers are separate OS processes
//! (`paced_worker`, this package's binary), all on one company key. Windows are scaled down to
//! keep CI fast: Whop's v2 limit is 100 per 10 s; here it is 100 per 2 s, in the mock and in the
//! clients' pacing alike, with the same counts (4 processes, 125 calls each, 5x the limit). The
//! tests run one at a time (their timing must not compete with each other) and each is bounded.
//! The first run is repeated on the Current API (`--api v1`: v1 cancels, the v1 limit per
//! operation, scaled the same way).

mod redis_server;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis_server::RedisServer;
use whop_client::Token;
use whop_mock::{Fault, Limit, MockServer, MockWhop, RateLimits, RecordedRequest};
use whop_tests::{COMPANY_KEY, mock_builder, sample_membership};

const WORKERS: usize = 4;
const CALLS: usize = 125;
const LIMIT: u32 = 100;
/// Whop's 10 s, scaled down.
const WINDOW: Duration = Duration::from_secs(2);
/// The clients' safety margin: arrivals jitter on a busy 2-core machine, and four processes make
/// a hundred connections at once in the first window. 7.5 % of the window.
const MARGIN: Duration = Duration::from_millis(150);
/// Time for the workers to start before they all begin together.
const START_DELAY: Duration = Duration::from_millis(1500);

/// Held by each test for its whole run: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn bounded<F: std::future::Future>(limit: Duration, test: F) -> F::Output {
    tokio::time::timeout(limit, test)
        .await
        .unwrap_or_else(|_| panic!("test finished within {limit:?}"))
}

async fn serve(limits: RateLimits) -> (MockWhop, MockServer) {
    let mock = mock_builder()
        .membership(sample_membership())
        .rate_limits(limits)
        .build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    (mock, server)
}

/// The mock's limit: 100 per window, and a long cooldown, so one trip shows as many 429s.
fn scaled_whop_limits() -> RateLimits {
    RateLimits::whop()
        .v2(Some(Limit::new(LIMIT, WINDOW)))
        .cooldown(Duration::from_secs(30))
}

/// What one worker process reported.
#[derive(Debug, Default)]
struct Report {
    calls: usize,
    ok: usize,
    api_429: usize,
    local: usize,
    unavailable: usize,
    other: usize,
    max_call_ms: u64,
    last_done_ms: u64,
    stderr: String,
}

impl Report {
    fn parse(stdout: &str, stderr: String) -> Self {
        let mut report = Report {
            stderr,
            ..Report::default()
        };
        for line in stdout.lines() {
            let (name, value) = line.split_once('=').expect("name=value lines");
            let value: u64 = value.parse().expect("a number");
            let n = value as usize;
            match name {
                "calls" => report.calls = n,
                "ok" => report.ok = n,
                "api_429" => report.api_429 = n,
                "local" => report.local = n,
                "unavailable" => report.unavailable = n,
                "other" => report.other = n,
                "max_call_ms" => report.max_call_ms = value,
                "last_done_ms" => report.last_done_ms = value,
                _ => panic!("unknown line {line}"),
            }
        }
        report
    }

    /// Every call started came to an outcome: none lost.
    fn accounted(&self) -> usize {
        self.ok + self.api_429 + self.local + self.unavailable + self.other
    }
}

/// A run of worker processes, all starting at `start`.
struct Run {
    start: SystemTime,
    children: Vec<Child>,
}

impl Run {
    /// Starts `count` workers against `server`, each with the common arguments and `extra`.
    fn start(server: &MockServer, count: usize, extra: &[(&str, String)]) -> Self {
        let start = SystemTime::now() + START_DELAY;
        let start_ms = start
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis();
        let common = [
            ("base-url", server.base_url()),
            ("token", COMPANY_KEY.to_owned()),
            ("limit", LIMIT.to_string()),
            ("window-ms", WINDOW.as_millis().to_string()),
            ("margin-ms", MARGIN.as_millis().to_string()),
            ("start-at-ms", start_ms.to_string()),
        ];
        let children = (0..count)
            .map(|_| {
                let mut command = Command::new(env!("CARGO_BIN_EXE_paced_worker"));
                for (name, value) in common.iter().chain(extra) {
                    command.arg(format!("--{name}")).arg(value);
                }
                command
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("the worker starts")
            })
            .collect();
        Self { start, children }
    }

    /// Waits for every worker (at most `limit`: then they are killed and the test fails).
    async fn finish(self, limit: Duration) -> Vec<Report> {
        let pids: Vec<u32> = self.children.iter().map(Child::id).collect();
        let waiting = tokio::task::spawn_blocking(move || {
            self.children
                .into_iter()
                .map(|mut child| {
                    let (mut out, mut err) = (String::new(), String::new());
                    let mut stderr = child.stderr.take().expect("piped");
                    let reader =
                        std::thread::spawn(move || stderr.read_to_string(&mut err).map(|_| err));
                    child
                        .stdout
                        .take()
                        .expect("piped")
                        .read_to_string(&mut out)
                        .expect("stdout");
                    let status = child.wait().expect("the worker exits");
                    let err = reader.join().expect("no panic").expect("stderr");
                    assert!(status.success(), "worker failed ({status}):\n{err}");
                    Report::parse(&out, err)
                })
                .collect::<Vec<_>>()
        });
        match tokio::time::timeout(limit, waiting).await {
            Ok(reports) => reports.expect("no panic"),
            Err(_) => {
                for pid in pids {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                }
                panic!("the workers did not finish within {limit:?}");
            }
        }
    }
}

/// Arrival times at the mock as offsets from `start` (the workers' common start).
fn offsets(requests: &[RecordedRequest], start: SystemTime) -> Vec<Duration> {
    // Map the mock's clock to the wall clock once.
    let (mock_now, wall_now) = (tokio::time::Instant::now(), SystemTime::now());
    let start_on_mock = mock_now - wall_now.duration_since(start).unwrap_or_default();
    requests
        .iter()
        .map(|r| r.received_at.saturating_duration_since(start_on_mock))
        .collect()
}

fn statuses(requests: &[RecordedRequest], status: u16) -> usize {
    requests.iter().filter(|r| r.status == Some(status)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_one_key_through_redis_make_500_calls_with_no_429_in_near_minimal_time() {
    four_processes_through_redis("v2", scaled_whop_limits()).await;
}

/// The same run on the Current API: v1 cancels, paced per operation through Redis, against the
/// mock's v1 limit scaled the same way (Whop's 600 per 60 s per operation, here 100 per 2 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_one_key_through_redis_make_500_v1_cancels_with_no_429_in_near_minimal_time()
 {
    let limits = RateLimits::whop().v1(Some(Limit::new(LIMIT, WINDOW)));
    four_processes_through_redis("v1", limits).await;
}

/// [`WORKERS`] processes of [`CALLS`] cancels each on `api` (`v2` or `v1`), sharing one Redis,
/// against a mock enforcing `limits`: no 429, and no slower than 1.1 x what the limit allows.
async fn four_processes_through_redis(api: &str, limits: RateLimits) {
    let _serial = SERIAL.lock().await;
    bounded(Duration::from_secs(60), async {
        let redis = RedisServer::start();
        let (mock, server) = serve(limits).await;
        let run = Run::start(
            &server,
            WORKERS,
            &[
                ("redis", redis.url()),
                ("calls", CALLS.to_string()),
                ("concurrency", "25".to_owned()),
                ("deadline-ms", "30000".to_owned()),
                ("api", api.to_owned()),
            ],
        );
        let reports = run.finish(Duration::from_secs(40)).await;
        let requests = mock.requests();
        let first = requests
            .iter()
            .map(|r| r.received_at)
            .min()
            .expect("requests");
        let last = requests
            .iter()
            .map(|r| r.received_at)
            .max()
            .expect("requests");
        let span = last - first;
        let wall = Duration::from_millis(reports.iter().map(|r| r.last_done_ms).max().unwrap_or(0));
        // 500 calls at 100 per window: the 401st can go no sooner than four windows after the 1st.
        let minimum = WINDOW * 4;
        eprintln!(
            "{api} shared through Redis: {} calls by {WORKERS} processes; first to last arrival {:.3} s, \
             start to last answer {:.3} s; minimum the limit allows {:.3} s (ratios {:.3}, {:.3}); \
             {} 429s",
            requests.len(),
            span.as_secs_f64(),
            wall.as_secs_f64(),
            minimum.as_secs_f64(),
            span.as_secs_f64() / minimum.as_secs_f64(),
            wall.as_secs_f64() / minimum.as_secs_f64(),
            statuses(&requests, 429),
        );
        assert_eq!(statuses(&requests, 429), 0, "no request may hit the limit");
        assert_eq!(requests.len(), WORKERS * CALLS, "one request per call");
        assert!(
            requests.iter().all(|r| r.is_v1() == (api == "v1")),
            "every request went to {api}"
        );
        for report in &reports {
            assert_eq!((report.calls, report.ok), (CALLS, CALLS), "{report:?}");
        }
        assert!(
            span >= minimum,
            "{span:?}: faster than the limit allows: not paced together"
        );
        assert!(
            span <= minimum.mul_f64(1.1),
            "{span:?} is over 1.1 x {minimum:?}"
        );
        assert!(
            wall <= minimum.mul_f64(1.1),
            "{wall:?} is over 1.1 x {minimum:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_four_processes_without_redis_trip_the_limit() {
    let _serial = SERIAL.lock().await;
    bounded(Duration::from_secs(60), async {
        let (mock, server) = serve(scaled_whop_limits()).await;
        let run = Run::start(
            &server,
            WORKERS,
            &[
                ("calls", CALLS.to_string()),
                ("concurrency", "25".to_owned()),
                ("deadline-ms", "30000".to_owned()),
            ],
        );
        let reports = run.finish(Duration::from_secs(40)).await;
        let requests = mock.requests();
        let too_many = statuses(&requests, 429);
        let seen: usize = reports.iter().map(|r| r.api_429).sum();
        eprintln!(
            "each process pacing alone: {} requests, {too_many} answered 429 ({seen} calls failed \
             with 429; {} refused locally during the cooldown)",
            requests.len(),
            reports.iter().map(|r| r.local).sum::<usize>(),
        );
        assert!(
            too_many > 0,
            "four processes each under the limit are together over it"
        );
        assert!(seen > 0);
        for report in &reports {
            assert_eq!(report.accounted(), CALLS, "{report:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_seen_by_one_process_holds_every_process_until_its_cooldown_ends() {
    let _serial = SERIAL.lock().await;
    bounded(Duration::from_secs(60), async {
        let redis = RedisServer::start();
        // The mock does not limit: the one 429 is injected, with `Retry-After: 2`.
        let (mock, server) = serve(RateLimits::disabled()).await;
        let cooldown = Duration::from_secs(2);
        let run = Run::start(
            &server,
            WORKERS,
            &[
                ("redis", redis.url()),
                ("run-for-ms", "4500".to_owned()),
                ("concurrency", "2".to_owned()),
                ("pause-ms", "20".to_owned()),
                ("deadline-ms", "10000".to_owned()),
            ],
        );
        let start = run.start;
        tokio::time::sleep(START_DELAY + Duration::from_secs(1)).await;
        mock.inject(
            Fault::RateLimited {
                retry_after: Some("2".to_owned()),
            },
            1,
        );
        let reports = run.finish(Duration::from_secs(30)).await;
        let requests = mock.requests();
        let at = offsets(&requests, start);
        let hit = requests
            .iter()
            .position(|r| r.status == Some(429))
            .expect("the injected 429 was answered");
        let t429 = at[hit];
        // Requests already on their way when the 429 was answered (sent before any process knew)
        // may still arrive; nothing after that until the cooldown (on Redis's clock, from when
        // the 429 reached its process) has passed. "On their way" includes the 429 reaching its
        // process and being written to Redis: on the 2-core CI machine, with four workers, Redis
        // and the mock busy, one request arrived 107 ms after the 429 (the bound was 50 ms). A
        // cooldown that did not hold would show as dozens of requests in the 1.7 s checked.
        let in_flight = Duration::from_millis(250);
        let early_slack = Duration::from_millis(20);
        let inside: Vec<Duration> = at
            .iter()
            .copied()
            .filter(|&t| t > t429 + in_flight && t < t429 + cooldown - early_slack)
            .collect();
        let racing = at
            .iter()
            .filter(|&&t| t > t429 && t <= t429 + in_flight)
            .count();
        let resumed = at
            .iter()
            .filter(|&&t| t >= t429 + cooldown && t < t429 + cooldown + Duration::from_millis(500))
            .count();
        eprintln!(
            "cooldown: 429 at {:.3} s; {racing} requests in flight within {in_flight:?}; {} during \
             the cooldown; {resumed} in the 500 ms after it; {} requests in all",
            t429.as_secs_f64(),
            inside.len(),
            requests.len(),
        );
        assert!(
            inside.is_empty(),
            "sent inside the cooldown at {inside:?} (429 at {t429:?})"
        );
        assert!(resumed > 0, "the processes resume when the cooldown ends");
        for report in &reports {
            assert_eq!(report.accounted(), report.calls, "{report:?}");
            assert_eq!((report.other, report.local), (0, 0), "{report:?}");
        }
        // The process that got the 429 waited it out and retried: every call succeeded.
        assert_eq!(
            reports.iter().map(|r| r.ok).sum::<usize>(),
            requests.len() - 1
        );
    })
    .await;
}

/// Sends per second among `at` within `from..to`.
fn rate(at: &[Duration], from: Duration, to: Duration) -> f64 {
    let count = at.iter().filter(|&&t| t >= from && t < to).count();
    count as f64 / (to - from).as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_calls_go_on_paced_locally_and_shared_pacing_resumes_when_it_returns()
{
    let _serial = SERIAL.lock().await;
    bounded(Duration::from_secs(60), async {
        let mut redis = RedisServer::start();
        let port = redis.port();
        let (mock, server) = serve(RateLimits::disabled()).await;
        let deadline = Duration::from_secs(2);
        let secs = Duration::from_secs;
        // 20 per 500 ms shared: about 36 calls a second for all four together.
        let run = Run::start(
            &server,
            WORKERS,
            &[
                ("redis", redis.url()),
                ("limit", "20".to_owned()),
                ("window-ms", "500".to_owned()),
                ("margin-ms", "50".to_owned()),
                ("run-for-ms", "7000".to_owned()),
                ("concurrency", "4".to_owned()),
                ("deadline-ms", deadline.as_millis().to_string()),
                ("redis-timeout-ms", "100".to_owned()),
                ("retry-every-ms", "300".to_owned()),
            ],
        );
        let start = run.start;
        tokio::time::sleep(START_DELAY + secs(2)).await;
        redis.kill();
        tokio::time::sleep(secs(2)).await;
        let redis = RedisServer::start_on(port);
        let reports = run.finish(Duration::from_secs(30)).await;
        let at = offsets(&mock.requests(), start);
        let shared = rate(&at, Duration::from_millis(500), secs(2));
        let outage = rate(&at, Duration::from_millis(2500), secs(4));
        let back = rate(&at, secs(5), secs(7));
        eprintln!(
            "Redis killed at 2 s, restarted at 4 s: {shared:.0} calls/s shared, {outage:.0} \
             calls/s paced per process, {back:.0} calls/s shared again; calls per process: {:?}; \
             longest call {} ms",
            reports.iter().map(|r| r.calls).collect::<Vec<_>>(),
            reports.iter().map(|r| r.max_call_ms).max().unwrap_or(0),
        );
        for report in &reports {
            // None lost: every call came to an outcome, none an error, none past its deadline.
            assert_eq!(report.accounted(), report.calls, "{report:?}");
            assert_eq!(report.ok + report.local, report.calls, "{report:?}");
            assert_eq!((report.other, report.unavailable), (0, 0), "{report:?}");
            assert!(
                report.max_call_ms <= (deadline + Duration::from_millis(300)).as_millis() as u64,
                "{report:?}"
            );
            // Said once, when Redis went away; and again when it came back.
            let down = report.stderr.matches("Redis is unreachable").count();
            assert_eq!(down, 1, "{}", report.stderr);
            assert!(
                report.stderr.contains("Redis answers again"),
                "{}",
                report.stderr
            );
        }
        assert!(
            outage > 2.0 * shared,
            "calls went on, paced per process, during the outage"
        );
        assert!(
            back < 1.5 * shared,
            "shared pacing resumed: {back:.0}/s vs {shared:.0}/s"
        );
        let mut con = redis::Client::open(redis.url())
            .and_then(|c| c.get_connection())
            .expect("the test connects to its redis-server");
        let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).expect("KEYS");
        assert!(!keys.is_empty(), "the restarted Redis is used again");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_nor_a_reversible_hash_of_it_is_in_any_redis_key_or_value() {
    let _serial = SERIAL.lock().await;
    bounded(Duration::from_secs(60), async {
        let redis = RedisServer::start();
        let (mock, server) = serve(RateLimits::disabled()).await;
        // A 429 too, so the cooldown key exists while the keyspace is read.
        mock.inject(
            Fault::RateLimited {
                retry_after: Some("1".to_owned()),
            },
            1,
        );
        let run = Run::start(
            &server,
            2,
            &[
                ("redis", redis.url()),
                ("calls", "30".to_owned()),
                ("concurrency", "4".to_owned()),
                ("deadline-ms", "10000".to_owned()),
            ],
        );
        run.finish(Duration::from_secs(30)).await;

        let mut con = redis::Client::open(redis.url())
            .and_then(|c| c.get_connection())
            .expect("the test connects to its redis-server");
        let keys: Vec<String> = redis::cmd("SCAN")
            .arg(0)
            .arg("COUNT")
            .arg(1000)
            .query::<(u64, Vec<String>)>(&mut con)
            .expect("SCAN")
            .1;
        let mut everything = String::new();
        for key in &keys {
            let kind: String = redis::cmd("TYPE").arg(key).query(&mut con).expect("TYPE");
            let value: Vec<String> = match kind.as_str() {
                "string" => vec![redis::cmd("GET").arg(key).query(&mut con).expect("GET")],
                "zset" => redis::cmd("ZRANGE")
                    .arg(key)
                    .arg(0)
                    .arg(-1)
                    .arg("WITHSCORES")
                    .query(&mut con)
                    .expect("ZRANGE"),
                "hash" => redis::cmd("HGETALL")
                    .arg(key)
                    .query(&mut con)
                    .expect("HGETALL"),
                "list" => redis::cmd("LRANGE")
                    .arg(key)
                    .arg(0)
                    .arg(-1)
                    .query(&mut con)
                    .expect("LRANGE"),
                "set" => redis::cmd("SMEMBERS")
                    .arg(key)
                    .query(&mut con)
                    .expect("SMEMBERS"),
                other => panic!("unexpected key type {other} for {key}"),
            };
            everything.push_str(&format!("{key} = {value:?}\n"));
        }
        eprintln!("the keyspace after the run:\n{everything}");
        let id = Token::new(COMPANY_KEY).expect("valid").credential_id();
        let expected: Vec<String> = ["slots", "seq", "cool"]
            .iter()
            .map(|part| format!("whop:pacing:{{v2:{id}}}:{part}"))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        let mut wanted = expected.clone();
        wanted.sort();
        assert_eq!(
            sorted, wanted,
            "one window's keys, named by the credential ID"
        );
        // The token, its encodings, and the hashes a lookup table would hold for it.
        let sha256 =
            |bytes: &[u8]| hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
        let sha1 = |bytes: &[u8]| {
            hex(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes).as_ref())
        };
        let bearer = format!("Bearer {COMPANY_KEY}");
        let forbidden = [
            COMPANY_KEY.to_owned(),
            hex(COMPANY_KEY.as_bytes()),
            sha256(COMPANY_KEY.as_bytes()),
            sha256(bearer.as_bytes()),
            sha1(COMPANY_KEY.as_bytes()),
            sha1(bearer.as_bytes()),
        ];
        let lower = everything.to_lowercase();
        for secret in forbidden {
            // Any 16 characters of it would do to recognise it.
            assert!(
                !lower.contains(&secret.to_lowercase()[..16.min(secret.len())]),
                "found {secret} in Redis"
            );
        }
    })
    .await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
