//! A desktop app's license gate with no secret in the binary: the customer signs in with Whop,
//! and the app reads *their* memberships of its product.
//!
//! ```sh
//! cargo run -p whop-oauth --example desktop_gate                     # on the embedded mock
//! WHOP_CLIENT_ID=app_... WHOP_PRODUCT_ID=prod_... cargo run -p whop-oauth --example desktop_gate
//! ```
//!
//! Since Whop's v2 retired, an account API key must never ship inside downloadable software. A
//! *public* OAuth app (`oauth_client_type: public`: PKCE alone, no client secret) signs the user in
//! through the system browser and a loopback redirect (RFC 8252), and the user's own token lists
//! their memberships on the Current API (`GET /v1/memberships?user_id=me&product_ids=…`). The app
//! starts when one of them grants access.
//!
//! - **Without `WHOP_CLIENT_ID`** it starts an embedded whop-mock (its OAuth server signs in the
//!   demo user at once) with a public app registered for this run's loopback redirect URI, and an
//!   HTTP client plays the browser. It gates on the demo product (licensed) and on a product the
//!   demo user does not own (not licensed), and exits 0 when both answers are right.
//! - **With `WHOP_CLIENT_ID`** (the app's `app_…` ID) it prints the authorization URL for you to
//!   open, waits up to five minutes for the browser on `http://127.0.0.1:<port>/callback` (port
//!   `WHOP_REDIRECT_PORT`, default 53682; register that exact URI in the app's OAuth settings),
//!   then gates on `WHOP_PRODUCT_ID`. Exit status 0: licensed; 1: not licensed; 2: an error.
//!   `WHOP_BASE_URL` points both the API and OAuth elsewhere.
//!
//! The browser step below is written out by hand (a plain loopback listener) until whop-oauth's
//! native-app module lands: it will open the system browser, listen on an ephemeral port and
//! answer the single request itself.

use std::future::poll_fn;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tower::ServiceExt as _;
use whop_client::{BoxClient, Client, Stream};
use whop_mock::{MockWhop, OAuthApp};
use whop_oauth::{Callback, MemoryTokenStore, OAuthClient, TokenSource, UserAuthLayer};
use whop_transport::{BaseUrl, Transport};

/// The embedded mock's app: public, as a desktop app must be (its binary can keep no secret).
const DEMO_CLIENT_ID: &str = "app_desktop_demo";
/// A product the demo user has no membership of.
const NOT_OWNED_PRODUCT_ID: &str = "prod_not_owned_demo";
/// How long the user has to finish signing in, in the browser.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// The largest request head the loopback listener reads.
const MAX_HEAD: usize = 8 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("desktop_gate: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<ExitCode, BoxError> {
    let on_whop = std::env::var("WHOP_CLIENT_ID").ok();
    let port = match (&on_whop, std::env::var("WHOP_REDIRECT_PORT")) {
        (None, _) => 0,
        (Some(_), Ok(port)) => port.parse()?,
        (Some(_), Err(_)) => 53682,
    };
    // Bound before the sign-in starts, so the browser's redirect always finds it.
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let redirect_uri = format!("http://{}/callback", listener.local_addr()?);

    let (client_id, base_url, mock) = match on_whop {
        Some(client_id) => (
            client_id,
            std::env::var(whop_client::ENV_BASE_URL).ok(),
            None,
        ),
        None => {
            let mock = MockWhop::demo_builder()
                .oauth_app(OAuthApp::public(DEMO_CLIENT_ID).redirect_uri(&redirect_uri))
                .build();
            let server = mock.serve().await?;
            println!(
                "No WHOP_CLIENT_ID: Whop is the embedded mock at {}",
                server.origin()
            );
            (
                DEMO_CLIENT_ID.to_owned(),
                Some(server.base_url()),
                Some(server),
            )
        }
    };

    // No `client_auth`: `ClientAuth::None`, PKCE alone. Nothing secret is compiled in.
    let mut oauth = OAuthClient::builder(client_id, &redirect_uri);
    if let Some(base_url) = &base_url {
        oauth = oauth.base_url(BaseUrl::parse(base_url)?);
    }
    let oauth = oauth.build()?;

    // 1. Sign in: the browser opens the URL, Whop redirects it back to the loopback listener.
    let pending = oauth.authorize().start();
    println!("Sign in with Whop: open {}", pending.url());
    let browser = mock
        .as_ref()
        .map(|_| tokio::spawn(play_the_browser(pending.url().to_owned())));
    let query = tokio::time::timeout(SIGN_IN_TIMEOUT, wait_for_callback(&listener))
        .await
        .map_err(|_| "no sign-in within five minutes")??;
    if let Some(browser) = browser {
        browser.await??;
    }
    let signed_in = oauth.finish(pending, &Callback::from_query(&query)).await?;
    if let Some(claims) = &signed_in.id_token {
        println!("Signed in as {} (id_token verified)", claims.sub);
    }

    // 2. Keep the tokens. A real app persists them (the OS keyring, or a file only the user can
    //    read) by implementing `TokenStore`, so the next start needs no browser: the refresh
    //    token, rotated at every refresh, is saved before the new access token is used.
    let store = MemoryTokenStore::new();
    let source = Arc::new(TokenSource::new(oauth, store.clone()));
    source.sign_in(signed_in.tokens).await?;
    if let Some(kept) = store.get() {
        println!(
            "Tokens stored: an access token refreshed when due{}",
            if kept.refresh_token().is_some() {
                ", and a refresh token"
            } else {
                ""
            }
        );
    }

    // 3. The API as the user: `UserAuthLayer` adds their token, refreshing it when due or after
    //    a 401.
    let api = Client::builder()
        .layer(UserAuthLayer::new(Arc::clone(&source)))
        .transport(|t| match &base_url {
            Some(base_url) => t.base_url(base_url.as_str()),
            None => t,
        })
        .build()?;

    let code = match &mock {
        None => {
            let product = std::env::var("WHOP_PRODUCT_ID")
                .map_err(|_| "set WHOP_PRODUCT_ID to the product this app is sold as")?;
            if licensed(&api, &product).await? {
                println!("Licensed: starting the app.");
                ExitCode::SUCCESS
            } else {
                println!("No membership of {product} grants access: not starting.");
                ExitCode::from(1)
            }
        }
        Some(_) => {
            let mut as_expected = true;
            for (product, expect) in [
                (whop_mock::DEFAULT_PRODUCT_ID, true),
                (NOT_OWNED_PRODUCT_ID, false),
            ] {
                let licensed = licensed(&api, product).await?;
                println!(
                    "{product}: {}",
                    if licensed {
                        "licensed, the app starts"
                    } else {
                        "not licensed, the app does not start"
                    }
                );
                as_expected &= licensed == expect;
            }
            if as_expected {
                ExitCode::SUCCESS
            } else {
                eprintln!("desktop_gate: a product was not gated as expected");
                ExitCode::FAILURE
            }
        }
    };
    if let Some(server) = mock {
        server.shutdown().await;
    }
    Ok(code)
}

