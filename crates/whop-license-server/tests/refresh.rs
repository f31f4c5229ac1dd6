//! Refresh judges the membership as Whop has it now: a key reset, moved to another machine or a
//! membership that lost access is refused; and what was read is remembered (positive and
//! negative cache).

mod support;

use std::time::Duration;

use ct_codecs::{Base64UrlSafeNoPadding, Decoder};
use pasetors::keys::AsymmetricSecretKey;
use pasetors::version4::{PublicToken, V4};
use serde_json::json;
use support::{license_key, membership, mock_builder, start};
use whop_license::SigningKey;
use whop_license_server::{DEFAULT_GRACE, DEFAULT_NEGATIVE_FOR};

const MEMBERSHIP: &str = "mem_00000001";

#[tokio::test]
async fn a_refresh_after_the_membership_changed_on_whop_is_refused() {
    type Change = fn(&whop_mock::MockWhop);
    let cases: [(&str, Change, &str); 4] = [
        ("unchanged", |_| {}, "ok"),
        (
            "key reset",
            |m| assert!(m.set_metadata(MEMBERSHIP, json!({}))),
            "license_not_valid",
        ),
        (
            "key moved",
            |m| assert!(m.set_metadata(MEMBERSHIP, json!({"hwid": "OTHER"}))),
            "bound_to_another_machine",
        ),
        (
            "canceled",
            |m| assert!(m.set_status(MEMBERSHIP, "canceled", false)),
            "license_not_valid",
        ),
    ];
    for (name, change, expected) in cases {
        let setup = start(
            mock_builder().membership(membership(1, Some("H"))).build(),
            |b| b,
        )
        .await;
        let token = setup.activate(&license_key(1), "H").await.token();
        change(&setup.mock);
        // Past the last read's usable life: the next refresh reads Whop first.
        setup.clock.advance(DEFAULT_GRACE + Duration::from_secs(1));
        assert_eq!(setup.refresh(&token).await.outcome(), expected, "{name}");
    }
}

#[tokio::test]
async fn refreshes_within_freshness_are_answered_from_cache() {
    let setup = start(
        mock_builder().membership(membership(1, Some("H"))).build(),
        |b| b,
    )
    .await;
    let token = setup.activate(&license_key(1), "H").await.token();
    let calls = setup.whop_calls().len();
    for _ in 0..20 {
        setup.clock.advance(Duration::from_secs(10));
        assert_eq!(setup.refresh(&token).await.outcome(), "ok");
    }
    assert_eq!(setup.whop_calls().len(), calls);
}

#[tokio::test]
async fn an_unknown_key_is_remembered_for_the_negative_time_only() {
    let setup = start(mock_builder().build(), |b| b).await;
    assert_eq!(
        setup.activate("NO-SUCH-KEY", "H").await.outcome(),
        "license_not_valid"
    );
    assert_eq!(
        setup.activate("NO-SUCH-KEY", "H").await.outcome(),
        "license_not_valid"
    );
    assert_eq!(
        setup.whop_calls().len(),
        1,
        "the second answer came from cache"
    );
    setup.clock.advance(DEFAULT_NEGATIVE_FOR);
    assert_eq!(
        setup.activate("NO-SUCH-KEY", "H").await.outcome(),
        "license_not_valid"
    );
    assert_eq!(
        setup.whop_calls().len(),
        2,
        "read again after the negative time"
    );
}

fn decode(text: &str) -> Vec<u8> {
    Base64UrlSafeNoPadding::decode_to_vec(text, None).expect("base64url")
}

/// `token`'s claims signed by `key` as a server before the seal did: a footer with `kid` only.
fn without_seal(key: &SigningKey, token: &str) -> String {
    let mut parts = token.split('.').skip(2);
    let (body, footer) = (
        decode(parts.next().expect("a body")),
        decode(parts.next().expect("a footer")),
    );
    let footer: serde_json::Value = serde_json::from_slice(&footer).expect("JSON");
    assert!(footer["seal"].is_string(), "this server seals its tokens");
    let secret = AsymmetricSecretKey::<V4>::try_from(key.to_paserk().as_str()).expect("the key");
    let footer = json!({ "kid": key.id().as_str() }).to_string();
    PublicToken::sign(
        &secret,
        &body[..body.len() - 64],
        Some(footer.as_bytes()),
        Some(b"whop-license v1"),
    )
    .expect("signs")
}

/// Tokens issued before the server sealed them (apps that activated before the upgrade) refresh
/// through the full verify, and the same claims altered are still refused.
#[tokio::test]
async fn a_token_issued_before_the_seal_still_refreshes() {
    let setup = start(
        mock_builder().membership(membership(1, Some("H"))).build(),
        |b| b,
    )
    .await;
    let sealed = setup.activate(&license_key(1), "H").await.token();
    let unsealed = without_seal(setup.signing.active(), &sealed);
    assert_eq!(setup.open(&unsealed), setup.open(&sealed));
    assert_eq!(setup.refresh(&unsealed).await.outcome(), "ok");
    let mut altered = unsealed.into_bytes();
    // The payload's middle: a claim's byte, not the signature's.
    let at = "v4.public.".len() + 40;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    assert_eq!(setup.refresh(&altered).await.outcome(), "token_not_valid");
}
