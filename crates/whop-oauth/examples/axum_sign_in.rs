//! "Sign in with Whop" on a web server (axum): a session cookie, the OAuth flow kept server-side,
//! and the signed-in user's memberships read with their own token.
//!
//! ```sh
//! cargo run -p whop-oauth --example axum_sign_in                  # embedded mock; open the URL
//! cargo run -p whop-oauth --example axum_sign_in -- --self-test   # the same, driven by itself
//! WHOP_CLIENT_ID=app_... WHOP_CLIENT_SECRET=apik_... cargo run -p whop-oauth --example axum_sign_in
//! ```
//!
//! Routes: `/login` starts the flow, `/callback` finishes it, `/me` lists the user's memberships
//! (`GET /v1/memberships?user_id=me`), `/logout` revokes the refresh token.
//!
//! - **The session.** The browser holds only a random session ID, in an `HttpOnly`,
//!   `SameSite=Lax` cookie; the [`PendingAuthorization`] (PKCE verifier, `state`, `nonce`) and
//!   later the tokens stay on the server. The pending sign-in is stored as JSON, as a database
//!   or Redis session store would hold it. The `state` is checked by whop-oauth, against the
//!   pending sign-in of the session the callback's cookie names.
//! - **Without `WHOP_CLIENT_ID`** it starts an embedded whop-mock (its OAuth server signs in the
//!   demo user at once) with a confidential app registered for this server's redirect URI, and
//!   listens on an ephemeral loopback port. With `--self-test` (what `tests/examples.rs` passes) an
//!   HTTP client plays the browser: `/login`, the mock's authorize redirect, `/callback` with the
//!   cookie, `/me`, `/logout`, `/me` again, then a forged callback; it exits 0 when `/me` showed
//!   the demo user's memberships, nothing after `/logout`, and the forged callback was refused.
//! - **With `WHOP_CLIENT_ID`** (the app's `app_…` ID) it talks to Whop: `WHOP_CLIENT_SECRET` for a
//!   confidential app (sent as HTTP Basic; omit it for a public one), `WHOP_REDIRECT_URI`
//!   (default `http://127.0.0.1:3000/callback`, registered in the app's OAuth settings exactly),
//!   `WHOP_BASE_URL` to point both the API and OAuth elsewhere. It listens on 127.0.0.1:3000.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use bytes::Bytes;
use http::StatusCode;
use tower::ServiceExt as _;
use whop_client::Client;
use whop_mock::{MockWhop, OAuthApp};
use whop_oauth::oauth2::CsrfToken;
use whop_oauth::{
    Callback, ClientAuth, MemoryTokenStore, OAuthClient, PendingAuthorization, TokenSource,
};
use whop_transport::{BaseUrl, HttpClient, Transport};

/// The session cookie's name.
const SESSION_COOKIE: &str = "whop_demo_session";
/// The embedded mock's app: confidential, as a server that can keep a secret may be.
const DEMO_CLIENT_ID: &str = "app_sign_in_demo";
const DEMO_CLIENT_SECRET: &str = "apik_sign_in_demo_secret";

/// What the server keeps for one session ID.
enum Session {
    /// `/login` was visited: the pending sign-in, as JSON (what a session store would hold).
    Pending(String),
    /// Signed in: the user's tokens, refreshed when due. A real server keeps them in its database
    /// by implementing `TokenStore` over it, instead of `MemoryTokenStore`.
    SignedIn(Arc<TokenSource>),
}

/// The server's state, shared by every request.
#[derive(Clone)]
struct App {
    oauth: OAuthClient,
    /// One API client (one connection pool) for every user; each call gets its user's token
    /// with `Client::with_token`.
    api: Client,
    /// Session ID to session. A real server expires these (a pending sign-in is worth nothing
    /// after 10 minutes: the code it waits for expires then).
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    /// Whether the cookie gets `Secure` (an `https` redirect URI).
    secure_cookie: bool,
}

