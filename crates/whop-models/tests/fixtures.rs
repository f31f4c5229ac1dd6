//! Every reference body from Whop's docs, spec and the wild decodes, with its key fields right.

use serde::Deserialize;
use time::OffsetDateTime;
use whop_models::{
    ErrorBody, ErrorCode, Expandable, MeMembership, Membership, MembershipStatus, PaymentProcessor,
    PlanType, Visibility, decode, v1,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// A webhook envelope: the membership sits under `body`.
#[derive(Deserialize)]
struct Webhook {
    action: String,
    body: Membership,
}

fn at(seconds: i64) -> Option<OffsetDateTime> {
    Some(OffsetDateTime::from_unix_timestamp(seconds).unwrap())
}

#[test]
fn every_fixture_is_covered_by_a_test() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "example_v1_error_429_rate_limited__docs_troubleshooting.json",
            "example_v1_error_code_form__docs_troubleshooting.json",
            "example_v1_error_top_level_message__SYNTHETIC_from_rs_sdk_parser.json",
            "example_v1_error_type_and_code__SYNTHETIC_from_rs_sdk.json",
            "example_v1_membership__SYNTHETIC_from_rs_sdk_fields.json",
            "example_v1_membership_list_page__SYNTHETIC_from_rs_sdk_fields.json",
            "example_v2_error_400__spec_example.json",
            "example_v2_error_401__spec_example.json",
            "example_v2_error_403__spec_example.json",
            "example_v2_error_404__spec_example.json",
            "example_v2_error_500__spec_example.json",
            "example_v2_membership_expanded_webhook_went_invalid__official_docs.json",
            "example_v2_membership_expanded_webhook_went_valid__official_docs.json",
            "example_v2_membership_validate_license_response__community_redacted.json",
            "example_v2_v5_error_429_rate_limited__docs.json",
            "example_v5_me_membership__SYNTHETIC_from_spec.json",
        ]
    );
}

#[test]
fn webhook_went_valid_decodes_with_product_user_and_plan_expanded() {
    let hook: Webhook = decode(&fixture(
        "example_v2_membership_expanded_webhook_went_valid__official_docs.json",
    ))
    .unwrap();
    assert_eq!(hook.action, "membership.went_valid");
    let m = hook.body;
    assert_eq!(m.id, "mem_5l6nvhob7ALjRT");
    assert_eq!(m.status, Some(MembershipStatus::Completed));
    assert_eq!(m.valid, Some(true));
    assert!(m.is_valid());
    assert_eq!(m.cancel_at_period_end, Some(false));
    assert_eq!(m.payment_processor, Some(PaymentProcessor::Free));
    assert_eq!(m.quantity, Some(1));
    assert_eq!(m.created_at, at(1_675_816_599));
    assert_eq!(m.expires_at, None);
    assert_eq!(m.renewal_period_start, None);
    assert_eq!(m.discord, None);
    assert_eq!(m.checkout_session, None);
    assert_eq!(
        m.license_key.as_ref().unwrap().as_str(),
        "U-A09280-647203B0-2C0A9EW"
    );
    assert_eq!(
        m.manage_url.as_deref(),
        Some("https://whop.com/hub/mem_5l6nvhob7ALjRT/")
    );

    let Some(Expandable::Object(product)) = &m.product else {
        panic!("product should be expanded: {:?}", m.product);
    };
    assert_eq!(product.id, "pass_m11FQfj0mJV3p");
    assert_eq!(product.name.as_deref(), Some("Free Picks"));
    assert_eq!(product.visibility, Some(Visibility::Visible));
    assert_eq!(product.created_at, at(1_655_077_534));
    assert_eq!(
        product.experiences.as_ref().unwrap()[0],
        "exp_XJAAONIsvHkm6q"
    );
    assert!(m.access_pass.as_ref().unwrap().is_expanded());
    assert_eq!(m.product_id().unwrap(), "pass_m11FQfj0mJV3p");

    let Some(Expandable::Object(user)) = &m.user else {
        panic!("user should be expanded");
    };
    assert_eq!(user.id, "user_q61ixyl8cVGff");
    assert_eq!(user.username.as_deref(), Some("whopinc"));
    assert_eq!(user.social_accounts.as_deref(), Some(&[][..]));
    assert!(user.authorized_user.is_null());

    let Some(Expandable::Object(plan)) = &m.plan else {
        panic!("plan should be expanded");
    };
    assert_eq!(plan.id, "plan_nJUM2MyD9lX0Q");
    assert_eq!(plan.plan_type, Some(PlanType::OneTime));
    assert_eq!(plan.visibility, Some(Visibility::Hidden));
    assert_eq!(plan.renewal_price.as_ref().unwrap().as_str(), "0.0");
    assert_eq!(plan.initial_price.as_ref().unwrap().to_f64(), Some(0.0));
    assert_eq!(
        plan.accepted_payment_methods,
        Some(vec![PaymentProcessor::Free])
    );
    assert_eq!(plan.unlimited_stock, Some(true));
    assert_eq!(plan.billing_period, None);
    assert_eq!(plan.created_at, at(1_675_816_590));

    assert!(m.custom_fields_responses.is_object());
    assert!(m.custom_fields_responses_v2.is_array());
    assert!(m.nft_tokens.is_array());
    assert!(m.deliveries.is_object());
    assert!(m.promo_code.is_none());
}

