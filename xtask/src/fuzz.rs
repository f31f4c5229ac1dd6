//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs every cargo-fuzz target in `fuzz/` for a
//! bounded time and reports how many inputs each one executed.
//!
//! cargo-fuzz needs nightly-only flags; `RUSTC_BOOTSTRAP=1` lets the stable toolchain accept them.
//! Each target's corpus starts from the model fixtures (`crates/whop-models/tests/fixtures/`),
//! copied into `fuzz/corpus/<target>/` at run time (git-ignored, like `fuzz/artifacts/`). Targets
//! are built without a sanitizer: the models are safe Rust, so what the fuzzer looks for is a
//! panic, and without ASan it executes several times more inputs in the same time.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// The fuzz crate's manifest, read when xtask is built: its `[[bin]]` sections are the one list
/// of the targets (a second list here once had to be kept in step by hand).
const FUZZ_MANIFEST: &str = include_str!("../../fuzz/Cargo.toml");

/// Every target: the `name` of each `[[bin]]` section of `fuzz/Cargo.toml`, in its order.
fn all_targets() -> Vec<&'static str> {
    let mut targets = Vec::new();
    let mut in_bin = false;
    for line in FUZZ_MANIFEST.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin
            && let Some(name) = line
                .strip_prefix("name = \"")
                .and_then(|rest| rest.strip_suffix('"'))
        {
            targets.push(name);
        }
    }
    targets
}

const DEFAULT_SECONDS: u64 = 60;

pub(crate) fn fuzz(args: &[String]) -> Result<(), String> {
    let (seconds, targets) = parse_args(args)?;
    let root = workspace_root();
    ensure_cargo_fuzz()?;
    let fixtures = root.join("crates/whop-models/tests/fixtures");
    let mut report = Vec::new();
    let started = Instant::now();
    for target in &targets {
        let corpus = root.join("fuzz/corpus").join(target);
        seed_corpus(&fixtures, &corpus)?;
        eprintln!("xtask fuzz: {target} for {seconds} s");
        let outcome = run_target(&root, target, &corpus, seconds)?;
        report.push((target.clone(), outcome));
    }
    eprintln!(
        "\nxtask fuzz: {} targets in {:.0?}",
        report.len(),
        started.elapsed()
    );
    eprintln!("| target | executions | result |\n| --- | --- | --- |");
    let mut failed = Vec::new();
    for (target, outcome) in &report {
        let runs = outcome
            .executions
            .map_or_else(|| "?".to_owned(), |n| n.to_string());
        let result = if outcome.ok {
            "no finding".to_owned()
        } else {
            failed.push(target.as_str());
            format!("FINDING (see fuzz/artifacts/{target}/)")
        };
        eprintln!("| {target} | {runs} | {result} |");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("findings in {}", failed.join(", ")))
    }
}

fn parse_args(args: &[String]) -> Result<(u64, Vec<String>), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a value")?;
                seconds = value
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--seconds: `{value}` is not a positive number"))?;
            }
            name if all_targets().contains(&name) => targets.push(name.to_owned()),
            other => {
                return Err(format!(
                    "fuzz: unknown argument `{other}` (targets: {})",
                    all_targets().join(", ")
                ));
            }
        }
    }
    if targets.is_empty() {
        targets = all_targets().into_iter().map(str::to_owned).collect();
    }
    Ok((seconds, targets))
}

fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = crate::cargo_command()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if installed {
        return Ok(());
    }
    eprintln!("xtask fuzz: installing cargo-fuzz from crates.io");
    let status = crate::cargo_command()
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo install cargo-fuzz --locked` failed ({status})"
        ))
    }
}

/// Copies every fixture into `corpus` (created if missing); inputs the fuzzer saved earlier stay.
fn seed_corpus(fixtures: &Path, corpus: &Path) -> Result<(), String> {
    fs::create_dir_all(corpus).map_err(|e| format!("creating {}: {e}", corpus.display()))?;
    let entries =
        fs::read_dir(fixtures).map_err(|e| format!("reading {}: {e}", fixtures.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let to = corpus.join(entry.file_name());
            fs::copy(&path, &to).map_err(|e| format!("copying {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

struct Outcome {
    ok: bool,
    executions: Option<u64>,
}

fn run_target(root: &Path, target: &str, corpus: &Path, seconds: u64) -> Result<Outcome, String> {
    let output = crate::cargo_command()
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--sanitizer", "none", target])
        .arg(corpus)
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-print_final_stats=1",
            "-max_len=65536",
        ])
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    // Keep on screen the panic message, if any, and the tail: the final stats, or the crash
    // and its reproducer.
    let lines: Vec<&str> = log.lines().collect();
    if let Some(panic) = lines.iter().position(|l| l.contains("panicked at")) {
        for line in &lines[panic..(panic + 4).min(lines.len())] {
            eprintln!("  {line}");
        }
    }
    for line in &lines[lines.len().saturating_sub(12)..] {
        eprintln!("  {line}");
    }
    Ok(Outcome {
        ok: output.status.success(),
        executions: executions(&log),
    })
}

/// libFuzzer's count of executed inputs: its final stats (`stat::number_of_executed_units: N`;
/// older releases say `_runs`), else the last `#N` status line (`#N DONE`, `#N pulse`, ...).
fn executions(log: &str) -> Option<u64> {
    let from_stats = log.lines().find_map(|line| {
        line.strip_prefix("stat::number_of_executed_units:")
            .or_else(|| line.strip_prefix("stat::number_of_executed_runs:"))
            .and_then(|n| n.trim().parse().ok())
    });
    from_stats.or_else(|| {
        log.lines().rev().find_map(|line| {
            line.strip_prefix('#')
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_are_read_from_the_final_stats_or_the_last_status_line() {
        let stats =
            "#1024\tpulse  cov: 10\n#5000\tDONE   cov: 12\nstat::number_of_executed_runs: 5001\n";
        assert_eq!(executions(stats), Some(5001));
        assert_eq!(executions("#10\tINITED\n#2048\tDONE cov: 3\n"), Some(2048));
        assert_eq!(executions("nothing here"), None);
    }

    #[test]
    fn arguments_pick_seconds_and_targets() {
        let args = [
            "--seconds".to_owned(),
            "5".to_owned(),
            "decode_user".to_owned(),
        ];
        assert_eq!(parse_args(&args), Ok((5, vec!["decode_user".to_owned()])));
        assert_eq!(
            parse_args(&[]).map(|(s, t)| (s, t.len())),
            Ok((60, all_targets().len()))
        );
        assert!(parse_args(&["--seconds".to_owned(), "0".to_owned()]).is_err());
        assert!(parse_args(&["nope".to_owned()]).is_err());
    }

    #[test]
    fn the_targets_are_the_manifests_bins_one_per_file_in_fuzz_targets() {
        let mut files: Vec<String> = fs::read_dir(workspace_root().join("fuzz/fuzz_targets"))
            .expect("fuzz/fuzz_targets")
            .map(|entry| entry.expect("an entry").path())
            .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
            .collect();
        files.sort();
        let mut targets = all_targets();
        targets.sort_unstable();
        assert_eq!(targets, files);
        assert!(targets.contains(&"decode_v1_membership"));
    }
}
