//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! Std only, so it builds in a second on a fresh machine. The man pages need the `whop` clap
//! definition and clap_mangen: they are another package, `xtask/man`, that `cargo xtask man` runs.

mod bench;
mod fuzz;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  bench   build whop-bench in release and run it: one table, JSON in target/bench/
  ci      fmt --check, clippy --all-features -D warnings, redis-server (apt-get, when missing
          and root), test --workspace, doc with warnings denied; clippy and test of whop-cli
          without its default features too; a check with freshly resolved dependencies (in a
          scratch copy, warnings denied); cargo package
  fuzz    [--seconds N] [TARGET...]: each cargo-fuzz target for N s (60), executions per target
  man     [DIR]: the `whop` man pages, one per subcommand, into DIR (target/man); read one with
          `man -l target/man/whop.1`, or install them: `cp target/man/*.1 ~/.local/share/man/man1/`
  help    this text";

fn main() -> ExitCode {
    let task = env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("bench") => bench::bench(&env::args().skip(2).collect::<Vec<_>>()),
        Some("fuzz") => fuzz::fuzz(&env::args().skip(2).collect::<Vec<_>>()),
        Some("man") => man(&env::args().skip(2).collect::<Vec<_>>()),
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
    // Real tools the tests run, from Debian's packages when missing: xtask/man's tests render
    // every man page with `man -l` and groff; the shared-pacing tests (the workspace run has the
    // `redis` feature on) start redis-server on loopback.
    install_missing_tools(&[
        ("man", "man-db"),
        ("groff", "groff-base"),
        ("redis-server", "redis-server"),
    ])?;
    cargo(&["test", "--workspace", "--locked"], &[])?;
    // HTTP/2 is off by default (feature `http2`), and TLS 1.3 only is the opt-out of the default
    // `tls12`: their ALPN and TLS-1.2-only-server paths are tested here.
    cargo(
        &[
            "test",
            "--package",
            "whop-transport",
            "--no-default-features",
            "--features",
            "webpki-roots,http2",
            "--locked",
        ],
        &[],
    )?;
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
    fresh_dependencies()?;
    forget_extracted_packages();
    // Every published crate packages, and each .crate file builds on its own (cargo verifies it
    // against the others as packaged, never against the workspace). Nothing is published.
    cargo(
        &[
            "package",
            "--workspace",
            "--exclude",
            "whop-tests",
            "--exclude",
            "whop-custom-transport",
            "--exclude",
            "xtask",
            "--exclude",
            "whop-bench",
            "--exclude",
            "xtask-man",
            "--exclude",
            "min-license-check",
            "--exclude",
            "license-desktop",
            "--exclude",
            "license-verify-size",
            "--exclude",
            "whop-test-server",
            "--allow-dirty",
            "--locked",
        ],
        &[],
    )?;
    eprintln!("xtask ci: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Checks the workspace against dependencies resolved afresh, as a new user's first build gets
/// them, not as `Cargo.lock` pins them: in a scratch copy of the sources (under
/// `target/fresh-dependencies/`, so the real lock file is never touched), `cargo update`, then
/// `cargo check` of every target and feature with warnings denied. A deprecation or a break in a
/// newer semver-compatible release of a dependency fails here before a user meets it.
fn fresh_dependencies() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is in the workspace")
        .to_path_buf();
    let scratch = target_dir().join("fresh-dependencies");
    let copy = scratch.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    for file in tracked_files(&root)? {
        let to = copy.join(&file);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        // A file listed by git but deleted in the work tree is simply not copied.
        match std::fs::copy(root.join(&file), &to) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", file.display())),
        }
    }
    let manifest = copy.join("Cargo.toml");
    let manifest = manifest
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", manifest.display()))?;
    let target = scratch.join("target");
    let target = target
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", target.display()))?;
    cargo(&["update", "--manifest-path", manifest], &[])?;
    cargo(
        &[
            "check",
            "--manifest-path",
            manifest,
            "--workspace",
            "--all-targets",
            "--all-features",
        ],
        &[("CARGO_TARGET_DIR", target), ("RUSTFLAGS", "-D warnings")],
    )
    .map_err(|e| {
        format!("{e}\nthe workspace does not build cleanly with freshly resolved dependencies")
    })
}

/// The files of the work tree that git tracks or would track (not ignored), relative to `root`.
fn tracked_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git ls-files` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .collect())
}

/// `cargo xtask man [DIR]`: writes the `whop` man pages into DIR, or target/man.
fn man(args: &[String]) -> Result<(), String> {
    let dir = match args {
        [] => target_dir().join("man"),
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => return Err(format!("usage: cargo xtask man [DIR]\n\n{USAGE}")),
    };
    let dir = std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let dir = dir
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", dir.display()))?;
    cargo(
        &[
            "run",
            "--quiet",
            "--locked",
            "--package",
            "xtask-man",
            "--",
            dir,
        ],
        &[],
    )?;
    eprintln!("xtask man: read one with `man -l {dir}/whop.1`");
    Ok(())
}

/// The workspace's target directory: `CARGO_TARGET_DIR`, or `target/` at the workspace root.
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("xtask/ is in the workspace")
                .join("target")
        },
        PathBuf::from,
    )
}

/// Installs the Debian package of each `(tool, package)` whose tool is not on `PATH`, when
/// running as root (as CI does); otherwise fails saying what to install.
fn install_missing_tools(tools: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(tool, _)| !on_path(tool))
        .map(|&(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    if !root {
        return Err(format!(
            "the tests need {}: install with `sudo apt-get install -y {}`",
            missing.join(", "),
            missing.join(" ")
        ));
    }
    eprintln!("xtask: apt-get install -y {}", missing.join(" "));
    let apt_get = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|status| status.success())
    };
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    // A fresh machine may have no package lists yet: update once and try again.
    if apt_get(&install) || (apt_get(&["update"]) && apt_get(&install)) {
        Ok(())
    } else {
        Err(format!("`apt-get install -y {}` failed", missing.join(" ")))
    }
}

/// Removes the copies of this workspace's own crates that an earlier `cargo package` extracted
/// under `$CARGO_HOME/registry/src`: cargo extracts a version once and reuses the directory, so
/// a later run would verify the crate as it was packaged then (a file added since, such as a
/// Lua script, missing), not as it is now.
fn forget_extracted_packages() {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let Some(Ok(registries)) = home.map(|home| std::fs::read_dir(home.join("registry/src"))) else {
        return;
    };
    for registry in registries.flatten() {
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for extracted in crates.flatten() {
            let name = extracted.file_name();
            if name.to_str().is_some_and(|n| n.starts_with("whop-")) {
                let _ = std::fs::remove_dir_all(extracted.path());
            }
        }
    }
}

/// Whether an executable file named `tool` is in a directory of `PATH`.
fn on_path(tool: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
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