#[test]
fn webhook_went_invalid_decodes_as_canceled_and_invalid() {
    let hook: Webhook = decode(&fixture(
        "example_v2_membership_expanded_webhook_went_invalid__official_docs.json",
    ))
    .unwrap();
    assert_eq!(hook.action, "membership.went_invalid");
    let m = hook.body;
    assert_eq!(m.id, "mem_awUmfLkcJotab0");
    assert_eq!(m.status, Some(MembershipStatus::Canceled));
    assert!(m.status.as_ref().unwrap().is_terminal());
    assert_eq!(m.valid, Some(false));
    assert!(!m.is_valid());
    assert_eq!(m.renewal_period_start, at(1_642_834_868));
    assert_eq!(m.renewal_period_end, None);
    assert_eq!(m.created_at, at(1_642_834_868));
    assert_eq!(m.telegram_account_id, None);
    assert_eq!(m.plan_id().unwrap(), "plan_0j8y5dfol03a3");
    let plan = m.plan.as_ref().unwrap().as_object().unwrap();
    assert_eq!(plan.internal_notes.as_deref(), Some("Free Picks"));
    assert_eq!(plan.stock, Some(94));
    assert_eq!(m.user_id().unwrap(), "user_q61ixyl8cVGff");
}

#[test]
fn license_validation_body_decodes_with_nothing_expanded() {
    let m: Membership = decode(&fixture(
        "example_v2_membership_validate_license_response__community_redacted.json",
    ))
    .unwrap();
    assert_eq!(m.id, "mem_oR1RrIIfrsCcut");
    for (field, expanded) in [
        ("product", m.product.as_ref().map(Expandable::is_expanded)),
        ("user", m.user.as_ref().map(Expandable::is_expanded)),
        ("plan", m.plan.as_ref().map(Expandable::is_expanded)),
        (
            "access_pass",
            m.access_pass.as_ref().map(Expandable::is_expanded),
        ),
    ] {
        assert_eq!(expanded, Some(false), "{field}");
    }
    assert_eq!(m.product_id().unwrap(), "prod_0f0r0QsOwrFcx");
    assert_eq!(m.user_id().unwrap(), "user_REycSOXwO8Ro5");
    assert_eq!(m.plan_id().unwrap(), "plan_8XBGEmK6asLLV");
    assert_eq!(m.status, Some(MembershipStatus::Completed));
    assert_eq!(m.valid, Some(true));
    assert_eq!(m.expires_at, at(1_699_178_770));
    assert_eq!(m.created_at, at(1_683_626_770));
    assert_eq!(
        m.metadata_value("hwid"),
        Some(&serde_json::json!("New Value"))
    );
    // Keys this older body leaves out decode as absent.
    assert_eq!(m.deliveries, serde_json::Value::Null);
    assert_eq!(m.custom_fields_responses_v2, serde_json::Value::Null);
    assert_eq!(m.telegram_account_id, None);
}

#[test]
fn synthetic_v5_body_decodes() {
    let m: MeMembership = decode(&fixture(
        "example_v5_me_membership__SYNTHETIC_from_spec.json",
    ))
    .unwrap();
    assert_eq!(m.id, "mem_XXXXXXXXXXXXXX");
    assert_eq!(m.product_id, "prod_XXXXXXXXXXXXX");
    assert_eq!(m.user_id.as_ref().unwrap(), "user_XXXXXXXXXXXXX");
    assert_eq!(m.plan_id, "plan_XXXXXXXXXXXXX");
    assert_eq!(m.page_id, "biz_XXXXXXXXXXXXXX");
    assert_eq!(Some(m.created_at), at(1_675_816_599));
    assert_eq!(m.expires_at, None);
    assert_eq!(m.quantity, 1);
    assert_eq!(m.status, Some(MembershipStatus::Completed));
    assert!(m.valid);
    assert_eq!(m.cancel_at_period_end, Some(false));
    assert_eq!(m.checkout_id, None);
    assert_eq!(m.company_buyer_id, None);
    assert_eq!(m.marketplace, Some(false));
    assert_eq!(m.manage_url, "https://whop.com/hub/mem_XXXXXXXXXXXXXX/");
}

