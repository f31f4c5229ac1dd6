//! Running a program under valgrind's callgrind and reading how many instructions it executed:
//! shared by `whop-bench` (`callgrind.rs`) and the `license-verify` program.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The valgrind binary, if there is one.
pub(crate) fn valgrind() -> Option<PathBuf> {
    let candidates = [PathBuf::from("/usr/bin/valgrind")];
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("valgrind"))
            .collect::<Vec<_>>()
    });
    candidates.into_iter().chain(on_path).find(|p| p.is_file())
}

/// Instructions the running binary executed with `args` under callgrind, start-up included; its
/// output goes to `out`.
pub(crate) fn instructions(valgrind: &Path, out: &Path, args: &[String]) -> u64 {
    let name = out.display();
    let exe = std::env::current_exe().expect("own path");
    let output = Command::new(valgrind)
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={name}"))
        .arg(exe)
        .args(args)
        .output()
        .expect("valgrind runs");
    assert!(
        output.status.success(),
        "callgrind of {name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out).expect("callgrind wrote its output");
    text.lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .expect("a summary line in the callgrind output")
}
