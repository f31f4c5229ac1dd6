//! `cargo xtask bench`: builds the `whop-bench` package in release and runs its programs in turn
//! ([`PROGRAMS`]).
//!
//! `whop-bench` prints one table and writes the figures as JSON to `target/bench/bench.json`;
//! `license-verify` (the license verifier's cost) to `target/bench/license_verify.json`;
//! `license-server` (the license server's refreshes from cache, Whop calls per launches) prints
//! its table. Extra
//! arguments go to the benchmark: `--quick` (shorter rounds), `--no-build` (no build cost),
//! `--callgrind` (only the deterministic figures: allocations per call, and instructions per call
//! under valgrind's callgrind, which a full run also reports when valgrind is installed).

use std::time::Instant;

/// The binaries of the `whop-bench` package that `cargo xtask bench` runs, in this order. Each
/// takes the same arguments and ignores those it does not know.
const PROGRAMS: &[&str] = &["whop-bench", "license-verify", "license-server"];

/// Runs the benchmarks with `args` passed through.
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    for program in PROGRAMS {
        let mut command = crate::cargo_command();
        command
            .args([
                "run",
                "--release",
                "--locked",
                "--package",
                "whop-bench",
                "--bin",
                program,
                "--",
            ])
            .args(args);
        eprintln!("xtask: {command:?}");
        let status = command
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the benchmark {program} failed ({status})"));
        }
    }
    eprintln!(
        "xtask bench: finished in {:.0} s (build and run)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
