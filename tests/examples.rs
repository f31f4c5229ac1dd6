//! Every example in the workspace runs, against the embedded mock, and exits 0: the examples the
//! README lists cannot rot.
//!
//! `cargo test` builds the examples of each package it tests (`cargo test --workspace` builds
//! them all) into `target/<profile>/examples/`, beside this test's own `deps/` directory. This
//! test runs those binaries rather than `cargo run --example` (a cargo inside cargo, slow and
//! fighting over the build lock). A missing binary fails the test, saying how to build it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// Each example: its package, its name, and the arguments that make it run to the end by itself
/// (a server example serves until stopped unless told to drive itself).
const EXAMPLES: &[(&str, &str, &[&str])] = &[
    ("whop-client", "quickstart", &[]),
    ("whop-client", "support_cancel", &[]),
    ("whop-client", "license_gate", &[]),
    ("whop-client", "custom_layer", &[]),
    ("whop-client", "test_with_mock", &[]),
    ("whop-client", "blocking_gate", &[]),
    ("whop-models", "property_test", &[]),
    ("whop-oauth", "axum_sign_in", &["--self-test"]),
    ("whop-oauth", "desktop_gate", &[]),
];

/// Example apps that are workspace packages of their own (`examples/<package>`, built as that
/// package's binary), with the arguments that make each run to the end by itself.
const PACKAGE_EXAMPLES: &[(&str, &[&str])] = &[("license-desktop", &["--self-test"])];

/// How long one example may run before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace root.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
}

/// `target/<profile>/examples/`: this test runs from `target/<profile>/deps/`.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps/")
        .join("examples")
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the built example `name` of `package` with its arguments from [`EXAMPLES`] and no
/// `WHOP_*` variable (so on the mock), and asserts it exits 0 within [`TIMEOUT`].
fn run_example(package: &str, name: &str) {
    let args = EXAMPLES
        .iter()
        .find(|&&(p, n, _)| (p, n) == (package, name))
        .map(|&(_, _, args)| args)
        .unwrap_or_else(|| panic!("example `{name}` of {package} is not in EXAMPLES"));
    let binary = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let how = format!(
        "build it with `cargo test --workspace` (which builds every package's examples before \
         running this test), or `cargo build -p {package} --examples` before `cargo test -p \
         whop-tests`"
    );
    let source = workspace()
        .join("crates")
        .join(package)
        .join("examples")
        .join(format!("{name}.rs"));
    run_built(name, &binary, modified(&source), &how, args);
}

/// Runs the example package `package` (its binary) with its arguments from
/// [`PACKAGE_EXAMPLES`], as [`run_example`] does.
fn run_package_example(package: &str) {
    let args = PACKAGE_EXAMPLES
        .iter()
        .find(|&&(p, _)| p == package)
        .map(|&(_, args)| args)
        .unwrap_or_else(|| panic!("example package `{package}` is not in PACKAGE_EXAMPLES"));
    let binary = examples_dir()
        .parent()
        .expect("target/<profile>/")
        .join(format!("{package}{}", std::env::consts::EXE_SUFFIX));
    let how = format!(
        "build it with `cargo test --workspace` (the package's own test builds its binary), or \
         `cargo build -p {package}` before `cargo test -p whop-tests`"
    );
    let sources = workspace().join("examples").join(package).join("src");
    let newest = std::fs::read_dir(&sources)
        .unwrap_or_else(|e| panic!("{}: {e}", sources.display()))
        .map(|entry| modified(&entry.expect("a source file").path()))
        .max()
        .expect("the package has sources");
    run_built(package, &binary, newest, &how, args);
}

/// Runs `binary` (built no earlier than `source_changed`, else `how` says how to rebuild it)
/// with `args` and no `WHOP_*` variable, and asserts it exits 0 within [`TIMEOUT`].
fn run_built(name: &str, binary: &Path, source_changed: SystemTime, how: &str, args: &[&str]) {
    assert!(
        binary.is_file(),
        "example `{name}` was not built: {} is missing; {how}",
        binary.display()
    );
    assert!(
        modified(binary) >= source_changed,
        "example `{name}` is older than its source: {how}"
    );

    let mut command = Command::new(binary);
    command.args(args);
    for (variable, _) in std::env::vars_os() {
        if variable.to_string_lossy().starts_with("WHOP_") {
            command.env_remove(variable);
        }
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let stdout = read_in_background(child.stdout.take().expect("piped stdout"));
    let stderr = read_in_background(child.stderr.take().expect("piped stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the example") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("example `{name}` ran longer than {TIMEOUT:?} and was killed");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        status.success(),
        "example `{name}` failed ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stdout.is_empty(), "example `{name}` printed nothing");
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

#[test]
fn quickstart() {
    run_example("whop-client", "quickstart");
}

#[test]
fn support_cancel() {
    run_example("whop-client", "support_cancel");
}

#[test]
fn license_gate() {
    run_example("whop-client", "license_gate");
}

#[test]
fn custom_layer() {
    run_example("whop-client", "custom_layer");
}

#[test]
fn test_with_mock() {
    run_example("whop-client", "test_with_mock");
}

#[test]
fn blocking_gate() {
    run_example("whop-client", "blocking_gate");
}

#[test]
fn property_test() {
    run_example("whop-models", "property_test");
}

#[test]
fn axum_sign_in() {
    run_example("whop-oauth", "axum_sign_in");
}

#[test]
fn desktop_gate() {
    run_example("whop-oauth", "desktop_gate");
}

#[test]
fn license_desktop() {
    run_package_example("license-desktop");
}

/// A new example must be added here (so it runs) and to the README (so it is found).
#[test]
fn every_example_is_run_here_and_listed_in_the_readme() {
    let mut found = Vec::new();
    for crate_dir in std::fs::read_dir(workspace().join("crates")).unwrap() {
        let crate_dir = crate_dir.unwrap().path();
        let package = crate_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Ok(examples) = std::fs::read_dir(crate_dir.join("examples")) else {
            continue;
        };
        for example in examples {
            let path = example.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                found.push((package.clone(), name));
            }
        }
    }
    found.sort();
    let mut listed: Vec<(String, String)> = EXAMPLES
        .iter()
        .map(|&(p, n, _)| (p.to_owned(), n.to_owned()))
        .collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "examples on disk vs. EXAMPLES in tests/examples.rs"
    );

    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    for (package, name) in &listed {
        let command = format!("cargo run -p {package} --example {name}");
        assert!(readme.contains(&command), "README.md lacks `{command}`");
    }
    for (package, _) in PACKAGE_EXAMPLES {
        let command = format!("cargo run -p {package}");
        assert!(readme.contains(&command), "README.md lacks `{command}`");
    }
}
