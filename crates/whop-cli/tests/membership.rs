//! The real `whop` binary's `membership get`, `membership list` and `me memberships` against
//! whop-mock on loopback: rows, paging, filters, and `--json` printing the API's own JSON. Every
//! run here is `WHOP_API=legacy` (v2, v5); the Current API's listings are in `current.rs`.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use bytes::Bytes;
use serde_json::Value;
use whop_mock::{DEMO_USER_ID, Fault, LARGE_WORLD_MEMBERSHIPS, MockWhop};

use support::{ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, USER_TOKEN};

fn large() -> Api {
    Api::serve(
        MockWhop::large_world_builder()
            .company_token(COMPANY_KEY)
            .user_token(USER_TOKEN, DEMO_USER_ID)
            .no_rate_limits()
            .build(),
    )
}

// ---- membership get ----

#[test]
fn get_by_key_prints_rows_with_expanded_objects() {
    let api = Api::start();
    let out = api
        .legacy()
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
    let out = api
        .legacy()
        .run(&["--json", "membership", "get", ACTIVE_ID]);
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
        .legacy()
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
    api.legacy()
        .run(&["membership", "get", "mem_nosuch"])
        .assert_code(3);
}

// ---- membership list / me memberships ----

#[test]
fn list_prints_one_row_per_membership_of_one_page() {
    let api = large();
    let out = api.legacy().run(&["membership", "list", "--per", "20"]);
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
    let out = api.legacy().run(&["membership", "list", "--all"]);
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
        .legacy()
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
    let out = api.legacy().run(&[
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
    api.legacy()
        .run(&["membership", "list", "--per", "51"])
        .assert_code(2);
    assert!(api.mock().requests().is_empty());
}

#[test]
fn me_memberships_lists_the_users_own_and_passes_filters() {
    let api = large();
    let out = api
        .legacy()
        .run(&["me", "memberships", "--all", "--per", "4"]);
    out.assert_code(0);
    let mine = api
        .mock()
        .memberships()
        .iter()
        .filter(|m| m.user_id == DEMO_USER_ID && m.valid)
        .count();
    assert_eq!(out.stdout.lines().count(), mine);
    let out = api.legacy().run(&[
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