#[test]
fn v2_spec_error_bodies_give_their_code_and_message() {
    for (file, code, message_start) in [
        (
            "example_v2_error_400__spec_example.json",
            400,
            "Parameter :example is invalid",
        ),
        (
            "example_v2_error_401__spec_example.json",
            401,
            "Unauthorized",
        ),
        ("example_v2_error_403__spec_example.json", 403, "Forbidden"),
        (
            "example_v2_error_404__spec_example.json",
            404,
            "No such Resource found",
        ),
        (
            "example_v2_error_500__spec_example.json",
            500,
            "Uh oh, something went wrong",
        ),
    ] {
        let body = ErrorBody::parse(&fixture(file)).unwrap_or_else(|| panic!("{file}"));
        assert!(matches!(body, ErrorBody::V2(_)), "{file}");
        assert_eq!(body.code(), Some(ErrorCode::Number(code)), "{file}");
        assert!(body.message().unwrap().starts_with(message_start), "{file}");
    }
}

#[test]
fn rate_limit_body_gives_its_message() {
    let body =
        ErrorBody::parse(&fixture("example_v2_v5_error_429_rate_limited__docs.json")).unwrap();
    assert!(matches!(body, ErrorBody::V5(_)));
    assert_eq!(body.message(), Some("You are being rate limited"));
    assert_eq!(body.code(), None);
}

#[test]
fn decoded_fixtures_encode_and_decode_to_the_same_value() {
    for file in [
        "example_v2_membership_expanded_webhook_went_valid__official_docs.json",
        "example_v2_membership_expanded_webhook_went_invalid__official_docs.json",
    ] {
        let hook: Webhook = decode(&fixture(file)).unwrap();
        let bytes = whop_models::encode(&hook.body).unwrap();
        assert_eq!(decode::<Membership>(&bytes).unwrap(), hook.body, "{file}");
    }
    let m: Membership = decode(&fixture(
        "example_v2_membership_validate_license_response__community_redacted.json",
    ))
    .unwrap();
    let bytes = whop_models::encode(&m).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        json["product"], "prod_0f0r0QsOwrFcx",
        "an unexpanded field encodes as its ID"
    );
    assert_eq!(decode::<Membership>(&bytes).unwrap(), m);
}

/// The Current API's membership at the pinned `Api-Version-Date`, every field of Whop's Rust SDK
/// type (facts 4.1) present: each decodes to what the body says.
#[test]
fn v1_membership_decodes_every_field() {
    let m: v1::Membership = decode(&fixture(
        "example_v1_membership__SYNTHETIC_from_rs_sdk_fields.json",
    ))
    .unwrap();
    assert_eq!(m.id, "mem_XXXXXXXXXXXXXX");
    let account = m.account.as_ref().unwrap();
    assert_eq!(account.id.as_str(), "biz_XXXXXXXXXXXXXX");
    assert_eq!(
        account.logo_url.as_deref(),
        Some("https://assets.whop.com/uploads/XXXXXXXX/logo.png")
    );
    assert_eq!(account.route.as_deref(), Some("acme-software"));
    assert_eq!(account.title.as_deref(), Some("Acme Software"));
    assert_eq!(m.cancel_at_period_end, Some(false));
    let created = m.created_at.unwrap();
    assert_eq!(created.unix_timestamp(), 1_789_912_991);
    assert_eq!(created.millisecond(), 401);
    assert_eq!(m.current_period_end, at(1_792_504_991));
    assert_eq!(
        m.license_key.as_ref().unwrap().as_str(),
        "XXXXX-XXXXXX-XXXXXXXX-XXXXXXX"
    );
    let member = m.member.as_ref().unwrap();
    assert_eq!(member.access_level, Some(v1::AccessLevel::Customer));
    assert_eq!(member.last_accessed_at, at(1_796_026_500));
    assert_eq!(member.position, Some(42.into()));
    assert_eq!(
        m.metadata.as_ref().unwrap()["hwid"],
        serde_json::json!("098H52ST479QE053V2")
    );
    assert_eq!(m.phone_number, None);
    assert_eq!(m.plan_id.as_ref().unwrap().as_str(), "plan_XXXXXXXXXXXXX");
    assert_eq!(
        m.product_id.as_ref().unwrap().as_str(),
        "prod_XXXXXXXXXXXXX"
    );
    assert_eq!(m.status, Some(MembershipStatus::Active));
    assert_eq!(m.user_id.as_ref().unwrap().as_str(), "user_XXXXXXXXXXXXX");
    assert!(m.grants_access());
}

