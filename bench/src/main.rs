//! whop-rs benchmarks: `cargo xtask bench` builds this in release and runs it.
//!
//! Prints one table and writes the figures to `target/bench/bench.json`:
//! - decode and encode cost of the models, against `serde_json::Value` on the same bytes;
//! - one call end to end on loopback at concurrency 1, 16 and 64 for (a) the full default
//!   `whop_client::Client`, (b) a bare hyper-util client with a hand decode (the floor) and
//!   (c) reqwest + serde_json, on the seed's v5 lookup; and beside it the Current API's retrieve
//!   (`GET /v1/memberships/{id}`) for (a1) the full client's `membership` and (b1) the floor
//!   making the same request (`Api-Version-Date` included) and decoding `v1::Membership`, with
//!   the same targets against its floor;
//! - heap allocations per call (this binary's global allocator counts them);
//! - client instructions per call under callgrind (when valgrind is installed): deterministic, so
//!   it holds on a loaded machine where the wall-clock ratios move;
//! - the pacing store's cost per call: `reserve` in memory and in Redis on loopback;
//! - build cost: cold release builds, dependency-tree sizes, the quickstart's binary size, and the
//!   smallest app's (`examples/min-license-check`) stripped size and cold build.
//!
//! Machines are noisy, so every comparison runs its sides interleaved in rounds in one process
//! and reports medians of per-round ratios.
//!
//! Options: `--quick` (fewer, shorter rounds), `--no-build` (skip the build cost),
//! `--callgrind` (only the deterministic figures: allocations and instructions per call),
//! `--codec` (only decode and encode),
//! `--serve` (internal: the HTTP server process), `--calls <a|b|c|a1|b1> <n>` (only `n` sequential
//! calls of one side, for a profiler), `--decode|--encode <body> <typed|value> <n>` (only `n`
//! decodes or encodes of one codec body, for a profiler).

mod build_cost;
mod callgrind;
mod codec;
mod http;
mod stats;
mod store;
mod valgrind;

use std::alloc::System;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const CONCURRENCIES: [usize; 3] = [1, 16, 64];
const ALLOC_CALLS: usize = 2000;

/// Heap use per call, averaged over [`ALLOC_CALLS`] sequential calls.
#[derive(Debug)]
struct Allocs {
    allocations: f64,
    reallocations: f64,
    bytes: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--serve") {
        http::serve();
        return;
    }
    for (flag, op) in [
        ("--encode", codec::encode_only as fn(usize, bool, usize)),
        ("--decode", codec::decode_only),
    ] {
        if let Some(at) = args.iter().position(|a| a == flag) {
            let arg = |i: usize| args.get(at + i).map(String::as_str);
            let body = arg(1)
                .and_then(|b| b.parse().ok())
                .unwrap_or_else(|| panic!("{flag} <body> <typed|value> <n>"));
            let n = arg(3).and_then(|n| n.parse().ok()).unwrap_or(1000);
            op(body, arg(2) == Some("typed"), n);
            return;
        }
    }
    if let Some(at) = args.iter().position(|a| a == "--calls") {
        calls_only(&args[at + 1..]);
        return;
    }
    let quick = has("--quick");
    let deterministic_only = has("--callgrind");
    if has("--codec") {
        let (rounds, batch) = if quick {
            (5, Duration::from_millis(5))
        } else {
            (15, Duration::from_millis(20))
        };
        let codec = codec::run(rounds, batch);
        let figures = Figures {
            codec: &codec,
            load: &[],
            allocs: &[],
            instructions: None,
            codec_instructions: None,
            build: None,
            stores: &[],
        };
        println!("{}", table(&figures));
        return;
    }
    let started = Instant::now();
    let (codec_rounds, codec_batch) = if quick {
        (5, Duration::from_millis(5))
    } else {
        (15, Duration::from_millis(20))
    };
    let (http_rounds, http_duration) = if quick {
        (3, Duration::from_millis(100))
    } else {
        (25, Duration::from_millis(100))
    };

    let codec = if deterministic_only {
        Vec::new()
    } else {
        eprintln!("whop-bench: decode and encode ({codec_rounds} rounds)");
        codec::run(codec_rounds, codec_batch)
    };

    eprintln!("whop-bench: one call end to end on loopback ({http_rounds} rounds per concurrency)");
    let server = http::Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sides = http::Side::all(server.port);
    let load = if deterministic_only {
        Vec::new()
    } else {
        runtime.block_on(http::run(
            &sides,
            &CONCURRENCIES,
            http_rounds,
            http_duration,
        ))
    };
    eprintln!("whop-bench: heap allocations per call ({ALLOC_CALLS} sequential calls per side)");
    let allocs: Vec<Allocs> = sides
        .iter()
        .map(|side| runtime.block_on(count_allocations(side)))
        .collect();
    drop(sides);
    drop(runtime);
    drop(server);

    let valgrind = callgrind::valgrind();
    if valgrind.is_none() {
        eprintln!("whop-bench: no valgrind: no instructions per call");
    }
    let instructions = valgrind.as_deref().map(callgrind::measure);
    let codec_instructions = valgrind.as_deref().map(callgrind::measure_codec);

    let (store_rounds, store_calls) = if quick { (3, 200) } else { (10, 1000) };
    eprintln!(
        "whop-bench: pacing store per call ({store_rounds} rounds of {store_calls} per store)"
    );
    let stores = store::run(store_rounds, store_calls);

    let build = (!has("--no-build") && !deterministic_only).then(build_cost::measure);

    let figures = Figures {
        codec: &codec,
        load: &load,
        allocs: &allocs,
        instructions: instructions.as_ref(),
        codec_instructions: codec_instructions.as_ref(),
        build: build.as_ref(),
        stores: &stores,
    };
    let mut table = table(&figures);
    table.push_str(&store_table(&stores));
    println!("{table}");
    let path = write_json(&figures, &table);
    println!(
        "Figures: {} (whole run {:.0} s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
}

