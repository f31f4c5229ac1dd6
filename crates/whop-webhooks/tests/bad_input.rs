//! Hostile or broken headers: each a typed error, never a panic.

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use whop_webhooks::{Scheme, Secret, SecretError, Verifier, VerifyError};

const NOW: u64 = 1_700_000_000;

fn verify(pairs: &[(&str, &[u8])]) -> Result<whop_webhooks::Verified, VerifyError> {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    Verifier::new(Secret::new("ws_secret").unwrap()).verify_at(
        &headers,
        b"{}",
        UNIX_EPOCH + Duration::from_secs(NOW),
    )
}

/// Header pairs, name and raw value.
type Headers<'a> = Vec<(&'a str, &'a [u8])>;

const SIG: &[u8] = b"v1,xsAXO78V8SJGpg5edRiiDjZ+qq1HIZAWgw9zkYaR0ag=";

#[test]
fn header_problems_are_each_their_own_kind() {
    let long = vec![b'a'; 5000];
    let cases: Vec<(&str, Headers<'_>, VerifyError)> = vec![
        ("no headers", vec![], VerifyError::NoSignature),
        (
            "both schemes",
            vec![
                ("webhook-signature", SIG),
                ("x-whop-signature", b"t=1,v1=00"),
            ],
            VerifyError::AmbiguousScheme,
        ),
        (
            "ID and timestamp but no signature",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", b"1700000000"),
            ],
            VerifyError::MissingHeader {
                name: "webhook-signature",
            },
        ),
        (
            "no timestamp",
            vec![("webhook-id", b"msg_1"), ("webhook-signature", SIG)],
            VerifyError::MissingHeader {
                name: "webhook-timestamp",
            },
        ),
        (
            "two IDs",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-id", b"msg_2"),
                ("webhook-timestamp", b"1700000000"),
                ("webhook-signature", SIG),
            ],
            VerifyError::DuplicateHeader { name: "webhook-id" },
        ),
        (
            "two legacy signatures",
            vec![
                ("x-whop-signature", b"t=1,v1=00"),
                ("x-whop-signature", b"t=1,v1=00"),
            ],
            VerifyError::DuplicateHeader {
                name: "x-whop-signature",
            },
        ),
        (
            "an oversized signature header",
            vec![("x-whop-signature", &long)],
            VerifyError::HeaderTooLarge {
                name: "x-whop-signature",
                len: 5000,
                max: 4096,
            },
        ),
        (
            "an oversized ID",
            vec![
                ("webhook-id", &long[..300]),
                ("webhook-timestamp", b"1700000000"),
                ("webhook-signature", SIG),
            ],
            VerifyError::HeaderTooLarge {
                name: "webhook-id",
                len: 300,
                max: 256,
            },
        ),
        (
            "a non-ASCII signature header",
            vec![("x-whop-signature", b"t=1,v1=\xe9")],
            VerifyError::MalformedHeader {
                name: "x-whop-signature",
                reason: "it is not visible ASCII",
            },
        ),
        (
            "a legacy header with one part",
            vec![("x-whop-signature", b"t=1700000000")],
            VerifyError::MalformedHeader {
                name: "x-whop-signature",
                reason: "expected two comma-separated parts, `t=<timestamp>,v1=<signature>`",
            },
        ),
        (
            "a legacy timestamp without `=`",
            vec![("x-whop-signature", b"1700000000,v1=00")],
            VerifyError::MalformedHeader {
                name: "x-whop-signature",
                reason: "the timestamp part has no `=`",
            },
        ),
        (
            "an ID with a dot",
            vec![
                ("webhook-id", b"msg.1"),
                ("webhook-timestamp", b"1700000000"),
                ("webhook-signature", SIG),
            ],
            VerifyError::MalformedHeader {
                name: "webhook-id",
                reason: "it contains `.`",
            },
        ),
        (
            "a signature entry without a comma",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", b"1700000000"),
                ("webhook-signature", b"xsAXO78V8SJGpg5edRiiDjZ"),
            ],
            VerifyError::MalformedHeader {
                name: "webhook-signature",
                reason: "an entry is not `<version>,<signature>`",
            },
        ),
        (
            "an empty signature list",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", b"1700000000"),
                ("webhook-signature", b"   "),
            ],
            VerifyError::MalformedHeader {
                name: "webhook-signature",
                reason: "it holds no signature",
            },
        ),
        (
            "a timestamp with a fraction",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", b"1700000000.5"),
                ("webhook-signature", SIG),
            ],
            VerifyError::InvalidTimestamp,
        ),
        (
            "a timestamp too large for any clock",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", b"99999999999999999999999"),
                ("webhook-signature", SIG),
            ],
            VerifyError::InvalidTimestamp,
        ),
        (
            "an oversized timestamp",
            vec![
                ("webhook-id", b"msg_1"),
                ("webhook-timestamp", &[b'1'; 40]),
                ("webhook-signature", SIG),
            ],
            VerifyError::HeaderTooLarge {
                name: "webhook-timestamp",
                len: 40,
                max: 32,
            },
        ),
    ];
    for (what, pairs, expected) in cases {
        assert_eq!(verify(&pairs), Err(expected), "{what}");
    }
}

#[test]
fn an_empty_or_undecodable_secret_is_refused_before_any_delivery() {
    assert_eq!(Secret::new("").unwrap_err(), SecretError::Empty);
    assert_eq!(
        Secret::new("whsec_not base64").unwrap_err(),
        SecretError::InvalidBase64
    );
}

#[test]
fn no_error_message_shows_the_secret_or_a_whole_header() {
    let err = verify(&[(
        "x-whop-signature",
        b"t=1700000000,vSECRETLOOKINGVERSIONTAGTHATISLONG=00",
    )])
    .unwrap_err();
    assert_eq!(
        err,
        VerifyError::UnsupportedVersion {
            found: "vSECRETLOOKINGVE".to_owned()
        }
    );
    assert!(!err.to_string().contains("ws_secret"));
}

proptest! {
    #[test]
    fn arbitrary_header_values_never_panic(
        signature in proptest::collection::vec(0x20u8..0x7f, 0..200),
        id in proptest::collection::vec(0x20u8..0x7f, 0..64),
        timestamp in proptest::collection::vec(0x20u8..0x7f, 0..24),
        scheme in prop_oneof![Just(Scheme::Legacy), Just(Scheme::Standard)],
    ) {
        let _ = verify(&[("x-whop-signature", &signature)]);
        let _ = verify(&[
            ("webhook-id", &id),
            ("webhook-timestamp", &timestamp),
            ("webhook-signature", &signature),
        ]);
        let mut headers = HeaderMap::new();
        headers.insert("webhook-signature", HeaderValue::from_bytes(&signature).unwrap());
        let _ = Verifier::new(Secret::new("ws_x").unwrap()).scheme(scheme).verify(&headers, b"");
    }
}
