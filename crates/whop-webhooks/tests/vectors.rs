//! Test vectors computed by an independent implementation (Python's `hmac`, `hashlib` and
//! `base64`; the exact command is beside each), and every tampering refused with its own kind.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use whop_webhooks::{
    Scheme, Secret, SignatureProblem, Verifier, VerifyError, sign_legacy, sign_standard,
};

/// The dashboard-style secret of the vectors.
const SECRET: &str = "ws_test_9f8e7d6c5b4a";

const LEGACY_TIMESTAMP: u64 = 1_700_000_000;
const LEGACY_BODY: &[u8] =
    br#"{"action":"membership.went_valid","data":{"id":"mem_1","valid":true}}"#;
// python3 -c 'import hmac,hashlib; print(hmac.new(b"ws_test_9f8e7d6c5b4a", b"1700000000." + b"{\"action\":\"membership.went_valid\",\"data\":{\"id\":\"mem_1\",\"valid\":true}}", hashlib.sha256).hexdigest())'
const LEGACY_SIGNATURE: &str = "78999df3ec2d2f7e80f152c1c8e4f604fc7d623a55bbdc7dea2088a835e6aeff";

/// Whop's documented `went_invalid` example, byte for byte as stored in the repository.
const WENT_INVALID_EXAMPLE: &[u8] = include_bytes!(
    "../../whop-models/tests/fixtures/example_v2_membership_expanded_webhook_went_invalid__official_docs.json"
);
// (run in crates/whop-webhooks)
// python3 -c 'import hmac,hashlib; print(hmac.new(b"ws_test_9f8e7d6c5b4a", b"1700000000." + open("../whop-models/tests/fixtures/example_v2_membership_expanded_webhook_went_invalid__official_docs.json","rb").read(), hashlib.sha256).hexdigest())'
const WENT_INVALID_SIGNATURE: &str =
    "5f11739bb06bf919c3db570efe0221111efb7fa26c66b7e4eba9d980ff7fb1c4";

const STANDARD_ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const STANDARD_TIMESTAMP: u64 = 1_674_087_231;
const STANDARD_BODY: &[u8] = br#"{"id":"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W","api_version":"v1","type":"membership.deactivated","data":{"id":"mem_1","status":"canceled"}}"#;
// The `ws_` secret keys the HMAC with its raw bytes:
// python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"ws_test_9f8e7d6c5b4a", b"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1674087231." + b"{\"id\":\"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\",\"api_version\":\"v1\",\"type\":\"membership.deactivated\",\"data\":{\"id\":\"mem_1\",\"status\":\"canceled\"}}", hashlib.sha256).digest()).decode())'
const STANDARD_SIGNATURE: &str = "v1,xsAXO78V8SJGpg5edRiiDjZ+qq1HIZAWgw9zkYaR0ag=";

/// A Standard Webhooks secret: the key is the base64 after `whsec_`.
const WHSEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), b"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1674087231." + b"{\"id\":\"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\",\"api_version\":\"v1\",\"type\":\"membership.deactivated\",\"data\":{\"id\":\"mem_1\",\"status\":\"canceled\"}}", hashlib.sha256).digest()).decode())'
const WHSEC_SIGNATURE: &str = "v1,067aM6bXZu2fC4wNtNWyPScQWl/iY6Olyh7F2NXg28U=";

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn verifier(secret: &str) -> Verifier {
    Verifier::new(Secret::new(secret).unwrap())
}

fn legacy_header(timestamp: &str, version: &str, signature: &str) -> HeaderMap {
    headers(&[(
        "X-Whop-Signature",
        &format!("t={timestamp},{version}={signature}"),
    )])
}

fn standard_headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
    headers(&[
        ("webhook-id", id),
        ("webhook-timestamp", timestamp),
        ("webhook-signature", signature),
    ])
}

// ---- the vectors verify, and this crate signs them identically ----

#[test]
fn legacy_vector_verifies() {
    let verified = verifier(SECRET)
        .verify_at(
            &legacy_header("1700000000", "v1", LEGACY_SIGNATURE),
            LEGACY_BODY,
            at(LEGACY_TIMESTAMP + 10),
        )
        .unwrap();
    assert_eq!(verified.scheme(), Scheme::Legacy);
    assert_eq!(verified.timestamp(), LEGACY_TIMESTAMP);
    assert_eq!(verified.webhook_id(), None);
}

