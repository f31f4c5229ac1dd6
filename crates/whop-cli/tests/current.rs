//! The real `whop` binary on the Current API (the default) against whop-mock on loopback, most of
//! it with every v2 route gone (`MockWhopBuilder::v2_retired`), as on the real Whop now.

// The shared helpers serve other test files too; this one uses some of them.
#[allow(dead_code)]
mod support;

use std::collections::HashSet;

use bytes::Bytes;
use serde_json::{Value, json};
use whop_mock::{DEMO_USER_ID, Fault, MockWhop, RecordedRequest};
use whop_models::v1;

use support::{ACTIVE_ID, ACTIVE_KEY, Api, COMPANY_KEY, EXPIRED_ID, OTHER_ID, USER_TOKEN};

/// The path of every request the mock saw.
fn paths(api: &Api) -> Vec<String> {
    api.mock().requests().into_iter().map(|r| r.path).collect()
}

/// The body of the one Current API cancel the mock saw.
fn v1_cancel_body(api: &Api) -> Value {
    let cancels: Vec<Value> = api
        .mock()
        .requests()
        .iter()
        .filter_map(RecordedRequest::v1_cancel_body)
        .collect();
    assert_eq!(cancels.len(), 1, "{:?}", paths(api));
    cancels.into_iter().next().unwrap_or_default()
}

// ---- the acceptance: a server that answers only the Current API ----

#[test]
fn against_a_server_without_v2_every_default_command_works_on_v1_only() {
    let cases: [&[&str]; 19] = [
        &["membership", "get", ACTIVE_ID],
        &["membership", "get", ACTIVE_KEY],
        &["membership", "list"],
        &["--json", "membership", "list", "--all"],
        &["membership", "cancel", ACTIVE_ID],
        &["membership", "terminate", ACTIVE_ID, "--yes"],
        &[
            "membership",
            "update",
            ACTIVE_ID,
            "--metadata",
            r#"{"seat":2}"#,
        ],
        &["membership", "update", ACTIVE_ID, "--clear-metadata"],
        &["membership", "update", ACTIVE_ID, "--undo-cancel"],
        &["membership", "pause", ACTIVE_ID],
        &["membership", "resume", ACTIVE_ID],
        &["membership", "extend", ACTIVE_ID, "--days", "3"],
        &["license", "validate", ACTIVE_KEY, "--hwid", "A"],
        &["license", "reset", ACTIVE_KEY],
        &["license", "check", ACTIVE_KEY],
        &["me", "membership", ACTIVE_ID],
        &["me", "membership", ACTIVE_KEY],
        &["me", "memberships"],
        &["--json", "me", "memberships", "--all"],
    ];
    for args in cases {
        let api = Api::retired();
        api.whop().run(args).assert_code(0);
        let requests = api.mock().requests();
        assert!(
            requests.iter().any(RecordedRequest::is_v1),
            "{args:?} sent no v1 request: {:?}",
            paths(&api)
        );
        for request in &requests {
            assert!(
                !request.path.starts_with("/api/v2/"),
                "{args:?} sent {}",
                request.path
            );
            if request.is_v1() {
                assert!(
                    request.api_version_date.is_some(),
                    "{args:?}: {} without Api-Version-Date",
                    request.path
                );
            }
            if let Some(body) = request.v1_cancel_body() {
                assert!(
                    body["cancel_at_period_end"].is_boolean(),
                    "{args:?}: a cancel without an explicit cancel_at_period_end: {body}"
                );
            }
        }
    }
}

#[test]
fn cancel_is_at_period_end_and_keeps_access() {
    let api = Api::retired();
    let out = api.whop().run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(0);
    let cancel_row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("cancels at period end  "))
        .expect("a cancels-at-period-end row");
    assert!(
        cancel_row.starts_with("cancels at period end  yes"),
        "{cancel_row}"
    );
    let membership = api.mock().membership(ACTIVE_ID).expect("seeded");
    assert!(membership.cancel_at_period_end && membership.valid);
    assert_eq!(v1_cancel_body(&api)["cancel_at_period_end"], true);
}

#[test]
fn terminate_with_yes_ends_access_now() {
    let api = Api::retired();
    let out = api
        .whop()
        .run(&["--json", "membership", "terminate", ACTIVE_ID, "--yes"]);
    out.assert_code(0);
    assert!(!api.mock().membership(ACTIVE_ID).expect("seeded").valid);
    assert_eq!(v1_cancel_body(&api)["cancel_at_period_end"], false);
}

