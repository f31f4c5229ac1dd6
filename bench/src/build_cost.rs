//! Build cost: cold release builds, dependency-tree sizes, the quickstart's binary size.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Figures of one crate.
#[derive(Debug)]
pub(crate) struct CrateCost {
    pub(crate) package: &'static str,
    /// Seconds for `cargo build --release -p <package>` into an empty target directory.
    pub(crate) cold_release_s: f64,
    /// CPU seconds (user + system, all of cargo's child processes) of that build: less sensitive
    /// to other load on the machine than the wall time.
    pub(crate) cold_release_cpu_s: Option<f64>,
    /// Distinct crates in `cargo tree -p <package> -e normal` (the package itself included).
    pub(crate) dependency_crates: usize,
}

/// Everything measured here.
#[derive(Debug)]
pub(crate) struct BuildCost {
    pub(crate) crates: Vec<CrateCost>,
    pub(crate) quickstart_bytes: u64,
    /// The `min-license-check` app (whop-client with default features and a Tokio runtime), built
    /// cold in release with `strip = true`.
    pub(crate) min_app: MinApp,
    pub(crate) jobs: usize,
}

/// A small app's build (the smallest app's, or another's): its stripped size and its cold build.
#[derive(Debug)]
pub(crate) struct MinApp {
    pub(crate) bytes: u64,
    pub(crate) cold_release_s: f64,
    pub(crate) cold_release_cpu_s: Option<f64>,
    pub(crate) dependency_crates: usize,
    /// The 1-minute load average when its build started: other work on the machine slows it.
    pub(crate) load_before: Option<f64>,
}

/// The package of the smallest app, `examples/min-license-check`.
pub(crate) const MIN_APP: &str = "min-license-check";

/// A cold `cargo build --release` of [`MIN_APP`] with `strip = true`, into its own emptied target
/// directory.
pub(crate) fn measure_min_app() -> MinApp {
    measure_app(MIN_APP, "cold-min-app")
}

/// A cold `cargo build --release` of the binary package `package` with `strip = true`, into its
/// own emptied target directory `target/bench/<dir>` (the binary is then
/// `target/bench/<dir>/release/<package>`): its stripped size and its cold build.
pub(crate) fn measure_app(package: &str, dir_name: &str) -> MinApp {
    let dir = target_dir().join("bench").join(dir_name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the old cold target directory");
    }
    eprintln!(
        "whop-bench: cold release build of {package} (strip = true) into {}",
        dir.display()
    );
    let load_before = load_average();
    let start = Instant::now();
    let cpu_before = children_cpu_seconds();
    run(cargo()
        .args(["build", "--release", "--locked", "--quiet", "-p", package])
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .arg("--target-dir")
        .arg(&dir));
    let cold_release_s = start.elapsed().as_secs_f64();
    let cold_release_cpu_s = children_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let binary = app_binary(package, dir_name);
    let bytes = std::fs::metadata(&binary)
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()))
        .len();
    MinApp {
        bytes,
        cold_release_s,
        cold_release_cpu_s,
        dependency_crates: tree_size(package),
        load_before,
    }
}

/// The stripped binary [`measure_app`] builds: `target/bench/<dir_name>/release/<package>`.
pub(crate) fn app_binary(package: &str, dir_name: &str) -> PathBuf {
    target_dir()
        .join("bench")
        .join(dir_name)
        .join("release")
        .join(package)
}

/// The 1-minute load average (Linux), if known.
pub(crate) fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is in the workspace")
        .to_path_buf()
}

/// The target directory `cargo` uses for this workspace.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

fn run(command: &mut Command) {
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "{command:?} failed: {status}");
}

/// Cold builds of `whop-models` and `whop-client`, each into its own emptied target directory,
/// then the quickstart example into the client's.
pub(crate) fn measure() -> BuildCost {
    let mut crates = Vec::new();
    let mut client_dir = PathBuf::new();
    for (package, dir) in [
        ("whop-models", "cold-models"),
        ("whop-client", "cold-client"),
    ] {
        let dir = target_dir().join("bench").join(dir);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove the old cold target directory");
        }
        eprintln!(
            "whop-bench: cold release build of {package} into {}",
            dir.display()
        );
        let start = Instant::now();
        let cpu_before = children_cpu_seconds();
        run(cargo()
            .args(["build", "--release", "--locked", "--quiet", "-p", package])
            .arg("--target-dir")
            .arg(&dir));
        crates.push(CrateCost {
            package,
            cold_release_s: start.elapsed().as_secs_f64(),
            cold_release_cpu_s: children_cpu_seconds()
                .zip(cpu_before)
                .map(|(after, before)| after - before),
            dependency_crates: tree_size(package),
        });
        client_dir = dir;
    }
    eprintln!("whop-bench: release build of the quickstart example");
    run(cargo()
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "-p",
            "whop-client",
        ])
        .args(["--example", "quickstart", "--target-dir"])
        .arg(&client_dir));
    let quickstart = client_dir.join("release/examples/quickstart");
    let quickstart_bytes = std::fs::metadata(&quickstart)
        .unwrap_or_else(|e| panic!("{}: {e}", quickstart.display()))
        .len();
    let min_app = measure_min_app();
    BuildCost {
        crates,
        quickstart_bytes,
        min_app,
        jobs: std::thread::available_parallelism().map_or(1, usize::from),
    }
}

/// Distinct crates (name and version) in the normal dependency tree of `package`.
fn tree_size(package: &str) -> usize {
    let output = cargo()
        .args([
            "tree", "--locked", "-e", "normal", "--prefix", "none", "-p", package,
        ])
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree -p {package} failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim_end_matches(" (*)").trim())
        .filter(|line| !line.is_empty())
        .collect::<BTreeSet<_>>()
        .len()
}

/// User + system CPU seconds of this process's waited-for children (`cutime` + `cstime` in
/// `/proc/self/stat`, at the usual 100 ticks a second); `None` off Linux.
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3, `state`.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3)?.parse::<f64>().ok();
    Some((ticks(16)? + ticks(17)?) / 100.0)
}
