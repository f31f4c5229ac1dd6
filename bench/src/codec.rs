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

/// The Current API's `v1::Membership` body, what the HTTP server returns on a `/v1/` path.
pub(crate) fn v1_membership_body() -> Vec<u8> {
    fixture(
        "example_v1_membership__SYNTHETIC_from_rs_sdk_fields.json",
        "",
    )
}

/// One body and its figures, each the median over rounds.
#[derive(Debug)]
pub(crate) struct CodecResult {
    pub(crate) name: &'static str,
    pub(crate) ty: &'static str,
    pub(crate) bytes: usize,
    /// ns per object: `whop_models::decode`, `serde_json::from_slice::<T>`, `from_slice::<Value>`,
    /// `serde_json::to_vec` of the typed value, `serde_json::to_vec` of the `Value`.
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
    "serde_json::to_vec(&T)",
    "serde_json::to_vec(&Value)",
];

/// Every body measured: name, model, fixture file and the JSON pointer of the part to use.
const BODIES: [(&str, &str, &str, &str); 6] = [
    (
        "v2 Membership, unexpanded (validate_license response)",
        "Membership",
        "example_v2_membership_validate_license_response__community_redacted.json",
        "",
    ),
    (
        "v2 Membership, expanded (webhook went_valid body)",
        "Membership",
        "example_v2_membership_expanded_webhook_went_valid__official_docs.json",
        "/body",
    ),
    (
        "v2 Membership, expanded (webhook went_invalid body)",
        "Membership",
        "example_v2_membership_expanded_webhook_went_invalid__official_docs.json",
        "/body",
    ),
    (
        "v5 MeMembership",
        "MeMembership",
        "example_v5_me_membership__SYNTHETIC_from_spec.json",
        "",
    ),
    (
        "v2 error body (400)",
        "ErrorBody",
        "example_v2_error_400__spec_example.json",
        "",
    ),
    (
        "v5 error body (429)",
        "ErrorBody",
        "example_v2_v5_error_429_rate_limited__docs.json",
        "",
    ),
];

/// The name of body number `i`.
pub(crate) fn body_name(i: usize) -> &'static str {
    BODIES[i].0
}

/// How many bodies [`run`] measures.
pub(crate) const BODY_COUNT: usize = BODIES.len();

/// Runs every body: `rounds` rounds, each op timed for about `batch` per round, interleaved.
pub(crate) fn run(rounds: usize, batch: Duration) -> Vec<CodecResult> {
    BODIES
        .iter()
        .map(|&(name, ty, file, pointer)| {
            let bytes = fixture(file, pointer);
            match ty {
                "Membership" => bench::<Membership>(name, ty, bytes, rounds, batch),
                "MeMembership" => bench::<MeMembership>(name, ty, bytes, rounds, batch),
                _ => bench::<ErrorBody>(name, ty, bytes, rounds, batch),
            }
        })
        .collect()
}

/// `--encode <body> <typed|value> <n>`: encodes body number `body` `n` times, as its model or as
/// a `serde_json::Value`, for callgrind.
pub(crate) fn encode_only(body: usize, typed: bool, n: usize) {
    let (_, ty, file, pointer) = BODIES[body];
    let bytes = fixture(file, pointer);
    fn repeat<T: Serialize>(value: &T, n: usize) {
        for _ in 0..n {
            drop(black_box(serde_json::to_vec(black_box(value))));
        }
    }
    if !typed {
        let value: Value = serde_json::from_slice(&bytes).expect("JSON");
        for _ in 0..n {
            drop(black_box(serde_json::to_vec(black_box(&value))));
        }
        return;
    }
    match ty {
        "Membership" => repeat(
            &whop_models::decode::<Membership>(&bytes).expect("decodes"),
            n,
        ),
        "MeMembership" => repeat(
            &whop_models::decode::<MeMembership>(&bytes).expect("decodes"),
            n,
        ),
        _ => repeat(
            &whop_models::decode::<ErrorBody>(&bytes).expect("decodes"),
            n,
        ),
    }
}

/// `--decode <body> <typed|value> <n>`: decodes body number `body` `n` times, into its model with
/// `whop_models::decode` or into a `serde_json::Value`, for callgrind.
pub(crate) fn decode_only(body: usize, typed: bool, n: usize) {
    let (_, ty, file, pointer) = BODIES[body];
    let bytes = fixture(file, pointer);
    fn repeat<T: DeserializeOwned>(bytes: &[u8], n: usize) {
        for _ in 0..n {
            drop(black_box(whop_models::decode::<T>(black_box(bytes))));
        }
    }
    match (typed, ty) {
        (false, _) => repeat::<Value>(&bytes, n),
        (true, "Membership") => repeat::<Membership>(&bytes, n),
        (true, "MeMembership") => repeat::<MeMembership>(&bytes, n),
        (true, _) => repeat::<ErrorBody>(&bytes, n),
    }
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
        &|| drop(black_box(serde_json::to_vec(black_box(&typed)))),
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
