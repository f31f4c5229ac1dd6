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
//!   demo user does not own (not licensed), then once more as the app's next start would (a new
//!   `TokenSource` over the same store, no browser), and exits 0 when every answer is right.
//! - **With `WHOP_CLIENT_ID`** (the app's `app_…` ID) it shows the authorization URL (opens the
//!   system browser when built with whop-oauth's feature `browser`, else prints it), waits up to
//!   five minutes for the browser on `http://127.0.0.1:<port>/callback` (port
//!   `WHOP_REDIRECT_PORT`, default 53682; register that exact URI in the app's OAuth settings),
//!   then gates on `WHOP_PRODUCT_ID`. Exit status 0: licensed; 1: not licensed; 2: an error.
//!   `WHOP_BASE_URL` points both the API and OAuth elsewhere.
//!
//! The browser step is whop-oauth's [`LoopbackRedirect`]: it listens on 127.0.0.1, shows the URL,
//! takes the single request to `/callback`, answers it with a "you can close this tab" page, and
//! finishes the sign-in (state, PKCE verifier, `id_token`).

use std::future::poll_fn;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tower::ServiceExt as _;
use whop_client::{BoxClient, Client, Stream};
use whop_mock::{MockWhop, OAuthApp};
use whop_oauth::native::{LoopbackRedirect, OpenUrl};
use whop_oauth::{MemoryTokenStore, OAuthClient, TokenSource, UserAuthLayer};
use whop_transport::{BaseUrl, Transport};

/// The embedded mock's app: public, as a desktop app must be (its binary can keep no secret).
const DEMO_CLIENT_ID: &str = "app_desktop_demo";
/// A product the demo user has no membership of.
const NOT_OWNED_PRODUCT_ID: &str = "prod_not_owned_demo";
/// The registered loopback port when `WHOP_REDIRECT_PORT` is not set.
const DEFAULT_REDIRECT_PORT: u16 = 53682;
/// How long the embedded mock's stand-in browser may take (a real user gets
/// `whop_oauth::native::DEFAULT_WAIT`, five minutes).
const MOCK_WAIT: Duration = Duration::from_secs(20);

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
    // Bound before the sign-in starts, so the browser's redirect always finds it. Whop matches
    // redirect URIs exactly, so a real app listens on the port it registered.
    let redirect = match &on_whop {
        None => LoopbackRedirect::bind().await?.wait(MOCK_WAIT),
        Some(_) => {
            let port = match std::env::var("WHOP_REDIRECT_PORT") {
                Ok(port) => port.parse()?,
                Err(_) => DEFAULT_REDIRECT_PORT,
            };
            LoopbackRedirect::bind_port(port).await?
        }
    };
    let redirect_uri = redirect.redirect_uri();

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
    let open = if mock.is_some() {
        OpenUrl::With(Box::new(|url: &str| {
            tokio::spawn(play_the_browser(url.to_owned()));
        }))
    } else {
        system_browser()
    };
    let signed_in = redirect.sign_in(&oauth, oauth.authorize(), open).await?;
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

    // 3. The API as the user, and the gate.
    let api = user_client(&source, base_url.as_deref())?;

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
            // The next start of the app: a new source over the same store, and no browser.
            let next_start = Arc::new(TokenSource::new(source.client().clone(), store));
            let api = user_client(&next_start, base_url.as_deref())?;
            let licensed = licensed(&api, whop_mock::DEFAULT_PRODUCT_ID).await?;
            println!(
                "next start, from the stored tokens: {}",
                if licensed { "licensed" } else { "not licensed" }
            );
            as_expected &= licensed;
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

/// An API client as the user of `source`: `UserAuthLayer` adds their token, refreshing it when
/// due or after a 401.
fn user_client(source: &Arc<TokenSource>, base_url: Option<&str>) -> Result<BoxClient, BoxError> {
    Ok(Client::builder()
        .layer(UserAuthLayer::new(Arc::clone(source)))
        .transport(|t| match base_url {
            Some(base_url) => t.base_url(base_url),
            None => t,
        })
        .build()?)
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

/// How a real user sees the authorization URL: the system browser when whop-oauth is built with
/// its feature `browser`, else printed (on stderr) for them to open.
fn system_browser() -> OpenUrl {
    #[cfg(feature = "browser")]
    let open = OpenUrl::System;
    #[cfg(not(feature = "browser"))]
    let open = OpenUrl::Print;
    open
}

/// The embedded mock's stand-in for the user's browser: opens the authorization URL (the mock
/// consents at once) and follows its redirect to the loopback listener. A failure is printed; the
/// sign-in then times out.
async fn play_the_browser(authorization_url: String) {
    if let Err(e) = browse(authorization_url).await {
        eprintln!("browser: {e}");
    }
}

async fn browse(authorization_url: String) -> Result<(), BoxError> {
    let http = Transport::builder().build_http_client()?;
    let get = |url: String| {
        let http = http.clone();
        async move {
            let request = http::Request::get(url).body(Bytes::new())?;
            Ok::<_, BoxError>(http.oneshot(request).await?)
        }
    };
    println!(
        "browser: opening {}",
        authorization_url.split('?').next().unwrap_or_default()
    );
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
    let shown = String::from_utf8_lossy(page.body());
    if !shown.contains("close this tab") {
        return Err(format!("the loopback page said: {shown}").into());
    }
    println!("browser: the app's loopback page says \"You can close this tab\"");
    Ok(())
}
