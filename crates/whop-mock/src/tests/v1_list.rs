//! `GET /api/v1/memberships`: cursor pages, `first` bounds, and each resource's filters.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::*;
use crate::{DEFAULT_COMPANY_ID, DEMO_COMPANY_KEY, DEMO_USER_TOKEN, LARGE_WORLD_MEMBERSHIPS};

fn large() -> MockWhop {
    MockWhop::large_world_builder().no_rate_limits().build()
}

fn list(token: &str, date: Option<&str>, query: &str) -> Request<Bytes> {
    v1("GET", &format!("/memberships?{query}"), token, date, None)
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Follows `end_cursor` from the first page until `has_next_page` is false; every ID seen.
async fn walk(mock: &MockWhop, date: Option<&str>, query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..100 {
        let cursor = after
            .as_deref()
            .map(|c| format!("&after={c}"))
            .unwrap_or_default();
        let page = call(
            mock,
            list(DEMO_COMPANY_KEY, date, &format!("{query}{cursor}")),
        )
        .await;
        assert_eq!(page.status(), 200);
        let body = json(&page);
        seen.extend(ids(&body));
        if body["page_info"]["has_next_page"] != true {
            return seen;
        }
        after = body["page_info"]["end_cursor"].as_str().map(str::to_owned);
    }
    panic!("the list did not end in 100 pages");
}

#[tokio::test]
async fn following_cursors_visits_every_membership_exactly_once() {
    let mock = large();
    let company = format!("company_id={DEFAULT_COMPANY_ID}&");
    for (date, query) in [
        (NEW, "first=37".to_owned()),
        (NEW, "first=100&direction=asc".to_owned()),
        (NEW, String::new()),
        (LEGACY, format!("{company}first=50")),
        (LEGACY, format!("{company}first=9&order=id&direction=asc")),
    ] {
        let seen = walk(&mock, date, &query).await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), LARGE_WORLD_MEMBERSHIPS, "{date:?} {query}");
        assert_eq!(unique.len(), LARGE_WORLD_MEMBERSHIPS, "{date:?} {query}");
    }
}

