//! Decode and encode cost of the models, against `serde_json::Value` on the same bytes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use whop_models::{ErrorBody, MeMembership, Membership};

use crate::stats::median;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/whop-models/tests/fixtures/"
);

/// A fixture as the API sends it: compact JSON (the stored files are pretty-printed). `pointer`
/// picks a part of it (`/body` of a webhook envelope), empty for the whole file.
pub(crate) fn fixture(name: &str, pointer: &str) -> Vec<u8> {
    let path = format!("{FIXTURES}{name}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let value: Value = serde_json::from_slice(&bytes).expect("fixtures are JSON");
    let part = value.pointer(pointer).expect("pointer into the fixture");
    serde_json::to_vec(part).expect("encodes")
}

/// The v5 `MeMembership` body, also what the HTTP server returns.
pub(crate) fn me_membership_body() -> Vec<u8> {
    fixture("example_v5_me_membership__SYNTHETIC_from_spec.json", "")
}

/// One body and its figures, each the median over rounds.
#[derive(Debug)]
pub(crate) struct CodecResult {
    pub(crate) name: &'static str,
    pub(crate) ty: &'static str,
    pub(crate) bytes: usize,
    /// ns per object: `whop_models::decode`, `serde_json::from_slice::<T>`, `from_slice::<Value>`,
    /// `whop_models::encode` of the typed value, `serde_json::to_vec` of the `Value`.
    pub(crate) ns: [f64; 5],
    /// Per-round ratios (Value decode time / typed decode time), medians: `decode`, `from_slice`.
    pub(crate) speedup_vs_value: [f64; 2],
    /// Per-round ratio (Value encode time / typed encode time), median.
    pub(crate) encode_speedup_vs_value: f64,
    pub(crate) rounds: usize,
}

pub(crate) const OPS: [&str; 5] = [
    "whop_models::decode",
    "serde_json::from_slice::<T>",
    "serde_json::from_slice::<Value>",
    "whop_models::encode",
    "serde_json::to_vec(&Value)",
];

/// Runs every body: `rounds` rounds, each op timed for about `batch` per round, interleaved.
pub(crate) fn run(rounds: usize, batch: Duration) -> Vec<CodecResult> {
    let webhook_valid = "example_v2_membership_expanded_webhook_went_valid__official_docs.json";
    let webhook_invalid = "example_v2_membership_expanded_webhook_went_invalid__official_docs.json";
    vec![
        bench::<Membership>(
            "v2 Membership, unexpanded (validate_license response)",
            "Membership",
            fixture(
                "example_v2_membership_validate_license_response__community_redacted.json",
                "",
            ),
            rounds,
            batch,
        ),
        bench::<Membership>(
            "v2 Membership, expanded (webhook went_valid body)",
            "Membership",
            fixture(webhook_valid, "/body"),
            rounds,
            batch,
        ),
        bench::<Membership>(
            "v2 Membership, expanded (webhook went_invalid body)",
            "Membership",
            fixture(webhook_invalid, "/body"),
            rounds,
            batch,
        ),
        bench::<MeMembership>(
            "v5 MeMembership",
            "MeMembership",
            me_membership_body(),
            rounds,
            batch,
        ),
        bench::<ErrorBody>(
            "v2 error body (400)",
            "ErrorBody",
            fixture("example_v2_error_400__spec_example.json", ""),
            rounds,
            batch,
        ),
        bench::<ErrorBody>(
            "v5 error body (429)",
            "ErrorBody",
            fixture("example_v2_v5_error_429_rate_limited__docs.json", ""),
            rounds,
            batch,
        ),
    ]
}

fn bench<T: DeserializeOwned + Serialize>(
    name: &'static str,
    ty: &'static str,
    bytes: Vec<u8>,
    rounds: usize,
    batch: Duration,
) -> CodecResult {
    let typed: T = whop_models::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let value: Value = serde_json::from_slice(&bytes).expect("JSON");
    let ops: [&dyn Fn(); 5] = [
        &|| drop(black_box(whop_models::decode::<T>(black_box(&bytes)))),
        &|| drop(black_box(serde_json::from_slice::<T>(black_box(&bytes)))),
        &|| {
            drop(black_box(serde_json::from_slice::<Value>(black_box(
                &bytes,
            ))))
        },
        &|| drop(black_box(whop_models::encode(black_box(&typed)))),
        &|| drop(black_box(serde_json::to_vec(black_box(&value)))),
    ];
    // Calibrate each op's iteration count so one batch takes about `batch`.
    let iters: Vec<u64> = ops
        .iter()
        .map(|op| {
            let mut n = 16u64;
            loop {
                let t = time(op, n);
                if t >= batch / 4 || n > 1 << 28 {
                    let per = t.as_secs_f64() / n as f64;
                    break ((batch.as_secs_f64() / per) as u64).max(1);
                }
                n *= 2;
            }
        })
        .collect();
    let mut ns: [Vec<f64>; 5] = Default::default();
    let mut ratios: [Vec<f64>; 3] = Default::default();
    for _ in 0..rounds {
        let mut round = [0.0; 5];
        for (i, op) in ops.iter().enumerate() {
            round[i] = time(op, iters[i]).as_nanos() as f64 / iters[i] as f64;
            ns[i].push(round[i]);
        }
        ratios[0].push(round[2] / round[0]);
        ratios[1].push(round[2] / round[1]);
        ratios[2].push(round[4] / round[3]);
    }
    let [decode, from_slice, encode] = ratios.map(|mut v| median(&mut v));
    CodecResult {
        name,
        ty,
        bytes: bytes.len(),
        ns: ns.map(|mut v| median(&mut v)),
        speedup_vs_value: [decode, from_slice],
        encode_speedup_vs_value: encode,
        rounds,
    }
}

fn time(op: &dyn Fn(), n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

/// MB/s (10^6 bytes) at `ns` per object of `bytes` bytes.
pub(crate) fn mb_per_s(bytes: usize, ns: f64) -> f64 {
    bytes as f64 / ns * 1e3
}
