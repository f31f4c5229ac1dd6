//! `whop_models::encode` writes exactly the bytes `serde_json::to_vec` writes, for every model
//! type (property tests), every reference body, and the edge cases of JSON's escaping and
//! number formatting.

use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};
use whop_models::strategy::*;
use whop_models::{ErrorBody, MeMembership, Membership, encode};

fn assert_same_bytes<T: Serialize + Debug + ?Sized>(value: &T) -> Result<(), TestCaseError> {
    let ours = encode(value).expect("encodes");
    let theirs = serde_json::to_vec(value).expect("serde_json encodes");
    prop_assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs),
        "{:?}",
        value
    );
    prop_assert_eq!(ours, theirs);
    Ok(())
}

fn same_bytes<T: Serialize + Debug + ?Sized>(value: &T) {
    assert_same_bytes(value).unwrap();
}

macro_rules! encode_matches_serde_json {
    ($($test:ident: $strategy:expr;)+) => {
        proptest! {
            $(
                #[test]
                fn $test(value in $strategy) {
                    assert_same_bytes(&value)?;
                }
            )+
        }
    };
}

encode_matches_serde_json! {
    membership_encodes_like_serde_json: membership();
    me_membership_encodes_like_serde_json: me_membership();
    product_encodes_like_serde_json: product();
    user_encodes_like_serde_json: user();
    social_account_encodes_like_serde_json: social_account();
    plan_encodes_like_serde_json: plan();
    promo_code_encodes_like_serde_json: promo_code();
    discord_encodes_like_serde_json: discord();
    custom_field_response_encodes_like_serde_json: custom_field_response();
    expandable_product_encodes_like_serde_json: expandable_product();
    expandable_user_encodes_like_serde_json: expandable_user();
    expandable_plan_encodes_like_serde_json: expandable_plan();
    expandable_promo_code_encodes_like_serde_json: expandable_promo_code();
    membership_id_encodes_like_serde_json: membership_id();
    user_id_encodes_like_serde_json: user_id();
    plan_id_encodes_like_serde_json: plan_id();
    product_id_encodes_like_serde_json: product_id();
    page_id_encodes_like_serde_json: page_id();
    company_id_encodes_like_serde_json: company_id();
    checkout_id_encodes_like_serde_json: checkout_id();
    promo_code_id_encodes_like_serde_json: promo_code_id();
    experience_id_encodes_like_serde_json: experience_id();
    license_key_encodes_like_serde_json: license_key();
    membership_status_encodes_like_serde_json: membership_status();
    payment_processor_encodes_like_serde_json: payment_processor();
    visibility_encodes_like_serde_json: visibility();
    plan_type_encodes_like_serde_json: plan_type();
    release_method_encodes_like_serde_json: release_method();
    promo_type_encodes_like_serde_json: promo_type();
    promo_code_status_encodes_like_serde_json: promo_code_status();
    promo_duration_encodes_like_serde_json: promo_duration();
    expand_encodes_like_serde_json: expand();
    expand_set_encodes_like_serde_json: expand_set();
    amount_encodes_like_serde_json: amount();
    company_buyer_id_encodes_like_serde_json: company_buyer_id();
    error_code_encodes_like_serde_json: error_code();
    error_body_encodes_like_serde_json: error_body();
    v2_error_body_encodes_like_serde_json: v2_error_body();
    v5_error_body_encodes_like_serde_json: v5_error_body();
    v2_pagination_encodes_like_serde_json: v2_pagination();
    v5_pagination_encodes_like_serde_json: v5_pagination();
    membership_page_encodes_like_serde_json: membership_page();
    me_membership_page_encodes_like_serde_json: me_membership_page();
    metadata_encodes_like_serde_json: metadata();
    validate_license_request_encodes_like_serde_json: validate_license_request();
    update_membership_request_encodes_like_serde_json: update_membership_request();
    v1_membership_encodes_like_serde_json: v1_membership();
    v1_company_encodes_like_serde_json: v1_company();
    v1_member_encodes_like_serde_json: v1_member();
    v1_plan_encodes_like_serde_json: v1_plan();
    v1_product_encodes_like_serde_json: v1_product();
    v1_promo_code_encodes_like_serde_json: v1_promo_code();
    v1_user_encodes_like_serde_json: v1_user();
    v1_custom_field_response_encodes_like_serde_json: v1_custom_field_response();
    metadata_map_encodes_like_serde_json: json_map();
    raw_json_encodes_like_serde_json: json_value();
}

/// Any JSON at all: every number kind (floats included) and any string, keys included.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn any_string_is_escaped_like_serde_json(text in any::<String>()) {
        assert_same_bytes(&text)?;
    }

    #[test]
    fn any_ascii_string_is_escaped_like_serde_json(text in "[\\x00-\\x7f]{0,40}") {
        assert_same_bytes(&text)?;
    }

    #[test]
    fn any_json_value_encodes_like_serde_json(value in any_json()) {
        assert_same_bytes(&value)?;
    }

    #[test]
    fn any_f64_and_f32_encode_like_serde_json(double in any::<f64>(), single in any::<f32>()) {
        assert_same_bytes(&double)?;
        assert_same_bytes(&single)?;
    }
}

