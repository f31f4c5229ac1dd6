//! The real `whop` binary against whop-mock on loopback: output, exit codes, credentials, help.
//! Every run here is `WHOP_API=legacy` (the seed's v2/v5 calls, kept and tested as they were);
//! the Current API's commands are in `current.rs`.

// The shared helpers serve other test files too; this one uses most of them.
#[allow(dead_code)]
mod support;

use serde_json::Value;
use whop_mock::Fault;
use whop_models::{Expandable, MeMembership, Membership, decode};

use support::{
    ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, EXPIRED_ID, EXPIRED_KEY, OTHER_ID, PRODUCT_NAME,
    USER_TOKEN, Whop, unreachable_base_url,
};

/// How the error for a missing credential ends: it suggests `--mock` only where the binary has it.
const OR_TRY_MOCK: &str = if cfg!(feature = "mock") {
    "; or try --mock"
} else {
    ""
};

// ---- membership cancel ----

#[test]
fn cancel_prints_aligned_rows_and_spells_out_the_period_end() {
    let api = Api::start();
    let out = api.legacy().run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(0);
    assert!(
        out.stdout
            .lines()
            .any(|l| l == format!("id                     {ACTIVE_ID}")),
        "{}",
        out.stdout
    );
    let cancel_row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("cancels at period end  "))
        .expect("a cancels-at-period-end row");
    assert!(
        cancel_row.contains("yes: access ends at the end of the current period"),
        "{cancel_row}"
    );
    assert!(cancel_row.contains("(in 12 days)"), "{cancel_row}");
    assert!(
        api.mock()
            .membership(ACTIVE_ID)
            .expect("seeded")
            .cancel_at_period_end
    );
}

#[test]
fn cancel_summarises_expanded_objects() {
    let api = Api::start();
    let out = api.legacy().run(&[
        "membership",
        "cancel",
        ACTIVE_ID,
        "--expand",
        "product,user",
    ]);
    out.assert_code(0);
    assert!(out.stdout.contains(PRODUCT_NAME), "{}", out.stdout);
    assert!(
        out.stdout.contains("test_user <test@example.com>"),
        "{}",
        out.stdout
    );
}

#[test]
fn cancel_json_is_the_membership_with_its_expanded_objects() {
    let api = Api::start();
    let out = api.legacy().run(&[
        "--json",
        "membership",
        "cancel",
        ACTIVE_ID,
        "--expand",
        "product,user,plan,promo_code",
    ]);
    out.assert_code(0);
    let membership: Membership = decode(out.stdout.as_bytes()).expect("a v2 membership");
    assert_eq!(membership.id.as_str(), ACTIVE_ID);
    assert_eq!(membership.cancel_at_period_end, Some(true));
    let product = membership.product_object().expect("product expanded");
    assert_eq!(product.display_name(), Some(PRODUCT_NAME));
    assert!(matches!(membership.user, Some(Expandable::Object(_))));
    assert!(matches!(membership.plan, Some(Expandable::Object(_))));
}

#[test]
fn cancel_accepts_expand_repeated() {
    let api = Api::start();
    let out = api.legacy().run(&[
        "membership",
        "cancel",
        ACTIVE_ID,
        "--json",
        "--expand",
        "plan",
        "--expand",
        "user",
    ]);
    out.assert_code(0);
    let membership: Membership = decode(out.stdout.as_bytes()).expect("a v2 membership");
    assert!(matches!(membership.plan, Some(Expandable::Object(_))));
    assert!(matches!(membership.user, Some(Expandable::Object(_))));
    assert!(matches!(membership.product, Some(Expandable::Id(_))));
}

