//! The license verifier's cost (issue 24): `cargo run --release -p whop-bench --bin
//! license-verify`, also run by `cargo xtask bench`.
//!
//! Prints one table and writes it as JSON to `target/bench/license_verify.json`:
//! - the size of a typical token (membership, product and machine ids, status, period end, three
//!   times, the key id in the footer);
//! - the cost of one token, wall clock and on the CPU (Linux), for four sides, interleaved in
//!   rounds, with medians of per-round ratios: (v) `Verifier::verify`, the app's start-up check;
//!   (o) `KeySet::open`, signature and claims without the app's checks; (p) pasetors' `PublicToken::verify` alone
//!   (base64, PAE, signature); (e) a bare Ed25519 verify (ed25519-compact) of the same signed
//!   bytes, the floor no verifier of this signature can go under;
//! - instructions per verify under callgrind (when valgrind is installed) for (v) and (e): a
//!   figure that holds on a loaded machine;
//! - the stripped release size of `examples/license-verify-size`, an app that embeds only the
//!   verifier, and its cold build (as whop-bench measures `min-license-check`); the binary is
//!   then run on the bench's token, which it must find valid.
//!
//! Options: `--quick` (fewer rounds), `--no-build` (no size), `--callgrind` (only the
//! deterministic figures),
//! `--verifies <v|o|p|e> <n>` (internal: only `n` verifies of one side, for callgrind). Other
//! options (`whop-bench`'s) are ignored.

// build_cost.rs is whop-bench's: only its small-app measurement is used here.
#[allow(dead_code)]
#[path = "../build_cost.rs"]
mod build_cost;
#[path = "../paseto.rs"]
mod paseto;
#[path = "../stats.rs"]
mod stats;
#[path = "../valgrind.rs"]
mod valgrind;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pasetors::token::{Public, UntrustedToken};
use pasetors::version4::{PublicToken, V4};
use serde_json::json;
use whop_license::{Claims, KeySet, SigningKey, Verifier};

use crate::paseto::{decode, pae};

/// The most a verify may cost: the target.
const MAX_VERIFY_NS: f64 = 100_000.0;
/// The implicit assertion whop-license signs with (its format version).
const IMPLICIT_ASSERTION: &[u8] = b"whop-license v1";
const PRODUCT: &str = "prod_XXXXXXXXXXXXX";
/// A machine id as `/etc/machine-id` gives it.
const HWID: &str = "4c4c4544004d3610804cb2c04f4e3232";
/// The sides, as `--verifies` names them.
const SIDES: [&str; 4] = ["v", "o", "p", "e"];
const SIDE_NAMES: [&str; 4] = [
    "(v) Verifier::verify",
    "(o) KeySet::open",
    "(p) pasetors PublicToken::verify",
    "(e) bare Ed25519 verify (ed25519-compact)",
];
/// The package of the app that embeds only the verifier.
const SIZE_APP: &str = "license-verify-size";
/// Its own cold target directory, under `target/bench/`.
const SIZE_APP_DIR: &str = "cold-license-verify-size";
/// The largest that app may be, stripped: 1 MB (10^6 bytes), under half of the smallest
/// whop-client app's budget.
const MAX_SIZE_APP_BYTES: u64 = 1_000_000;
/// Verifies in the shorter and the longer callgrind run.
const FEW: usize = 200;
const MANY: usize = 1200;

/// A token and everything each side needs to check it.
struct Fixture {
    token: String,
    verifier: Verifier,
    keys: KeySet,
    paseto_key: pasetors::keys::AsymmetricPublicKey<V4>,
    ed_key: ed25519_compact::PublicKey,
    /// What the signature covers: PAE(header, payload, footer, implicit assertion).
    signed: Vec<u8>,
    signature: ed25519_compact::Signature,
    now: SystemTime,
}

/// A typical token's claims, issued at `now`: refresh after an hour, expire after a week.
fn typical_claims(now: SystemTime, period_end: Option<SystemTime>) -> Claims {
    let hour = Duration::from_secs(3600);
    Claims {
        membership_id: "mem_XXXXXXXXXXXXXX".to_owned(),
        product_id: PRODUCT.to_owned(),
        hardware_id: HWID.to_owned(),
        status: "active".to_owned(),
        period_end,
        issued_at: now,
        refresh_after: now + hour,
        expires_at: now + 7 * 24 * hour,
    }
}

impl Fixture {
    fn new() -> Self {
        let key = SigningKey::generate().expect("a key");
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let hour = Duration::from_secs(3600);
        let token = key
            .sign(&typical_claims(now, Some(now + 30 * 24 * hour)))
            .expect("signs");
        let keys = KeySet::new().with(key.public_key().clone());
        let paseto_key = pasetors::keys::AsymmetricPublicKey::<V4>::try_from(
            key.public_key().to_paserk().as_str(),
        )
        .expect("a PASERK public key");
        let ed_key = ed25519_compact::PublicKey::from_slice(paseto_key.as_bytes()).expect("a key");
        let mut parts = token.split('.').skip(2);
        let (body, footer) = (
            parts.next().expect("a body"),
            parts.next().expect("a footer"),
        );
        let (body, footer) = (decode(body), decode(footer));
        let (payload, signature) = body.split_at(body.len() - 64);
        let signed = pae(&[b"v4.public.", payload, &footer, IMPLICIT_ASSERTION]);
        let signature = ed25519_compact::Signature::from_slice(signature).expect("a signature");
        Self {
            verifier: Verifier::new(keys.clone(), PRODUCT),
            token,
            keys,
            paseto_key,
            ed_key,
            signed,
            signature,
            now: now + Duration::from_secs(60),
        }
    }

