//! API calls through `UserAuthLayer` around whop-transport's `Transport`, against a loopback
//! server that is both the OAuth server and the API.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use support::{OAuthServer, Recorded, token_body};
use tower::{BoxError, Layer as _, Service as _, ServiceExt as _};
use whop_oauth::{ClientAuth, Error, MemoryTokenStore, TokenSet, TokenSource, UserAuthLayer};
use whop_transport::{Token, Transport};

const ME: &str = "/v1/memberships?user_id=me";

fn tokens(expires_in: i64) -> TokenSet {
    let now = SystemTime::now();
    let at = if expires_in >= 0 {
        now + Duration::from_secs(expires_in as u64)
    } else {
        now - Duration::from_secs(expires_in.unsigned_abs())
    };
    TokenSet::new("at_1", Some("rt_1".to_owned()), Some(at))
}

/// The API accepts only `accepted`; the token endpoint rotates to `at_2`.
async fn server(accepted: &'static str, delay: Duration) -> OAuthServer {
    OAuthServer::start(delay, move |r: &Recorded| match r.path.as_str() {
        "/oauth/token" => (200, token_body("at_2", "rt_2", 3600)),
        _ if r
            .headers
            .get("authorization")
            .is_some_and(|v| v == accepted) =>
        {
            (200, r#"{"data":[]}"#.to_owned())
        }
        _ => (401, r#"{"error":{"message":"expired"}}"#.to_owned()),
    })
    .await
}

async fn call(
    server: &OAuthServer,
    source: &Arc<TokenSource>,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, BoxError> {
    let transport = Transport::builder()
        .base_url(server.base_url().as_str())
        .build()
        .unwrap();
    let mut service = UserAuthLayer::new(Arc::clone(source)).layer(transport);
    service.ready().await?.call(request).await
}

fn source(server: &OAuthServer, set: TokenSet) -> Arc<TokenSource> {
    Arc::new(TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(set),
    ))
}

fn me() -> http::Request<Bytes> {
    http::Request::get(ME).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn api_calls_carry_the_signed_in_users_token() {
    let server = server("Bearer at_1", Duration::ZERO).await;
    let response = call(&server, &source(&server, tokens(3600)), me())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.seen()[0].headers["authorization"], "Bearer at_1");
    assert_eq!(server.count("/oauth/token"), 0);
}

#[tokio::test]
async fn a_401_refreshes_once_and_resends_with_the_new_token() {
    let server = server("Bearer at_2", Duration::ZERO).await;
    let response = call(&server, &source(&server, tokens(3600)), me())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.count("/oauth/token"), 1);
    assert_eq!(server.count("/api/v1/memberships"), 2);
}

#[tokio::test]
async fn a_401_after_the_refresh_is_sign_in_again() {
    let server = server("Bearer nobody", Duration::ZERO).await;
    let error = call(&server, &source(&server, tokens(3600)), me())
        .await
        .unwrap_err();
    let error = error.downcast::<Error>().unwrap();
    assert!(matches!(*error, Error::SignInAgain { .. }), "{error:?}");
    assert_eq!(server.count("/oauth/token"), 1);
}

#[tokio::test]
async fn a_request_with_its_own_token_is_left_alone() {
    let server = server("Bearer mine", Duration::ZERO).await;
    let mut request = me();
    request.extensions_mut().insert(Token::new("mine").unwrap());
    let response = call(&server, &source(&server, tokens(-1)), request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.count("/oauth/token"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_api_calls_on_an_expired_token_make_one_refresh() {
    let server = Arc::new(server("Bearer at_2", Duration::from_millis(20)).await);
    let source = source(&server, tokens(-1));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let (server, source) = (Arc::clone(&server), Arc::clone(&source));
            tokio::spawn(async move { call(&server, &source, me()).await.map(|r| r.status()) })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
    assert_eq!(server.count("/oauth/token"), 1);
    assert_eq!(server.count("/api/v1/memberships"), 100);
}
