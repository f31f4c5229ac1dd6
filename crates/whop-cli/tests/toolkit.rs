//! The real `whop` binary's license-key and listing commands against whop-mock on loopback:
//! `license validate`, `license reset`, `membership get`, `membership list`, `me memberships`,
//! and `--json` printing the API's own JSON.

mod support;

use bytes::Bytes;
use serde_json::{Value, json};
use whop_mock::{DEMO_USER_ID, Fault, LARGE_WORLD_MEMBERSHIPS, MockWhop};

use support::{
    ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, EXPIRED_KEY, USER_TOKEN, Whop, unreachable_base_url,
};

fn large() -> Api {
    Api::serve(
        MockWhop::large_world_builder()
            .company_token(COMPANY_KEY)
            .user_token(USER_TOKEN, DEMO_USER_ID)
            .no_rate_limits()
            .build(),
    )
}

// ---- license validate / reset ----

#[test]
fn validate_binds_an_unbound_key_and_exits_0() {
    let api = Api::start();
    let out = api.whop().run(&[
        "license",
        "validate",
        ACTIVE_KEY,
        "--hwid",
        "A",
        "--metadata",
        "seat=1",
    ]);
    out.assert_code(0);
    assert!(out.stdout.starts_with("valid: "), "{}", out.stdout);
    assert_eq!(
        api.mock().membership(ACTIVE_ID).unwrap().metadata,
        json!({ "hwid": "A", "seat": "1" })
    );
    api.whop()
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
    api.whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(0);
    let out = api
        .whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "B"]);
    out.assert_code(1);
    assert!(
        out.stdout.starts_with("metadata mismatch: "),
        "{}",
        out.stdout
    );
}

#[test]
fn validate_of_an_expired_or_unknown_key_exits_1_and_says_which() {
    let api = Api::start();
    let expired = api
        .whop()
        .run(&["license", "validate", EXPIRED_KEY, "--hwid", "A"]);
    expired.assert_code(1);
    assert!(
        expired.stdout.starts_with("not valid: "),
        "{}",
        expired.stdout
    );
    let unknown = api
        .whop()
        .run(&["license", "validate", "NO-SUCH", "--hwid", "A"]);
    unknown.assert_code(1);
    assert!(
        unknown.stdout.starts_with("not found: "),
        "{}",
        unknown.stdout
    );
}

#[test]
fn validate_errors_exit_2() {
    let api = Api::start();
    let out = Whop::bare()
        .env("WHOP_BASE_URL", &unreachable_base_url())
        .env("WHOP_API_KEY", COMPANY_KEY)
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    out.assert_code(2);
    out.error_line();
    api.whop()
        .env_remove("WHOP_API_KEY")
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(2);
    api.whop()
        .run(&["license", "validate", "..", "--hwid", "A"])
        .assert_code(2);
}

#[test]
fn validate_json_reports_the_result_and_the_membership_as_sent() {
    let api = Api::start();
    let out = api
        .whop()
        .run(&["--json", "license", "validate", ACTIVE_KEY, "--hwid", "A"]);
    out.assert_code(0);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["result"], "valid");
    assert_eq!(report["membership"]["metadata"]["hwid"], "A");
}

#[test]
fn reset_clears_the_binding_so_another_machine_binds() {
    let api = Api::start();
    api.whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "A"])
        .assert_code(0);
    let out = api.whop().run(&["license", "reset", ACTIVE_KEY]);
    out.assert_code(0);
    assert!(out.stdout.contains(ACTIVE_ID), "{}", out.stdout);
    assert_eq!(
        api.mock().membership(ACTIVE_ID).unwrap().metadata,
        json!({})
    );
    api.whop()
        .run(&["license", "validate", ACTIVE_KEY, "--hwid", "B"])
        .assert_code(0);
    let unknown = api.whop().run(&["license", "reset", "NO-SUCH"]);
    unknown.assert_code(3);
    assert!(unknown.error_line().contains("the reset was not applied"));
}

// ---- membership get ----

#[test]
fn get_by_key_prints_rows_with_expanded_objects() {
    let api = Api::start();
    let out = api
        .whop()
        .run(&["membership", "get", ACTIVE_KEY, "--expand", "product,user"]);
    out.assert_code(0);
    assert!(out.stdout.contains(ACTIVE_ID), "{}", out.stdout);
    assert!(
        out.stdout.contains("test_user <test@example.com>"),
        "{}",
        out.stdout
    );
}