#[test]
fn every_reference_body_encodes_like_serde_json() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        same_bytes(&value);
        let body = value.get("body").unwrap_or(&value);
        let text = serde_json::to_vec(body).unwrap();
        if let Ok(m) = whop_models::decode::<Membership>(&text) {
            same_bytes(&m);
        }
        if let Ok(m) = whop_models::decode::<MeMembership>(&text) {
            same_bytes(&m);
        }
        if let Some(e) = ErrorBody::parse(&text) {
            same_bytes(&e);
        }
    }
}

#[test]
fn every_control_character_is_escaped_like_serde_json() {
    for byte in 0u8..0x20 {
        same_bytes(&format!("a{}b", char::from(byte)));
    }
    same_bytes("\u{7f}");
}

#[test]
fn quotes_and_backslashes_are_escaped_like_serde_json() {
    same_bytes(r#"say "hi" \ or \\"#);
    same_bytes("\"");
    same_bytes("\\");
    same_bytes("0123456789abcdef\"0123456789abcdef\\");
}

#[test]
fn non_ascii_is_written_as_is() {
    same_bytes("héllo wörld, 日本語, emoji 😀, U+2028 \u{2028}");
    assert_eq!(encode("é😀").unwrap(), "\"é😀\"".as_bytes());
}

#[test]
fn integer_extremes_and_negatives_encode_like_serde_json() {
    same_bytes(&[u64::MAX, 0, 1]);
    same_bytes(&[i64::MIN, -1, i64::MAX]);
    same_bytes(&(i8::MIN, i16::MIN, i32::MIN, u8::MAX, u16::MAX, u32::MAX));
    same_bytes(&(i128::MIN, u128::MAX));
}

#[test]
fn floats_encode_like_serde_json() {
    for x in [
        0.0,
        -0.0,
        0.1,
        1.0,
        -1.5,
        1e300,
        1e-300,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same_bytes(&x);
    }
    same_bytes(&[0.1f32, f32::MAX, f32::NAN]);
}

#[test]
fn nested_raw_json_encodes_like_serde_json() {
    same_bytes(&json!({
        "a": [1, -2, 3.5, "x\"y", null, true, {"": {}, "k\n": []}],
        "b": {"c": {"d": {"e": [[], [[]], {}]}}},
        "ü\u{1}": "\\",
    }));
}

#[test]
fn enum_variants_encode_like_serde_json() {
    #[derive(Debug, Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, &'static str),
        EmptyTuple(),
        Struct {
            a: u8,
            b: Option<u8>,
        },
        EmptyStruct {},
        #[serde(rename = "odd \"name\"")]
        Odd,
    }
    same_bytes(&[
        Shape::Unit,
        Shape::Newtype(1),
        Shape::Tuple(2, "t"),
        Shape::EmptyTuple(),
        Shape::Struct { a: 3, b: None },
        Shape::EmptyStruct {},
        Shape::Odd,
    ]);
}

#[test]
fn a_field_name_that_needs_escaping_is_escaped() {
    #[derive(Debug, Serialize)]
    struct Odd {
        #[serde(rename = "quote\"d")]
        quoted: u8,
        #[serde(rename = "tab\there")]
        tabbed: u8,
        #[serde(rename = "long enough to fill a word\\")]
        long: u8,
        plain: (),
    }
    same_bytes(&Odd {
        quoted: 1,
        tabbed: 2,
        long: 3,
        plain: (),
    });
}

#[test]
fn unit_char_option_and_empty_containers_encode_like_serde_json() {
    same_bytes(&());
    same_bytes(&'"');
    same_bytes(&'é');
    same_bytes(&None::<u8>);
    same_bytes(&Some(5u8));
    same_bytes(&Vec::<u8>::new());
    same_bytes(&BTreeMap::<String, u8>::new());
}

#[test]
fn maps_with_non_string_keys_encode_like_serde_json() {
    same_bytes(&BTreeMap::from([(1, "one"), (-2, "minus two")]));
    same_bytes(&BTreeMap::from([(true, 1)]));
    same_bytes(&BTreeMap::from([('c', 1)]));
}

#[test]
fn a_map_key_json_cannot_represent_is_serde_jsons_error() {
    let map = BTreeMap::from([(vec![1], 1)]);
    let ours = encode(&map).unwrap_err();
    let theirs = serde_json::to_vec(&map).unwrap_err();
    assert_eq!(ours.to_string(), theirs.to_string());
}

#[test]
fn bytes_encode_like_serde_json() {
    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"\x00ab")
        }
    }
    impl Debug for Bytes {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Bytes")
        }
    }
    same_bytes(&Bytes);
}

#[test]
fn a_failing_serialize_impl_is_a_typed_error_not_a_panic() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }
    let err = encode(&vec![Fails]).unwrap_err();
    assert_eq!(err.to_string(), "refused");
    assert!(err.is_data());
}
