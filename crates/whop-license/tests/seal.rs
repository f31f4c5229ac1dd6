//! The server's seal: `SigningKeys::open_own` opens sealed tokens as `KeySet::open` does, refuses
//! every altered claim, and falls back to the full verify for tokens without a (matching) seal.

mod support;

use std::sync::LazyLock;

use ct_codecs::{Base64UrlSafeNoPadding, Decoder, Encoder};
use pasetors::keys::AsymmetricSecretKey;
use pasetors::version4::{PublicToken, V4};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{HWID, PRODUCT, claims, now, other_bytes_at, verifier_for, with_byte};
use whop_license::{Refusal, SigningKey, SigningKeys, Verdict};

static KEYS: LazyLock<SigningKeys> = LazyLock::new(|| SigningKeys::new(support::key()));
static TOKEN: LazyLock<String> = LazyLock::new(|| KEYS.active().sign(&claims()).expect("signs"));
const HEADER: &str = "v4.public.";

fn decode(text: &str) -> Vec<u8> {
    Base64UrlSafeNoPadding::decode_to_vec(text, None).expect("base64url")
}

fn encode(bytes: &[u8]) -> String {
    Base64UrlSafeNoPadding::encode_to_string(bytes).expect("base64url")
}

/// A token's payload (the signed claims bytes) and its footer as JSON.
fn parts(token: &str) -> (Vec<u8>, Value) {
    let (body, footer) = token
        .strip_prefix(HEADER)
        .and_then(|rest| rest.split_once('.'))
        .expect("a v4.public token with a footer");
    let mut body = decode(body);
    body.truncate(body.len() - 64);
    (
        body,
        serde_json::from_slice(&decode(footer)).expect("JSON footer"),
    )
}

/// A token signed with pasetors directly, by `key`, over `payload` with `footer`: how an old
/// signer (before seals) or a forger holding another key writes one.
fn sign_raw(key: &SigningKey, payload: &[u8], footer: &Value) -> String {
    let secret = AsymmetricSecretKey::<V4>::try_from(key.to_paserk().as_str()).expect("the key");
    let footer = serde_json::to_vec(footer).expect("JSON");
    PublicToken::sign(&secret, payload, Some(&footer), Some(b"whop-license v1")).expect("signs")
}

/// The token `KEYS` would have signed before seals: the same payload, a footer with `kid` only.
fn unsealed_token() -> String {
    let (payload, _) = parts(&TOKEN);
    let footer = json!({ "kid": KEYS.active().id().as_str() });
    sign_raw(KEYS.active(), &payload, &footer)
}

#[test]
fn a_sealed_token_opens_with_open_own_as_with_open() {
    let (_, footer) = parts(&TOKEN);
    assert!(footer["seal"].is_string(), "the footer is sealed: {footer}");
    let opened = KEYS.open_own(&TOKEN).expect("opens");
    assert_eq!(Ok(&opened), KEYS.key_set().open(&TOKEN).as_ref());
    assert_eq!(whop_license::Claims::from(opened), claims());
}

#[test]
fn a_token_without_a_seal_opens_through_the_full_verify() {
    let token = unsealed_token();
    assert_eq!(KEYS.open_own(&token), KEYS.key_set().open(&TOKEN));
}

#[test]
fn a_token_without_a_seal_and_altered_claims_is_refused() {
    let (payload, _) = parts(&TOKEN);
    let token = unsealed_token();
    // The payload's first byte is `{`: flip a bit in the claims' first character instead.
    let mut body = decode(&token[HEADER.len()..token.rfind('.').expect("a footer")]);
    body[payload.len() / 2] ^= 1;
    let altered = format!(
        "{HEADER}{}{}",
        encode(&body),
        &token[token.rfind('.').expect("a footer")..]
    );
    assert_eq!(KEYS.open_own(&altered), Err(Refusal::BadSignature));
}

#[test]
fn a_token_of_a_key_not_held_is_unknown_key() {
    let other = SigningKeys::new(support::key());
    let token = other.active().sign(&claims()).expect("signs");
    assert_eq!(KEYS.open_own(&token), Err(Refusal::UnknownKey));
}

/// A forger with another key writes our key id and a seal of their own over changed claims:
/// the seal does not match, the fallback verifies with our key and fails.
#[test]
fn a_seal_made_with_another_key_is_refused() {
    let forger = support::key();
    let mut forged = claims();
    forged.hardware_id = "the-forgers-machine".to_owned();
    let (payload, mut footer) = parts(&forger.sign(&forged).expect("signs"));
    footer["kid"] = json!(KEYS.active().id().as_str());
    let token = sign_raw(&forger, &payload, &footer);
    assert_eq!(KEYS.open_own(&token), Err(Refusal::BadSignature));
}

