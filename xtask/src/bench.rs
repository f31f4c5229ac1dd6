//! `cargo xtask bench`: builds `whop-bench` in release and runs it.
//!
//! It prints one table and writes the figures as JSON to `target/bench/bench.json`. Extra
//! arguments go to the benchmark: `--quick` (shorter rounds), `--no-build` (no build cost),
//! `--callgrind` (only the deterministic figures: allocations per call, and instructions per call
//! under valgrind's callgrind, which a full run also reports when valgrind is installed).

use std::time::Instant;

/// Runs the benchmarks with `args` passed through.
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let mut command = crate::cargo_command();
    command
        .args([
            "run",
            "--release",
            "--locked",
            "--package",
            "whop-bench",
            "--",
        ])
        .args(args);
    eprintln!("xtask: {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
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
