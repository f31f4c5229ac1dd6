//! Instructions per call under callgrind: a figure that does not move with the machine's load.
//!
//! Decoding and encoding are measured the same way (`whop-bench --decode|--encode <body>
//! <typed|value> <n>`), as deterministic companions to the wall-clock ratios.
//!
//! Each side runs alone (`whop-bench --calls <side> <n>`) under `valgrind --tool=callgrind` twice,
//! with [`FEW`] and [`MANY`] sequential calls; the difference divided by `MANY - FEW` is the
//! client's instructions per call, with start-up, the first connection and the runtime's set-up
//! cancelled out. The server is a child process that valgrind does not follow, so only the
//! client's instructions count.

use std::path::Path;

/// Calls in the shorter run.
const FEW: usize = 200;
/// Calls in the longer run.
const MANY: usize = 1200;

pub(crate) use crate::valgrind::valgrind;

/// The sides as `--calls` names them, in the order of [`SIDE_NAMES`](crate::http::SIDE_NAMES).
pub(crate) const SIDES: [&str; 5] = ["a", "b", "c", "a1", "b1"];

/// Client instructions per call of each side ([`SIDES`]).
#[derive(Debug)]
pub(crate) struct Instructions {
    pub(crate) per_call: [f64; 5],
    pub(crate) calls: usize,
}

impl Instructions {
    /// Full client over the floor (v5).
    pub(crate) fn a_over_b(&self) -> f64 {
        self.per_call[0] / self.per_call[1]
    }

    /// Full client over the floor (v1).
    pub(crate) fn a1_over_b1(&self) -> f64 {
        self.per_call[crate::http::V1_FULL] / self.per_call[crate::http::V1_BARE]
    }
}

/// Runs every side under callgrind with `valgrind`.
pub(crate) fn measure(valgrind: &Path) -> Instructions {
    let mut per_call = [0.0; 5];
    for (i, side) in SIDES.into_iter().enumerate() {
        eprintln!("whop-bench: callgrind, side ({side}), {FEW} and {MANY} calls");
        let few = total_instructions(valgrind, side, FEW);
        let many = total_instructions(valgrind, side, MANY);
        per_call[i] = (many as f64 - few as f64) / (MANY - FEW) as f64;
    }
    Instructions {
        per_call,
        calls: MANY - FEW,
    }
}

/// Instructions the client process executed for `calls` calls of `side`, start-up included.
fn total_instructions(valgrind: &Path, side: &str, calls: usize) -> u64 {
    let args = ["--calls".to_owned(), side.to_owned(), calls.to_string()];
    instructions(valgrind, &format!("{side}.{calls}"), &args)
}

/// Instructions this binary executed with `args` under callgrind (its output in
/// `target/bench/callgrind.<name>.out`).
fn instructions(valgrind: &Path, name: &str, args: &[String]) -> u64 {
    let dir = crate::build_cost::target_dir().join("bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    crate::valgrind::instructions(valgrind, &dir.join(format!("callgrind.{name}.out")), args)
}

/// Decode and encode instructions per object, typed and as a `serde_json::Value`, for each codec
/// body.
#[derive(Debug)]
pub(crate) struct CodecInstructions {
    /// Per body: (typed, Value) instructions per decode.
    pub(crate) per_decode: Vec<(f64, f64)>,
    /// Per body: (typed, Value) instructions per encode.
    pub(crate) per_encode: Vec<(f64, f64)>,
}

/// Runs `whop-bench --decode|--encode <body> <typed|value> <n>` under callgrind for every body.
pub(crate) fn measure_codec(valgrind: &Path) -> CodecInstructions {
    let per_body = |op: &str| -> Vec<(f64, f64)> {
        (0..crate::codec::BODY_COUNT)
            .map(|body| {
                let per = |kind: &str| {
                    let run = |n: usize| {
                        let args = [
                            format!("--{op}"),
                            body.to_string(),
                            kind.to_owned(),
                            n.to_string(),
                        ];
                        instructions(valgrind, &format!("{op}.{body}.{kind}.{n}"), &args)
                    };
                    (run(MANY) as f64 - run(FEW) as f64) / (MANY - FEW) as f64
                };
                (per("typed"), per("value"))
            })
            .collect()
    };
    CodecInstructions {
        per_decode: per_body("decode"),
        per_encode: per_body("encode"),
    }
}
