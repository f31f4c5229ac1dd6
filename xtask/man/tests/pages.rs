//! `cargo xtask man`'s pages: one per subcommand, each rendered by `man -l` and groff with every
//! warning on, and none printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A fresh directory under the system's temporary one, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("xtask-man-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The tool's path, or a failure saying how to install it.
fn require(tool: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{tool}` is not installed: the man pages are checked with it. Install it \
                 (Debian/Ubuntu: `apt-get install -y {package}`; `cargo xtask ci` does this when \
                 run as root) and run the tests again"
            )
        })
}

/// Runs `command` with a 30 s bound; returns its exit success and stderr.
fn run(mut command: Command) -> (bool, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the checker starts");
    let started = Instant::now();
    while child.try_wait().expect("waiting for the checker").is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{command:?} ran longer than 30 s");
        }
        thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("the checker's output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// What `man -l` and groff (all warnings, `-ww`) say about `page`: empty when it renders cleanly.
fn warnings(page: &Path) -> String {
    let mut said = String::new();
    let mut man = Command::new(require("man", "man-db"));
    // `w`: every warning groff has (`-ww`); man-db passes it on.
    man.args(["--warnings=w", "-l"])
        .arg(page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("LC_ALL", "C.UTF-8");
    let mut groff = Command::new(require("groff", "groff-base"));
    groff.args(["-man", "-Tutf8", "-ww", "-z"]).arg(page);
    for (name, command) in [("man -l", man), ("groff", groff)] {
        let (ok, stderr) = run(command);
        if !ok || !stderr.is_empty() {
            said.push_str(&format!("{name} (success: {ok}):\n{stderr}"));
        }
    }
    said
}

/// The page names the definition calls for: `whop`, then `whop-<sub>-<sub>` for each
/// visible subcommand other than clap's `help`.
fn expected_pages() -> Vec<String> {
    fn walk(command: &clap::Command, prefix: &str, names: &mut Vec<String>) {
        names.push(format!("{prefix}.1"));
        for sub in command.get_subcommands() {
            if !sub.is_hide_set() && sub.get_name() != "help" {
                walk(sub, &format!("{prefix}-{}", sub.get_name()), names);
            }
        }
    }
    let mut names = Vec::new();
    walk(&whop_cli::command(), "whop", &mut names);
    names
}

#[test]
fn one_page_per_subcommand_and_each_renders_without_warnings() {
    let dir = TempDir::new("pages");
    let pages = xtask_man::write_pages(&dir.0).expect("the pages are written");
    let names: Vec<String> = pages
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, expected_pages());
    for page in ["whop.1", "whop-license-check.1", "whop-membership-cancel.1"] {
        assert!(names.iter().any(|n| n == page), "{page} in {names:?}");
    }
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a page");
        assert!(text.contains(".TH "), "{}: no title", page.display());
        let said = warnings(page);
        assert!(said.is_empty(), "{}:\n{said}", page.display());
    }
    // The flags reach every subcommand's page, --timeout included.
    let cancel = std::fs::read_to_string(dir.0.join("whop-membership-cancel.1")).unwrap();
    assert!(cancel.contains("timeout"), "{cancel}");
}

#[test]
fn the_check_reports_a_page_with_a_warning() {
    // So a clean result above means something: an undefined macro and a bad request are flagged.
    let dir = TempDir::new("broken");
    let page = dir.0.join("broken.1");
    std::fs::write(
        &page,
        ".TH BROKEN 1\n.SH NAME\nbroken\n.nosuchmacro\n\\*[nosuchstring]\n",
    )
    .unwrap();
    let said = warnings(&page);
    assert!(said.contains("man -l") && said.contains("groff"), "{said}");
    assert!(said.contains("nosuchmacro"), "{said}");
}
