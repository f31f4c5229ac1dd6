//! One case per verdict, through `Verifier::verify`, and the helpers around it.

mod support;

use std::time::{Duration, SystemTime};

use support::{DAY, HOUR, HWID, MINUTE, PRODUCT, claims, key, kind, now, verifier_for};
use whop_license::{
    CLOCK_SKEW, Claims, KeySet, MAX_TOKEN_LEN, PublicKey, Refusal, SignError, Verdict, Verifier,
    next_last_seen,
};

/// Which token a case presents.
enum Token {
    /// Signed by the app's key, with these claims.
    Signed(fn() -> Claims),
    /// The good token with one character of its signature changed.
    AlteredSignature,
    /// Signed by a key the app does not hold.
    OtherKey,
    /// Not a token.
    Text(&'static str),
}

struct Case {
    name: &'static str,
    token: Token,
    product: &'static str,
    hardware_id: &'static str,
    now: fn() -> SystemTime,
    last_seen: Option<fn() -> SystemTime>,
    expected: &'static str,
}

const fn case(name: &'static str, token: Token, expected: &'static str) -> Case {
    Case {
        name,
        token,
        product: PRODUCT,
        hardware_id: HWID,
        now,
        last_seen: None,
        expected,
    }
}

#[test]
fn each_case_gets_its_verdict() {
    let cases = [
        case("valid", Token::Signed(claims), "Valid"),
        Case {
            last_seen: Some(|| now() - HOUR),
            ..case(
                "valid with an earlier last-seen",
                Token::Signed(claims),
                "Valid",
            )
        },
        Case {
            now: || now() + HOUR,
            ..case("refresh due", Token::Signed(claims), "RefreshDue")
        },
        Case {
            now: || now() + 7 * DAY,
            ..case("expired at exp", Token::Signed(claims), "Expired")
        },
        Case {
            now: || now() + 8 * DAY,
            ..case("expired", Token::Signed(claims), "Expired")
        },
        Case {
            hardware_id: "machine-2",
            ..case(
                "bound to another machine",
                Token::Signed(claims),
                "BoundToOtherMachine",
            )
        },
        Case {
            product: "prod_other",
            ..case("wrong product", Token::Signed(claims), "WrongProduct")
        },
        Case {
            now: || now() - HOUR,
            ..case("clock behind iat", Token::Signed(claims), "ClockTampered")
        },
        Case {
            now: || now() - 10 * MINUTE - CLOCK_SKEW + Duration::from_secs(1),
            ..case("iat ahead within the skew", Token::Signed(claims), "Valid")
        },
        Case {
            last_seen: Some(|| now() + HOUR),
            ..case(
                "clock behind last seen",
                Token::Signed(claims),
                "ClockTampered",
            )
        },
        Case {
            last_seen: Some(|| now() + CLOCK_SKEW),
            ..case(
                "last seen ahead within the skew",
                Token::Signed(claims),
                "Valid",
            )
        },
        Case {
            now: || now() - HOUR,
            hardware_id: "machine-2",
            ..case(
                "machine checked before clock",
                Token::Signed(claims),
                "BoundToOtherMachine",
            )
        },
        Case {
            now: || now() + 8 * DAY,
            product: "prod_other",
            ..case(
                "product checked before expiry",
                Token::Signed(claims),
                "WrongProduct",
            )
        },
        case("unknown key", Token::OtherKey, "UnknownKey"),
        case("bad signature", Token::AlteredSignature, "BadSignature"),
        case("garbage", Token::Text("hello"), "BadSignature"),
        case("empty", Token::Text(""), "BadSignature"),
        case("header only", Token::Text("v4.public."), "BadSignature"),
        case("local token", Token::Text("v4.local.AAAA"), "BadSignature"),
        case(
            "no footer",
            Token::Text("v4.public.eyJzdWIiOiJ4In0"),
            "BadSignature",
        ),
    ];
    let key = key();
    let other = support::key();
    for case in cases {
        let good = key.sign(&claims()).expect("signs");
        let token = match case.token {
            Token::Signed(claims) => key.sign(&claims()).expect("signs"),
            Token::AlteredSignature => {
                let (body, footer) = good.rsplit_once('.').expect("a footer");
                let mut body = body.as_bytes().to_vec();
                let last = body.len() - 2;
                body[last] = if body[last] == b'A' { b'B' } else { b'A' };
                format!("{}.{footer}", String::from_utf8(body).expect("ascii"))
            }
            Token::OtherKey => other.sign(&claims()).expect("signs"),
            Token::Text(text) => text.to_owned(),
        };
        let verifier = Verifier::new(KeySet::new().with(key.public_key().clone()), case.product);
        let verdict = verifier.verify(
            &token,
            case.hardware_id,
            (case.now)(),
            case.last_seen.map(|f| f()),
        );
        assert_eq!(kind(&verdict), case.expected, "case: {}", case.name);
    }
}

#[test]
fn a_valid_verdict_carries_the_claims() {
    let key = key();
    let token = key.sign(&claims()).expect("signs");
    let Verdict::Valid(license) = verifier_for(&key).verify(&token, HWID, now(), None) else {
        panic!("not valid");
    };
    assert_eq!(license.membership_id, "mem_abc123");
    assert_eq!(license.status, "active");
    assert_eq!(license.period_end, Some(now() + 30 * DAY));
    assert_eq!(&license.key_id, key.id());
}

#[test]
fn a_token_is_a_few_hundred_bytes() {
    // With the server's seal in the footer (about 70 bytes; see tests/seal.rs).
    let token = key().sign(&claims()).expect("signs");
    assert!(token.len() < 600, "{} bytes", token.len());
}

#[test]
fn a_token_longer_than_the_limit_is_refused_unread() {
    let key = key();
    let token = format!(
        "{}{}",
        key.sign(&claims()).expect("signs"),
        " ".repeat(MAX_TOKEN_LEN)
    );
    assert_eq!(
        KeySet::new().with(key.public_key().clone()).open(&token),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn open_checks_only_the_signature() {
    let key = key();
    let mut claims = claims();
    claims.expires_at = now() - DAY;
    let token = key.sign(&claims).expect("signs");
    let license = KeySet::new()
        .with(key.public_key().clone())
        .open(&token)
        .expect("opens");
    assert_eq!(Claims::from(license), claims);
}

#[test]
fn a_usable_verdict_stores_the_later_of_last_seen_and_now() {
    let key = key();
    let token = key.sign(&claims()).expect("signs");
    let verifier = verifier_for(&key);
    let earlier = now() - HOUR;
    let later = now() + MINUTE;
    let valid = verifier.verify(&token, HWID, now(), Some(earlier));
    assert_eq!(valid.last_seen_to_store(Some(earlier), now()), Some(now()));
    let valid = verifier.verify(&token, HWID, now(), Some(later));
    assert_eq!(valid.last_seen_to_store(Some(later), now()), Some(later));
    assert_eq!(valid.last_seen_to_store(None, now()), Some(now()));
    let refused = verifier.verify(&token, "machine-2", now(), None);
    assert_eq!(refused.last_seen_to_store(Some(earlier), now()), None);
    assert_eq!(next_last_seen(Some(later), now()), later);
    assert_eq!(next_last_seen(None, now()), now());
}

#[test]
fn a_wider_skew_accepts_a_clock_further_behind() {
    let key = key();
    let token = key.sign(&claims()).expect("signs");
    let verdict = verifier_for(&key)
        .skew(2 * HOUR)
        .verify(&token, HWID, now() - HOUR, None);
    assert_eq!(kind(&verdict), "Valid");
}

#[test]
fn a_time_rfc3339_cannot_write_is_a_sign_error() {
    let mut claims = claims();
    claims.expires_at = SystemTime::UNIX_EPOCH + Duration::from_secs(300_000_000_000);
    assert_eq!(
        key().sign(&claims),
        Err(SignError::TimeOutOfRange { claim: "exp" })
    );
}

#[test]
fn times_before_1970_round_trip() {
    let key = key();
    let mut claims = claims();
    claims.period_end = Some(SystemTime::UNIX_EPOCH - Duration::from_secs(86_401));
    let token = key.sign(&claims).expect("signs");
    let license = KeySet::new().with(key.public_key().clone()).open(&token);
    assert_eq!(license.expect("opens").period_end, claims.period_end);
}

#[test]
fn times_are_signed_to_the_second() {
    let key = key();
    let mut claims = claims();
    claims.issued_at += Duration::from_millis(999);
    let token = key.sign(&claims).expect("signs");
    let license = KeySet::new().with(key.public_key().clone()).open(&token);
    assert_eq!(license.expect("opens").issued_at, now() - 10 * MINUTE);
}

#[test]
fn a_public_key_round_trips_through_its_paserk_text() {
    let key = key();
    let text = key.public_key().to_paserk();
    assert!(text.starts_with("k4.public."), "{text}");
    let read = PublicKey::from_paserk(&format!(" {text}\n")).expect("reads");
    assert_eq!(read.id(), key.id());
    assert!(key.id().to_string().starts_with("k4.pid."));
}

#[test]
fn a_secret_key_is_not_a_public_key() {
    let secret = key().to_paserk();
    let error = PublicKey::from_paserk(&secret).expect_err("refused");
    assert!(!error.to_string().contains(secret.as_str()));
}

#[test]
fn debug_never_shows_the_secret() {
    let key = key();
    let secret = key.to_paserk();
    let encoded = secret.trim_start_matches("k4.secret.");
    let debug = format!("{key:?}");
    assert!(!debug.contains(encoded), "{debug}");
    assert!(debug.contains(key.id().as_str()), "{debug}");
}

#[test]
fn a_secret_key_round_trips_through_its_paserk_text() {
    let key = key();
    let read = whop_license::SigningKey::from_paserk(&key.to_paserk()).expect("reads");
    assert_eq!(read.id(), key.id());
}
