//! The OAuth authorization server: one behaviour a test, refusals as case tables.

mod authorize;
mod malformed;
#[cfg(feature = "oidc")]
mod oidc;
mod token;
mod use_tokens;

use std::collections::HashMap;

use base64::Engine as _;
use bytes::Bytes;
use http::{Request, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{call, json, world};
use crate::body::decode_query_part;
use crate::{MockWhop, MockWhopBuilder, OAuthApp};

const PUBLIC_CLIENT: &str = "app_public";
const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const CONFIDENTIAL_CLIENT: &str = "app_server";
const SECRET: &str = "apik_secret";
const SERVER_REDIRECT: &str = "https://example.com/auth/callback";
const VERIFIER: &str = "a-pkce-verifier-of-at-least-43-characters.0123456789~";
const STATE: &str = "state 1/2";
const NONCE: &str = "nonce-1";
/// The user the mock's consent screen stands for in these tests.
const OAUTH_USER: &str = "user_1";

/// The S256 challenge of `verifier`, computed here apart from the mock's own code.
fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The shared world, with a public and a confidential app, `user_1` signed in.
fn oauth_world() -> MockWhopBuilder {
    world()
        .oauth_user(OAUTH_USER)
        .oauth_app(OAuthApp::public(PUBLIC_CLIENT).redirect_uri(REDIRECT))
        .oauth_app(
            OAuthApp::confidential(CONFIDENTIAL_CLIENT, SECRET)
                .redirect_uri(SERVER_REDIRECT)
                .scope("member:basic:read"),
        )
}

/// Request parameters, in order, to change one at a time.
#[derive(Clone)]
struct Params(Vec<(String, String)>);

impl Params {
    fn new(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// A valid authorization request of the public app (no `openid`, so that it needs no
    /// feature).
    fn authorize() -> Self {
        Self::new(&[
            ("response_type", "code"),
            ("client_id", PUBLIC_CLIENT),
            ("redirect_uri", REDIRECT),
            ("scope", "profile email"),
            ("state", STATE),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
        ])
    }

    /// Replaces (or adds) `key`.
    fn set(mut self, key: &str, value: &str) -> Self {
        self = self.without(key);
        self.0.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Adds `key` once more.
    fn add(mut self, key: &str, value: &str) -> Self {
        self.0.push((key.to_owned(), value.to_owned()));
        self
    }

    fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self
    }

    fn encoded(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn json(&self) -> Value {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn authorize_request(params: &Params) -> Request<Bytes> {
    Request::get(format!("/oauth/authorize?{}", params.encoded()))
        .header("host", "127.0.0.1:4000")
        .body(Bytes::new())
        .expect("a request")
}

/// A form-encoded `POST` to `path`.
fn form_post(path: &str, params: &Params) -> Request<Bytes> {
    Request::post(path)
        .header("host", "127.0.0.1:4000")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(params.encoded()))
        .expect("a request")
}

/// The query of a redirect's `Location`, decoded.
fn redirected(response: &Response<Bytes>) -> HashMap<String, String> {
    assert_eq!(response.status(), 302, "not a redirect");
    let location = response.headers()["location"].to_str().expect("ASCII");
    let (_, query) = location.split_once('?').expect("a query");
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_query_part(k), decode_query_part(v))
        })
        .collect()
}

/// The code of a valid authorization request.
async fn code_for(mock: &MockWhop, params: &Params) -> String {
    let response = call(mock, authorize_request(params)).await;
    redirected(&response)
        .remove("code")
        .expect("a code in the redirect")
}

/// The code exchange of the public app, to change one parameter at a time.
fn exchange(code: &str) -> Params {
    Params::new(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", PUBLIC_CLIENT),
        ("code_verifier", VERIFIER),
    ])
}

/// Signs in with the public app: the token response.
async fn sign_in(mock: &MockWhop) -> Value {
    let code = code_for(mock, &Params::authorize()).await;
    let response = call(mock, form_post("/oauth/token", &exchange(&code))).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    json(&response)
}

fn refresh(refresh_token: &str) -> Params {
    Params::new(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", PUBLIC_CLIENT),
    ])
}

/// The `error` of an OAuth error answer, after checking its shape.
fn oauth_error(response: &Response<Bytes>) -> String {
    let body = json(response);
    assert!(
        body["error_description"].is_string(),
        "no error_description: {body}"
    );
    body["error"].as_str().expect("an error code").to_owned()
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}
