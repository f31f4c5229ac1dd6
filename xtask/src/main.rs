//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! Std only, so it builds in a second on a fresh machine.

mod bench;
mod fuzz;
mod redis;

use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  bench   build whop-bench in release and run it: one table, JSON in target/bench/
  ci      fmt --check, clippy --all-features -D warnings, redis-server (apt-get, when missing
          and root), test --workspace, doc with warnings denied; clippy and test of whop-cli
          without its default features too
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
            "--all-features",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // The `whop` command without its default `mock` feature (no embedded server) is a build the
    // workspace-wide runs never make.
    cargo(
        &[
            "clippy",
            "--package",
            "whop-cli",
            "--no-default-features",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // The workspace run has the `redis` feature on (whop-tests asks for it, and whop-cli has it
    // by default): the shared-pacing tests start redis-server, so make sure it is there.
    redis::ensure_redis_server()?;
    cargo(&["test", "--workspace", "--locked"], &[])?;
    cargo(
        &[
            "test",
            "--package",
            "whop-cli",
            "--no-default-features",
            "--locked",
        ],
        &[],
    )?;
    cargo(
        &[
            "doc",
            "--workspace",
            "--all-features",
            "--no-deps",
            "--locked",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // Every published crate packages, and each .crate file builds on its own (cargo verifies it
    // against the others as packaged, never against the workspace). Nothing is published.
    cargo(
        &[
            "package",
            "--workspace",
            "--exclude",
            "whop-tests",
            "--exclude",
            "xtask",
            "--exclude",
            "whop-bench",
            "--allow-dirty",
            "--locked",
        ],
        &[],
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
/// `cargo xtask` runs xtask with its own package's `CARGO_PKG_*`, `CARGO_MANIFEST_*` and friends.
/// ring's build script reruns when `CARGO_MANIFEST_DIR` or `CARGO_PKG_NAME`/`CARGO_PKG_VERSION_*`
/// change, so passing xtask's on would rebuild ring, rustls and everything above them whenever
/// cargo had run directly in between.
pub(crate) fn cargo_command() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_for_xtask) {
            command.env_remove(name);
        }
    }
    command
}

/// Whether `name` is one of the variables cargo sets for the package it runs (here: xtask).
fn set_by_cargo_for_xtask(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || matches!(
            name,
            "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_MANIFEST_LINKS"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
        )
}

#[cfg(test)]
mod tests {
    use super::set_by_cargo_for_xtask;

    #[test]
    fn the_package_variables_ring_watches_are_not_passed_on() {
        for name in [
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
        ] {
            assert!(set_by_cargo_for_xtask(name), "{name}");
        }
    }

    #[test]
    fn cargo_s_own_settings_are_passed_on() {
        for name in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_TERM_COLOR",
        ] {
            assert!(!set_by_cargo_for_xtask(name), "{name}");
        }
    }
}