#[tokio::test]
async fn the_last_page_says_so_and_a_page_past_it_is_empty() {
    let mock = large();
    let all = walk(&mock, NEW, "first=100").await;
    let cursor = {
        let page = call(
            &mock,
            list(DEMO_COMPANY_KEY, NEW, "first=100&direction=asc"),
        )
        .await;
        json(&page)["page_info"]["end_cursor"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(all.len(), LARGE_WORLD_MEMBERSHIPS);
    let oldest_first = call(
        &mock,
        list(DEMO_COMPANY_KEY, NEW, "first=100&direction=desc"),
    )
    .await;
    let newest = ids(&json(&oldest_first))[0].clone();
    let past_end = format!("first=10&after={}", base64_id(&newest));
    let page = json(
        &call(
            &mock,
            list(DEMO_COMPANY_KEY, NEW, &format!("{past_end}&direction=asc")),
        )
        .await,
    );
    assert_eq!(page["data"], json!([]));
    assert_eq!(page["page_info"]["has_next_page"], false);
    assert_eq!(page["page_info"]["end_cursor"], Value::Null);
    assert!(!cursor.is_empty());
}

fn base64_id(id: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

#[tokio::test]
async fn last_and_before_page_backwards() {
    let mock = large();
    let first = json(&call(&mock, list(DEMO_COMPANY_KEY, NEW, "first=20")).await);
    let second_start = {
        let cursor = first["page_info"]["end_cursor"].as_str().unwrap();
        let second = call(
            &mock,
            list(DEMO_COMPANY_KEY, NEW, &format!("first=20&after={cursor}")),
        )
        .await;
        json(&second)["page_info"]["start_cursor"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let back = json(
        &call(
            &mock,
            list(
                DEMO_COMPANY_KEY,
                NEW,
                &format!("last=20&before={second_start}"),
            ),
        )
        .await,
    );
    assert_eq!(ids(&back), ids(&first));
    assert_eq!(back["page_info"]["has_previous_page"], false);
    assert_eq!(back["page_info"]["has_next_page"], true);
}

#[tokio::test]
async fn first_out_of_bounds_is_a_v1_400() {
    let mock = large();
    for first in ["0", "101", "-1", "ten"] {
        let response = call(
            &mock,
            list(DEMO_COMPANY_KEY, NEW, &format!("first={first}")),
        )
        .await;
        assert_eq!(response.status(), 400, "{first}");
        assert_eq!(
            json(&response)["error"]["type"],
            "invalid_request",
            "{first}"
        );
    }
    let full = call(&mock, list(DEMO_COMPANY_KEY, NEW, "first=100")).await;
    assert_eq!(ids(&json(&full)).len(), 100);
}

#[tokio::test]
async fn the_new_resource_filters_by_its_singular_parameters() {
    let mock = world()
        .membership(
            MockMembership::new("mem_3")
                .user("user_1")
                .product("prod_b")
                .plan("plan_b"),
        )
        .membership(
            MockMembership::new("mem_4")
                .company("biz_other")
                .user("user_1"),
        )
        .membership(
            MockMembership::new("mem_5")
                .paused(true, None)
                .created_at(2_000_000_000),
        )
        .build();
    call(
        &mock,
        v1(
            "POST",
            "/memberships/mem_2/cancel",
            COMPANY_KEY,
            NEW,
            Some(&json!({ "cancel_at_period_end": true })),
        ),
    )
    .await;
    let cases: [(&str, &str, &[&str]); 9] = [
        (COMPANY_KEY, "", &["mem_5", "mem_3", "mem_2", "mem_1"]),
        (COMPANY_KEY, "status=canceling", &["mem_2"]),
        (COMPANY_KEY, "status=paused", &["mem_5"]),
        (
            COMPANY_KEY,
            "status=canceling&status=paused",
            &["mem_5", "mem_2"],
        ),
        (COMPANY_KEY, "product_id=prod_b&direction=asc", &["mem_3"]),
        (COMPANY_KEY, "plan_ids[]=plan_b&plan_ids[]=nope", &["mem_3"]),
        (COMPANY_KEY, "account_id=biz_other", &[]),
        (
            COMPANY_KEY,
            "created_after=2030-01-01T00:00:00Z",
            &["mem_5"],
        ),
        (
            USER_TOKEN,
            "user_id=me&direction=asc",
            &["mem_1", "mem_3", "mem_4"],
        ),
    ];
    for (token, query, expected) in cases {
        let response = call(&mock, list(token, NEW, query)).await;
        assert_eq!(response.status(), 200, "{query}");
        assert_eq!(ids(&json(&response)), expected, "{query}");
    }
}

#[tokio::test]
async fn the_new_resource_refuses_unknown_statuses_and_me_with_an_api_key() {
    let mock = world().build();
    for query in [
        "status=unresolved",
        "user_id=me",
        "order=status",
        "direction=up",
    ] {
        let response = call(&mock, list(COMPANY_KEY, NEW, query)).await;
        assert_eq!(response.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn legacy_lists_take_plural_filters_and_need_the_company_with_an_api_key() {
    let mock = world()
        .membership(
            MockMembership::new("mem_3")
                .user("user_3")
                .status("expired", false),
        )
        .build();
    let company = format!("company_id={DEFAULT_COMPANY_ID}");
    let cases: [(&str, &[&str]); 3] = [
        ("statuses[]=expired", &["mem_3"]),
        (
            "user_ids[]=user_1&user_ids[]=user_2&direction=asc",
            &["mem_1", "mem_2"],
        ),
        ("product_ids[]=nope", &[]),
    ];
    for (query, expected) in cases {
        let response = call(
            &mock,
            list(COMPANY_KEY, LEGACY, &format!("{company}&{query}")),
        )
        .await;
        assert_eq!(response.status(), 200, "{query}");
        let body = json(&response);
        assert_eq!(ids(&body), expected, "{query}");
        if let Some(first) = body["data"].as_array().and_then(|d| d.first()) {
            assert_eq!(first["company"]["id"], DEFAULT_COMPANY_ID);
            assert!(first.get("custom_field_responses").is_none());
        }
    }
    let no_company = call(&mock, list(COMPANY_KEY, LEGACY, "statuses[]=expired")).await;
    assert_eq!(no_company.status(), 400);
}

#[tokio::test]
async fn a_user_lists_its_own_memberships_with_me() {
    let mock = MockWhop::demo_builder().no_rate_limits().build();
    let response = call(&mock, list(DEMO_USER_TOKEN, NEW, "user_id=me&first=100")).await;
    let body = json(&response);
    let all = body["data"].as_array().unwrap();
    assert!(!all.is_empty());
    assert!(all.iter().all(|m| m["user_id"] == crate::DEMO_USER_ID));
}
