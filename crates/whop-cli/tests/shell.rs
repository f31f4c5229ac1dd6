//! The shell side of `whop`: completion scripts (sourced in a real bash) and `--timeout`.

// The shared helpers serve other test files too; this one uses a few of them.
#[allow(dead_code)]
mod support;

use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use support::Whop;

/// Where the tests look for bash.
const BASH: &str = "/bin/bash";

/// Completes the last word of `line` with the bash script of `whop completions bash`, as bash
/// does on <TAB>: the script sourced in a clean bash, `COMP_*` set as bash sets them, then the
/// completion function the script registered for `whop` called. Returns `COMPREPLY`.
fn bash_complete(line: &str) -> Vec<String> {
    assert!(
        Path::new(BASH).exists(),
        "{BASH} is missing: install bash (apt-get install bash) to test the completion script"
    );
    let out = Whop::bare().run(&["completions", "bash"]);
    out.assert_code(0);
    // One directory per call: the tests of this file run in parallel threads of one process, and
    // each removes its directory when done, so a directory named by the process alone was
    // sometimes removed under another test's bash ("whop.bash: No such file or directory").
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "whop-completions-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let script = dir.join("whop.bash");
    std::fs::write(&script, &out.stdout).expect("the script written");

    // `complete -p whop` prints the registration (`complete -F _whop ... whop`): call the
    // function it names rather than guessing it. A completion function gets the command, the
    // word being completed and the word before it.
    let driver = r#"
        set -u
        source "$1" || exit 90
        line=$2
        read -r -a COMP_WORDS <<< "$line"
        [[ $line == *' ' ]] && COMP_WORDS+=('')
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE=$line
        COMP_POINT=${#line}
        spec=$(complete -p whop) || exit 91
        function=$(sed -n 's/.*-F \([^ ]*\).*/\1/p' <<< "$spec")
        [[ -n $function ]] || exit 92
        prev=${COMP_WORDS[COMP_CWORD-1]:-}
        "$function" whop "${COMP_WORDS[COMP_CWORD]}" "$prev"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let mut child = Command::new(BASH)
        .args(["--noprofile", "--norc", "-c", driver, "driver"])
        .arg(&script)
        .arg(line)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash starts");
    let started = Instant::now();
    while child.try_wait().expect("waiting for bash").is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("bash completing {line:?} ran longer than 10 s");
        }
        thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("bash's output");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "bash completing {line:?}: {}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_lic_to_license() {
    assert_eq!(bash_complete("whop lic"), ["license"]);
}

#[test]
fn bash_completes_subcommands_and_flags_of_a_subcommand() {
    let top = bash_complete("whop ");
    for expected in ["membership", "me", "license", "completions", "--timeout"] {
        assert!(top.iter().any(|w| w == expected), "{expected} in {top:?}");
    }
    assert_eq!(bash_complete("whop license ch"), ["check"]);
    assert_eq!(bash_complete("whop completions fi"), ["fish"]);
}

#[test]
fn every_shell_gets_a_script_naming_the_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Whop::bare().run(&["completions", shell]);
        out.assert_code(0);
        assert!(out.stdout.contains("whop"), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("license"), "{shell}: {}", out.stdout);
        assert!(out.stderr.is_empty(), "{shell}: {}", out.stderr);
    }
}

#[test]
fn completions_need_no_credential_and_refuse_an_unknown_shell() {
    // No WHOP_* variable and no --mock: the script is still printed.
    Whop::bare().run(&["completions", "zsh"]).assert_code(0);
    let out = Whop::bare().run(&["completions", "tcsh"]);
    out.assert_code(2);
    assert!(out.stderr.contains("tcsh"), "{}", out.stderr);
}

/// A loopback server that accepts connections and never answers.
fn silent_base_url() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://127.0.0.1:{port}/api")
}

#[test]
fn timeout_is_the_overall_deadline_of_a_call() {
    let started = Instant::now();
    let out = Whop::bare()
        .env("WHOP_BASE_URL", &silent_base_url())
        .env("WHOP_API_KEY", "test-company-key")
        .run(&["--timeout", "0.5", "membership", "cancel", "mem_1"]);
    let elapsed = started.elapsed();
    out.assert_code(6);
    let line = out.error_line();
    assert!(line.contains("deadline"), "{line}");
    // Without --timeout the deadline is 60 s; the run must end near the half second.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn timeout_refuses_what_is_not_a_positive_number_of_seconds() {
    for value in ["0", "-1", "soon", "NaN", "inf"] {
        let flag = format!("--timeout={value}");
        let out = Whop::bare().run(&["membership", "cancel", "mem_1", &flag]);
        out.assert_code(2);
        assert!(
            out.stderr.contains("not a positive number of seconds"),
            "{value}: {}",
            out.stderr
        );
    }
}

#[test]
fn help_shows_the_timeout_and_completions() {
    let out = Whop::bare().run(&["--help"]);
    out.assert_code(0);
    assert!(out.stdout.contains("--timeout <SECS>"), "{}", out.stdout);
    assert!(out.stdout.contains("completions"), "{}", out.stdout);
}