/// `--calls <a|b|c|a1|b1> <n>`: only `n` sequential calls of one side, for a profiler
/// (`valgrind --tool=callgrind target/release/whop-bench --calls a 2000`).
fn calls_only(args: &[String]) {
    let side = args
        .first()
        .and_then(|name| callgrind::SIDES.iter().position(|s| s == name))
        .unwrap_or_else(|| panic!("usage: --calls <a|b|c|a1|b1> <n>"));
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let server = http::Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sides = http::Side::all(server.port);
    runtime.block_on(async {
        for _ in 0..n {
            std::hint::black_box(sides[side].call().await);
        }
    });
}

async fn count_allocations(side: &Arc<http::Side>) -> Allocs {
    for _ in 0..200 {
        side.call().await;
    }
    let region = Region::new(GLOBAL);
    for _ in 0..ALLOC_CALLS {
        std::hint::black_box(side.call().await);
    }
    let change = region.change();
    let n = ALLOC_CALLS as f64;
    Allocs {
        allocations: change.allocations as f64 / n,
        reallocations: change.reallocations as f64 / n,
        bytes: (change.bytes_allocated + change.bytes_reallocated.max(0) as usize) as f64 / n,
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// Everything one run measured; what was skipped is empty or `None`.
struct Figures<'a> {
    codec: &'a [codec::CodecResult],
    load: &'a [http::LoadResult],
    allocs: &'a [Allocs],
    instructions: Option<&'a callgrind::Instructions>,
    codec_instructions: Option<&'a callgrind::CodecInstructions>,
    build: Option<&'a build_cost::BuildCost>,
    stores: &'a [store::StoreSide],
}

/// The most allocations per call the full client may make above the floor's (issue 21's price
/// for a default stack built from the public layers and tower's retry).
const MAX_ALLOCATIONS_OVER_FLOOR: f64 = 14.0;
/// The least the full client's throughput may be, as a share of the floor's, at concurrency 16
/// and above (issue 21's price).
const MIN_THROUGHPUT_OF_FLOOR: f64 = 0.85;
/// A regression alarm, not a target: the full client's instructions per call above the floor's.
/// Its overhead is a few thousand instructions (a few microseconds against a network call of tens
/// of milliseconds); a jump past this is a bug to look for, not a trade to make.
const ALARM_INSTRUCTIONS_OVER_FLOOR: f64 = 20_000.0;
/// The largest the smallest app may be, stripped: 2.2 MB (10^6 bytes).
const MAX_MIN_APP_BYTES: u64 = 2_200_000;
/// The longest the smallest app's cold release build may take on the 2-core machine.
const MAX_MIN_APP_BUILD_S: f64 = 45.0;
/// The longest whop-models' cold release build may take.
const MAX_MODELS_BUILD_S: f64 = 15.0;

fn table(figures: &Figures<'_>) -> String {
    let Figures {
        codec,
        load,
        allocs,
        instructions,
        codec_instructions,
        build,
        stores: _,
    } = *figures;
    let mut t = String::new();
    let _ = writeln!(t, "| measure | figure | ratio | target |");
    let _ = writeln!(t, "| --- | --- | --- | --- |");
    for c in codec {
        for (i, op) in codec::OPS.iter().enumerate() {
            let figure = format!(
                "{:.0} ns, {:.0} MB/s",
                c.ns[i],
                codec::mb_per_s(c.bytes, c.ns[i])
            );
            let (ratio, target) = match i {
                0 => (
                    format!("{:.2}x Value", c.speedup_vs_value[0]),
                    String::new(),
                ),
                1 => (
                    format!("{:.2}x Value", c.speedup_vs_value[1]),
                    String::new(),
                ),
                3 => (
                    format!("{:.2}x Value", c.encode_speedup_vs_value),
                    String::new(),
                ),
                _ => ("1.00x".to_owned(), String::new()),
            };
            let ty = if i == 2 || i == 4 { "Value" } else { c.ty };
            let _ = writeln!(
                t,
                "| {} ({} B), {} [{ty}] | {figure} | {ratio} | {target} |",
                c.name, c.bytes, op
            );
        }
    }
    for l in load {
        for (i, name) in http::SIDE_NAMES.iter().enumerate() {
            let [rps, p50, p99] = l.sides[i];
            let figure = format!("{rps:.0} req/s, p50 {p50:.0} us, p99 {p99:.0} us");
            let throughput_target = |full: &str, floor: &str, ratio: f64| {
                if l.concurrency >= 16 {
                    format!(
                        "{full} >= {MIN_THROUGHPUT_OF_FLOOR} {floor}: {}",
                        verdict(ratio >= MIN_THROUGHPUT_OF_FLOOR)
                    )
                } else {
                    String::new()
                }
            };
            let (ratio, target) = match i {
                0 => (
                    format!("a/b {:.2}, a/c {:.2}", l.a_over_b, l.a_over_c),
                    throughput_target("a", "b", l.a_over_b),
                ),
                http::V1_FULL => (
                    format!("a1/b1 {:.2}", l.a1_over_b1),
                    throughput_target("a1", "b1", l.a1_over_b1),
                ),
                _ => (String::new(), String::new()),
            };
            let _ = writeln!(
                t,
                "| {}, concurrency {}, {name} | {figure} | {ratio} | {target} |",
                http::route_of(i),
                l.concurrency
            );
        }
    }
    for (i, a) in allocs.iter().enumerate() {
        let total = a.allocations + a.reallocations;
        let over_floor = |full: &str, floor_name: &str, floor: &Allocs| {
            let floor_total = floor.allocations + floor.reallocations;
            (
                format!(
                    "{full} - {floor_name}: {:+.1} allocations, {:+.0} bytes",
                    total - floor_total,
                    a.bytes - floor.bytes
                ),
                format!(
                    "{full} <= {floor_name} + {MAX_ALLOCATIONS_OVER_FLOOR:.0}: {}",
                    verdict(total <= floor_total + MAX_ALLOCATIONS_OVER_FLOOR)
                ),
            )
        };
        let (ratio, target) = match i {
            0 => over_floor("a", "b", &allocs[1]),
            http::V1_FULL => over_floor("a1", "b1", &allocs[http::V1_BARE]),
            _ => (String::new(), String::new()),
        };
        let _ = writeln!(
            t,
            "| heap per call, {} | {total:.1} allocations ({:.1} of them reallocs), {:.0} bytes | {ratio} | {target} |",
            http::SIDE_NAMES[i],
            a.reallocations,
            a.bytes
        );
    }
    if let Some(codec_ins) = codec_instructions {
        for (op, per_body) in [
            ("decode", &codec_ins.per_decode),
            ("encode", &codec_ins.per_encode),
        ] {
            for (i, (typed, value)) in per_body.iter().enumerate() {
                let _ = writeln!(
                    t,
                    "| {}, {op} instructions under callgrind: typed / Value | {typed:.0} / {value:.0} | {:.2}x Value | |",
                    codec::body_name(i),
                    value / typed,
                );
            }
        }
    }
    if let Some(ins) = instructions {
        for (i, name) in http::SIDE_NAMES.iter().enumerate() {
            let over_floor = |full: &str, floor_name: &str, ratio: f64, floor: usize| {
                let over = ins.per_call[i] - ins.per_call[floor];
                (
                    format!("{full}/{floor_name} {ratio:.3}, {full} - {floor_name} {over:+.0}"),
                    format!(
                        "alarm if {full} - {floor_name} > {ALARM_INSTRUCTIONS_OVER_FLOOR:.0}: {}",
                        if over > ALARM_INSTRUCTIONS_OVER_FLOOR {
                            "RAISED"
                        } else {
                            "quiet"
                        }
                    ),
                )
            };
            let (ratio, target) = match i {
                0 => over_floor("a", "b", ins.a_over_b(), 1),
                http::V1_FULL => over_floor("a1", "b1", ins.a1_over_b1(), http::V1_BARE),
                _ => (String::new(), String::new()),
            };
            let _ = writeln!(
                t,
                "| instructions per call under callgrind, {name} | {:.0} | {ratio} | {target} |",
                ins.per_call[i]
            );
        }
    }
    if let Some(b) = build {
        for c in &b.crates {
            let target = if c.package == "whop-models" {
                format!(
                    "<= {MAX_MODELS_BUILD_S:.0} s: {}",
                    verdict(c.cold_release_s <= MAX_MODELS_BUILD_S)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                t,
                "| build {}: cold `cargo build --release` ({} jobs) | {:.0} s wall, {} | {} crates in its normal dependency tree | {target} |",
                c.package,
                b.jobs,
                c.cold_release_s,
                cpu(c.cold_release_cpu_s),
                c.dependency_crates
            );
        }
        let m = &b.min_app;
        let _ = writeln!(
            t,
            "| build {}: cold `cargo build --release`, strip = true ({} jobs) | {:.0} s wall, {}; load average {} at its start | {} crates in its normal dependency tree | <= {MAX_MIN_APP_BUILD_S:.0} s: {} |",
            build_cost::MIN_APP,
            b.jobs,
            m.cold_release_s,
            cpu(m.cold_release_cpu_s),
            m.load_before
                .map_or_else(|| "unknown".to_owned(), |l| format!("{l:.1}")),
            m.dependency_crates,
            verdict(m.cold_release_s <= MAX_MIN_APP_BUILD_S)
        );
        let _ = writeln!(
            t,
            "| {} (whop-client, default features), release binary, strip = true | {:.2} MB ({} bytes) | | <= 2.2 MB: {} |",
            build_cost::MIN_APP,
            m.bytes as f64 / 1e6,
            m.bytes,
            verdict(m.bytes <= MAX_MIN_APP_BYTES)
        );
        let _ = writeln!(
            t,
            "| quickstart example, release binary (workspace profile: strip = \"debuginfo\") | {:.2} MiB ({} bytes) | | |",
            b.quickstart_bytes as f64 / 1048576.0,
            b.quickstart_bytes
        );
    }
    if let Some(ins) = instructions {
        let _ = writeln!(
            t,
            "\nInstructions per call: `valgrind --tool=callgrind whop-bench --calls <side> <n>` for \
             each side with two values of n; the difference over {} calls, so start-up and the \
             first connection cancel out (client process only).",
            ins.calls
        );
    }
    let codec_rounds = codec.first().map_or(0, |c| c.rounds);
    let http_rounds = load.first().map_or(0, |l| l.rounds);
    let _ = writeln!(
        t,
        "\nMedians over {codec_rounds} interleaved rounds (decode/encode) and {http_rounds} interleaved \
         rounds a,b,c,a1,b1 per concurrency (HTTP); ratios are medians of per-round ratios. Bodies are \
         the fixtures as compact JSON. The server is a second process (hyper HTTP/1.1, one thread) \
         returning the v5 body (the v1 body on `/v1/` paths); the clients share one runtime \
         thread. (a) and (a1) are built by \
         `full_client()` in bench/src/http.rs: the default stack with pacing off (on, it holds a \
         client to Whop's rate limits, so (a) would measure the limit). Heap figures count \
         every allocation in the client process over {ALLOC_CALLS} sequential calls. Load average \
         at the end of the run: {}.",
        std::fs::read_to_string("/proc/loadavg").map_or_else(
            |_| "unknown".to_owned(),
            |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        )
    );
    t
}

/// The pacing store rows: their own small table under the main one.
fn store_table(stores: &[store::StoreSide]) -> String {
    let mut t = String::from(
        "\n| pacing store, one `reserve` (sequential, one runtime thread) | p50 | p99 | calls |\n| --- | --- | --- | --- |\n",
    );
    for side in stores {
        let us =
            |v: Option<f64>| v.map_or_else(|| "not measured".to_owned(), |v| format!("{v:.1} us"));
        let _ = writeln!(
            t,
            "| {} | {} | {} | {}{} |",
            side.name,
            us(side.p50_us),
            us(side.p99_us),
            side.calls,
            side.note
                .as_ref()
                .map_or_else(String::new, |n| format!(" ({n})"))
        );
    }
    t
}

fn cpu(seconds: Option<f64>) -> String {
    seconds.map_or_else(
        || "CPU time unknown".to_owned(),
        |s| format!("{s:.0} s CPU"),
    )
}

fn write_json(figures: &Figures<'_>, table: &str) -> std::path::PathBuf {
    let Figures {
        codec,
        load,
        allocs,
        instructions,
        codec_instructions,
        build,
        stores,
    } = *figures;
    let stores: Vec<_> = stores
        .iter()
        .map(|s| json!({ "store": s.name, "p50_us": s.p50_us, "p99_us": s.p99_us, "calls": s.calls, "note": s.note }))
        .collect();
    let codec: Vec<_> = codec
        .iter()
        .map(|c| {
            let ops: serde_json::Map<_, _> = codec::OPS
                .iter()
                .zip(c.ns)
                .map(|(op, ns)| {
                    (
                        (*op).to_owned(),
                        json!({ "ns_per_object": ns, "mb_per_s": codec::mb_per_s(c.bytes, ns) }),
                    )
                })
                .collect();
            json!({
                "body": c.name,
                "type": c.ty,
                "bytes": c.bytes,
                "rounds": c.rounds,
                "ops": ops,
                "decode_speedup_vs_value": c.speedup_vs_value[0],
                "encode_speedup_vs_value": c.encode_speedup_vs_value,
                "from_slice_speedup_vs_value": c.speedup_vs_value[1],
            })
        })
        .collect();
    let load: Vec<_> = load
        .iter()
        .map(|l| {
            let sides: Vec<_> = l
                .sides
                .iter()
                .zip(http::SIDE_NAMES)
                .map(|([rps, p50, p99], name)| {
                    json!({ "side": name, "requests_per_s": rps, "p50_us": p50, "p99_us": p99 })
                })
                .collect();
            json!({
                "concurrency": l.concurrency,
                "rounds": l.rounds,
                "requests": l.requests,
                "sides": sides,
                "a_over_b_throughput": l.a_over_b,
                "a_over_c_throughput": l.a_over_c,
                "a1_over_b1_throughput": l.a1_over_b1,
            })
        })
        .collect();
    let allocs: Vec<_> = allocs
        .iter()
        .zip(http::SIDE_NAMES)
        .map(|(a, name)| {
            json!({
                "side": name,
                "allocations_per_call": a.allocations,
                "reallocations_per_call": a.reallocations,
                "bytes_per_call": a.bytes,
                "calls": ALLOC_CALLS,
            })
        })
        .collect();
    let build = build.map(|b| {
        json!({
            "jobs": b.jobs,
            "crates": b.crates.iter().map(|c| json!({
                "package": c.package,
                "cold_release_build_s": c.cold_release_s,
                "cold_release_build_cpu_s": c.cold_release_cpu_s,
                "dependency_crates": c.dependency_crates,
            })).collect::<Vec<_>>(),
            "quickstart_release_bytes": b.quickstart_bytes,
            "min_app": {
                "package": build_cost::MIN_APP,
                "release_stripped_bytes": b.min_app.bytes,
                "cold_release_build_s": b.min_app.cold_release_s,
                "cold_release_build_cpu_s": b.min_app.cold_release_cpu_s,
                "dependency_crates": b.min_app.dependency_crates,
                "load_average_before": b.min_app.load_before,
            },
        })
    });
    let instructions = instructions.map(|ins| {
        json!({
            "per_call": http::SIDE_NAMES.iter().zip(ins.per_call).map(|(name, n)| {
                json!({ "side": name, "instructions_per_call": n })
            }).collect::<Vec<_>>(),
            "a_over_b": ins.a_over_b(),
            "a1_over_b1": ins.a1_over_b1(),
            "calls": ins.calls,
        })
    });
    let document = json!({
        "codec": codec,
        "http": load,
        "heap_per_call": allocs,
        "instructions": instructions,
        "encode_instructions": codec_instructions.map(|ins| {
            ins.per_encode.iter().enumerate().map(|(i, (typed, value))| json!({
                "body": codec::body_name(i),
                "typed_per_encode": typed,
                "value_per_encode": value,
                "speedup_vs_value": value / typed,
            })).collect::<Vec<_>>()
        }),
        "decode_instructions": codec_instructions.map(|ins| {
            ins.per_decode.iter().enumerate().map(|(i, (typed, value))| json!({
                "body": codec::body_name(i),
                "typed_per_decode": typed,
                "value_per_decode": value,
                "speedup_vs_value": value / typed,
            })).collect::<Vec<_>>()
        }),
        "build": build,
        "pacing_stores": stores,
        "pacing_store_per_call": stores,
        "table": table,
    });
    let dir = build_cost::target_dir().join("bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    let path = dir.join("bench.json");
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&document).expect("encodes"),
    )
    .expect("write the figures");
    path
}