#[test]
fn cancel_of_an_unknown_membership_exits_3() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["membership", "cancel", "mem_nosuch0000001"]);
    out.assert_code(3);
    assert!(
        out.error_line().contains("the cancel was not applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn cancel_with_a_refused_key_exits_4() {
    let api = Api::start();
    let out =
        api.legacy()
            .env("WHOP_API_KEY", "wrong-key")
            .run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(4);
    assert!(out.error_line().contains("WHOP_API_KEY"), "{}", out.stderr);
}

#[test]
fn cancel_forbidden_exits_4() {
    let api = Api::start();
    api.mock().inject(Fault::Status(403), 1);
    api.legacy()
        .run(&["membership", "cancel", ACTIVE_ID])
        .assert_code(4);
}

#[test]
fn cancel_rate_limited_exits_5_and_prints_the_retry_after() {
    let api = Api::start();
    api.mock().inject(Fault::rate_limited_for(60), 1);
    let out = api.legacy().run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(5);
    assert!(
        out.error_line().contains("retry after 60 s"),
        "{}",
        out.stderr
    );
}

#[test]
fn cancel_against_an_unreachable_server_exits_6_and_says_it_was_not_applied() {
    let out = Whop::legacy()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_API_KEY", COMPANY_KEY)
        .run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(6);
    let line = out.error_line();
    assert!(line.contains("never sent"), "{line}");
    assert!(line.contains("the cancel was not applied"), "{line}");
}

#[test]
fn cancel_refused_by_another_api_error_exits_7() {
    let api = Api::start();
    api.mock().inject(Fault::Status(400), 1);
    api.legacy()
        .run(&["membership", "cancel", ACTIVE_ID])
        .assert_code(7);
}

#[test]
fn cancel_whose_answer_does_not_decode_exits_8_and_says_it_was_applied() {
    let api = Api::start();
    api.mock().inject(Fault::GarbageBody, 1);
    let out = api.legacy().run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(8);
    assert!(
        out.error_line().contains("the cancel was applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn lookup_whose_answer_does_not_decode_exits_8_and_says_nothing_changed() {
    let api = Api::start();
    api.mock().inject(Fault::GarbageBody, 1);
    let out = api.legacy().run(&["me", "membership", ACTIVE_KEY]);
    out.assert_code(8);
    let line = out.error_line();
    assert!(line.contains("nothing changed"), "{}", out.stderr);
    assert!(!line.contains("applied"), "{}", out.stderr);
}

#[test]
fn cancel_without_an_api_key_names_whop_api_key() {
    let api = Api::start();
    let out = api
        .legacy()
        .env_remove("WHOP_API_KEY")
        .run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "whop: error: no company API key: set WHOP_API_KEY (or pass --api-key{OR_TRY_MOCK})"
        )
    );
    assert!(api.mock().requests().is_empty());
}

#[test]
fn an_unknown_expand_choice_is_a_usage_error() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["membership", "cancel", ACTIVE_ID, "--expand", "plans"]);
    out.assert_code(2);
    assert!(api.mock().requests().is_empty());
}

// ---- me membership ----

#[test]
fn me_membership_by_license_key_prints_aligned_rows() {
    let api = Api::start();
    let out = api.legacy().run(&["me", "membership", ACTIVE_KEY]);
    out.assert_code(0);
    assert!(
        out.stdout
            .lines()
            .any(|l| l == format!("id                     {ACTIVE_ID}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "valid                  yes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("cancels at period end  no"),
        "{}",
        out.stdout
    );
}

#[test]
fn me_membership_json_is_the_me_membership() {
    let api = Api::start();
    let out = api.legacy().run(&["me", "membership", ACTIVE_ID, "--json"]);
    out.assert_code(0);
    let membership: MeMembership = decode(out.stdout.as_bytes()).expect("a v5 membership");
    assert_eq!(membership.id.as_str(), ACTIVE_ID);
    assert!(membership.valid);
    assert_eq!(
        membership.license_key.as_ref().map(|k| k.as_str()),
        Some(ACTIVE_KEY)
    );
}

#[test]
fn me_membership_of_another_user_exits_3() {
    let api = Api::start();
    let out = api.legacy().run(&["me", "membership", OTHER_ID]);
    out.assert_code(3);
    out.error_line();
}

#[test]
fn me_membership_with_a_refused_token_exits_4() {
    let api = Api::start();
    let out =
        api.legacy()
            .env("WHOP_USER_TOKEN", "wrong-token")
            .run(&["me", "membership", ACTIVE_ID]);
    out.assert_code(4);
    assert!(
        out.error_line().contains("WHOP_USER_TOKEN"),
        "{}",
        out.stderr
    );
}

#[test]
fn me_membership_rate_limited_exits_5() {
    let api = Api::start();
    api.mock().inject(Fault::rate_limited_for(60), 1);
    api.legacy()
        .run(&["me", "membership", ACTIVE_ID])
        .assert_code(5);
}

#[test]
fn me_membership_against_an_unreachable_server_exits_6() {
    let out = Whop::legacy()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_USER_TOKEN", USER_TOKEN)
        .run(&["me", "membership", ACTIVE_ID]);
    out.assert_code(6);
    out.error_line();
}

#[test]
fn me_membership_without_a_user_token_names_whop_user_token() {
    let api = Api::start();
    let out = api
        .legacy()
        .env_remove("WHOP_USER_TOKEN")
        .run(&["me", "membership", ACTIVE_ID]);
    out.assert_code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "whop: error: no user token: sign in with `whop login`, or set WHOP_USER_TOKEN (or pass \
             --user-token{OR_TRY_MOCK})"
        )
    );
}

