//! [`TokenSource`]: one signed-in user's credential, fresh on every call, refreshed one at a time.
//!
//! Whop rotates refresh tokens: a second refresh with the old one is `invalid_grant`, and would
//! sign the user out. So a source holds its set behind one async lock, held across a refresh:
//! when a hundred tasks find the token expired at once, the first refreshes and the others wait
//! for it, then find the new token fresh. The new set is saved to the [`TokenStore`] before any
//! caller gets it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{Mutex, MutexGuard};

use crate::store::TokenStore;
use crate::{Error, OAuthClient, TokenSet, UserInfo};

/// How long before its expiry an access token is refreshed: Whop's guide says five minutes.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A signed-in user's tokens, from a [`TokenStore`], refreshed before they expire. Share it
/// behind an `Arc`.
pub struct TokenSource {
    client: OAuthClient,
    store: Arc<dyn TokenStore>,
    /// `None` until the store was read; then the set, or `None` when signed out.
    current: Mutex<Option<Option<TokenSet>>>,
    margin: Duration,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("client_id", &self.client.client_id())
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A source for `client`'s user, whose tokens `store` keeps (read on first use).
    pub fn new(client: OAuthClient, store: impl TokenStore + 'static) -> Self {
        Self {
            client,
            store: Arc::new(store),
            current: Mutex::new(None),
            margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Refreshes `margin` before the expiry instead of [`DEFAULT_REFRESH_MARGIN`].
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The OAuth client.
    pub fn client(&self) -> &OAuthClient {
        &self.client
    }

    /// Keeps `tokens` (from [`OAuthClient::finish`]) as the signed-in user's: saved, then used.
    ///
    /// # Errors
    /// [`Error::Store`] if the store cannot save them.
    pub async fn sign_in(&self, tokens: TokenSet) -> Result<(), Error> {
        let mut current = self.current.lock().await;
        self.store.save(&tokens).map_err(Error::Store)?;
        *current = Some(Some(tokens));
        Ok(())
    }

    /// The current set, refreshed first if it expires within the margin.
    ///
    /// # Errors
    /// [`Error::SignInAgain`] when no one is signed in or the refresh token was refused;
    /// [`Error::Store`]; the refresh's errors.
    pub async fn tokens(&self) -> Result<TokenSet, Error> {
        let mut current = self.current.lock().await;
        let tokens = self.loaded(&mut current)?;
        if !tokens.expires_within(self.margin, SystemTime::now()) {
            return Ok(tokens);
        }
        self.refresh_locked(&mut current, &tokens).await
    }

    /// The current access token as a bearer credential, refreshed first if needed.
    ///
    /// # Errors
    /// As [`tokens`](Self::tokens).
    pub async fn token(&self) -> Result<whop_transport::Token, Error> {
        self.tokens().await?.bearer()
    }

    /// After the API refused `refused` with 401: a new token, unless another caller has already
    /// replaced it (then that one), so that many 401s still make one refresh.
    ///
    /// # Errors
    /// As [`tokens`](Self::tokens).
    pub async fn refresh_after_unauthorized(
        &self,
        refused: &whop_transport::Token,
    ) -> Result<whop_transport::Token, Error> {
        let mut current = self.current.lock().await;
        let tokens = self.loaded(&mut current)?;
        let token = tokens.bearer()?;
        if token.header_value() != refused.header_value() {
            return Ok(token);
        }
        self.refresh_locked(&mut current, &tokens).await?.bearer()
    }

    /// The signed-in user's claims; a 401 refreshes once, and a 401 with the new token is
    /// [`Error::SignInAgain`].
    ///
    /// # Errors
    /// As [`tokens`](Self::tokens) and [`OAuthClient::userinfo`].
    pub async fn userinfo(&self) -> Result<UserInfo, Error> {
        let tokens = self.tokens().await?;
        match self.client.userinfo(&tokens).await {
            Err(Error::Unauthorized) => {}
            other => return other,
        }
        self.refresh_after_unauthorized(&tokens.bearer()?).await?;
        match self.client.userinfo(&self.tokens().await?).await {
            Err(Error::Unauthorized) => Err(Error::SignInAgain {
                reason: "Whop refused the access token even after a refresh".to_owned(),
            }),
            other => other,
        }
    }

    /// Signs out: revokes the refresh token at Whop, then forgets the set. The set is forgotten
    /// even when the revocation fails (its error is returned then).
    ///
    /// # Errors
    /// [`Error::Store`], or the revocation's errors.
    pub async fn sign_out(&self) -> Result<(), Error> {
        let mut current = self.current.lock().await;
        let tokens = match &*current {
            Some(tokens) => tokens.clone(),
            None => self.store.load().map_err(Error::Store)?,
        };
        let revoked = match &tokens {
            Some(tokens) => self.client.revoke(tokens).await,
            None => Ok(()),
        };
        self.store.clear().map_err(Error::Store)?;
        *current = Some(None);
        revoked
    }

    /// The set under the lock, read from the store the first time.
    fn loaded(
        &self,
        current: &mut MutexGuard<'_, Option<Option<TokenSet>>>,
    ) -> Result<TokenSet, Error> {
        if current.is_none() {
            **current = Some(self.store.load().map_err(Error::Store)?);
        }
        current.clone().flatten().ok_or_else(|| Error::SignInAgain {
            reason: "no one is signed in".to_owned(),
        })
    }

    /// Refreshes `tokens` while the caller holds the lock; saves the new set, or forgets the old
    /// one when Whop says it is dead.
    async fn refresh_locked(
        &self,
        current: &mut MutexGuard<'_, Option<Option<TokenSet>>>,
        tokens: &TokenSet,
    ) -> Result<TokenSet, Error> {
        match self.client.refresh(tokens).await {
            Ok(fresh) => {
                self.store.save(&fresh).map_err(Error::Store)?;
                **current = Some(Some(fresh.clone()));
                Ok(fresh)
            }
            Err(Error::SignInAgain { reason }) => {
                // The grant is dead either way; a store that cannot forget it only costs one more
                // refused refresh next run, so its error does not hide this one.
                let _ = self.store.clear();
                **current = Some(None);
                Err(Error::SignInAgain { reason })
            }
            Err(other) => Err(other),
        }
    }
}
