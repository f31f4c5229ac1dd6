//! Issue 16, "first use without traps": one test per trap a new user hit, each against whop-mock.

use std::time::{Duration, Instant};

use bytes::Bytes;
use proptest::test_runner::{Config, TestRunner};
use tower::util::MapRequestLayer;
use whop_client::legacy::LicenseCheck;
use whop_client::{
    Applied, BoxClient, Client, Error, InvalidToken, PacingConfig, PacingLimit, RetryConfig, Token,
};
use whop_mock::{
    DEMO_CANCELING_LICENSE_KEY, DEMO_COMPANY_KEY, DEMO_EXPIRED_LICENSE_KEY, DEMO_LICENSE_KEY,
    DEMO_MEMBERSHIP_ID, DEMO_USER_TOKEN, Fault, MockServer, MockWhop,
};

fn token(value: &str) -> Token {
    Token::new(value).expect("a valid token")
}

/// The demo world without rate limits, served on loopback.
async fn demo() -> MockServer {
    let mock = MockWhop::demo_builder().no_rate_limits().build();
    mock.serve().await.expect("the mock serves on loopback")
}

/// A user client whose pacing allows one v5 call a minute, with a short deadline.
fn paced_to_one_call(server: &MockServer) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(token(DEMO_USER_TOKEN))
                .pacing(
                    PacingConfig::disabled()
                        .with_v5(Some(PacingLimit::new(1, Duration::from_secs(60)))),
                )
                .deadline(Duration::from_millis(500))
        })
        .build()
        .expect("builds")
}

// 1. A wrong base URL is not "no such key".
#[tokio::test]
async fn a_base_url_without_api_is_an_error_naming_the_route_not_not_found() {
    let server = demo().await;
    let client = Client::builder()
        .transport(|t| {
            t.base_url(server.origin()) // no `/api`
                .token(token(DEMO_USER_TOKEN))
        })
        .build()
        .expect("builds");
    let error = client
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect_err("an unknown route is an error, not NotFound");
    assert!(!error.is_not_found());
    let Error::Api(api) = &error else {
        panic!("an API error: {error}")
    };
    assert!(api.is_unknown_route());
    let route = format!("GET {}/v5/me/memberships/{{id}}", server.origin());
    assert_eq!(api.requested_route(), Some(route.as_str()));
    assert!(error.to_string().contains(&route), "{error}");
    assert!(!error.to_string().contains(DEMO_LICENSE_KEY), "{error}");
}

#[test]
fn whops_host_without_api_is_refused_at_build_with_the_right_base_url() {
    let error = Client::builder()
        .transport(|t| t.base_url("https://api.whop.com"))
        .build()
        .expect_err("refused");
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(
        error.to_string().contains("https://api.whop.com/api"),
        "{error}"
    );
}