#[test]
fn v1_membership_fixture_encodes_every_key_it_came_with_and_decodes_to_the_same_value() {
    let body = fixture("example_v1_membership__SYNTHETIC_from_rs_sdk_fields.json");
    let m: v1::Membership = decode(&body).unwrap();
    let bytes = whop_models::encode(&m).unwrap();
    assert_eq!(decode::<v1::Membership>(&bytes).unwrap(), m);
    let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&written), keys(&sent));
    assert_eq!(written["created_at"], "2026-09-20T14:03:11.401Z");
    assert_eq!(written["phone_number"], serde_json::Value::Null);
}

#[test]
fn v1_list_page_gives_its_memberships_and_cursors() {
    let page: v1::MembershipPage = decode(&fixture(
        "example_v1_membership_list_page__SYNTHETIC_from_rs_sdk_fields.json",
    ))
    .unwrap();
    let ids: Vec<&str> = page.data.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["mem_AAAAAAAAAAAAAA", "mem_BBBBBBBBBBBBBB"]);
    let [canceling, lifetime] = &page.data[..] else {
        panic!("two memberships");
    };
    assert_eq!(canceling.status, Some(MembershipStatus::Canceling));
    assert_eq!(canceling.cancel_at_period_end, Some(true));
    assert!(canceling.grants_access());
    assert_eq!(canceling.created_at, at(1_785_574_800));
    assert_eq!(canceling.phone_number.as_deref(), Some("+15555550100"));
    assert_eq!(lifetime.status, Some(MembershipStatus::Completed));
    assert_eq!(lifetime.current_period_end, None);
    assert_eq!(lifetime.user_id, None);
    assert_eq!(
        page.page_info,
        Some(v1::PageInfo {
            end_cursor: Some("MjAyNi0wNy0xNVQxODozMDowMFo".to_owned()),
            start_cursor: Some("MjAyNi0wOC0wMVQwOTowMDowMFo".to_owned()),
            has_next_page: Some(true),
            has_previous_page: Some(false),
        })
    );
}

/// Each v1 error form: which variant it parses as, its type, message and code.
#[test]
fn v1_error_bodies_give_their_type_message_and_code() {
    type Expected = (
        &'static str,
        fn(&ErrorBody) -> bool,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );
    let cases: [Expected; 4] = [
        (
            "example_v1_error_429_rate_limited__docs_troubleshooting.json",
            |b| matches!(b, ErrorBody::V1(_)),
            Some("rate_limit_exceeded"),
            Some("Try again in 12 seconds."),
            None,
        ),
        (
            "example_v1_error_type_and_code__SYNTHETIC_from_rs_sdk.json",
            |b| matches!(b, ErrorBody::V1(_)),
            Some("bad_request"),
            Some("Acknowledge the bank warning before retrying."),
            Some("bank_warning_not_acknowledged"),
        ),
        (
            // The troubleshooting page prints `code` where the SDKs read `type`.
            "example_v1_error_code_form__docs_troubleshooting.json",
            |b| matches!(b, ErrorBody::V2(_)),
            Some("invalid_request"),
            Some("..."),
            Some("invalid_request"),
        ),
        (
            "example_v1_error_top_level_message__SYNTHETIC_from_rs_sdk_parser.json",
            |b| matches!(b, ErrorBody::V5(_)),
            None,
            Some("Unauthorized"),
            None,
        ),
    ];
    for (file, shape, error_type, message, code) in cases {
        let body = ErrorBody::parse(&fixture(file)).unwrap_or_else(|| panic!("{file}"));
        assert!(shape(&body), "{file}: {body:?}");
        assert_eq!(body.error_type(), error_type, "{file}");
        assert_eq!(body.message(), message, "{file}");
        assert_eq!(
            body.code(),
            code.map(|c| ErrorCode::Text(c.to_owned())),
            "{file}"
        );
    }
}

#[test]
fn v1_error_envelope_decodes_as_the_public_struct() {
    let body: v1::ErrorBody = decode(&fixture(
        "example_v1_error_429_rate_limited__docs_troubleshooting.json",
    ))
    .unwrap();
    assert_eq!(body.error.r#type.as_deref(), Some("rate_limit_exceeded"));
    assert_eq!(body.error.code, None);
}