/// Whether one of the signed-in user's memberships of `product` grants access now.
async fn licensed(api: &BoxClient, product: &str) -> Result<bool, BoxError> {
    let mut memberships = api.list_memberships().me().product_id(product).items();
    while let Some(membership) = poll_fn(|cx| Pin::new(&mut memberships).poll_next(cx)).await {
        if membership?.grants_access() {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---- The browser step, by hand until whop-oauth's native-app module lands -------------------

/// Waits for the browser's request to `/callback` and answers it with a page the user can close;
/// any other request (a `favicon.ico`) gets a 404. Returns the callback's query string.
async fn wait_for_callback(listener: &TcpListener) -> Result<String, BoxError> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        let mut head = Vec::new();
        let mut chunk = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut chunk).await?;
            if n == 0 || head.len() + n > MAX_HEAD {
                break;
            }
            head.extend_from_slice(&chunk[..n]);
        }
        // The request line: `GET /callback?code=…&state=… HTTP/1.1`.
        let line = String::from_utf8_lossy(&head);
        let target = line.split_whitespace().nth(1).unwrap_or_default();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != "/callback" {
            stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await?;
            continue;
        }
        let page = "<!doctype html><title>Signed in</title>\
                    <p>You can close this tab and return to the app.</p>";
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{page}",
            page.len()
        );
        stream.write_all(answer.as_bytes()).await?;
        return Ok(query.to_owned());
    }
}

/// The embedded mock's stand-in for the user's browser: opens the authorization URL (the mock
/// consents at once) and follows its redirect to the loopback listener.
async fn play_the_browser(authorization_url: String) -> Result<(), BoxError> {
    let http = Transport::builder().build_http_client()?;
    let get = |url: String| {
        let http = http.clone();
        async move {
            let request = http::Request::get(url).body(Bytes::new())?;
            Ok::<_, BoxError>(http.oneshot(request).await?)
        }
    };
    let consented = get(authorization_url).await?;
    let callback = consented
        .headers()
        .get(http::header::LOCATION)
        .ok_or_else(|| {
            format!(
                "the authorize endpoint answered {} without a redirect",
                consented.status()
            )
        })?
        .to_str()?
        .to_owned();
    let page = get(callback).await?;
    println!("browser: {}", String::from_utf8_lossy(page.body()));
    Ok(())
}
