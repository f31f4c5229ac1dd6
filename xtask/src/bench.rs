//! `cargo xtask bench`: builds `whop-bench` in release and runs it, then its other programs.
//!
//! It prints one table and writes the figures as JSON to `target/bench/bench.json`. Extra
//! arguments go to the benchmark: `--quick` (shorter rounds), `--no-build` (no build cost),
//! `--callgrind` (only the deterministic figures: allocations per call, and instructions per call
//! under valgrind's callgrind, which a full run also reports when valgrind is installed).
//! The programs of [`PROGRAMS`] print a table each; they take `--quick` too.

use std::time::Instant;

/// whop-bench's other binaries, run after its full main table (`--quick` passed on when given).
const PROGRAMS: &[&str] = &["license_server"];

/// Runs the benchmarks with `args` passed through.
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    main_table(args)?;
    // The partial runs (only the deterministic figures, only the codec) are the main table's.
    if args.iter().any(|a| a == "--callgrind" || a == "--codec") {
        return Ok(());
    }
    let quick: Vec<String> = args.iter().filter(|a| *a == "--quick").cloned().collect();
    for program in PROGRAMS {
        run_program(program, &quick)?;
    }
    Ok(())
}

/// One of [`PROGRAMS`], in release.
fn run_program(program: &str, args: &[String]) -> Result<(), String> {
    let mut command = crate::cargo_command();
    command
        .args(["run", "--release", "--locked", "--package", "whop-bench"])
        .args(["--bin", program, "--"])
        .args(args);
    eprintln!("xtask: {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benchmark {program} failed ({status})"))
    }
}

/// The main table: `whop-bench` itself.
fn main_table(args: &[String]) -> Result<(), String> {
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