    /// One check by `side` ([`SIDES`]); panics if it refuses, since a refused token would be a
    /// cheaper, wrong measurement.
    fn check(&self, side: usize) {
        match side {
            0 => {
                let verdict =
                    self.verifier
                        .verify(black_box(&self.token), HWID, self.now, Some(self.now));
                assert!(verdict.is_usable(), "{verdict:?}");
            }
            1 => {
                black_box(self.keys.open(black_box(&self.token)).expect("opens"));
            }
            2 => {
                let untrusted =
                    UntrustedToken::<Public, V4>::try_from(black_box(self.token.as_str()))
                        .expect("a token");
                black_box(
                    PublicToken::verify(
                        &self.paseto_key,
                        &untrusted,
                        None,
                        Some(IMPLICIT_ASSERTION),
                    )
                    .expect("verifies"),
                );
            }
            _ => self
                .ed_key
                .verify(black_box(&self.signed), &self.signature)
                .expect("verifies"),
        }
    }
}

/// Median nanoseconds per check of each side, and the medians of per-round ratios of (v) over
/// (o), (p) and (e).
struct WallClock {
    ns: [f64; 4],
    /// Median nanoseconds on the CPU per check (Linux's schedstat): the time spent waiting for a
    /// core on a loaded machine left out.
    cpu_ns: Option<[f64; 4]>,
    v_over: [f64; 3],
    rounds: usize,
    per_batch: usize,
}

fn wall_clock(fixture: &Fixture, rounds: usize, per_batch: usize) -> WallClock {
    for side in 0..SIDES.len() {
        for _ in 0..per_batch / 4 {
            fixture.check(side);
        }
    }
    let mut per_side: [Vec<f64>; 4] = Default::default();
    let mut cpu_per_side: [Vec<f64>; 4] = Default::default();
    let mut ratios: [Vec<f64>; 3] = Default::default();
    for _ in 0..rounds {
        let mut round = [0.0; 4];
        for (side, ns) in round.iter_mut().enumerate() {
            let cpu_before = cpu_ns();
            let start = Instant::now();
            for _ in 0..per_batch {
                fixture.check(side);
            }
            *ns = start.elapsed().as_nanos() as f64 / per_batch as f64;
            per_side[side].push(*ns);
            if let (Some(before), Some(after)) = (cpu_before, cpu_ns()) {
                cpu_per_side[side].push(after.saturating_sub(before) as f64 / per_batch as f64);
            }
        }
        for (i, ratio) in ratios.iter_mut().enumerate() {
            ratio.push(round[0] / round[i + 1]);
        }
    }
    let complete = cpu_per_side.iter().all(|ns| ns.len() == rounds);
    WallClock {
        ns: per_side.map(|mut ns| stats::median(&mut ns)),
        cpu_ns: complete.then(|| cpu_per_side.map(|mut ns| stats::median(&mut ns))),
        v_over: ratios.map(|mut r| stats::median(&mut r)),
        rounds,
        per_batch,
    }
}

/// Nanoseconds this thread has spent on a CPU (`/proc/thread-self/schedstat`, Linux).
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Instructions per check of (v) and (e) under callgrind.
fn instructions(valgrind: &std::path::Path) -> [f64; 2] {
    let dir = bench_dir();
    [0, 3].map(|side| {
        let run = |n: usize| {
            let args = [
                "--verifies".to_owned(),
                SIDES[side].to_owned(),
                n.to_string(),
            ];
            let out = dir.join(format!("callgrind.license.{}.{n}.out", SIDES[side]));
            valgrind::instructions(valgrind, &out, &args) as f64
        };
        eprintln!(
            "license-verify: callgrind, side ({}), {FEW} and {MANY} verifies",
            SIDES[side]
        );
        (run(MANY) - run(FEW)) / (MANY - FEW) as f64
    })
}

