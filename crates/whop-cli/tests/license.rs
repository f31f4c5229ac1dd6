//! The real `whop` binary's `license validate` and `license reset` against whop-mock on loopback:
//! binding a key to a machine, mismatches, exit codes and `--json`. (`license check` is in
//! `cli.rs` with the other v5 lookups.) Every run here is `WHOP_API=legacy` (v2); the Current
//! API's binding is tested in `current_license.rs`.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use serde_json::{Value, json};

use support::{ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, EXPIRED_KEY, Whop, unreachable_base_url};

#[test]
fn validate_binds_an_unbound_key_and_exits_0() {
    let api = Api::start();
    let out = api.legacy().run(&[
        "license",
        "validate",
        ACTIVE_KEY,
        "--hwid",
        "A",
        "--metadata",
        "seat=1",
    ]);
    out.assert_code(0);
    out.assert_stdout_starts_with("valid: ");
    assert_eq!(
        api.mock().membership(ACTIVE_ID).unwrap().metadata,
        json!({ "hwid": "A", "seat": "1" })
    );
    api.legacy()
        .run(&[
            "license",
            "validate",
            ACTIVE_KEY,
            "--hwid",
            "A",
            "--metadata",
            "seat=1",
        ])
        .assert_code(0);
}

#[test]
fn validate_from_another_machine_exits_1_and_says_mismatch() {
    let api = Api::start();
    api.legacy()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(0);
    let out = api
        .legacy()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "B"]);
    out.assert_code(1);
    out.assert_stdout_starts_with("metadata mismatch: ");
}

#[test]
fn validate_of_an_expired_or_unknown_key_exits_1_and_says_which() {
    let api = Api::start();
    let expired = api
        .legacy()
        .run(&["license", "validate", EXPIRED_KEY, "--hwid", "A"]);
    expired.assert_code(1);
    expired.assert_stdout_starts_with("not valid: ");
    let unknown = api
        .legacy()
        .run(&["license", "validate", "NO-SUCH", "--hwid", "A"]);
    unknown.assert_code(1);
    unknown.assert_stdout_starts_with("not found: ");
}

#[test]
fn validate_errors_exit_2() {
    let api = Api::start();
    let out = Whop::legacy()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_API_KEY", COMPANY_KEY)
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    out.assert_code(2);
    out.error_line();
    api.legacy()
        .env_remove("WHOP_API_KEY")
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(2);
    api.legacy()
        .run(&["license", "validate", "..", "--hwid", "A"])
        .assert_code(2);
}

#[test]
fn validate_json_reports_the_result_and_the_membership_as_sent() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["--json", "license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    out.assert_code(0);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["result"], "valid");
    assert_eq!(report["membership"]["metadata"]["hwid"], "A");
}

#[test]
fn reset_clears_the_binding_so_another_machine_binds() {
    let api = Api::start();
    api.legacy()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(0);
    let out = api.legacy().run(&["license", "reset", ACTIVE_KEY]);
    out.assert_code(0);
    assert!(out.stdout.contains(ACTIVE_ID), "{}", out.stdout);
    assert_eq!(
        api.mock().membership(ACTIVE_ID).unwrap().metadata,
        json!({})
    );
    api.legacy()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "B"])
        .assert_code(0);
    let unknown = api.legacy().run(&["license", "reset", "NO-SUCH"]);
    unknown.assert_code(3);
    assert!(unknown.error_line().contains("the reset was not applied"));
}