/// A genuine seal moved onto other claims (re-signed by a key the server does not hold) does
/// not match them.
#[test]
fn a_seal_moved_onto_other_claims_is_refused() {
    let (_, footer) = parts(&TOKEN);
    let mut other = claims();
    other.status = "canceled".to_owned();
    other.membership_id = "mem_other".to_owned();
    let (payload, _) = parts(&KEYS.active().sign(&other).expect("signs"));
    let token = sign_raw(&support::key(), &payload, &footer);
    assert_eq!(KEYS.open_own(&token), Err(Refusal::BadSignature));
}

#[test]
fn tokens_of_every_rotation_key_open_with_open_own() {
    let older = support::key();
    let keys = SigningKeys::new(support::key()).with(older.clone());
    for signer in [keys.active(), &older] {
        let token = signer.sign(&claims()).expect("signs");
        let license = keys.open_own(&token).expect("opens");
        assert_eq!(&license.key_id, signer.id());
    }
}

#[test]
fn the_app_verifies_a_sealed_token_as_an_unsealed_one() {
    let verifier = verifier_for(KEYS.active());
    let sealed = verifier.verify(&TOKEN, HWID, now(), None);
    assert!(matches!(sealed, Verdict::Valid(_)), "{sealed:?}");
    assert_eq!(
        sealed,
        verifier.verify(&unsealed_token(), HWID, now(), None)
    );
}

#[test]
fn the_seal_adds_under_80_bytes_to_a_token() {
    let (sealed, unsealed) = (TOKEN.len(), unsealed_token().len());
    println!("token: {sealed} bytes sealed, {unsealed} without the seal");
    assert!(
        sealed > unsealed && sealed - unsealed < 80,
        "{sealed} vs {unsealed}"
    );
}

#[test]
fn a_product_or_machine_is_not_checked_by_open_own() {
    let mut elsewhere = claims();
    elsewhere.product_id = format!("{PRODUCT}_other");
    elsewhere.hardware_id = format!("{HWID}_other");
    let token = KEYS.active().sign(&elsewhere).expect("signs");
    let license = KEYS.open_own(&token).expect("opens");
    assert_eq!(whop_license::Claims::from(license), elsewhere);
}

/// Whether the character at `at` encodes only signature bits (the body is payload ‖ signature;
/// each base64 character carries 6 bits).
fn only_signature_bits(at: usize) -> bool {
    let (payload, _) = parts(&TOKEN);
    let footer_dot = TOKEN.rfind('.').expect("a footer");
    at >= HEADER.len() && at < footer_dot && (at - HEADER.len()) * 6 >= payload.len() * 8
}

/// What the seal cannot cover (the signature signs it): an altered signature with intact claims
/// and footer opens to the claims issued, which whoever altered it already held; the app's
/// verifier and `open` refuse it.
#[test]
fn a_sealed_token_with_only_its_signature_altered_opens_to_the_issued_claims() {
    let footer_dot = TOKEN.rfind('.').expect("a footer");
    let at = footer_dot - 20;
    assert!(only_signature_bits(at));
    let byte = if TOKEN.as_bytes()[at] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let altered = with_byte(&TOKEN, at, byte);
    assert_eq!(KEYS.open_own(&altered), KEYS.key_set().open(&TOKEN));
    assert_eq!(KEYS.key_set().open(&altered), Err(Refusal::BadSignature));
}

proptest! {
    /// Any single altered byte is refused, except in the signature bytes, which the seal cannot
    /// cover (it is inside what they sign): there, the claims opened are the very claims issued.
    #[test]
    fn a_sealed_token_altered_in_any_single_byte_never_opens_to_other_claims(
        at in any::<prop::sample::Index>(),
        byte in 0u8..128,
    ) {
        let at = at.index(TOKEN.len());
        prop_assume!(TOKEN.as_bytes()[at] != byte);
        let altered = with_byte(&TOKEN, at, byte);
        match KEYS.open_own(&altered) {
            Err(_) => {}
            Ok(license) => {
                prop_assert!(only_signature_bits(at), "opened with byte {at} altered");
                prop_assert_eq!(Ok(license), KEYS.key_set().open(&TOKEN));
            }
        }
    }

    #[test]
    fn a_sealed_token_missing_any_byte_is_refused(at in any::<prop::sample::Index>()) {
        let mut altered = TOKEN.clone();
        let at = at.index(TOKEN.len());
        altered.remove(at);
        prop_assert!(KEYS.open_own(&altered).is_err(), "opened without byte {at}");
    }

    #[test]
    fn any_text_never_panics_open_own(text in "\\PC{0,600}|v4\\.public\\.[A-Za-z0-9_.-]{0,600}") {
        let _ = KEYS.open_own(&text);
    }
}

/// The last character of each base64 part has unused low bits: no other spelling of it opens
/// the footer (seal and key id) to the same bytes.
#[test]
fn every_other_last_character_of_the_footer_is_refused() {
    let at = TOKEN.len() - 1;
    for (byte, altered) in other_bytes_at(&TOKEN, at) {
        assert!(
            KEYS.open_own(&altered).is_err(),
            "{:?} at the end opened",
            byte as char
        );
    }
}
