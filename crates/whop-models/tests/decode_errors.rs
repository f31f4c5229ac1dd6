//! A failed decode names the JSON path of the offending value.

use whop_models::{MeMembership, Membership, decode};

#[test]
fn bad_timestamp_inside_expanded_product_names_its_path() {
    let err = decode::<Membership>(
        br#"{"id":"mem_1","product":{"id":"prod_1","created_at":"next tuesday"}}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "product.created_at");
    assert!(
        err.message().contains("a Unix timestamp in seconds"),
        "{err}"
    );
}

#[test]
fn out_of_range_timestamp_is_an_error_at_its_path() {
    let err = decode::<Membership>(br#"{"id":"mem_1","expires_at":253402300800000}"#).unwrap_err();
    assert_eq!(err.path(), "expires_at");
    assert!(
        err.message().contains("out of the supported range"),
        "{err}"
    );
}

#[test]
fn out_of_range_timestamp_in_v5_body_is_an_error_not_a_panic() {
    let body = br#"{"id":"mem_1","product_id":"p","plan_id":"p","page_id":"p",
        "created_at":1e20,"quantity":1,"valid":true,"manage_url":"u"}"#;
    let err = decode::<MeMembership>(body).unwrap_err();
    assert_eq!(err.path(), "created_at");
}

#[test]
fn number_where_an_expandable_belongs_says_what_was_expected() {
    let err = decode::<Membership>(br#"{"id":"mem_1","plan":42}"#).unwrap_err();
    assert_eq!(err.path(), "plan");
    assert!(
        err.message()
            .contains("expected an ID string or an expanded Plan object"),
        "{err}"
    );
}

#[test]
fn wrong_type_inside_expanded_plan_names_the_nested_path() {
    let err = decode::<Membership>(
        br#"{"id":"mem_1","plan":{"id":"plan_1","product":{"id":"prod_1","plans":[7]}}}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "plan.product.plans[0]");
}

#[test]
fn wrong_type_in_a_list_names_the_index() {
    let err = decode::<Membership>(
        br#"{"id":"mem_1","custom_field_responses":[{"id":"a"},{"id":"b","answer":5}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "custom_field_responses[1].answer");
}

#[test]
fn missing_membership_id_is_reported() {
    let err = decode::<Membership>(br#"{"status":"active"}"#).unwrap_err();
    assert!(err.message().contains("missing field `id`"), "{err}");
}

#[test]
fn fractional_v5_quantity_names_its_path() {
    let body = br#"{"id":"mem_1","product_id":"p","plan_id":"p","page_id":"p",
        "created_at":1,"quantity":1.5,"valid":true,"manage_url":"u"}"#;
    let err = decode::<MeMembership>(body).unwrap_err();
    assert_eq!(err.path(), "quantity");
}

#[test]
fn html_body_is_a_syntax_error_at_the_root() {
    let err = decode::<Membership>(b"<html>502 Bad Gateway</html>").unwrap_err();
    assert!(err.is_syntax());
    assert_eq!(err.path(), "");
    assert_eq!((err.line(), err.column()), (1, 1));
}

#[test]
fn display_includes_path_message_and_position() {
    let err = decode::<Membership>(br#"{"id":"mem_1","valid":"yes"}"#).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("`valid`"), "{shown}");
    assert!(shown.contains("line 1"), "{shown}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn text_cut_off_where_a_key_is_awaited_ends_its_path_in_a_question_mark() {
    let err = decode::<Membership>(br#"{"id":"mem_1","product":{"id":"prod_1","#).unwrap_err();
    assert!(err.is_syntax());
    assert_eq!(err.path(), "product.?");
}

#[test]
fn text_cut_off_inside_a_value_names_that_value() {
    let err = decode::<Membership>(br#"{"id":"mem_1","product":{"id":"prod"#).unwrap_err();
    assert!(err.is_syntax());
    assert_eq!(err.path(), "product.id");
}
