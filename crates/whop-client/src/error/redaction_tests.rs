//! No error's `Display` or `Debug`, nor anything in its `source()` chain, nor a `Response`'s
//! `Debug`, shows a license key or a token that the response body carried.

use std::error::Error as StdError;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};
use whop_models::{MeMembership, Membership, V1Membership};

use super::redact::{redact_json, redact_text};
use super::{ApiError, DecodeError, Error};
use crate::Response;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../whop-models/tests/fixtures/"
);

/// A reference body with its license key replaced by `key` and a token added beside it.
fn fixture_with(name: &str, key: &str, token: &str) -> Value {
    let text = std::fs::read(format!("{FIXTURES}{name}")).expect("the fixture is there");
    let mut body: Value = serde_json::from_slice(&text).expect("fixtures are JSON");
    body["license_key"] = json!(key);
    body["access_token"] = json!(token);
    body
}

/// Bodies as Whop, a gateway or a cut connection may send them, each carrying `key` and `token`.
fn bodies(key: &str, token: &str, cut: prop::sample::Index) -> Vec<(&'static str, Vec<u8>)> {
    let v2 = fixture_with(
        "example_v2_membership_validate_license_response__community_redacted.json",
        key,
        token,
    );
    let v5 = fixture_with(
        "example_v5_me_membership__SYNTHETIC_from_spec.json",
        key,
        token,
    );
    let v1 = json!({
        "id": "mem_1", "license_key": key, "status": "active",
        "member": {"id": "mbr_1", "refresh_token": token},
        "company": {"id": "biz_1", "title": "Acme", "secret": token},
    });
    let full = serde_json::to_vec(&v2).unwrap();
    // Cut after both secrets, so the truncated text still holds them whole.
    let text = String::from_utf8(full.clone()).unwrap();
    let after = [key, token]
        .map(|s| text.find(s).unwrap() + s.len())
        .into_iter()
        .max()
        .unwrap();
    let truncated = full[..after + cut.index(full.len() - after)].to_vec();
    vec![
        ("v2 membership", full),
        ("v2 membership, pretty", serde_json::to_vec_pretty(&v2).unwrap()),
        ("v5 me-membership", serde_json::to_vec(&v5).unwrap()),
        ("v1 membership", serde_json::to_vec(&v1).unwrap()),
        (
            "Whop's v2 404",
            serde_json::to_vec(&json!({"error": {"code": 404, "message":
                format!("No such Resource found with the provided ID: {key}")}}))
            .unwrap(),
        ),
        (
            "Whop's v5 404",
            serde_json::to_vec(
                &json!({"message": format!("No such Resource found with the provided ID: {key}")}),
            )
            .unwrap(),
        ),
        (
            "an error message naming both",
            serde_json::to_vec(&json!({"error": {"status": "401",
                "message": format!("token {token} may not read {key}")}}))
            .unwrap(),
        ),
        ("truncated JSON", truncated),
        (
            "a secret where a boolean belongs (serde_json's message quotes it)",
            serde_json::to_vec(&json!({"id": "mem_1", "valid": key, "cancel_at_period_end": token}))
                .unwrap(),
        ),
        (
            "an HTML page echoing the path",
            format!(
                "<html><head><title>Error</title></head><body><pre>Cannot GET \
                 /api/v5/me/memberships/{key}</pre><!-- Authorization: Bearer {token} --></body></html>"
            )
            .into_bytes(),
        ),
        (
            "plain text",
            format!("upstream said: key={key}&token={token}").into_bytes(),
        ),
    ]
}

/// Every error kind whose `Display` or `Debug` shows something of the body.
fn errors(body: &[u8]) -> Vec<Error> {
    let body = Bytes::copy_from_slice(body);
    let mut errors = Vec::new();
    for status in [400, 401, 403, 404, 429, 500, 502] {
        let status = StatusCode::from_u16(status).unwrap();
        for side_effect in [false, true] {
            let api = ApiError::new(status, None, body.clone(), side_effect);
            errors.push(Error::Api(Box::new(api.requested(|| {
                "GET https://api.whop.com/api/v5/me/memberships/{id}".to_owned()
            }))));
            let api = ApiError::new(status, None, body.clone(), side_effect);
            errors.push(Error::Api(Box::new(api)));
        }
    }
    let failures = [
        whop_models::decode::<Membership>(&body).err(),
        whop_models::decode::<MeMembership>(&body).err(),
        whop_models::decode::<V1Membership>(&body).err(),
        whop_models::decode::<Vec<Membership>>(&body).err(),
    ];
    for source in failures.into_iter().flatten() {
        let decode = DecodeError::new(StatusCode::OK, source, body.clone(), true);
        errors.push(Error::Decode(Box::new(decode)));
    }
    errors
}