impl App {
    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new session holding `session`, and the cookie naming it.
    fn new_session(&self, session: Session) -> Cookie<'static> {
        // 16 random bytes, base64url: the generator oauth2 makes `state` with.
        let id = CsrfToken::new_random().into_secret();
        self.sessions().insert(id.clone(), session);
        Cookie::build((SESSION_COOKIE, id))
            .http_only(true)
            // Lax, not Strict: the callback is a top-level navigation from Whop's site, and
            // Strict would leave the cookie behind, so no sign-in could ever finish.
            .same_site(SameSite::Lax)
            .secure(self.secure_cookie)
            .path("/")
            .build()
    }

    /// The session the cookie names, taken out of the store.
    fn take_session(&self, jar: &CookieJar) -> Option<Session> {
        let id = jar.get(SESSION_COOKIE)?.value().to_owned();
        self.sessions().remove(&id)
    }

    /// The pending sign-in of the session the cookie names, taken out of the store (so a
    /// callback is used once); a signed-in session is left alone.
    fn take_pending(&self, jar: &CookieJar) -> Option<String> {
        let id = jar.get(SESSION_COOKIE)?.value().to_owned();
        let mut sessions = self.sessions();
        match sessions.remove(&id)? {
            Session::Pending(json) => Some(json),
            signed_in => {
                sessions.insert(id, signed_in);
                None
            }
        }
    }

    /// The signed-in session the cookie names.
    fn signed_in(&self, jar: &CookieJar) -> Option<Arc<TokenSource>> {
        let id = jar.get(SESSION_COOKIE)?.value().to_owned();
        match self.sessions().get(&id)? {
            Session::SignedIn(source) => Some(Arc::clone(source)),
            Session::Pending(_) => None,
        }
    }
}

fn removal() -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE).path("/").build()
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, format!("{message}\n")).into_response()
}

async fn home() -> Html<&'static str> {
    Html(r#"<a href="/login">Sign in with Whop</a>"#)
}

