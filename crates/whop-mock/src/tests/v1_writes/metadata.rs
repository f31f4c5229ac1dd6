//! `/api/v1` metadata: merged on the new resource, replaced on Legacy, limited as Whop limits it;
//! and a PATCH of `cancel_at_period_end`.

use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn metadata_is_merged_on_the_new_resource_and_replaced_on_legacy() {
    // (date, sent metadata, stored afterwards), starting from {"a": 1, "b": 2}
    let cases = [
        (
            NEW,
            json!({ "b": 3, "c": 4 }),
            json!({ "a": 1, "b": 3, "c": 4 }),
        ),
        (NEW, json!({}), json!({})),
        (NEW, json!({ "a": null }), json!({ "b": 2 })),
        (LEGACY, json!({ "b": 3 }), json!({ "b": 3 })),
        (LEGACY, json!({}), json!({})),
        (LEGACY, Value::Null, json!({})),
    ];
    for (date, sent, stored) in cases {
        let mock = world().build();
        mock.set_metadata("mem_1", json!({ "a": 1, "b": 2 }));
        let response = call(&mock, patch("K-1", date, &json!({ "metadata": sent }))).await;
        assert_eq!(response.status(), 200, "{date:?} {sent}");
        assert_eq!(json(&response)["metadata"], stored, "{date:?} {sent}");
        assert_eq!(
            mock.membership("mem_1").unwrap().metadata,
            stored,
            "{date:?} {sent}"
        );
    }
}

#[tokio::test]
async fn a_v1_metadata_change_shows_in_v2_validate_license() {
    let mock = world().build();
    let bind = patch("K-1", NEW, &json!({ "metadata": { "hwid": "A" } }));
    assert_eq!(call(&mock, bind).await.status(), 200);
    let validate = |hwid: &str| {
        let mut r = request(
            "POST",
            "/api/v2/memberships/K-1/validate_license",
            Some(COMPANY_KEY),
        );
        *r.body_mut() = Bytes::from(json!({ "metadata": { "hwid": hwid } }).to_string());
        r
    };
    assert_eq!(call(&mock, validate("B")).await.status(), 400);
    assert_eq!(call(&mock, validate("A")).await.status(), 201);
}

#[tokio::test]
async fn metadata_over_whops_limits_is_422_and_changes_nothing() {
    let mock = world().build();
    let long = "x".repeat(501);
    let response = call(
        &mock,
        patch("mem_1", NEW, &json!({ "metadata": { "k": long } })),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(mock.membership("mem_1").unwrap().metadata, json!({}));
}

#[tokio::test]
async fn patch_cancel_at_period_end_schedules_and_undoes_a_cancel() {
    let mock = world().build();
    let set = |on: bool| patch("mem_1", NEW, &json!({ "cancel_at_period_end": on }));
    assert_eq!(json(&call(&mock, set(true)).await)["status"], "canceling");
    let undone = call(&mock, set(false)).await;
    assert_eq!(json(&undone)["status"], "active");
    assert_eq!(json(&undone)["cancel_at_period_end"], false);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}
