//! `POST /v1/refresh`: a token of this server in, a new one out.
//!
//! The token is opened with the server's own keys (every rotation key): authenticity and key id
//! only, since an expired token is exactly what an app brings back after a long time offline.
//! `SigningKeys::open_own` trusts the seal the server put in the token's footer instead of an
//! Ed25519 verify (the larger part of a cache hit's token work), and verifies tokens without one.
//! Its membership is judged for the token's machine: from cache when fresh; from the stale state
//! within grace while it is re-read in the background (or while Whop fails); otherwise from a
//! fresh read (`client.membership(id)`, coalesced per membership). A membership that no longer
//! grants access, or whose key was reset or moved to another machine, is refused.

use std::sync::Arc;

use crate::cache::Age;
use crate::error::{ApiError, ErrorType};
use crate::grant::{Judgement, Source, judge};
use crate::metrics::CacheLookup;
use crate::server::{DEFAULT_TRY_LATER, Inner};
use crate::whop::{self, Fetched};

impl Inner {
    pub(crate) async fn refresh(self: &Arc<Self>, token: &str) -> Result<String, ApiError> {
        let license = self
            .keys
            .open_own(token)
            .map_err(|_| ApiError::new(ErrorType::TokenNotValid))?;
        let (id, hardware_id) = (&license.membership_id, &license.hardware_id);
        let now = self.clock.now();
        let mut cached = self.cached(id).await;
        // A cold start: the warm-up sync is likely listing this membership right now.
        if cached.is_none() && self.wait_for_warm_up().await {
            cached = self.cached(id).await;
        }
        if let Some(state) = cached {
            match self
                .cache
                .freshness()
                .age(state.read_at(), state.grants_access, now)
            {
                Age::Fresh => {
                    self.metrics.cache(CacheLookup::Hit);
                    return self.answer(
                        &state,
                        hardware_id,
                        Source::Fresh,
                        ErrorType::LicenseNotValid,
                    );
                }
                Age::Stale => {
                    self.metrics.cache(CacheLookup::Stale);
                    if judge(&state, hardware_id, self.products.as_ref()) == Judgement::Sign {
                        self.revalidate(id);
                        return self.answer(
                            &state,
                            hardware_id,
                            Source::Grace,
                            ErrorType::LicenseNotValid,
                        );
                    }
                }
                Age::Expired => self.metrics.cache(CacheLookup::Miss),
            }
        } else {
            self.metrics.cache(CacheLookup::Miss);
        }
        match self.read_membership(id).await {
            Fetched::Found(state) => self.answer(
                &state,
                hardware_id,
                Source::Fresh,
                ErrorType::LicenseNotValid,
            ),
            Fetched::NotFound => Err(ErrorType::LicenseNotValid.into()),
            Fetched::Unavailable { retry_after } => Err(ApiError::new(ErrorType::TryLater)
                .retry_after(retry_after.unwrap_or(DEFAULT_TRY_LATER))),
            Fetched::Failed => Err(ErrorType::Internal.into()),
        }
    }

    /// The cached state of membership `id` (a store failure reads as none).
    async fn cached(&self, id: &str) -> Option<crate::cache::MembershipState> {
        match self.cache.membership(id).await {
            Ok(state) => state,
            Err(error) => {
                tracing::warn!(%error, "cache read failed");
                None
            }
        }
    }

    /// Re-reads a membership in the background (stale-while-revalidate), coalesced with any read
    /// of it in flight.
    pub(crate) fn revalidate(self: &Arc<Self>, id: &str) {
        let (inner, id) = (Arc::clone(self), id.to_owned());
        tokio::spawn(async move {
            inner.read_membership(&id).await;
        });
    }

    /// A read of membership `id`, coalesced per membership; its result goes to the cache.
    async fn read_membership(self: &Arc<Self>, id: &str) -> Fetched {
        let inner = Arc::clone(self);
        let owned = id.to_owned();
        let work = move || async move {
            let now = inner.clock.now();
            // A read that landed just before this one started may have answered already.
            if let Ok(Some(state)) = inner.cache.membership(&owned).await
                && inner
                    .cache
                    .freshness()
                    .age(state.read_at(), state.grants_access, now)
                    == Age::Fresh
            {
                return Fetched::Found(state);
            }
            let fetched = whop::read(&inner.client, &inner.metrics, &owned, now).await;
            let written = match &fetched {
                Fetched::Found(state) => inner.cache.put_state(None, state).await,
                Fetched::NotFound => inner.cache.evict_membership(&owned).await,
                _ => Ok(()),
            };
            if let Err(error) = written {
                tracing::warn!(%error, "cache write failed");
            }
            fetched
        };
        self.reads.run(id, work).await.unwrap_or(Fetched::Failed)
    }
}
