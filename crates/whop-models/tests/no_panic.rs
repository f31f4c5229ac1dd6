//! No input makes a decoder panic: bytes from the network are untrusted.

use proptest::prelude::*;
use whop_models::{
    ErrorBody, Expand, ExpandSet, MeMembership, Membership, MembershipRef, Plan, Product,
    PromoCode, User, V1Membership, decode, v1,
};

fn try_every_decoder(bytes: &[u8]) {
    let _ = decode::<Membership>(bytes);
    let _ = decode::<MeMembership>(bytes);
    let _ = decode::<Product>(bytes);
    let _ = decode::<User>(bytes);
    let _ = decode::<Plan>(bytes);
    let _ = decode::<PromoCode>(bytes);
    let _ = decode::<ExpandSet>(bytes);
    let _ = decode::<Expand>(bytes);
    let _ = ErrorBody::parse(bytes);
    let _ = decode::<ErrorBody>(bytes);
    let _ = decode::<whop_models::CompanyBuyerId>(bytes);
    let _ = decode::<whop_models::Amount>(bytes);
    let _ = decode::<V1Membership>(bytes);
    let _ = decode::<v1::Membership>(bytes);
    let _ = decode::<v1::MembershipPage>(bytes);
    let _ = decode::<v1::ErrorBody>(bytes);
    let _ = decode::<v1::PauseMembership>(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = MembershipRef::parse(text);
    }
}

/// JSON-looking text built from the fragments real bodies are made of, so the decoders get
/// past the first byte and into the fields.
fn jsonish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        prop::sample::select(vec![
            "\"id\":",
            "\"product\":",
            "\"plan\":",
            "\"user\":",
            "\"promo_code\":",
            "\"created_at\":",
            "\"expires_at\":",
            "\"status\":",
            "\"quantity\":",
            "\"company_buyer_id\":",
            "\"renewal_price\":",
            "\"social_accounts\":",
            "\"error\":",
            "\"message\":",
            "\"code\":",
            "\"valid\":",
            "\"metadata\":",
            "\"type\":",
            "\"data\":",
            "\"page_info\":",
            "\"account\":",
            "\"member\":",
            "\"position\":",
            "\"current_period_end\":",
            "\"2022-12-05 02:28:57 +0200\"",
            "\"+99999-01-01T00:00:00Z\"",
            "\"2026-09-20T14:03:11.401Z\"",
        ])
        .prop_map(str::to_owned),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("1e400".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("18446744073709551616".to_owned()),
        "\"[a-z_]{0,6}\"",
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        try_every_decoder(&bytes);
    }

    #[test]
    fn jsonish_text_never_panics_a_decoder(text in jsonish()) {
        try_every_decoder(text.as_bytes());
    }

    #[test]
    fn any_text_as_a_timestamp_never_panics(text in "[0-9T:. +Z-]{0,32}|\\PC{0,32}") {
        let body = serde_json::json!({"id": "m", "created_at": text}).to_string();
        let _ = decode::<Membership>(body.as_bytes());
        let _ = decode::<v1::Membership>(body.as_bytes());
    }

    #[test]
    fn membership_with_any_timestamp_never_panics(n in any::<i64>(), f in any::<f64>()) {
        let _ = decode::<Membership>(format!(r#"{{"id":"m","created_at":{n}}}"#).as_bytes());
        let _ = decode::<Membership>(format!(r#"{{"id":"m","created_at":"{f}"}}"#).as_bytes());
        let _ = decode::<Membership>(format!(r#"{{"id":"m","created_at":{f:e}}}"#).as_bytes());
    }
}

/// JSON nested far deeper than serde_json's recursion limit (128), in every position a decoder
/// may recurse into, is an error for every decoder, never a stack overflow.
#[test]
fn json_nested_100_000_deep_never_overflows_a_decoder() {
    let depth = 100_000;
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        for (prefix, suffix) in [
            ("", ""),
            ("{\"id\":\"x\",\"metadata\":{\"a\":", "}}"),
            ("{\"id\":\"x\",\"product\":", "}"),
            ("{\"error\":", "}"),
        ] {
            let mut body = prefix.to_owned();
            body.push_str(&open.repeat(depth));
            body.push_str(&close.repeat(depth));
            body.push_str(suffix);
            try_every_decoder(body.as_bytes());
        }
    }
}
