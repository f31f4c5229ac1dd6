//! [`OAuthApp`]: an app registered for "Sign in with Whop", as its OAuth settings in Whop's
//! Developer Dashboard describe it.

/// An OAuth app the mock's authorization server knows: its client ID (Whop's app ID, `app_…`),
/// its redirect URIs (matched exactly, as Whop does: no normalisation, a trailing slash makes
/// another URI), whether it is a `public` client (PKCE only) or a `confidential` one (which must
/// also authenticate with its client secret at the token endpoint, in the body or with HTTP
/// Basic), and the custom scopes enabled for it.
///
/// `openid`, `profile` and `email` are always allowed; any other scope (a Whop permission such as
/// `member:basic:read`) only once enabled with [`OAuthApp::scope`], as Whop requires scopes to be
/// enabled in the dashboard first.
///
/// ```
/// use whop_mock::{MockWhop, OAuthApp};
///
/// let _mock = MockWhop::builder()
///     .oauth_app(
///         OAuthApp::public("app_desktop").redirect_uri("http://127.0.0.1:53682/callback"),
///     )
///     .oauth_app(
///         OAuthApp::confidential("app_server", "apik_secret")
///             .redirect_uri("https://example.com/auth/callback")
///             .scope("member:basic:read"),
///     )
///     .build();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct OAuthApp {
    client_id: String,
    secret: Option<String>,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
    any_loopback_port: bool,
}

/// The OpenID Connect scopes every app may ask for.
pub(crate) const OIDC_SCOPES: [&str; 3] = ["openid", "profile", "email"];

impl OAuthApp {
    /// A public client (`oauth_client_type: public`): no secret, PKCE only. Right for desktop and
    /// command-line apps, which cannot keep a secret.
    pub fn public(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            secret: None,
            redirect_uris: Vec::new(),
            scopes: Vec::new(),
            any_loopback_port: false,
        }
    }

    /// A confidential client (`oauth_client_type: confidential`): PKCE and its client secret.
    pub fn confidential(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            secret: Some(secret.into()),
            ..Self::public(client_id)
        }
    }

    /// Registers a redirect URI (any number may be).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Lets a registered loopback redirect URI (`http://127.0.0.1:<port>/…` or
    /// `http://[::1]:<port>/…`) match a request's on any port, path and query still exact, as RFC
    /// 8252 §7.3 asks of servers for native apps that listen on an ephemeral port (default
    /// `false`). Whether Whop does this is not documented (its redirect URIs are matched exactly,
    /// and a desktop app seen in the wild registers a fixed port), so it is opt-in here.
    pub fn any_loopback_port(mut self, any: bool) -> Self {
        self.any_loopback_port = any;
        self
    }

    /// Enables a custom scope (a Whop permission string) for this app.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// The client ID.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret of a confidential client; `None` for a public one.
    #[must_use]
    pub fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }

    /// The registered redirect URIs.
    #[must_use]
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// Whether `uri` is registered, compared byte for byte (but for a loopback port, if
    /// [`OAuthApp::any_loopback_port`]).
    pub(crate) fn accepts_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|registered| {
            registered == uri || (self.any_loopback_port && same_but_loopback_port(registered, uri))
        })
    }

    /// Whether the app may ask for `scope`.
    pub(crate) fn allows_scope(&self, scope: &str) -> bool {
        OIDC_SCOPES.contains(&scope) || self.scopes.iter().any(|s| s == scope)
    }
}

/// Whether `a` and `b` are the same `http` loopback-IP URI but for the port.
fn same_but_loopback_port(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (a.parse::<http::Uri>(), b.parse::<http::Uri>()) else {
        return false;
    };
    let loopback = |uri: &http::Uri| {
        uri.scheme_str() == Some("http") && matches!(uri.host(), Some("127.0.0.1" | "[::1]"))
    };
    loopback(&a) && loopback(&b) && a.host() == b.host() && a.path_and_query() == b.path_and_query()
}
