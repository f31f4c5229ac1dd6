//! `whop --api legacy` (the seed's v2/v5 calls) against a whop-mock whose v2 routes are gone, as
//! on the real Whop since the retirement: each v2 command fails saying so and naming the Current
//! API call; v5 `me` still answers.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use whop_client::legacy::V2_RETIRED_ON;

use support::{ACTIVE_ID, ACTIVE_KEY, Api};

#[test]
fn legacy_v2_commands_name_the_retirement_and_the_current_api_call() {
    let cases: [&[&str]; 6] = [
        &["membership", "get", ACTIVE_ID],
        &["membership", "list"],
        &["membership", "cancel", ACTIVE_ID],
        &["membership", "terminate", ACTIVE_ID, "--yes"],
        &["license", "validate", ACTIVE_KEY, "--hwid", "A"],
        &["license", "reset", ACTIVE_KEY],
    ];
    for args in cases {
        let api = Api::retired();
        let out = api.legacy().run(args);
        assert_ne!(out.code, Some(0), "{args:?}");
        assert_ne!(
            out.code,
            Some(3),
            "{args:?}: a retired route is not `not found`"
        );
        let line = out.error_line();
        assert!(line.contains(V2_RETIRED_ON), "{args:?}: {line}");
        assert!(line.contains("use the Current API"), "{args:?}: {line}");
        assert!(line.contains("--api legacy"), "{args:?}: {line}");
    }
}

#[test]
fn legacy_v5_me_commands_still_work_when_v2_is_gone() {
    let cases: [&[&str]; 3] = [
        &["me", "membership", ACTIVE_ID],
        &["me", "memberships"],
        &["license", "check", ACTIVE_KEY],
    ];
    for args in cases {
        let api = Api::retired();
        api.legacy().run(args).assert_code(0);
    }
}

#[cfg(feature = "mock")]
#[test]
fn mock_with_v2_retired_rehearses_the_migration() {
    use support::Whop;
    let id = whop_mock::DEMO_MEMBERSHIP_ID;
    let retired = |api: &str| {
        Whop::bare().env("WHOP_MOCK_V2_RETIRED", "1").run(&[
            "--mock",
            "--api",
            api,
            "membership",
            "get",
            id,
        ])
    };
    let legacy = retired("legacy");
    legacy.assert_code(7);
    assert!(
        legacy.error_line().contains(V2_RETIRED_ON),
        "{}",
        legacy.stderr
    );
    retired("current").assert_code(0);
    // Without the variable, the mock still answers v2.
    Whop::bare()
        .run(&["--mock", "--api", "legacy", "membership", "get", id])
        .assert_code(0);
}
