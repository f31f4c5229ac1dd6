//! The binary's command line. (Its `--self-test` runs from the workspace's
//! `tests/examples.rs`, with the other examples; this test also makes `cargo test` build the
//! binary it runs.)

use std::process::Command;

#[test]
fn missing_settings_are_a_usage_error_with_exit_status_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_license-desktop"))
        .arg("--server")
        .arg("http://127.0.0.1:9")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--public-key is required"), "{stderr}");
    assert!(stderr.contains("usage:"), "{stderr}");
}