// ---- license check ----

#[test]
fn license_check_of_a_valid_key_exits_0() {
    let api = Api::start();
    let out = api.legacy().run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        format!("valid: the license key belongs to membership {ACTIVE_ID}\n")
    );
}

#[test]
fn license_check_of_an_expired_key_exits_1() {
    let api = Api::start();
    let out = api.legacy().run(&["license", "check", EXPIRED_KEY]);
    out.assert_code(1);
    out.assert_stdout_starts_with("not valid: ");
    assert!(out.stdout.contains(EXPIRED_ID), "{}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 1);
}

#[test]
fn license_check_of_an_unknown_key_exits_1() {
    let api = Api::start();
    let out = api.legacy().run(&["license", "check", "NO-SUCH-KEY"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "not found: no membership of yours has this license key\n"
    );
}

#[test]
fn license_check_json_reports_the_result_and_the_membership() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["license", "check", EXPIRED_KEY, "--json"]);
    out.assert_code(1);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(report["result"], "not_valid");
    let membership: MeMembership =
        serde_json::from_value(report["membership"].clone()).expect("a v5 membership");
    assert_eq!(membership.id.as_str(), EXPIRED_ID);
    assert!(!membership.valid);
}

#[test]
fn license_check_json_of_an_unknown_key_has_no_membership() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["license", "check", "NO-SUCH-KEY", "--json"]);
    out.assert_code(1);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(report["result"], "not_found");
    assert_eq!(report["membership"], Value::Null);
}