/// Everything an error shows: its `Display` and `Debug`, and those of each error in its chain.
fn shown(error: &Error) -> Vec<String> {
    let mut shown = vec![error.to_string(), format!("{error:?}")];
    let mut source = error.source();
    while let Some(inner) = source {
        shown.push(inner.to_string());
        shown.push(format!("{inner:?}"));
        source = inner.source();
    }
    shown
}

/// `Response`'s `Debug`, for each model the body decodes into.
fn responses_shown(body: &[u8]) -> Vec<String> {
    let body = Bytes::copy_from_slice(body);
    let headers = HeaderMap::new();
    let debug = |value: Option<String>| value.into_iter();
    let mut shown = Vec::new();
    shown.extend(debug(whop_models::decode::<Membership>(&body).ok().map(
        |v| {
            format!(
                "{:?}",
                Response::new(v, StatusCode::OK, &headers, body.clone())
            )
        },
    )));
    shown.extend(debug(whop_models::decode::<MeMembership>(&body).ok().map(
        |v| {
            format!(
                "{:?}",
                Response::new(v, StatusCode::OK, &headers, body.clone())
            )
        },
    )));
    shown.extend(debug(whop_models::decode::<V1Membership>(&body).ok().map(
        |v| {
            format!(
                "{:?}",
                Response::new(v, StatusCode::OK, &headers, body.clone())
            )
        },
    )));
    shown
}

proptest! {
    #[test]
    fn no_error_shows_a_license_key_or_token_from_the_body(
        key in "[A-Z0-9]{4,8}(-[A-Z0-9]{4,8}){1,4}",
        token in "[A-Za-z0-9]{24,48}",
        cut: prop::sample::Index,
    ) {
        for (what, body) in bodies(&key, &token, cut) {
            for error in errors(&body) {
                for text in shown(&error) {
                    prop_assert!(!text.contains(&key), "{what}: the key shows in {text}");
                    prop_assert!(!text.contains(&token), "{what}: the token shows in {text}");
                }
            }
            for text in responses_shown(&body) {
                prop_assert!(!text.contains(&key), "{what}: the key shows in {text}");
                prop_assert!(!text.contains(&token), "{what}: the token shows in {text}");
            }
        }
    }
}

#[test]
fn a_secret_field_is_redacted_at_any_depth_whatever_its_value_looks_like() {
    let mut body = json!({"data": [{"license_key": "ab", "clientSecret": 7, "x-api-key": ["k"],
        "refresh_token": {"v": 1}, "wallet": null, "name": "Acme"}]});
    redact_json(&mut body);
    assert_eq!(
        body,
        json!({"data": [{"license_key": "[redacted]", "clientSecret": "[redacted]",
            "x-api-key": "[redacted]", "refresh_token": "[redacted]", "wallet": null,
            "name": "Acme"}]})
    );
}

#[test]
fn what_follows_whops_provided_id_is_redacted_however_short() {
    assert_eq!(
        redact_text("No such Resource found with the provided ID: ab"),
        "No such Resource found with the provided ID: [redacted]"
    );
}

#[test]
fn whop_ids_and_a_gateway_pages_words_are_shown() {
    let text = "<h1>502 Bad Gateway</h1> mem_5l6nvhob7ALjRT user_REycSOXwO8Ro5 nginx/1.22.1";
    assert_eq!(redact_text(text), text);
}

#[test]
fn credential_like_words_are_redacted_where_they_stand() {
    assert_eq!(
        redact_text("GET /v5/me/memberships/U-A09280-647203B0-2C0A9EW failed"),
        "GET /v5/me/memberships/[redacted] failed"
    );
    assert_eq!(
        redact_text("Bearer apik_0123456789abcdefghijklmn!"),
        "Bearer [redacted]!"
    );
}

#[test]
fn an_api_errors_body_snippet_is_redacted_json() {
    let body = Bytes::from_static(br#"{"license_key":"ab","note":"hi"}"#);
    let e = ApiError::new(StatusCode::BAD_REQUEST, None, body, false);
    assert_eq!(
        e.to_string(),
        r#"Whop API answered 400 Bad Request, body: "{\"license_key\":\"[redacted]\",\"note\":\"hi\"}""#
    );
    assert!(format!("{e:?}").contains("body: <32 bytes>"), "{e:?}");
}
