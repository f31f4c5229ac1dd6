//! Where Whop's OAuth endpoints are: fixed paths at the origin of the API's base URL.
//!
//! Whop's API root is `https://api.whop.com/api`, but OAuth lives beside it at
//! `https://api.whop.com/oauth/…`. Deriving both from one [`BaseUrl`] keeps a single setting
//! (`WHOP_BASE_URL`) for a test server, and the base URL's policy (`https`, or `http` to loopback
//! only) then holds for OAuth too.

use oauth2::url::Url;
use whop_transport::BaseUrl;

use crate::Error;

/// The OAuth endpoints' paths at the origin.
const AUTHORIZE: &str = "/oauth/authorize";
const TOKEN: &str = "/oauth/token";
const USERINFO: &str = "/oauth/userinfo";
const REVOKE: &str = "/oauth/revoke";
/// The JWKS path of Whop's discovery document and official SDKs' default.
const JWKS: &str = "/.well-known/jwks.json";
/// The legacy exchange, under the API root (not the origin).
const LEGACY_TOKEN: &str = "/v5/oauth/token";

/// Whop's OAuth endpoints for one base URL.
///
/// ```
/// use whop_oauth::Endpoints;
/// use whop_transport::BaseUrl;
///
/// let whop = Endpoints::whop();
/// assert_eq!(whop.token().as_str(), "https://api.whop.com/oauth/token");
/// let local = Endpoints::for_base_url(&BaseUrl::parse("http://127.0.0.1:8080/api")?)?;
/// assert_eq!(local.authorize().as_str(), "http://127.0.0.1:8080/oauth/authorize");
/// assert_eq!(local.legacy_token().as_str(), "http://127.0.0.1:8080/api/v5/oauth/token");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    issuer: String,
    authorize: Url,
    token: Url,
    userinfo: Url,
    revoke: Url,
    jwks: Url,
    legacy_token: Url,
}

impl Endpoints {
    /// Whop's own: at `https://api.whop.com`.
    pub fn whop() -> Self {
        Self::for_base_url(&BaseUrl::whop()).expect("Whop's base URL has an origin")
    }

    /// The endpoints at `base_url`'s origin (the legacy exchange under `base_url` itself).
    ///
    /// # Errors
    /// [`Error::Config`] if the base URL does not parse as a URL with a host (a [`BaseUrl`]
    /// always does).
    pub fn for_base_url(base_url: &BaseUrl) -> Result<Self, Error> {
        let base = Url::parse(base_url.as_str())
            .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
        let at = |path: &str| -> Result<Url, Error> {
            base.join(path)
                .map_err(|e| Error::Config(format!("cannot put {path} at the base URL: {e}")))
        };
        let legacy_token =
            Url::parse(&format!("{}{LEGACY_TOKEN}", base_url.as_str())).map_err(|e| {
                Error::Config(format!("cannot put {LEGACY_TOKEN} under the base URL: {e}"))
            })?;
        Ok(Self {
            // Whop's discovery document names the bare origin, with no trailing slash.
            issuer: base.origin().ascii_serialization(),
            authorize: at(AUTHORIZE)?,
            token: at(TOKEN)?,
            userinfo: at(USERINFO)?,
            revoke: at(REVOKE)?,
            jwks: at(JWKS)?,
            legacy_token,
        })
    }

    /// The `iss` of Whop's `id_token`s: the origin (`https://api.whop.com`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `GET /oauth/authorize`, where the user's browser goes.
    pub fn authorize(&self) -> &Url {
        &self.authorize
    }

    /// `POST /oauth/token`: the code exchange and the refresh.
    pub fn token(&self) -> &Url {
        &self.token
    }

    /// `GET /oauth/userinfo`: the signed-in user's OpenID claims.
    pub fn userinfo(&self) -> &Url {
        &self.userinfo
    }

    /// `POST /oauth/revoke`: sign-out.
    pub fn revoke(&self) -> &Url {
        &self.revoke
    }

    /// `GET /.well-known/jwks.json`: the keys that sign `id_token`s.
    pub fn jwks(&self) -> &Url {
        &self.jwks
    }

    /// `POST /api/v5/oauth/token`: the legacy exchange, with a client secret.
    pub fn legacy_token(&self) -> &Url {
        &self.legacy_token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_sit_at_the_origin_whatever_the_base_path() {
        let cases = [
            (
                "https://api.whop.com/api",
                "https://api.whop.com/oauth/token",
            ),
            ("http://127.0.0.1:9/api", "http://127.0.0.1:9/oauth/token"),
            (
                "http://localhost:9/deep/root/",
                "http://localhost:9/oauth/token",
            ),
            ("http://127.0.0.1:9", "http://127.0.0.1:9/oauth/token"),
        ];
        for (base, token) in cases {
            let endpoints = Endpoints::for_base_url(&BaseUrl::parse(base).unwrap()).unwrap();
            assert_eq!(endpoints.token().as_str(), token, "{base}");
        }
    }

    #[test]
    fn jwks_is_the_well_known_path() {
        assert_eq!(
            Endpoints::whop().jwks().as_str(),
            "https://api.whop.com/.well-known/jwks.json"
        );
    }
}