#[test]
fn license_check_with_a_refused_token_exits_2() {
    let api = Api::start();
    let out = api
        .legacy()
        .env("WHOP_USER_TOKEN", "wrong-token")
        .run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(2);
    out.error_line();
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn license_check_rate_limited_exits_2() {
    let api = Api::start();
    api.mock().inject(Fault::rate_limited_for(60), 1);
    let out = api.legacy().run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(2);
    assert!(out.error_line().contains("rate limited"), "{}", out.stderr);
}

#[test]
fn license_check_against_an_unreachable_server_exits_2() {
    let out = Whop::legacy()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_USER_TOKEN", USER_TOKEN)
        .run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(2);
    assert!(out.error_line().contains("network error"), "{}", out.stderr);
}

#[test]
fn license_check_without_a_user_token_names_whop_user_token() {
    let out = Whop::legacy().run(&["license", "check", ACTIVE_KEY]);
    out.assert_code(2);
    assert_eq!(
        out.error_line(),
        format!(
            "whop: error: no user token: sign in with `whop login`, or set WHOP_USER_TOKEN (or pass \
             --user-token{OR_TRY_MOCK})"
        )
    );
}

// ---- --mock (cargo feature `mock`, on by default) ----

#[cfg(feature = "mock")]
#[test]
fn mock_cancel_works_with_no_environment() {
    let out = Whop::legacy().run(&[
        "--mock",
        "membership",
        "cancel",
        whop_mock::DEMO_MEMBERSHIP_ID,
        "--json",
    ]);
    out.assert_code(0);
    let membership: Membership = decode(out.stdout.as_bytes()).expect("a v2 membership");
    assert_eq!(membership.cancel_at_period_end, Some(true));
}

#[cfg(feature = "mock")]
#[test]
fn mock_me_membership_works_with_no_environment() {
    let out = Whop::legacy().run(&["--mock", "me", "membership", whop_mock::DEMO_LICENSE_KEY]);
    out.assert_code(0);
    assert!(
        out.stdout.contains(whop_mock::DEMO_MEMBERSHIP_ID),
        "{}",
        out.stdout
    );
}

#[cfg(feature = "mock")]
#[test]
fn mock_license_check_works_with_no_environment() {
    let out = Whop::legacy().run(&["--mock", "license", "check", whop_mock::DEMO_LICENSE_KEY]);
    out.assert_code(0);
    out.assert_stdout_starts_with("valid: ");
}

#[cfg(feature = "mock")]
#[test]
fn mock_has_an_expired_license_key_to_try() {
    let out = Whop::legacy().run(&[
        "--mock",
        "license",
        "check",
        "DEMO-EXPIRED-00000000-0000000",
    ]);
    out.assert_code(1);
}

#[cfg(not(feature = "mock"))]
#[test]
fn mock_in_a_build_without_the_feature_is_a_usage_error_saying_how_to_get_it() {
    let out = Whop::legacy().run(&["--mock", "license", "check", "ANY-KEY"]);
    out.assert_code(2);
    assert_eq!(
        out.error_line(),
        "whop: error: --mock is not in this build: whop was built without its `mock` feature \
         (--no-default-features); reinstall with default features to get it, e.g. \
         `cargo install --path crates/whop-cli`"
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

// ---- secrets ----

#[test]
fn verbose_cancel_never_shows_the_company_key() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["--verbose", "membership", "cancel", ACTIVE_ID]);
    out.assert_code(0);
    assert!(!out.stderr.is_empty(), "--verbose traced nothing on stderr");
    assert!(!out.stdout.contains(COMPANY_KEY) && !out.stderr.contains(COMPANY_KEY));
}

/// `--verbose` shows the command's own debug events, not only the client's.
#[test]
fn verbose_traces_the_commands_own_events() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["--verbose", "membership", "cancel", ACTIVE_ID]);
    out.assert_code(0);
    assert!(out.stderr.contains("credential found"), "{}", out.stderr);
    assert!(out.stderr.contains("client ready"), "{}", out.stderr);
}

#[test]
fn verbose_license_check_never_shows_the_user_token() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["license", "check", ACTIVE_KEY, "--verbose"]);
    out.assert_code(0);
    assert!(out.stderr.contains("whop_request"), "{}", out.stderr);
    assert!(!out.stdout.contains(USER_TOKEN) && !out.stderr.contains(USER_TOKEN));
}

#[test]
fn a_refused_token_given_as_a_flag_is_never_shown() {
    let api = Api::start();
    let secret = "flag-token-that-must-not-print";
    let out = api.legacy().run(&[
        "--verbose",
        "--user-token",
        secret,
        "me",
        "membership",
        ACTIVE_ID,
    ]);
    out.assert_code(4);
    assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret));
}

#[test]
fn a_malformed_token_is_refused_without_being_shown() {
    let secret = "bad token with spaces";
    let out = Whop::legacy().env("WHOP_API_KEY", secret).run(&[
        "--verbose",
        "membership",
        "cancel",
        ACTIVE_ID,
    ]);
    out.assert_code(2);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("whop: error: ") && last.contains("WHOP_API_KEY"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(secret));
}

// ---- help ----

const GLOBAL_FLAGS: [&str; 6] = [
    "--json",
    "--verbose",
    "--mock",
    "--base-url",
    "--api-key",
    "--user-token",
];