/// Runs the stripped [`SIZE_APP`] on the bench's token: it must say valid, or its size would be
/// that of an app that does not work.
fn check_size_app(binary: &Path) {
    // The bench's token was issued at a fixed time; the app checks it against the real clock, so
    // it gets a token of its own, valid now.
    let key = SigningKey::generate().expect("a key");
    let token = key
        .sign(&typical_claims(SystemTime::now(), None))
        .expect("signs");
    let public_key = key.public_key().to_paserk();
    let output = std::process::Command::new(binary)
        .args([public_key.as_str(), PRODUCT, HWID, token.as_str()])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    assert!(
        output.status.success(),
        "{SIZE_APP} refused a valid token: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// `target/bench`, where whop-bench writes too.
fn bench_dir() -> PathBuf {
    let dir = build_cost::target_dir().join("bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    dir
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fixture = Fixture::new();
    if let Some(at) = args.iter().position(|a| a == "--verifies") {
        let side = args
            .get(at + 1)
            .and_then(|name| SIDES.iter().position(|s| s == name))
            .unwrap_or_else(|| panic!("usage: --verifies <v|o|p|e> <n>"));
        let n: usize = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        for _ in 0..n {
            fixture.check(side);
        }
        return;
    }
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let (rounds, per_batch) = if has("--quick") { (5, 500) } else { (25, 2000) };
    let wall = (!has("--callgrind")).then(|| {
        eprintln!("license-verify: {rounds} rounds of {per_batch} checks per side");
        wall_clock(&fixture, rounds, per_batch)
    });
    let valgrind = valgrind::valgrind();
    if valgrind.is_none() {
        eprintln!("license-verify: no valgrind: no instructions per verify");
    }
    let instructions = valgrind.as_deref().map(instructions);
    let size = (!has("--no-build") && !has("--callgrind") && !has("--quick")).then(|| {
        let app = build_cost::measure_app(SIZE_APP, SIZE_APP_DIR);
        check_size_app(&build_cost::app_binary(SIZE_APP, SIZE_APP_DIR));
        app
    });

    let mut t = String::new();
    let _ = writeln!(t, "| measure | figure | ratio | target |");
    let _ = writeln!(t, "| --- | --- | --- | --- |");
    let _ = writeln!(
        t,
        "| license token size (typical claims, footer with key id) | {} bytes | | a few hundred bytes |",
        fixture.token.len()
    );
    if let Some(w) = &wall {
        for (side, name) in SIDE_NAMES.iter().enumerate() {
            let (ratio, target) = match side {
                0 => {
                    // On a loaded machine the wall clock counts the time spent waiting for a
                    // core; the time on the CPU is the verifier's cost.
                    let (judged, basis) = match w.cpu_ns {
                        Some(cpu) => (cpu[0], "on CPU"),
                        None => (w.ns[0], "wall"),
                    };
                    let met = if judged < MAX_VERIFY_NS {
                        "met"
                    } else {
                        "NOT met"
                    };
                    (
                        format!(
                            "v/o {:.2}, v/p {:.2}, v/e {:.2}",
                            w.v_over[0], w.v_over[1], w.v_over[2]
                        ),
                        format!("< {:.0} us {basis}: {met}", MAX_VERIFY_NS / 1000.0),
                    )
                }
                _ => (String::new(), String::new()),
            };
            let cpu = w.cpu_ns.map_or_else(String::new, |cpu| {
                format!(", {:.1} us on CPU", cpu[side] / 1000.0)
            });
            let _ = writeln!(
                t,
                "| cost per token, {name} | {:.1} us wall{cpu} | {ratio} | {target} |",
                w.ns[side] / 1000.0
            );
        }
    }
    if let Some([v, e]) = instructions {
        let _ = writeln!(
            t,
            "| instructions per token under callgrind, (v) / (e) | {v:.0} / {e:.0} | v/e {:.3}, v - e {:+.0} | |",
            v / e,
            v - e
        );
    }
    if let Some(app) = &size {
        let _ = writeln!(
            t,
            "| {SIZE_APP} (only the verifier), stripped release / cold build | {} bytes / {:.0} s ({:.0} s CPU), {} crates | | <= {MAX_SIZE_APP_BYTES} bytes: {} |",
            app.bytes,
            app.cold_release_s,
            app.cold_release_cpu_s.unwrap_or(f64::NAN),
            app.dependency_crates,
            if app.bytes <= MAX_SIZE_APP_BYTES {
                "met"
            } else {
                "NOT met"
            }
        );
    }
    println!("{t}");
    let path = bench_dir().join("license_verify.json");
    let report = json!({
        "token_bytes": fixture.token.len(),
        "wall_clock": wall.as_ref().map(|w| json!({
            "sides": SIDE_NAMES,
            "median_ns": w.ns,
            "median_cpu_ns": w.cpu_ns,
            "v_over_o_p_e": w.v_over,
            "rounds": w.rounds,
            "checks_per_round": w.per_batch,
            "target_ns": MAX_VERIFY_NS,
        })),
        "instructions_per_token": instructions.map(|[v, e]| json!({ "v": v, "e": e })),
        "size_app": size.as_ref().map(|app| json!({
            "package": SIZE_APP,
            "release_stripped_bytes": app.bytes,
            "cold_release_build_s": app.cold_release_s,
            "cold_release_build_cpu_s": app.cold_release_cpu_s,
            "dependency_crates": app.dependency_crates,
            "load_average_before": app.load_before,
        })),
        "table": t,
    });
    std::fs::write(&path, serde_json::to_string_pretty(&report).expect("json"))
        .expect("write the figures");
    println!("Figures: {}", path.display());
}