#[test]
fn get_json_keeps_fields_the_models_do_not_know() {
    let api = Api::start();
    api.mock().inject(
        Fault::Respond {
            status: 200,
            content_type: Some("application/json".to_owned()),
            body: Bytes::from(format!(
                r#"{{"id":"{ACTIVE_ID}","valid":true,"brand_new_field":{{"nested":[1,2.50]}}}}"#
            )),
        },
        1,
    );
    let out = api.whop().run(&["--json", "membership", "get", ACTIVE_ID]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("\"brand_new_field\": {"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("2.50"),
        "numbers as sent: {}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("null"),
        "nothing invented: {}",
        out.stdout
    );
}

#[test]
fn existing_commands_json_keeps_unknown_fields_too() {
    let api = Api::start();
    let body = format!(r#"{{"id":"{ACTIVE_ID}","cancel_at_period_end":true,"new_thing":"kept"}}"#);
    api.mock().inject(
        Fault::Respond {
            status: 201,
            content_type: Some("application/json".to_owned()),
            body: Bytes::from(body),
        },
        1,
    );
    let out = api
        .whop()
        .run(&["--json", "membership", "cancel", ACTIVE_ID]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("\"new_thing\": \"kept\""),
        "{}",
        out.stdout
    );
}

#[test]
fn get_of_an_unknown_membership_exits_3() {
    let api = Api::start();
    api.whop()
        .run(&["membership", "get", "mem_nosuch"])
        .assert_code(3);
}

// ---- membership list / me memberships ----

#[test]
fn list_prints_one_row_per_membership_of_one_page() {
    let api = large();
    let out = api.whop().run(&["membership", "list", "--per", "20"]);
    out.assert_code(0);
    assert_eq!(out.stdout.lines().count(), 20, "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .next()
            .unwrap()
            .starts_with("mem_gen000000237")
    );
}

#[test]
fn list_all_streams_every_page_and_keeps_stderr_clean_when_not_a_terminal() {
    let api = large();
    let out = api.whop().run(&["membership", "list", "--all"]);
    out.assert_code(0);
    assert_eq!(out.stdout.lines().count(), LARGE_WORLD_MEMBERSHIPS);
    assert_eq!(
        out.stderr, "",
        "no progress line when stderr is not a terminal"
    );
    assert_eq!(api.mock().requests().len(), 5);
}

#[test]
fn list_json_is_json_lines_as_sent() {
    let api = large();
    let out = api
        .whop()
        .run(&["--json", "membership", "list", "--all", "--valid", "false"]);
    out.assert_code(0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let invalid = api.mock().memberships().iter().filter(|m| !m.valid).count();
    assert_eq!(lines.len(), invalid);
    assert!(lines.iter().all(|m| m["valid"] == false));
}

#[test]
fn list_passes_every_filter_to_the_api() {
    let api = large();
    let out = api.whop().run(&[
        "membership",
        "list",
        "--status",
        "active",
        "--plan-id",
        "plan_x",
        "--product-id",
        "prod_x",
        "--user-id",
        "user_x",
        "--discord-id",
        "123",
        "--wallet-address",
        "0xabc",
        "--valid",
        "true",
        "--hide-metadata",
        "--direction",
        "asc",
        "--expand",
        "plan",
        "--page",
        "2",
        "--per",
        "5",
    ]);
    out.assert_code(0);
    let query = api.mock().requests()[0].query.clone().unwrap();
    assert_eq!(
        query,
        "hide_metadata=true&status=active&plan_id=plan_x&product_id=prod_x&user_id=user_x\
         &discord_id=123&wallet_address=0xabc&valid=true&direction=asc&expand[]=plan&page=2&per=5"
    );
}

#[test]
fn list_refuses_a_page_size_over_50() {
    let api = large();
    api.whop()
        .run(&["membership", "list", "--per", "51"])
        .assert_code(2);
    assert!(api.mock().requests().is_empty());
}

#[test]
fn me_memberships_lists_the_users_own_and_passes_filters() {
    let api = large();
    let out = api
        .whop()
        .run(&["me", "memberships", "--all", "--per", "4"]);
    out.assert_code(0);
    let mine = api
        .mock()
        .memberships()
        .iter()
        .filter(|m| m.user_id == DEMO_USER_ID && m.valid)
        .count();
    assert_eq!(out.stdout.lines().count(), mine);
    let out = api.whop().run(&[
        "--json",
        "me",
        "memberships",
        "--status",
        "expired,canceled",
        "--valid",
        "false",
        "--company-id",
        whop_mock::DEFAULT_COMPANY_ID,
    ]);
    out.assert_code(0);
    assert!(
        out.stdout
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).unwrap()["valid"] == false)
    );
    let query = api.mock().requests().last().unwrap().query.clone().unwrap();
    assert!(
        query.contains("statuses[]=expired&statuses[]=canceled"),
        "{query}"
    );
}
