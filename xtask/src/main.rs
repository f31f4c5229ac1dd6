//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! Std only, so it builds in a second on a fresh machine.

mod bench;
mod fuzz;

use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  bench   build whop-bench in release and run it: one table, JSON in target/bench/
  ci      fmt --check, clippy -D warnings, test --workspace, doc with warnings denied
  fuzz    [--seconds N] [TARGET...]: each cargo-fuzz target for N s (60), executions per target
  help    this text";

fn main() -> ExitCode {
    let task = env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("bench") => bench::bench(&env::args().skip(2).collect::<Vec<_>>()),
        Some("fuzz") => fuzz::fuzz(&env::args().skip(2).collect::<Vec<_>>()),
        Some("help" | "-h" | "--help") | None => {
            eprintln!("{USAGE}");
            return if task.is_none() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every check CI makes, in the order that fails fastest.
fn ci() -> Result<(), String> {
    let started = Instant::now();
    cargo(&["fmt", "--all", "--", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo(&["test", "--workspace", "--locked"], &[])?;
    cargo(
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    eprintln!("xtask ci: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Runs `cargo <args>` with extra environment, streaming its output, and fails on a non-zero exit.
fn cargo(args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let step = Instant::now();
    let status = cargo_command()
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    eprintln!("xtask: cargo {} took {:.1?}", args[0], step.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// A `cargo` command (the one running xtask) without the variables cargo set for xtask itself.
///
/// ring's build script reruns when `CARGO_MANIFEST_DIR` changes, so passing xtask's on would
/// rebuild ring, rustls and everything above them whenever cargo had run directly in between.
pub(crate) fn cargo_command() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_MANIFEST_PATH")
        .env_remove("CARGO_PRIMARY_PACKAGE");
    command
}
