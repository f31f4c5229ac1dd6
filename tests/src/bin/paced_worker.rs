//! One worker process of the shared-pacing tests (`tests/shared_pacing.rs`): a client of the
//! default stack, paced to one v2 limit in memory or through a Redis, making `cancel` calls to a
//! whop-mock with many tasks at once, then printing what happened as `name=value` lines. With
//! `--api v1`, the limit is the Current API's (per operation) and the calls are
//! `cancel_membership_at_period_end`.
//!
//! Arguments (`--name value`): `base-url`, `token`, `limit`, `window-ms`, `margin-ms`,
//! `concurrency`, `start-at-ms` (Unix time to start at, so every worker starts together),
//! `deadline-ms`, and either `calls` (a fixed number) or `run-for-ms` (calls until then);
//! optional `pause-ms` (each task's pause between calls), `api` (`v2`, the default, or `v1`);
//! optional `redis` (a `redis://` URL: shared pacing), `prefix`, `redis-timeout-ms`,
//! `retry-every-ms`. Warnings go to stderr.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use whop_client::transport::ErrorKind;
use whop_client::transport::pacing::RedisStore;
use whop_client::{Client, Error, PacingConfig, PacingLimit, RetryConfig, Token};

/// What the calls came to.
#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    api_429: AtomicUsize,
    local: AtomicUsize,
    unavailable: AtomicUsize,
    other: AtomicUsize,
    max_call_ms: AtomicU64,
    last_done_ms: AtomicU64,
}

impl Tally {
    fn count(&self, outcome: &Result<(), Error>) {
        let counter = match outcome {
            Ok(()) => &self.ok,
            Err(e) if e.is_rate_limited() => &self.api_429,
            Err(e) if e.is_rate_limited_locally() => &self.local,
            Err(Error::Transport(t))
                if t.transport_error()
                    .is_some_and(|t| t.kind() == ErrorKind::PacingUnavailable) =>
            {
                &self.unavailable
            }
            Err(e) => {
                eprintln!("paced_worker: call failed: {e}");
                &self.other
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .init();
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    let limit = PacingLimit::new(args.number("limit") as u32, args.millis("window-ms"));
    let v1 = match args.get("api") {
        None | Some("v2") => false,
        Some("v1") => true,
        Some(other) => panic!("--api v1|v2, not {other}"),
    };
    let pacing = if v1 {
        PacingConfig::disabled().with_v1(Some(limit))
    } else {
        PacingConfig::disabled().with_v2(Some(limit))
    };
    let mut pacing = pacing.with_safety_margin(args.millis("margin-ms"));
    if let Some(url) = args.get("redis") {
        let store = RedisStore::builder(url)
            .key_prefix(args.get("prefix").unwrap_or("whop:pacing"))
            .timeout(args.millis_or("redis-timeout-ms", 250))
            .retry_every(args.millis_or("retry-every-ms", 1000))
            .build()
            .expect("a valid Redis URL");
        pacing = pacing.with_store(store);
    }
    let deadline = args.millis("deadline-ms");
    let client = Client::builder()
        .transport(|t| {
            t.base_url(args.get("base-url").expect("--base-url"))
                .token(Token::new(args.get("token").expect("--token")).expect("a valid token"))
                .pacing(pacing)
                .deadline(deadline)
                .attempt_timeout(Duration::from_secs(5))
                .retry(
                    RetryConfig::default()
                        .with_base_delay(Duration::from_millis(2))
                        .with_max_delay(Duration::from_millis(20)),
                )
        })
        .build()
        .expect("a client");

    let start_at = UNIX_EPOCH + Duration::from_millis(args.number("start-at-ms"));
    if let Ok(wait) = start_at.duration_since(SystemTime::now()) {
        tokio::time::sleep(wait).await;
    }
    let started = Instant::now();
    let calls = args
        .get("calls")
        .map(|n| n.parse::<usize>().expect("a count"));
    let run_for = args.get("run-for-ms").map(|_| args.millis("run-for-ms"));
    let pause = args.millis_or("pause-ms", 0);
    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Tally::default());
    let tasks: Vec<_> = (0..args.number("concurrency"))
        .map(|_| {
            let (client, next, tally) = (client.clone(), Arc::clone(&next), Arc::clone(&tally));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let more = match (calls, run_for) {
                        (Some(calls), _) => i < calls,
                        (None, Some(run_for)) => started.elapsed() < run_for,
                        (None, None) => false,
                    };
                    if !more {
                        next.fetch_sub(1, Ordering::Relaxed);
                        return;
                    }
                    let call = Instant::now();
                    let outcome = if v1 {
                        client
                            .cancel_membership_at_period_end("mem_1")
                            .await
                            .map(drop)
                    } else {
                        client.legacy().cancel_membership("mem_1").await.map(drop)
                    };
                    let took = call.elapsed().as_millis() as u64;
                    tally.max_call_ms.fetch_max(took, Ordering::Relaxed);
                    let done = started.elapsed().as_millis() as u64;
                    tally.last_done_ms.fetch_max(done, Ordering::Relaxed);
                    tally.count(&outcome);
                    if !pause.is_zero() {
                        tokio::time::sleep(pause).await;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("no panic");
    }
    let load = |c: &AtomicUsize| c.load(Ordering::Relaxed);
    println!("calls={}", load(&next));
    println!("ok={}", load(&tally.ok));
    println!("api_429={}", load(&tally.api_429));
    println!("local={}", load(&tally.local));
    println!("unavailable={}", load(&tally.unavailable));
    println!("other={}", load(&tally.other));
    println!("max_call_ms={}", tally.max_call_ms.load(Ordering::Relaxed));
    println!(
        "last_done_ms={}",
        tally.last_done_ms.load(Ordering::Relaxed)
    );
}

/// `--name value` pairs.
struct Args(HashMap<String, String>);

impl Args {
    fn parse() -> Self {
        let mut args = std::env::args().skip(1);
        let mut map = HashMap::new();
        while let Some(name) = args.next() {
            let name = name
                .strip_prefix("--")
                .expect("--name value pairs")
                .to_owned();
            map.insert(name, args.next().expect("a value after each --name"));
        }
        Self(map)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn number(&self, name: &str) -> u64 {
        self.get(name)
            .unwrap_or_else(|| panic!("--{name}"))
            .parse()
            .unwrap_or_else(|_| panic!("--{name} takes a number"))
    }

    fn millis(&self, name: &str) -> Duration {
        Duration::from_millis(self.number(name))
    }

    fn millis_or(&self, name: &str, default: u64) -> Duration {
        self.get(name)
            .map_or(Duration::from_millis(default), |_| self.millis(name))
    }
}
