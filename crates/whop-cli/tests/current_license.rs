//! The real `whop` binary's `license validate|reset|check` on the Current API (the default)
//! against whop-mock on loopback with every v2 route gone: a key bound to a machine through the
//! membership's metadata.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use serde_json::Value;

use support::{ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, EXPIRED_KEY, Whop, unreachable_base_url};

#[test]
fn a_key_binds_to_one_machine_until_it_is_reset() {
    let api = Api::retired();
    // (command, exit code): the acceptance's sequence, in order, on one world.
    let script: [(&[&str], i32); 5] = [
        (&["license", "validate", ACTIVE_KEY, "--hwid", "A"], 0),
        (&["license", "validate", ACTIVE_KEY, "--hwid", "A"], 0),
        (&["license", "validate", ACTIVE_KEY, "--hwid", "B"], 1),
        (&["license", "reset", ACTIVE_KEY], 0),
        (&["license", "validate", ACTIVE_KEY, "--hwid", "B"], 0),
    ];
    for (args, code) in script {
        api.whop().run(args).assert_code(code);
    }
}

#[test]
fn validate_from_another_machine_says_so() {
    let api = Api::retired();
    api.whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(0);
    let out = api
        .whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "B"]);
    out.assert_code(1);
    out.assert_stdout_starts_with("bound to another machine: ");
}

#[test]
fn validate_of_an_expired_or_unknown_key_exits_1_and_says_which() {
    let cases = [(EXPIRED_KEY, "not valid: "), ("NO-SUCH-KEY", "not found: ")];
    for (key, line) in cases {
        let api = Api::retired();
        let out = api.whop().run(&["license", "validate", key, "--hwid", "A"]);
        out.assert_code(1);
        out.assert_stdout_starts_with(line);
    }
}

#[test]
fn validate_json_reports_the_result_and_the_membership_as_sent() {
    let api = Api::retired();
    let out = api
        .whop()
        .run(&["--json", "license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    out.assert_code(0);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(report["result"], "valid");
    assert_eq!(report["membership"]["id"], ACTIVE_ID);
}

#[test]
fn validate_errors_exit_2() {
    let unreachable = Whop::bare()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_API_KEY", COMPANY_KEY)
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    unreachable.assert_code(2);
    unreachable.error_line();
    let api = Api::retired();
    let no_key = api
        .whop()
        .env_remove("WHOP_API_KEY")
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    no_key.assert_code(2);
    assert!(
        no_key.error_line().contains("WHOP_API_KEY"),
        "{}",
        no_key.stderr
    );
}

#[test]
fn check_answers_each_key_by_its_exit_code() {
    let cases = [
        (ACTIVE_KEY, 0, "valid: "),
        (EXPIRED_KEY, 1, "not valid: "),
        ("NO-SUCH-KEY", 1, "not found: "),
    ];
    for (key, code, line) in cases {
        let api = Api::retired();
        let out = api.whop().run(&["license", "check", "--", key]);
        out.assert_code(code);
        out.assert_stdout_starts_with(line);
        assert!(
            api.mock().requests().iter().all(|r| r.method == "GET"),
            "check changed something"
        );
    }
}

#[test]
fn check_with_a_refused_token_exits_2() {
    let api = Api::retired();
    let out = api
        .whop()
        .env("WHOP_USER_TOKEN", "wrong-token")
        .run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(2);
    out.error_line();
}

#[test]
fn reset_of_an_unknown_key_exits_3_and_says_it_was_not_applied() {
    let api = Api::retired();
    let out = api.whop().run(&["license", "reset", "NO-SUCH-KEY"]);
    out.assert_code(3);
    assert!(
        out.error_line().contains("the reset was not applied"),
        "{}",
        out.stderr
    );
}

#[cfg(feature = "mock")]
#[test]
fn mock_answers_each_current_demo_key_as_its_constant_says() {
    use whop_mock::{
        DEMO_CURRENT_EXPIRED_LICENSE_KEY, DEMO_CURRENT_LICENSE_KEY,
        DEMO_CURRENT_UNBOUND_LICENSE_KEY,
    };
    let cases = [
        (DEMO_CURRENT_LICENSE_KEY, "demo-machine", 0),
        (DEMO_CURRENT_LICENSE_KEY, "another-machine", 1),
        (DEMO_CURRENT_UNBOUND_LICENSE_KEY, "any-machine", 0),
        (DEMO_CURRENT_EXPIRED_LICENSE_KEY, "demo-machine", 1),
    ];
    for (key, hwid, code) in cases {
        Whop::bare()
            .run(&["--mock", "license", "validate", key, "--hwid", hwid])
            .assert_code(code);
    }
}