// 2. The exported strategy makes only keys the client sends.
#[test]
fn ten_thousand_generated_license_keys_are_all_accepted_by_the_client() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    // A transport that answers Whop's not-found to everything: any key the client sends is fine.
    let not_found = tower::service_fn(|_: http::Request<Bytes>| async move {
        let response = http::Response::builder()
            .status(404)
            .body(Bytes::from_static(br#"{"message":"Membership not found"}"#))
            .expect("a response");
        Ok::<_, std::convert::Infallible>(response)
    });
    let client = Client::with_service(not_found);
    let config = Config {
        failure_persistence: None,
        ..Config::with_cases(10_000)
    };
    let mut runner = TestRunner::new(config);
    runner
        .run(&whop_models::strategy::license_key(), |key| {
            let check = runtime.block_on(client.legacy().check_license(key.as_str()));
            assert!(
                matches!(check, Ok(LicenseCheck::NotFound)),
                "refused {key:?}: {check:?}"
            );
            Ok(())
        })
        .expect("every generated key is sendable");
}

// 3. Local pacing is rate limiting too.
#[tokio::test]
async fn a_local_pacing_refusal_is_rate_limited_and_says_so() {
    let server = demo().await;
    let client = paced_to_one_call(&server);
    client
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect("the first call has a slot");
    let error = client
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect_err("no slot before the deadline");
    assert!(error.is_rate_limited_locally());
    assert!(error.is_rate_limited());
    assert_eq!(error.applied(), Applied::No);
    let text = error.to_string();
    assert!(text.starts_with("rate limited locally"), "{text}");
    assert!(!text.contains("transport failed"), "{text}");
}

#[tokio::test]
async fn a_local_pacing_refusal_says_how_long_to_wait() {
    let server = demo().await;
    let client = paced_to_one_call(&server);
    client
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect("a slot");
    let error = client
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect_err("paced out");
    let wait = error.retry_after().expect("the wait pacing expected");
    assert!(
        wait > Duration::from_secs(50) && wait <= Duration::from_secs(62),
        "{wait:?}"
    );
}

// 4. The mock's own client builder: no pacing against a mock that enforces no limits.
#[tokio::test]
async fn twenty_five_checks_through_the_mocks_client_builder_take_under_a_second() {
    let server = demo().await;
    let client = Client::builder_for(&server, token(DEMO_USER_TOKEN))
        .build()
        .expect("builds");
    let started = Instant::now();
    for _ in 0..25 {
        let check = client
            .legacy()
            .check_license(DEMO_LICENSE_KEY)
            .await
            .expect("answers");
        assert!(check.is_valid());
    }
    let took = started.elapsed();
    eprintln!("25 license checks through Client::builder_for: {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

// 5. 403 is its own case.
#[tokio::test]
async fn a_user_token_on_a_company_endpoint_is_forbidden_not_unauthorized() {
    let server = demo().await;
    let user = Client::builder_for(&server, token(DEMO_USER_TOKEN))
        .build()
        .expect("builds");
    let error = user
        .legacy()
        .cancel_membership(DEMO_MEMBERSHIP_ID)
        .await
        .expect_err("a user token cannot cancel");
    assert!(error.is_forbidden(), "{error}");
    assert!(!error.is_unauthorized());
    let stranger = user.with_token(&token("no-such-token"));
    let error = stranger
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect_err("401");
    assert!(error.is_unauthorized() && !error.is_forbidden(), "{error}");
}

// 6. One demo world: the expired key is found, and not valid.
#[tokio::test]
async fn the_demo_worlds_keys_answer_as_their_constants_say() {
    let server = demo().await;
    let user = Client::builder_for(&server, token(DEMO_USER_TOKEN))
        .build()
        .expect("builds");
    let expired = user
        .legacy()
        .check_license(DEMO_EXPIRED_LICENSE_KEY)
        .await
        .expect("answers");
    assert!(matches!(expired, LicenseCheck::Invalid(_)), "{expired:?}");
    let canceling = user
        .legacy()
        .check_license(DEMO_CANCELING_LICENSE_KEY)
        .await
        .expect("answers");
    let LicenseCheck::Valid(membership) = canceling else {
        panic!("valid until the period ends: {canceling:?}")
    };
    assert_eq!(membership.cancel_at_period_end, Some(true));
}

// 7. A layer without leaving the builder; a client type to store; `?` on token errors.
struct App {
    whop: BoxClient,
}

fn app(server: &MockServer) -> Result<App, Error> {
    let token = Token::new(DEMO_COMPANY_KEY)?; // InvalidToken converts with `?`
    let whop = Client::builder_for(server, token)
        .layer(MapRequestLayer::new(|mut request: http::Request<Bytes>| {
            let source = http::HeaderValue::from_static("billing");
            request.headers_mut().insert("x-request-source", source);
            request
        }))
        .build()?;
    Ok(App { whop })
}

#[tokio::test]
async fn a_layer_from_the_builder_adds_its_header_to_what_whop_receives() {
    let server = demo().await;
    let app = app(&server).expect("builds");
    app.whop
        .legacy()
        .cancel_membership(DEMO_MEMBERSHIP_ID)
        .await
        .expect("cancels");
    let received = server.mock().requests();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].headers["x-request-source"], "billing");
    let refused: Result<Token, InvalidToken> = Token::new("");
    let converted: Error = refused.expect_err("empty").into();
    assert!(matches!(converted, Error::InvalidInput(_)));
}

// 8. A build error states the rule and the fix.
#[test]
fn plain_http_to_a_remote_host_is_refused_at_build_stating_the_rule() {
    let error = Client::builder()
        .transport(|t| t.base_url("http://example.com/api"))
        .build()
        .expect_err("refused");
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("plain http is allowed only to loopback hosts"),
        "{text}"
    );
    assert!(text.contains("use https"), "{text}");
    assert!(!text.contains("was never sent"), "{text}");
}

// 9. The builder's token and `with_token` take the same type.
#[test]
fn the_builder_and_with_token_take_the_same_token() {
    let token = token("sk_test");
    let client = Client::builder()
        .transport(|t| t.token(token.clone()))
        .build()
        .expect("builds");
    let _user = client.with_token(&token);
}

// 11. Terminate: now, irreversibly, never retried for you.
#[tokio::test]
async fn terminate_ends_access_at_once() {
    let server = demo().await;
    let company = Client::builder_for(&server, token(DEMO_COMPANY_KEY))
        .build()
        .expect("builds");
    let membership = company
        .legacy()
        .terminate_membership(DEMO_MEMBERSHIP_ID)
        .await
        .expect("terminates");
    assert_eq!(membership.valid, Some(false));
    let user = company.with_token(&token(DEMO_USER_TOKEN));
    let check = user
        .legacy()
        .check_license(DEMO_LICENSE_KEY)
        .await
        .expect("answers");
    assert!(matches!(check, LicenseCheck::Invalid(_)), "{check:?}");
}

#[tokio::test]
async fn a_terminate_that_meets_a_server_error_is_not_retried() {
    let server = demo().await;
    let company = Client::builder_for(&server, token(DEMO_COMPANY_KEY))
        .transport(|t| t.retry(RetryConfig::default().with_base_delay(Duration::from_millis(1))))
        .build()
        .expect("builds");
    server.mock().inject_after_handling(Fault::Status(503), 1);
    let error = company
        .legacy()
        .terminate_membership(DEMO_MEMBERSHIP_ID)
        .await
        .expect_err("503");
    assert_eq!(error.applied(), Applied::Maybe);
    assert_eq!(server.mock().requests().len(), 1, "retried");
}