#[test]
fn legacy_vector_over_whops_documented_example_body_verifies() {
    let result = verifier(SECRET).verify_at(
        &legacy_header("1700000000", "v1", WENT_INVALID_SIGNATURE),
        WENT_INVALID_EXAMPLE,
        at(LEGACY_TIMESTAMP),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn signing_reproduces_the_python_vectors() {
    let secret = Secret::new(SECRET).unwrap();
    assert_eq!(
        sign_legacy(&secret, LEGACY_TIMESTAMP, LEGACY_BODY),
        format!("t=1700000000,v1={LEGACY_SIGNATURE}")
    );
    assert_eq!(
        sign_standard(&secret, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY).unwrap(),
        STANDARD_SIGNATURE
    );
    let whsec = Secret::new(WHSEC_SECRET).unwrap();
    assert_eq!(
        sign_standard(&whsec, STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_BODY).unwrap(),
        WHSEC_SIGNATURE
    );
}

#[test]
fn standard_vector_with_a_whop_secret_verifies() {
    let verified = verifier(SECRET)
        .verify_at(
            &standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE),
            STANDARD_BODY,
            at(STANDARD_TIMESTAMP - 10),
        )
        .unwrap();
    assert_eq!(verified.scheme(), Scheme::Standard);
    assert_eq!(verified.webhook_id(), Some(STANDARD_ID));
}

#[test]
fn standard_vector_with_a_whsec_secret_verifies() {
    let result = verifier(WHSEC_SECRET).verify_at(
        &standard_headers(STANDARD_ID, "1674087231", WHSEC_SIGNATURE),
        STANDARD_BODY,
        at(STANDARD_TIMESTAMP),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn whops_btoa_workaround_is_the_same_key_as_the_raw_secret() {
    // Whop's docs pass `btoa(secret)` to Standard Webhooks libraries; written as a `whsec_`
    // secret, that is the same key as the raw `ws_` secret.
    // python3 -c 'import base64; print("whsec_" + base64.b64encode(b"ws_test_9f8e7d6c5b4a").decode())'
    let btoa = "whsec_d3NfdGVzdF85ZjhlN2Q2YzViNGE=";
    let result = verifier(btoa).verify_at(
        &standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE),
        STANDARD_BODY,
        at(STANDARD_TIMESTAMP),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn any_one_of_several_rotated_signatures_may_match() {
    let header = format!(
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,c29tZXRoaW5nIGVsc2U= {STANDARD_SIGNATURE}"
    );
    let result = verifier(SECRET).verify_at(
        &standard_headers(STANDARD_ID, "1674087231", &header),
        STANDARD_BODY,
        at(STANDARD_TIMESTAMP),
    );
    assert!(result.is_ok(), "{result:?}");
}

// ---- every tampering refused, with its own kind ----

struct Tamper {
    what: &'static str,
    headers: HeaderMap,
    body: &'static [u8],
    secret: &'static str,
    expected: VerifyError,
}

fn check(cases: Vec<Tamper>, now: SystemTime) {
    for case in cases {
        let result = verifier(case.secret).verify_at(&case.headers, case.body, now);
        assert_eq!(result, Err(case.expected), "{}", case.what);
    }
}

#[test]
fn every_legacy_tampering_is_refused_with_its_own_kind() {
    let mut flipped_body = LEGACY_BODY.to_vec();
    flipped_body[30] ^= 0x01;
    let flipped_body: &'static [u8] = flipped_body.leak();
    let mut wrong_signature = LEGACY_SIGNATURE.to_owned();
    wrong_signature.replace_range(0..1, "8");
    let cases = vec![
        Tamper {
            what: "one byte of the body",
            headers: legacy_header("1700000000", "v1", LEGACY_SIGNATURE),
            body: flipped_body,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the timestamp, within the tolerance",
            headers: legacy_header("1700000001", "v1", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the timestamp, moved back beyond the tolerance (a replay)",
            headers: legacy_header("1699990000", "v1", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::TimestampTooOld {
                age_seconds: 10_010,
                tolerance_seconds: 300,
            },
        },
        Tamper {
            what: "the timestamp, moved into the future",
            headers: legacy_header("1700009999", "v1", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::TimestampTooNew {
                ahead_seconds: 9_989,
                tolerance_seconds: 300,
            },
        },
        Tamper {
            what: "the timestamp, not a number",
            headers: legacy_header("17e8", "v1", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::InvalidTimestamp,
        },
        Tamper {
            what: "the secret",
            headers: legacy_header("1700000000", "v1", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: "ws_test_9f8e7d6c5b4b",
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the version tag (the legacy sample check accepted this)",
            headers: legacy_header("1700000000", "v0", LEGACY_SIGNATURE),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::UnsupportedVersion {
                found: "v0".to_owned(),
            },
        },
        Tamper {
            what: "one hex digit of the signature",
            headers: legacy_header("1700000000", "v1", &wrong_signature),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the signature, a byte short",
            headers: legacy_header("1700000000", "v1", &LEGACY_SIGNATURE[..62]),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::MalformedSignature {
                problem: SignatureProblem::WrongLength { found: 31 },
            },
        },
        Tamper {
            what: "the signature, not hex",
            headers: legacy_header("1700000000", "v1", &LEGACY_SIGNATURE.replace('f', "g")),
            body: LEGACY_BODY,
            secret: SECRET,
            expected: VerifyError::MalformedSignature {
                problem: SignatureProblem::NotHex,
            },
        },
    ];
    check(cases, at(LEGACY_TIMESTAMP + 10));
}

#[test]
fn every_standard_tampering_is_refused_with_its_own_kind() {
    let mut flipped_body = STANDARD_BODY.to_vec();
    flipped_body[60] ^= 0x01;
    let flipped_body: &'static [u8] = flipped_body.leak();
    let base64_signature = STANDARD_SIGNATURE.trim_start_matches("v1,");
    let cases = vec![
        Tamper {
            what: "one byte of the body",
            headers: standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE),
            body: flipped_body,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the timestamp, within the tolerance",
            headers: standard_headers(STANDARD_ID, "1674087232", STANDARD_SIGNATURE),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the timestamp, moved back beyond the tolerance (a replay)",
            headers: standard_headers(STANDARD_ID, "1674080000", STANDARD_SIGNATURE),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::TimestampTooOld {
                age_seconds: 7_231,
                tolerance_seconds: 300,
            },
        },
        Tamper {
            what: "the timestamp, far in the future",
            headers: standard_headers(STANDARD_ID, "99999999999", STANDARD_SIGNATURE),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::TimestampTooNew {
                ahead_seconds: 99_999_999_999 - STANDARD_TIMESTAMP,
                tolerance_seconds: 300,
            },
        },
        Tamper {
            what: "the timestamp, negative",
            headers: standard_headers(STANDARD_ID, "-1674087231", STANDARD_SIGNATURE),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::InvalidTimestamp,
        },
        Tamper {
            what: "the message ID",
            headers: standard_headers(
                "msg_2KWPBgLlAfxdpx2AI54pPJ85f4X",
                "1674087231",
                STANDARD_SIGNATURE,
            ),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the secret",
            headers: standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE),
            body: STANDARD_BODY,
            secret: "ws_test_9f8e7d6c5b4b",
            expected: VerifyError::SignatureMismatch,
        },
        Tamper {
            what: "the version tag",
            headers: standard_headers(STANDARD_ID, "1674087231", &format!("v2,{base64_signature}")),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::UnsupportedVersion {
                found: "v2".to_owned(),
            },
        },
        Tamper {
            what: "the signature, cut short",
            headers: standard_headers(
                STANDARD_ID,
                "1674087231",
                "v1,xsAXO78V8SJGpg5edRiiDjZ+qq1HIZAWgw9zkYaR",
            ),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::MalformedSignature {
                problem: SignatureProblem::WrongLength { found: 30 },
            },
        },
        Tamper {
            what: "the signature, not base64",
            headers: standard_headers(
                STANDARD_ID,
                "1674087231",
                "v1,xsAXO78V8SJGpg5edRiiDjZ*qq1HIZAWgw9zkYaR0ag=",
            ),
            body: STANDARD_BODY,
            secret: SECRET,
            expected: VerifyError::MalformedSignature {
                problem: SignatureProblem::NotBase64,
            },
        },
    ];
    check(cases, at(STANDARD_TIMESTAMP));
}

#[test]
fn the_tolerance_is_configurable_and_applies_both_ways() {
    let headers = standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE);
    let strict = verifier(SECRET).tolerance(Duration::from_secs(5));
    assert!(
        strict
            .verify_at(&headers, STANDARD_BODY, at(STANDARD_TIMESTAMP + 5))
            .is_ok()
    );
    assert!(matches!(
        strict.verify_at(&headers, STANDARD_BODY, at(STANDARD_TIMESTAMP + 6)),
        Err(VerifyError::TimestampTooOld { age_seconds: 6, .. })
    ));
    assert!(matches!(
        strict.verify_at(&headers, STANDARD_BODY, at(STANDARD_TIMESTAMP - 6)),
        Err(VerifyError::TimestampTooNew {
            ahead_seconds: 6,
            ..
        })
    ));
    assert_eq!(
        Verifier::new(Secret::new(SECRET).unwrap()).current_tolerance(),
        Duration::from_secs(300)
    );
}

#[test]
fn verify_uses_the_system_clock() {
    // The vectors are from 2023: against today's clock they are too old.
    let result = verifier(SECRET).verify(
        &standard_headers(STANDARD_ID, "1674087231", STANDARD_SIGNATURE),
        STANDARD_BODY,
    );
    assert!(matches!(result, Err(VerifyError::TimestampTooOld { .. })));
}

#[test]
fn an_explicit_scheme_ignores_the_other_schemes_headers() {
    let headers = legacy_header("1700000000", "v1", LEGACY_SIGNATURE);
    let standard_only = verifier(SECRET).scheme(Scheme::Standard);
    assert_eq!(
        standard_only.verify_at(&headers, LEGACY_BODY, at(LEGACY_TIMESTAMP)),
        Err(VerifyError::MissingHeader { name: "webhook-id" })
    );
    let legacy_only = verifier(SECRET).scheme(Scheme::Legacy);
    assert!(
        legacy_only
            .verify_at(&headers, LEGACY_BODY, at(LEGACY_TIMESTAMP))
            .is_ok()
    );
}
