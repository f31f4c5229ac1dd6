//! [`TokenSet`]: what a sign-in or a refresh yields, kept so that it can be stored and refreshed.

use std::fmt;
use std::time::{Duration, SystemTime};

use oauth2::{AccessToken, ExtraTokenFields, RefreshToken, TokenResponse as _};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::client::TokenResponse;

/// Whop's field beyond the standard token response: the OpenID `id_token`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(crate) struct WhopTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id_token: Option<String>,
}

impl ExtraTokenFields for WhopTokenFields {}

/// A user's tokens: the access token, the refresh token, when the access token expires, the
/// `id_token` if `openid` was asked, and the `company_id` the grant was made for (a refresh must
/// repeat it).
///
/// The expiry is a wall-clock time (`SystemTime`), not an `Instant`, so that a stored set still
/// means the same after a restart. `Debug` shows none of the tokens.
#[derive(Clone, Deserialize, Serialize)]
pub struct TokenSet {
    access_token: AccessToken,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<RefreshToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<SystemTime>,
    /// When the set was received, so that a token whose whole lifetime is shorter than the
    /// refresh margin is not refreshed on every call (`None` for sets made by [`TokenSet::new`]
    /// and for sets stored before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    received_at: Option<SystemTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    company_id: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_at", &self.expires_at)
            .field("has_id_token", &self.id_token.is_some())
            .field("company_id", &self.company_id)
            .finish()
    }
}

impl TokenSet {
    /// A set from its parts, e.g. tokens obtained elsewhere.
    pub fn new(
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        expires_at: Option<SystemTime>,
    ) -> Self {
        Self {
            access_token: AccessToken::new(access_token.into()),
            refresh_token: refresh_token.map(RefreshToken::new),
            expires_at,
            received_at: None,
            id_token: None,
            company_id: None,
        }
    }

    /// The same set, for the business `company_id`.
    pub fn with_company_id(mut self, company_id: Option<String>) -> Self {
        self.company_id = company_id;
        self
    }

    /// A token response received at `received_at`. A refresh response without a refresh token
    /// keeps `previous_refresh` (servers that do not rotate send none).
    pub(crate) fn from_response(
        response: &TokenResponse,
        received_at: SystemTime,
        company_id: Option<String>,
        previous_refresh: Option<RefreshToken>,
    ) -> Self {
        Self {
            access_token: response.access_token().clone(),
            refresh_token: response.refresh_token().cloned().or(previous_refresh),
            expires_at: response
                .expires_in()
                .and_then(|lifetime| received_at.checked_add(lifetime)),
            received_at: Some(received_at),
            id_token: response.extra_fields().id_token.clone(),
            company_id,
        }
    }

    /// The access token, as a bearer credential for whop-transport (and so for whop-client).
    ///
    /// # Errors
    /// [`Error::Response`] if the server sent a token that cannot be a bearer token (empty, or with
    /// spaces or control characters).
    pub fn bearer(&self) -> Result<whop_transport::Token, Error> {
        whop_transport::Token::new(self.access_token.secret().as_str()).map_err(|e| {
            Error::Response {
                status: None,
                message: format!("the access token cannot be sent as a bearer token: {e}"),
            }
        })
    }

    /// The access token. Keep it out of logs.
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The refresh token, if the server gave one. Keep it out of logs.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires, if the server said (`expires_in`).
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The raw `id_token` (a JWT), if `openid` was asked. [`OAuthClient::finish`] verified the
    /// sign-in's; one that came with a refresh is kept as received (its claims are in
    /// [`SignedIn::id_token`] only for the sign-in).
    ///
    /// [`OAuthClient::finish`]: crate::OAuthClient::finish
    /// [`SignedIn::id_token`]: crate::SignedIn::id_token
    pub fn id_token(&self) -> Option<&str> {
        self.id_token.as_deref()
    }

    /// The business the grant is for, if the sign-in asked for one.
    pub fn company_id(&self) -> Option<&str> {
        self.company_id.as_deref()
    }

    /// `true` if the access token expires within `margin` of `now` (or has expired). A set
    /// without an expiry never does: nothing says when to refresh it.
    ///
    /// The margin is at most half the token's lifetime when the set knows when it was received:
    /// a token that lives 60 s is not "about to expire" for the whole of its life under a
    /// five-minute margin, which would refresh it on every call.
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        let Some(at) = self.expires_at else {
            return false;
        };
        let margin = match self.received_at.and_then(|r| at.duration_since(r).ok()) {
            Some(lifetime) => margin.min(lifetime / 2),
            None => margin,
        };
        now.checked_add(margin).is_none_or(|limit| at <= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_token() {
        let set = TokenSet::new("at_secret", Some("rt_secret".to_owned()), None);
        let shown = format!("{set:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn expires_within_compares_the_expiry_with_now_plus_the_margin() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let minute = Duration::from_secs(60);
        let cases = [
            (Some(now + minute * 10), minute * 5, false),
            (Some(now + minute * 5), minute * 5, true),
            (Some(now + minute), minute * 5, true),
            (Some(now - minute), Duration::ZERO, true),
            (None, minute * 5, false),
        ];
        for (expires_at, margin, expected) in cases {
            let set = TokenSet::new("at", None, expires_at);
            assert_eq!(
                set.expires_within(margin, now),
                expected,
                "{expires_at:?} {margin:?}"
            );
        }
    }

    #[test]
    fn a_token_shorter_lived_than_the_margin_is_refreshed_at_half_its_life() {
        let received = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let lifetime = Duration::from_secs(60);
        let mut set = TokenSet::new("at", None, Some(received + lifetime));
        set.received_at = Some(received);
        let margin = Duration::from_secs(5 * 60);
        let cases = [
            (Duration::ZERO, false),
            (Duration::from_secs(29), false),
            (Duration::from_secs(30), true),
            (Duration::from_secs(61), true),
        ];
        for (age, expected) in cases {
            assert_eq!(
                set.expires_within(margin, received + age),
                expected,
                "{age:?}"
            );
        }
    }
}
