//! Native sign-in through the loopback redirect, against whop-mock's OAuth server; the "browser"
//! is a plain HTTP client that follows the authorization URL's redirect as a browser would.
#![cfg(feature = "native")]

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use whop_mock::{MockServer, MockWhop, OAuthApp};
use whop_oauth::native::{LoopbackRedirect, NativeError, OpenUrl};
use whop_oauth::{Error, OAuthClient, OAuthErrorCode};
use whop_transport::BaseUrl;

const CLIENT_ID: &str = "app_native0000001";

async fn mock(consent: bool) -> MockServer {
    MockWhop::builder()
        .oauth_app(
            OAuthApp::public(CLIENT_ID)
                .redirect_uri("http://127.0.0.1:1/callback")
                .any_loopback_port(true),
        )
        .oauth_consent(consent)
        .no_rate_limits()
        .build()
        .serve()
        .await
        .unwrap()
}

fn client(server: &MockServer, redirect_uri: &str) -> OAuthClient {
    OAuthClient::builder(CLIENT_ID, redirect_uri)
        .base_url(BaseUrl::parse(&server.base_url()).unwrap())
        .build()
        .unwrap()
}

/// A GET as a browser sends it: the status, the `Location` and the body.
async fn get(url: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    let location = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("location")
            .then(|| value.trim().to_owned())
    });
    (status, location, body.to_owned())
}

/// An `OpenUrl` that hands the URL to the test's "browser".
fn browser() -> (OpenUrl, oneshot::Receiver<String>) {
    let (send, receive) = oneshot::channel();
    let open = OpenUrl::With(Box::new(move |url: &str| {
        let _ = send.send(url.to_owned());
    }));
    (open, receive)
}

/// Follows the authorization URL: the server's 302, then the loopback redirect.
async fn follow(url: oneshot::Receiver<String>) -> (u16, String) {
    let url = url.await.unwrap();
    let (status, location, _) = get(&url).await;
    assert_eq!(status, 302, "the authorize endpoint redirects");
    let location = location.expect("a Location");
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let (status, _, page) = get(&location).await;
    (status, page)
}

#[tokio::test]
async fn signs_in_through_the_loopback_redirect_and_shows_the_close_tab_page() {
    let server = mock(true).await;
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let client = client(&server, &redirect.redirect_uri());
    let (open, url) = browser();
    let browser = tokio::spawn(follow(url));
    let signed_in = redirect
        .sign_in(&client, client.authorize(), open)
        .await
        .unwrap();
    let (status, page) = browser.await.unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("You can close this tab"), "{page}");
    assert!(signed_in.id_token.is_some(), "the id_token was verified");
    let user = client.userinfo(&signed_in.tokens).await.unwrap();
    assert_eq!(user.sub, whop_mock::DEFAULT_USER_ID);
}

#[tokio::test]
async fn the_redirect_uri_is_loopback_on_an_ephemeral_port_at_callback() {
    let redirect = LoopbackRedirect::bind().await.unwrap();
    assert_ne!(redirect.port(), 0);
    assert_eq!(
        redirect.redirect_uri(),
        format!("http://127.0.0.1:{}/callback", redirect.port())
    );
}

#[tokio::test]
async fn another_request_gets_a_404_and_the_listener_keeps_waiting() {
    let server = mock(true).await;
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let uri = redirect.redirect_uri();
    let client = client(&server, &uri);
    let (open, url) = browser();
    let browser = tokio::spawn(async move {
        let origin = uri.trim_end_matches("/callback").to_owned();
        let (favicon, _, _) = get(&format!("{origin}/favicon.ico")).await;
        (favicon, follow(url).await)
    });
    let signed_in = redirect.sign_in(&client, client.authorize(), open).await;
    let (favicon, (status, _)) = browser.await.unwrap();
    assert_eq!(favicon, 404);
    assert_eq!(status, 200);
    assert!(signed_in.is_ok(), "{signed_in:?}");
}

#[tokio::test]
async fn a_refused_consent_is_an_authorization_error() {
    let server = mock(false).await;
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let client = client(&server, &redirect.redirect_uri());
    let (open, url) = browser();
    let browser = tokio::spawn(follow(url));
    let error = redirect
        .sign_in(&client, client.authorize(), open)
        .await
        .unwrap_err();
    browser.await.unwrap();
    assert!(
        matches!(
            &error,
            Error::Authorization {
                code: OAuthErrorCode::AccessDenied,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn no_callback_within_the_wait_is_a_timeout() {
    let server = mock(true).await;
    let redirect = LoopbackRedirect::bind()
        .await
        .unwrap()
        .wait(Duration::from_millis(200));
    let client = client(&server, &redirect.redirect_uri());
    let started = Instant::now();
    let error = redirect
        .sign_in(&client, client.authorize(), OpenUrl::With(Box::new(|_| {})))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Native(NativeError::Timeout(wait)) if wait == Duration::from_millis(200)),
        "{error:?}"
    );
    // Generous for a loaded 2-core machine: the point is that it does not wait 5 minutes.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_client_with_another_redirect_uri_is_refused_before_anything_is_shown() {
    let server = mock(true).await;
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let client = client(&server, "http://127.0.0.1:9/callback");
    let error = redirect
        .sign_in(
            &client,
            client.authorize(),
            OpenUrl::With(Box::new(|_| panic!("nothing is shown"))),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}
