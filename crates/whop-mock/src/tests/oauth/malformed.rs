//! Property tests: whatever arrives at an OAuth endpoint, the mock answers with an OAuth answer
//! (a redirect, or a 4xx `{"error", "error_description"}`) and never panics.

use proptest::prelude::*;

use super::*;

/// The parameter names the endpoints read, so that generated requests reach deep checks.
const KEYS: [&str; 16] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "company_id",
    "grant_type",
    "code",
    "code_verifier",
    "client_secret",
    "refresh_token",
    "token",
    "x",
];

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let value = prop_oneof![
        Just(PUBLIC_CLIENT.to_owned()),
        Just(REDIRECT.to_owned()),
        Just("code".to_owned()),
        Just("S256".to_owned()),
        Just("authorization_code".to_owned()),
        Just("refresh_token".to_owned()),
        Just(challenge(VERIFIER)),
        Just(VERIFIER.to_owned()),
        ".{0,60}",
    ];
    prop::collection::vec((prop::sample::select(KEYS.to_vec()), value), 0..12)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// An OAuth answer: a `302` with a `Location`, or a 4xx with the error shape, or a 200.
fn assert_oauth_answer(response: &Response<Bytes>) {
    let status = response.status().as_u16();
    match status {
        302 => assert!(response.headers().contains_key("location")),
        200 => {}
        400 | 401 => {
            let body = json(response);
            assert!(body["error"].is_string() && body["error_description"].is_string());
        }
        other => panic!("unexpected status {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_authorization_request_gets_an_oauth_answer(pairs in pairs()) {
        let mock = oauth_world().build();
        let response = run(call(&mock, authorize_request(&Params(pairs))));
        assert_oauth_answer(&response);
    }

    #[test]
    fn any_token_or_revocation_body_gets_an_oauth_answer(
        path in prop::sample::select(vec!["/oauth/token", "/oauth/revoke", "/api/v5/oauth/token"]),
        pairs in pairs(),
        as_json in any::<bool>(),
        raw in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        authorization in proptest::option::of("(Basic|Bearer|basic) [ -~]{0,40}"),
    ) {
        let mock = oauth_world().build();
        let params = Params(pairs);
        let body = match (&raw, as_json) {
            (Some(raw), _) => Bytes::from(raw.clone()),
            (None, true) => Bytes::from(params.json().to_string()),
            (None, false) => Bytes::from(params.encoded()),
        };
        let content_type = if as_json { "application/json" } else { "application/x-www-form-urlencoded" };
        let mut request = Request::post(path).header("content-type", content_type);
        if let Some(authorization) = &authorization {
            request = request.header("authorization", authorization.as_str());
        }
        let response = run(call(&mock, request.body(body).expect("a request")));
        assert_oauth_answer(&response);
    }
}