#[track_caller]
fn assert_help_mentions(args: &[&str], extra: &[&str]) {
    let out = Whop::legacy().run(args);
    out.assert_code(0);
    for flag in GLOBAL_FLAGS.iter().chain(extra) {
        assert!(
            out.stdout.contains(flag),
            "{args:?} does not mention {flag}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn top_level_help_mentions_every_flag_variable_and_exit_code() {
    assert_help_mentions(
        &["--help"],
        &[
            "WHOP_API_KEY",
            "WHOP_USER_TOKEN",
            "WHOP_BASE_URL",
            "Exit codes:",
            "8  the API answered with success",
            "Examples:",
        ],
    );
}

#[test]
fn cancel_help_mentions_every_flag_and_argument() {
    assert_help_mentions(
        &["membership", "cancel", "--help"],
        &["<ID>", "--expand", "promo_code", "Exit codes:", "Examples:"],
    );
}

#[test]
fn me_membership_help_mentions_every_flag_and_argument() {
    assert_help_mentions(
        &["me", "membership", "--help"],
        &["<ID-OR-LICENSE-KEY>", "Exit codes:", "Examples:"],
    );
}

#[test]
fn license_check_help_mentions_every_flag_and_its_exit_codes() {
    assert_help_mentions(
        &["license", "check", "--help"],
        &[
            "<KEY>",
            "0  the key",
            "1  the key",
            "2  any error",
            "Examples:",
        ],
    );
}

#[test]
fn each_command_group_help_mentions_every_flag_and_an_example() {
    for group in ["membership", "me", "license"] {
        assert_help_mentions(&[group, "--help"], &["Examples:"]);
    }
}

#[test]
fn a_license_key_starting_with_a_hyphen_is_checked_after_double_dash() {
    let api = Api::start();
    let out = api.legacy().run(&["license", "check", "--", "-NOT-A-FLAG"]);
    out.assert_code(1);
    out.assert_stdout_starts_with("not found: ");
}

// ---- membership terminate (issue 16) ----

#[test]
fn terminate_without_yes_refuses_and_sends_nothing() {
    let api = Api::start();
    let out = api.legacy().run(&["membership", "terminate", ACTIVE_ID]);
    out.assert_code(2);
    assert!(out.error_line().contains("--yes"), "{}", out.stderr);
    assert!(api.mock().requests().is_empty());
    assert!(api.mock().membership(ACTIVE_ID).expect("seeded").valid);
}

#[test]
fn terminate_with_yes_ends_the_membership_at_once() {
    let api = Api::start();
    let out = api
        .legacy()
        .run(&["--json", "membership", "terminate", ACTIVE_ID, "--yes"]);
    out.assert_code(0);
    let membership: Membership = decode(out.stdout.as_bytes()).expect("a v2 membership");
    assert_eq!(membership.valid, Some(false));
    assert!(!api.mock().membership(ACTIVE_ID).expect("seeded").valid);
}

#[test]
fn terminate_help_says_it_is_irreversible_and_needs_yes() {
    assert_help_mentions(
        &["membership", "terminate", "--help"],
        &["<ID>", "--yes", "cannot be undone", "Examples:"],
    );
}

/// The demo world `--help` lists is whop-mock's: every demo license key is in it.
#[test]
fn top_level_help_lists_every_demo_key_of_the_one_demo_world() {
    let out = Whop::legacy().run(&["--help"]);
    out.assert_code(0);
    let keys = whop_mock::DEMO_LICENSE_KEYS
        .iter()
        .chain(&whop_mock::DEMO_CURRENT_LICENSE_KEYS);
    for (key, what) in keys {
        assert!(out.stdout.contains(key), "--help lacks {key} ({what})");
    }
}

#[cfg(feature = "mock")]
#[test]
fn mock_license_check_answers_each_demo_key_as_its_constant_says() {
    for (key, code) in [
        (whop_mock::DEMO_LICENSE_KEY, 0),
        (whop_mock::DEMO_EXPIRED_LICENSE_KEY, 1),
        (whop_mock::DEMO_CANCELING_LICENSE_KEY, 0),
    ] {
        let out = Whop::legacy().run(&["--mock", "license", "check", key]);
        out.assert_code(code);
        assert!(
            !out.stdout.starts_with("not found"),
            "{key}: {}",
            out.stdout
        );
    }
}
