//! The `id_token` checks, with ES256 keys made in the test and a loopback JWKS.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};
use support::{CLIENT_ID, OAuthServer};
use whop_oauth::{Callback, ClientAuth, Error, IdTokenError};

/// A P-256 key: its PKCS#8 for signing, its public JWK for the JWKS.
struct Key {
    pkcs8: Vec<u8>,
    jwk: Value,
}

fn key(kid: &str) -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    // Uncompressed point: 0x04, then x and y, 32 bytes each.
    let public = pair.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(&public[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
    });
    Key {
        pkcs8: pkcs8.as_ref().to_vec(),
        jwk,
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign(key: &Key, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ec_der(&key.pkcs8)).unwrap()
}

/// One sign-in against a server whose JWKS holds `published` and whose token response carries
/// the id_token `make` builds from the good claims (the issuer, the client ID, the nonce sent).
async fn sign_in_with(
    published: &Key,
    make: impl Fn(Value) -> String,
) -> Result<whop_oauth::SignedIn, Error> {
    let jwks = json!({ "keys": [published.jwk] }).to_string();
    let id_token = Arc::new(Mutex::new(String::new()));
    let served = Arc::clone(&id_token);
    let server = OAuthServer::start(Duration::ZERO, move |r| match r.path.as_str() {
        "/.well-known/jwks.json" => (200, jwks.clone()),
        "/oauth/token" => {
            let body = json!({
                "access_token": "at_1", "refresh_token": "rt_1", "token_type": "Bearer",
                "expires_in": 3600, "id_token": *served.lock().unwrap(),
            });
            (200, body.to_string())
        }
        _ => (404, String::new()),
    })
    .await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().start();
    let good = json!({
        "iss": client.endpoints().issuer(), "aud": CLIENT_ID, "sub": "user_1",
        "exp": now() + 3600, "iat": now(), "nonce": pending.nonce().unwrap(),
    });
    *id_token.lock().unwrap() = make(good);
    let callback = Callback::from_query(&format!("code=c_1&state={}", pending.state()));
    client.finish(pending, &callback).await
}

/// Builds a case's id_token from the good claims.
type Make<'a> = Box<dyn Fn(Value) -> String + 'a>;

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

#[tokio::test]
async fn a_good_id_token_gives_its_claims() {
    let whop = key("k1");
    let signed_in = sign_in_with(&whop, |claims| sign(&whop, "k1", &claims))
        .await
        .unwrap();
    assert_eq!(signed_in.id_token.unwrap().sub, "user_1");
}

#[tokio::test]
async fn a_bad_id_token_refuses_the_sign_in_with_why() {
    let whop = key("k1");
    let other = key("k1");
    let cases: Vec<(&str, Make<'_>, IdTokenError)> = vec![
        (
            "wrong audience",
            Box::new(|c| sign(&whop, "k1", &with(c, "aud", json!("app_other")))),
            IdTokenError::Audience,
        ),
        (
            "wrong nonce",
            Box::new(|c| sign(&whop, "k1", &with(c, "nonce", json!("forged")))),
            IdTokenError::Nonce,
        ),
        (
            "no nonce",
            Box::new(|mut c| {
                c.as_object_mut().unwrap().remove("nonce");
                sign(&whop, "k1", &c)
            }),
            IdTokenError::Nonce,
        ),
        (
            "signed by another key",
            Box::new(|c| sign(&other, "k1", &c)),
            IdTokenError::Signature,
        ),
        (
            "expired",
            Box::new(|c| sign(&whop, "k1", &with(c, "exp", json!(now() - 3600)))),
            IdTokenError::Expired,
        ),
        (
            "another issuer",
            Box::new(|c| sign(&whop, "k1", &with(c, "iss", json!("https://evil")))),
            IdTokenError::Issuer,
        ),
        (
            "unknown kid",
            Box::new(|c| sign(&whop, "k2", &c)),
            IdTokenError::UnknownKey,
        ),
        (
            "HS256",
            Box::new(|c| {
                let key = EncodingKey::from_secret(b"guessable");
                jsonwebtoken::encode(&Header::new(Algorithm::HS256), &c, &key).unwrap()
            }),
            IdTokenError::Algorithm,
        ),
    ];
    for (name, make, expected) in cases {
        match sign_in_with(&whop, make).await {
            Err(Error::IdToken(got)) => assert_eq!(got, expected, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}
