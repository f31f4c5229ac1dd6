//! The license-key and listing endpoints: binding, mismatch, reset, update, list pages and filters.

use bytes::Bytes;
use http::Request;
use serde_json::{Value, json};

use super::{COMPANY_KEY, USER_TOKEN, call, json, request, world};
use crate::{LARGE_WORLD_MEMBERSHIPS, MockWhop, RateLimits};

fn post_json(path: &str, body: &Value) -> Request<Bytes> {
    let mut request = request("POST", path, Some(COMPANY_KEY));
    *request.body_mut() = Bytes::from(body.to_string());
    request
}

fn validate(key: &str, metadata: &Value) -> Request<Bytes> {
    post_json(
        &format!("/api/v2/memberships/{key}/validate_license"),
        &json!({ "metadata": metadata }),
    )
}

#[tokio::test]
async fn the_first_validate_binds_and_a_different_machine_gets_400() {
    let mock = world().build();
    let a = json!({ "hwid": "A" });
    let first = call(&mock, validate("K-1", &a)).await;
    assert_eq!(first.status(), 201);
    assert_eq!(json(&first)["metadata"], a);
    assert_eq!(call(&mock, validate("K-1", &a)).await.status(), 201);
    let other = call(&mock, validate("K-1", &json!({ "hwid": "B" }))).await;
    assert_eq!(other.status(), 400);
    assert!(json(&other)["error"]["message"].is_string());
    assert_eq!(mock.membership("mem_1").unwrap().metadata, a);
}

#[tokio::test]
async fn validate_with_empty_metadata_clears_the_binding() {
    let mock = world().build();
    call(&mock, validate("mem_1", &json!({ "hwid": "A" }))).await;
    assert_eq!(call(&mock, validate("K-1", &json!({}))).await.status(), 201);
    assert_eq!(mock.membership("mem_1").unwrap().metadata, json!({}));
}

#[tokio::test]
async fn validate_refuses_a_body_without_a_metadata_object_and_unknown_keys() {
    let mock = world().build();
    let no_metadata = post_json("/api/v2/memberships/K-1/validate_license", &json!({}));
    assert_eq!(call(&mock, no_metadata).await.status(), 400);
    let array = validate("K-1", &json!(["A"]));
    assert_eq!(call(&mock, array).await.status(), 400);
    assert_eq!(
        call(&mock, validate("NOPE", &json!({}))).await.status(),
        404
    );
}

#[tokio::test]
async fn an_update_replaces_the_metadata_by_membership_id_only() {
    let mock = world().build();
    let update = |id: &str| {
        post_json(
            &format!("/api/v2/memberships/{id}"),
            &json!({ "metadata": { "x": 1 } }),
        )
    };
    assert_eq!(call(&mock, update("mem_1")).await.status(), 201);
    assert_eq!(
        mock.membership("mem_1").unwrap().metadata,
        json!({ "x": 1 })
    );
    assert_eq!(call(&mock, update("K-1")).await.status(), 404);
}

#[tokio::test]
async fn a_v2_page_never_holds_more_than_50() {
    let mock = MockWhop::large_world_builder()
        .company_token(COMPANY_KEY)
        .rate_limits(RateLimits::disabled())
        .build();
    let page = call(
        &mock,
        request(
            "GET",
            "/api/v2/memberships?per=500&page=5",
            Some(COMPANY_KEY),
        ),
    )
    .await;
    assert_eq!(page.status(), 200);
    let body = json(&page);
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        LARGE_WORLD_MEMBERSHIPS - 200
    );
    assert_eq!(body["pagination"]["total_page"], 5);
    assert_eq!(body["pagination"]["total_count"], LARGE_WORLD_MEMBERSHIPS);
}

#[tokio::test]
async fn v5_statuses_read_every_array_spelling() {
    let mock = world().build();
    for query in [
        "statuses[]=active&statuses[]=expired",
        "statuses=active&statuses=expired",
        "statuses=active,expired",
    ] {
        let page = call(
            &mock,
            request(
                "GET",
                &format!("/api/v5/me/memberships?{query}"),
                Some(USER_TOKEN),
            ),
        )
        .await;
        assert_eq!(page.status(), 200, "{query}");
        assert_eq!(json(&page)["data"].as_array().unwrap().len(), 1, "{query}");
    }
    let bad = request(
        "GET",
        "/api/v5/me/memberships?statuses[]=bogus",
        Some(USER_TOKEN),
    );
    assert_eq!(call(&mock, bad).await.status(), 400);
}
