//! The refusals the issue asks for, as properties: an altered token, an unknown key, another
//! product, another machine; claims that round-trip; no input that panics.

mod support;

use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use support::{HWID, PRODUCT, kind, now, other_bytes_at, with_byte};
use whop_license::{
    Claims, KeySet, PublicKey, Refusal, SigningKey, SigningKeys, Verdict, Verifier,
};

static KEY: LazyLock<SigningKey> = LazyLock::new(support::key);
static OTHER_KEY: LazyLock<SigningKey> = LazyLock::new(support::key);
static TOKEN: LazyLock<String> = LazyLock::new(|| KEY.sign(&support::claims()).expect("signs"));

fn verifier(product: &str) -> Verifier {
    Verifier::new(KeySet::new().with(KEY.public_key().clone()), product)
}

/// A time RFC 3339 can write (years 0001-9999), to the second.
fn time() -> impl Strategy<Value = SystemTime> {
    (-62_135_596_800i64..253_402_300_799).prop_map(|seconds| {
        let magnitude = Duration::from_secs(seconds.unsigned_abs());
        if seconds >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    })
}

fn claims() -> impl Strategy<Value = Claims> {
    (
        ("\\PC{0,24}", "\\PC{0,24}", "\\PC{0,40}", "[a-z_]{0,12}"),
        (proptest::option::of(time()), time(), time(), time()),
    )
        .prop_map(
            |(
                (membership_id, product_id, hardware_id, status),
                (period_end, issued_at, refresh_after, expires_at),
            )| Claims {
                membership_id,
                product_id,
                hardware_id,
                status,
                period_end,
                issued_at,
                refresh_after,
                expires_at,
            },
        )
}

/// Claims the app's verifier would accept at [`now`], but for the given product and machine.
fn good_claims(product_id: String, hardware_id: String) -> Claims {
    Claims {
        product_id,
        hardware_id,
        ..support::claims()
    }
}

proptest! {
    #[test]
    fn a_token_altered_in_any_single_byte_is_refused(at in any::<prop::sample::Index>(), byte in 0u8..128) {
        let at = at.index(TOKEN.len());
        prop_assume!(TOKEN.as_bytes()[at] != byte);
        let altered = with_byte(&TOKEN, at, byte);
        let verdict = verifier(PRODUCT).verify(&altered, HWID, now(), None);
        prop_assert!(
            matches!(verdict, Verdict::BadSignature | Verdict::UnknownKey),
            "{} at byte {at}", kind(&verdict)
        );
    }

    #[test]
    fn a_token_missing_any_byte_is_refused(at in any::<prop::sample::Index>()) {
        let mut altered = TOKEN.clone();
        altered.remove(at.index(TOKEN.len()));
        let verdict = verifier(PRODUCT).verify(&altered, HWID, now(), None);
        prop_assert!(matches!(verdict, Verdict::BadSignature | Verdict::UnknownKey), "{}", kind(&verdict));
    }

    #[test]
    fn a_token_signed_by_an_unknown_key_is_unknown_key(claims in claims()) {
        let token = OTHER_KEY.sign(&claims).expect("signs");
        prop_assert_eq!(kind(&verifier(PRODUCT).verify(&token, HWID, now(), None)), "UnknownKey");
    }

    #[test]
    fn a_token_for_another_product_is_wrong_product(product in "\\PC{0,24}") {
        prop_assume!(product != PRODUCT);
        let token = KEY.sign(&good_claims(product, HWID.to_owned())).expect("signs");
        prop_assert_eq!(kind(&verifier(PRODUCT).verify(&token, HWID, now(), None)), "WrongProduct");
    }

    #[test]
    fn a_token_for_another_machine_is_bound_to_other_machine(hwid in "\\PC{0,40}") {
        prop_assume!(hwid != HWID);
        let token = KEY.sign(&good_claims(PRODUCT.to_owned(), hwid)).expect("signs");
        prop_assert_eq!(
            kind(&verifier(PRODUCT).verify(&token, HWID, now(), None)),
            "BoundToOtherMachine"
        );
    }

    #[test]
    fn claims_round_trip_through_a_token(claims in claims()) {
        let token = KEY.sign(&claims).expect("signs");
        let license = KeySet::new().with(KEY.public_key().clone()).open(&token).expect("opens");
        prop_assert_eq!(&license.key_id, KEY.id());
        prop_assert_eq!(Claims::from(license), claims);
    }

    #[test]
    fn any_text_never_panics_the_verifier(text in "\\PC{0,600}|v4\\.public\\.[A-Za-z0-9_.-]{0,600}") {
        let _ = verifier(PRODUCT).verify(&text, HWID, now(), Some(now()));
        let _ = KeySet::new().with(KEY.public_key().clone()).open(&text);
    }

    #[test]
    fn any_text_never_panics_the_key_readers(text in "\\PC{0,200}|k4\\.(public|secret|pid)\\.[A-Za-z0-9_-]{0,100}") {
        prop_assert!(PublicKey::from_paserk(&text).is_err() || text.starts_with("k4.public."));
        let _ = SigningKey::from_paserk(&text);
        let _ = SigningKeys::from_env_text(&text);
    }
}

/// The last character of each base64 part has unused low bits: every other spelling of it is
/// refused, not only the ones a random byte happens to hit.
#[test]
fn every_other_last_character_of_each_part_is_refused() {
    let verifier = verifier(PRODUCT);
    let footer_dot = TOKEN.rfind('.').expect("a footer");
    for at in [footer_dot - 1, TOKEN.len() - 1] {
        for (byte, altered) in other_bytes_at(&TOKEN, at) {
            let verdict = verifier.verify(&altered, HWID, now(), None);
            assert!(
                matches!(verdict, Verdict::BadSignature | Verdict::UnknownKey),
                "{} with {:?} at {at}",
                kind(&verdict),
                byte as char
            );
        }
    }
}

#[test]
fn open_refuses_an_unknown_key_as_unknown_key() {
    let token = OTHER_KEY.sign(&support::claims()).expect("signs");
    let keys = KeySet::new().with(KEY.public_key().clone());
    assert_eq!(keys.open(&token), Err(Refusal::UnknownKey));
}