/// Starts the flow: a new session holding the pending sign-in, and off to Whop.
async fn login(State(app): State<App>, jar: CookieJar) -> Response {
    if app.signed_in(&jar).is_some() {
        return Redirect::to("/me").into_response();
    }
    let pending = app.oauth.authorize().start();
    let json = match serde_json::to_string(&pending) {
        Ok(json) => json,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    // A sign-in the browser had started and not finished is dropped: one cookie, one session.
    drop(app.take_pending(&jar));
    let cookie = app.new_session(Session::Pending(json));
    (jar.add(cookie), Redirect::to(pending.url())).into_response()
}

/// Finishes the flow: the pending sign-in of this cookie's session, checked and exchanged by
/// whop-oauth.
async fn callback(State(app): State<App>, jar: CookieJar, RawQuery(query): RawQuery) -> Response {
    let Some(json) = app.take_pending(&jar) else {
        return error(
            StatusCode::BAD_REQUEST,
            "no sign-in under way: start at /login",
        );
    };
    let pending: PendingAuthorization = match serde_json::from_str(&json) {
        Ok(pending) => pending,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let callback = Callback::from_query(query.as_deref().unwrap_or_default());
    // A wrong `state`, a refusal (`error=access_denied`), a used code: each a typed error here.
    let signed_in = match app.oauth.finish(pending, &callback).await {
        Ok(signed_in) => signed_in,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("sign-in failed: {e}")),
    };
    let source = Arc::new(TokenSource::new(app.oauth.clone(), MemoryTokenStore::new()));
    if let Err(e) = source.sign_in(signed_in.tokens).await {
        return error(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    // A new session ID once signed in: an ID seen before the sign-in is worth nothing after it.
    let cookie = app.new_session(Session::SignedIn(source));
    (jar.add(cookie), Redirect::to("/me")).into_response()
}

/// The signed-in user's memberships, with their own token.
async fn me(State(app): State<App>, jar: CookieJar) -> Response {
    let Some(source) = app.signed_in(&jar) else {
        return Redirect::to("/login").into_response();
    };
    // `token()` refreshes first when the access token is about to expire.
    let token = match source.token().await {
        Ok(token) => token,
        Err(e) => return error(StatusCode::UNAUTHORIZED, format!("sign in again: {e}")),
    };
    let user = app.api.with_token(&token);
    let page = match user.list_memberships().me().send().await {
        Ok(page) => page,
        Err(e) => return error(StatusCode::BAD_GATEWAY, format!("listing memberships: {e}")),
    };
    let mut body = String::from("Your memberships:\n");
    for membership in &page.data {
        let access = if membership.grants_access() {
            "access"
        } else {
            "no access"
        };
        body.push_str(&format!("{} {access}\n", membership.id));
    }
    body.into_response()
}

/// Signs out: the refresh token revoked at Whop, the session and its cookie gone.
async fn logout(State(app): State<App>, jar: CookieJar) -> Response {
    let session = app.take_session(&jar);
    if let Some(Session::SignedIn(source)) = session {
        let revoked = source.sign_out().await;
        if let Err(e) = revoked {
            // The session is gone anyway; the access token lives out its hour (Whop cannot
            // revoke access tokens).
            eprintln!("axum_sign_in: revoking the refresh token failed: {e}");
        }
    }
    (jar.remove(removal()), Redirect::to("/")).into_response()
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/me", get(me))
        .route("/logout", get(logout))
        .with_state(app)
}

/// The app's settings: from the environment, or for the embedded mock.
struct Settings {
    client_id: String,
    auth: ClientAuth,
    redirect_uri: String,
    base_url: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("axum_sign_in: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let self_test = std::env::args().skip(1).any(|a| a == "--self-test");
    let (listener, settings, mock) = match std::env::var("WHOP_CLIENT_ID") {
        Ok(client_id) => {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 3000)).await?;
            let auth = match std::env::var("WHOP_CLIENT_SECRET") {
                Ok(secret) => ClientAuth::Basic(whop_oauth::oauth2::ClientSecret::new(secret)),
                Err(_) => ClientAuth::None,
            };
            let settings = Settings {
                client_id,
                auth,
                redirect_uri: std::env::var("WHOP_REDIRECT_URI")
                    .unwrap_or_else(|_| "http://127.0.0.1:3000/callback".to_owned()),
                base_url: std::env::var(whop_client::ENV_BASE_URL).ok(),
            };
            (listener, settings, None)
        }
        Err(_) => {
            // The port first: the mock's app registers this server's exact redirect URI.
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            let redirect_uri = format!("http://{}/callback", listener.local_addr()?);
            let mock = MockWhop::demo_builder()
                .oauth_app(
                    OAuthApp::confidential(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
                        .redirect_uri(&redirect_uri),
                )
                .build();
            let server = mock.serve().await?;
            println!(
                "No WHOP_CLIENT_ID: Whop is the embedded mock at {}",
                server.origin()
            );
            let settings = Settings {
                client_id: DEMO_CLIENT_ID.to_owned(),
                auth: ClientAuth::Basic(whop_oauth::oauth2::ClientSecret::new(
                    DEMO_CLIENT_SECRET.to_owned(),
                )),
                redirect_uri,
                base_url: Some(server.base_url()),
            };
            (listener, settings, Some((mock, server)))
        }
    };

    let mut oauth =
        OAuthClient::builder(settings.client_id, &settings.redirect_uri).client_auth(settings.auth);
    let api = match &settings.base_url {
        Some(base_url) => {
            oauth = oauth.base_url(BaseUrl::parse(base_url)?);
            Client::builder()
                .transport(|t| t.base_url(base_url.as_str()))
                .build()?
        }
        None => Client::builder().build()?,
    };
    let app = App {
        oauth: oauth.build()?,
        api,
        sessions: Arc::default(),
        secure_cookie: settings.redirect_uri.starts_with("https:"),
    };
    let origin = format!("http://{}", listener.local_addr()?);
    let serving = tokio::spawn(async move { axum::serve(listener, router(app)).await });

    let code = match (self_test, &mock) {
        (true, Some((mock, _server))) => {
            let outcome = play_the_browser(&origin, mock).await;
            match &outcome {
                Ok(()) => println!(
                    "self-test: signed in, listed, signed out, forgery refused: all as expected"
                ),
                Err(e) => eprintln!("self-test failed: {e}"),
            }
            if outcome.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        (true, None) => {
            eprintln!("--self-test runs only on the embedded mock: unset WHOP_CLIENT_ID");
            ExitCode::FAILURE
        }
        (false, _) => {
            // The cookie belongs to one host: the browser must start where the callback lands.
            let public = http::Uri::try_from(settings.redirect_uri.as_str())?;
            let public = format!(
                "{}://{}",
                public.scheme_str().unwrap_or("http"),
                public.authority().map_or(origin.as_str(), |a| a.as_str())
            );
            println!("Open {public}/login in your browser (Ctrl-C stops the server).");
            serving.await??;
            ExitCode::SUCCESS
        }
    };
    Ok(code)
}

// ---- The self-test: an HTTP client as the browser ------------------------------------------

/// One browser: follows nothing by itself, keeps the one session cookie.
struct Browser {
    http: HttpClient,
    cookie: Option<String>,
}

/// What a page answered.
struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    async fn get(&mut self, url: &str) -> Result<Page, Box<dyn std::error::Error>> {
        let mut request = http::Request::get(url);
        // The cookie goes only to the server that set it, as a browser would send it.
        if let (Some(cookie), false) = (&self.cookie, url.contains("/oauth/")) {
            request = request.header(http::header::COOKIE, cookie);
        }
        let response = self
            .http
            .clone()
            .oneshot(request.body(Bytes::new())?)
            .await?;
        for set in response.headers().get_all(http::header::SET_COOKIE) {
            let set = set.to_str()?;
            let pair = set.split(';').next().unwrap_or_default().trim();
            if !pair.starts_with(SESSION_COOKIE) {
                continue;
            }
            let lower = set.to_ascii_lowercase();
            if lower.contains("max-age=0") {
                // The server deleting the cookie.
                self.cookie = None;
            } else if lower.contains("httponly") && lower.contains("samesite=lax") {
                self.cookie = Some(pair.to_owned());
            } else {
                return Err(
                    format!("the session cookie lacks HttpOnly or SameSite=Lax: {set}").into(),
                );
            }
        }
        let location = response
            .headers()
            .get(http::header::LOCATION)
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()?;
        Ok(Page {
            status: response.status(),
            location,
            body: String::from_utf8_lossy(response.body()).into_owned(),
        })
    }
}

fn redirect(page: &Page, step: &str) -> Result<String, Box<dyn std::error::Error>> {
    match (&page.location, page.status.is_redirection()) {
        (Some(location), true) => Ok(location.clone()),
        _ => Err(format!(
            "{step}: expected a redirect, got {}: {}",
            page.status, page.body
        )
        .into()),
    }
}

async fn play_the_browser(origin: &str, mock: &MockWhop) -> Result<(), Box<dyn std::error::Error>> {
    let mut browser = Browser {
        http: Transport::builder().build_http_client()?,
        cookie: None,
    };
    let login = browser.get(&format!("{origin}/login")).await?;
    let authorize = redirect(&login, "/login")?;
    println!(
        "browser: /login sent it to {}",
        authorize.split('?').next().unwrap_or_default()
    );
    // The mock's consent screen consents at once and redirects back with `code` and `state`.
    let consented = browser.get(&authorize).await?;
    let callback = redirect(&consented, "the authorize endpoint")?;
    let finished = browser.get(&callback).await?;
    let me_url = redirect(&finished, "/callback")?;
    println!("browser: /callback signed in, on to {me_url}");
    let me = browser.get(&format!("{origin}{me_url}")).await?;
    print!("browser: /me answered {}:\n{}", me.status, me.body);
    if me.status != StatusCode::OK || !me.body.contains(whop_mock::DEMO_MEMBERSHIP_ID) {
        return Err("/me did not list the demo user's memberships".into());
    }
    let logout = browser.get(&format!("{origin}/logout")).await?;
    redirect(&logout, "/logout")?;
    if browser.cookie.is_some() {
        return Err("/logout left the session cookie".into());
    }
    let after = browser.get(&format!("{origin}/me")).await?;
    if redirect(&after, "/me after /logout")? != "/login" {
        return Err("/me after /logout did not send the browser to /login".into());
    }
    let revoked = mock
        .requests()
        .iter()
        .any(|r| r.method == http::Method::POST && r.path == "/oauth/revoke");
    if !revoked {
        return Err("/logout did not revoke the refresh token".into());
    }
    println!("browser: /logout signed out (refresh token revoked); /me now sends it to /login");

    // A forged callback (a `state` this browser's sign-in never sent) is refused by whop-oauth
    // before any code is exchanged.
    redirect(
        &browser.get(&format!("{origin}/login")).await?,
        "/login again",
    )?;
    let forged = browser
        .get(&format!("{origin}/callback?code=stolen&state=forged"))
        .await?;
    if forged.status != StatusCode::BAD_REQUEST {
        return Err(format!("a forged callback answered {}", forged.status).into());
    }
    print!("browser: a forged callback was refused: {}", forged.body);
    Ok(())
}
