//! `cargo xtask bench`: builds `whop-bench` in release and runs it.
//!
//! It prints one table and writes the figures as JSON to `target/bench/bench.json`. Extra
//! arguments go to the benchmark (`--quick`, `--no-build`).

use std::env;
use std::process::Command;
use std::time::Instant;

/// Runs the benchmarks with `args` passed through.
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(&cargo);
    command
        .args([
            "run",
            "--release",
            "--locked",
            "--package",
            "whop-bench",
            "--",
        ])
        .args(args)
        // `cargo xtask` sets these for xtask itself. ring's build script reruns when
        // CARGO_MANIFEST_DIR changes, so passing it on would rebuild ring, rustls and everything
        // above them in target/release whenever `cargo build --release` ran directly in between.
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_MANIFEST_PATH")
        .env_remove("CARGO_PRIMARY_PACKAGE");
    eprintln!("xtask: {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not run {cargo}: {e}"))?;
    eprintln!(
        "xtask bench: finished in {:.0} s (build and run)",
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benchmark failed ({status})"))
    }
}