#[test]
fn terminate_without_yes_refuses_and_sends_nothing() {
    let api = Api::retired();
    let out = api.whop().run(&["membership", "terminate", ACTIVE_ID]);
    out.assert_code(2);
    assert!(out.error_line().contains("--yes"), "{}", out.stderr);
    assert!(api.mock().requests().is_empty());
}

#[test]
fn update_metadata_merges_keys() {
    let api = Api::retired();
    for metadata in [r#"{"a":1}"#, r#"{"b":"two"}"#] {
        api.whop()
            .run(&["membership", "update", ACTIVE_ID, "--metadata", metadata])
            .assert_code(0);
    }
    assert_eq!(
        api.mock().membership(ACTIVE_ID).expect("seeded").metadata,
        json!({"a": 1, "b": "two"})
    );
}

#[test]
fn update_clear_metadata_removes_every_key() {
    let api = Api::retired();
    api.whop()
        .run(&[
            "membership",
            "update",
            ACTIVE_ID,
            "--metadata",
            r#"{"a":1}"#,
        ])
        .assert_code(0);
    api.whop()
        .run(&["membership", "update", ACTIVE_ID, "--clear-metadata"])
        .assert_code(0);
    assert_eq!(
        api.mock().membership(ACTIVE_ID).expect("seeded").metadata,
        json!({})
    );
}

#[test]
fn update_undo_cancel_keeps_a_canceling_membership() {
    let api = Api::retired();
    api.whop()
        .run(&["membership", "cancel", ACTIVE_ID])
        .assert_code(0);
    api.whop()
        .run(&["membership", "update", ACTIVE_ID, "--undo-cancel"])
        .assert_code(0);
    assert!(
        !api.mock()
            .membership(ACTIVE_ID)
            .expect("seeded")
            .cancel_at_period_end
    );
}

#[test]
fn get_json_is_whops_own_body_with_unknown_fields() {
    let api = Api::retired();
    api.mock().inject(
        Fault::Respond {
            status: 200,
            content_type: Some("application/json".to_owned()),
            body: Bytes::from(format!(
                r#"{{"id":"{ACTIVE_ID}","status":"active","brand_new_field":{{"n":[1,2.50]}}}}"#
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
fn cancel_whose_answer_does_not_decode_exits_8_and_says_it_was_applied() {
    let api = Api::retired();
    api.mock().inject(Fault::GarbageBody, 1);
    let out = api.whop().run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(8);
    assert!(
        out.error_line().contains("the cancel was applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn extend_after_a_network_error_says_not_to_run_it_again_blindly() {
    let api = Api::retired();
    // Every attempt: the transport retries a v1 write (it carries an Idempotency-Key).
    api.mock().inject_after_handling(Fault::DropConnection, 20);
    let out = api
        .whop()
        .run(&["membership", "extend", ACTIVE_ID, "--days", "3"]);
    out.assert_code(6);
    assert!(
        out.error_line().contains("look the membership up"),
        "{}",
        out.stderr
    );
}

#[test]
fn each_class_of_failure_has_its_exit_code_on_the_current_api() {
    // (the fault, the exit code, what the line says)
    let cases = [
        (Fault::Status(403), 4, "WHOP_API_KEY"),
        (Fault::rate_limited_for(60), 5, "rate limited"),
        (Fault::Status(400), 7, ""),
    ];
    for (fault, code, says) in cases {
        let api = Api::retired();
        api.mock().inject(fault, 1);
        let out = api.whop().run(&["membership", "cancel", ACTIVE_ID]);
        out.assert_code(code);
        let line = out.error_line();
        assert!(line.contains(says), "{line}");
        assert!(line.contains("the cancel was not applied"), "{line}");
    }
}

#[test]
fn a_cancel_against_an_unreachable_server_exits_6_and_says_it_was_not_applied() {
    let out = support::Whop::bare()
        .env("WHOP_BASE_URL", &support::unreachable_base_url())
        .env("WHOP_API_KEY", COMPANY_KEY)
        .run(&["membership", "cancel", ACTIVE_ID]);
    out.assert_code(6);
    let line = out.error_line();
    assert!(line.contains("the cancel was not applied"), "{line}");
}

#[test]
fn get_of_an_unknown_membership_exits_3() {
    let api = Api::retired();
    api.whop()
        .run(&["membership", "get", "mem_nosuch0000001"])
        .assert_code(3);
}

#[test]
fn me_membership_of_another_user_exits_3() {
    let api = Api::retired();
    api.whop()
        .run(&["me", "membership", OTHER_ID])
        .assert_code(3);
}

#[test]
fn a_legacy_only_flag_on_the_current_api_is_a_usage_error_and_sends_nothing() {
    let cases: [&[&str]; 6] = [
        &["membership", "cancel", ACTIVE_ID, "--expand", "user"],
        &["membership", "get", ACTIVE_ID, "--expand", "plan"],
        &["membership", "list", "--page", "2"],
        &["membership", "list", "--valid", "true"],
        &["membership", "list", "--status", "unresolved"],
        &[
            "license",
            "validate",
            ACTIVE_KEY,
            "--hwid",
            "A",
            "--metadata",
            "a=b",
        ],
    ];
    for args in cases {
        let api = Api::retired();
        let out = api.whop().run(args);
        out.assert_code(2);
        assert!(
            out.error_line().contains("--api legacy"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(api.mock().requests().is_empty(), "{args:?}");
    }
}

#[test]
fn list_passes_the_current_filters_to_v1() {
    let api = Api::retired();
    api.whop()
        .run(&[
            "membership",
            "list",
            "--status",
            "active,canceling",
            "--plan-id",
            "plan_a",
            "--plan-id",
            "plan_b",
            "--user-id",
            "user_x",
            "--direction",
            "asc",
            "--per",
            "5",
        ])
        .assert_code(0);
    let request = &api.mock().requests()[0];
    assert_eq!(request.path, "/api/v1/memberships");
    let query = request.query.clone().unwrap_or_default();
    for part in [
        "status",
        "active",
        "canceling",
        "plan_a",
        "plan_b",
        "user_x",
        "asc",
        "first=5",
    ] {
        assert!(query.contains(part), "{part} in {query}");
    }
}

#[test]
fn list_refuses_a_page_size_over_100() {
    let api = Api::retired();
    api.whop()
        .run(&["membership", "list", "--per", "101"])
        .assert_code(2);
    assert!(api.mock().requests().is_empty());
}

// ---- every membership exactly once ----

/// The IDs of JSON Lines output, asserting each line is a JSON object with an ID.
fn ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let m: v1::Membership = serde_json::from_str(line).expect("a v1 membership per line");
            m.id.to_string()
        })
        .collect()
}

fn large_retired() -> Api {
    Api::serve(
        MockWhop::large_world_builder()
            .company_token(COMPANY_KEY)
            .user_token(USER_TOKEN, DEMO_USER_ID)
            .no_rate_limits()
            .v2_retired(true)
            .build(),
    )
}

#[test]
fn list_all_json_gives_every_membership_of_the_company_exactly_once() {
    let api = large_retired();
    let out = api
        .whop()
        .run(&["--json", "membership", "list", "--all", "--per", "7"]);
    out.assert_code(0);
    let printed = ids(&out.stdout);
    let unique: HashSet<_> = printed.iter().cloned().collect();
    assert_eq!(unique.len(), printed.len(), "a membership printed twice");
    let all: HashSet<_> = api.mock().memberships().into_iter().map(|m| m.id).collect();
    assert_eq!(unique, all);
}

#[test]
fn me_memberships_all_json_gives_every_own_membership_exactly_once() {
    let api = large_retired();
    let out = api
        .whop()
        .run(&["--json", "me", "memberships", "--all", "--per", "3"]);
    out.assert_code(0);
    let printed = ids(&out.stdout);
    let unique: HashSet<_> = printed.iter().cloned().collect();
    assert_eq!(unique.len(), printed.len(), "a membership printed twice");
    let mine: HashSet<_> = api
        .mock()
        .memberships()
        .into_iter()
        .filter(|m| m.user_id == DEMO_USER_ID)
        .map(|m| m.id)
        .collect();
    assert_eq!(unique, mine);
}

/// A v1 page answered in place of the API.
fn page(ids: &[&str], has_next_page: bool, end_cursor: Option<&str>) -> Fault {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "status": "active"}))
        .collect();
    let body = json!({
        "data": data,
        "page_info": {"has_next_page": has_next_page, "end_cursor": end_cursor},
    });
    Fault::Respond {
        status: 200,
        content_type: Some("application/json".to_owned()),
        body: Bytes::from(body.to_string()),
    }
}

#[test]
fn listings_print_each_membership_once_and_stop_whatever_page_info_claims() {
    // Pages that overlap, then a cursor seen before with has_next_page still true: a server's
    // paging gone wrong must neither repeat a membership nor loop.
    let script = [
        page(&["mem_a", "mem_b"], true, Some("c1")),
        page(&["mem_b", "mem_c"], true, Some("c2")),
        page(&["mem_c", "mem_d"], true, Some("c2")),
    ];
    let cases: [&[&str]; 2] = [
        &["--json", "membership", "list", "--all"],
        &["--json", "me", "memberships", "--all"],
    ];
    for args in cases {
        let api = Api::retired();
        for fault in &script {
            api.mock().inject(fault.clone(), 1);
        }
        // Were the command to go on, it would get the mock's real list; it must not ask.
        let out = api.whop().run(args);
        out.assert_code(0);
        assert_eq!(
            ids(&out.stdout),
            ["mem_a", "mem_b", "mem_c", "mem_d"],
            "{args:?}"
        );
        assert_eq!(api.mock().requests().len(), 3, "{args:?}");
    }
}

#[test]
fn listings_stop_on_an_empty_page_though_has_next_page_says_more() {
    let cases: [&[&str]; 2] = [
        &["--json", "membership", "list", "--all"],
        &["--json", "me", "memberships", "--all"],
    ];
    for args in cases {
        let api = Api::retired();
        api.mock().inject(page(&["mem_a"], true, Some("c1")), 1);
        api.mock().inject(page(&[], true, Some("c2")), 1);
        let out = api.whop().run(args);
        out.assert_code(0);
        assert_eq!(ids(&out.stdout), ["mem_a"], "{args:?}");
        assert_eq!(api.mock().requests().len(), 2, "{args:?}");
    }
}

// ---- --api and WHOP_API ----

#[test]
fn whop_api_and_the_api_flag_choose_the_api() {
    // (WHOP_API, flags, the prefix of every request's path)
    let cases: [(Option<&str>, &[&str], &str); 4] = [
        (None, &[], "/api/v1/"),
        (Some("legacy"), &[], "/api/v2/"),
        (Some("legacy"), &["--api", "current"], "/api/v1/"),
        (Some("current"), &["--api", "legacy"], "/api/v2/"),
    ];
    for (env, flags, prefix) in cases {
        let api = Api::start();
        let mut whop = api.whop();
        if let Some(value) = env {
            whop = whop.env("WHOP_API", value);
        }
        let args: Vec<&str> = flags
            .iter()
            .copied()
            .chain(["membership", "get", ACTIVE_ID])
            .collect();
        whop.run(&args).assert_code(0);
        let paths = paths(&api);
        assert!(
            paths.iter().all(|p| p.starts_with(prefix)),
            "{env:?} {flags:?}: {paths:?}"
        );
    }
}

#[test]
fn an_unknown_api_is_a_usage_error_and_sends_nothing() {
    let api = Api::start();
    let by_env = api
        .whop()
        .env("WHOP_API", "v2")
        .run(&["membership", "get", ACTIVE_ID]);
    by_env.assert_code(2);
    let line = by_env.error_line();
    assert!(
        line.contains("WHOP_API") && line.contains("legacy"),
        "{line}"
    );
    let by_flag = api
        .whop()
        .run(&["--api", "v2", "membership", "get", ACTIVE_ID]);
    by_flag.assert_code(2);
    assert!(by_flag.stderr.contains("legacy"), "{}", by_flag.stderr);
    assert!(api.mock().requests().is_empty());
}

#[test]
fn expired_membership_rows_say_it_grants_no_access() {
    let api = Api::retired();
    let out = api.whop().run(&["membership", "get", EXPIRED_ID]);
    out.assert_code(0);
    assert!(
        out.stdout.lines().any(|l| l == "grants access          no"),
        "{}",
        out.stdout
    );
}

// ---- help ----

#[test]
fn help_names_the_api_choice_and_each_new_commands_meaning() {
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["--help"],
            &["--api <API>", "WHOP_API", "legacy", "WHOP_MOCK_V2_RETIRED"],
        ),
        (
            &["membership", "update", "--help"],
            &[
                "--metadata <JSON>",
                "merge",
                "--clear-metadata",
                "--undo-cancel",
            ],
        ),
        (
            &["membership", "cancel", "--help"],
            &["cancel_at_period_end: true"],
        ),
        (
            &["membership", "terminate", "--help"],
            &["--yes", "cancel_at_period_end: false"],
        ),
        (
            &["license", "validate", "--help"],
            &["--hwid <ID>", "server-side", "1  bound to another machine"],
        ),
    ];
    for (args, expected) in cases {
        let out = support::Whop::bare().run(args);
        out.assert_code(0);
        for text in expected {
            assert!(
                out.stdout.contains(text),
                "{args:?} lacks {text:?}:\n{}",
                out.stdout
            );
        }
    }
}
