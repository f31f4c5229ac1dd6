//! `POST /v1/activate`: a license key and a machine in, a token out.
//!
//! 1. From cache, when fresh: the key's membership, judged for this machine. Unknown keys and
//!    memberships without access are answered from the negative cache.
//! 2. Past freshness but within grace, for a machine the key is bound to: answered from the
//!    stale state (the token expires by the end of grace) while the membership is re-read in
//!    the background (stale-while-revalidate).
//! 3. Otherwise, the binding: `validate_license` on a fresh read of Whop, under the key's store
//!    lock (one binder per key across instances), coalesced in this process (one read per key
//!    however many requests wait). Its result goes to the cache, and every waiting request is
//!    judged against it: of many machines racing for one unbound key, the one whose request ran
//!    the binding wins, and the others are bound elsewhere.

use std::sync::Arc;

use crate::cache::{Age, KeyEntry, MembershipState};
use crate::error::{ApiError, ErrorType};
use crate::grant::{Judgement, Source, judge};
use crate::metrics::CacheLookup;
use crate::server::{BIND_TIMEOUT, DEFAULT_TRY_LATER, Inner, LOCK_TTL, LOCK_WAIT};
use crate::store::lock_name;
use crate::whop::{self, Fetched};

/// What the cache holds for a license key.
enum Known {
    Unknown { fresh: bool },
    State(MembershipState),
    Nothing,
}

impl Inner {
    pub(crate) async fn activate(
        self: &Arc<Self>,
        license_key: &str,
        hardware_id: &str,
    ) -> Result<String, ApiError> {
        let now = self.clock.now();
        let freshness = self.cache.freshness();
        let known = match self.known(license_key).await {
            // A cold start: the warm-up sync is likely listing this key right now.
            Known::Nothing if self.wait_for_warm_up().await => self.known(license_key).await,
            known => known,
        };
        match known {
            Known::Unknown { fresh: true } => {
                self.metrics.cache(CacheLookup::Hit);
                return Err(ErrorType::LicenseNotValid.into());
            }
            Known::State(state) => match freshness.age(state.read_at(), state.grants_access, now) {
                Age::Fresh => {
                    self.metrics.cache(CacheLookup::Hit);
                    let judgement = judge(&state, hardware_id, self.products.as_ref());
                    if judgement != Judgement::Unbound {
                        return self.answer(
                            &state,
                            hardware_id,
                            Source::Fresh,
                            ErrorType::Internal,
                        );
                    }
                }
                Age::Stale => {
                    self.metrics.cache(CacheLookup::Stale);
                    if judge(&state, hardware_id, self.products.as_ref()) == Judgement::Sign {
                        self.revalidate(&state.id);
                        return self.answer(
                            &state,
                            hardware_id,
                            Source::Grace,
                            ErrorType::Internal,
                        );
                    }
                }
                Age::Expired => self.metrics.cache(CacheLookup::Miss),
            },
            Known::Unknown { fresh: false } | Known::Nothing => {
                self.metrics.cache(CacheLookup::Miss)
            }
        }
        let work = {
            let inner = Arc::clone(self);
            let (key, hwid) = (license_key.to_owned(), hardware_id.to_owned());
            move || async move { inner.bind(&key, &hwid).await }
        };
        match self
            .binds
            .run(license_key, work)
            .await
            .unwrap_or(Fetched::Failed)
        {
            Fetched::Found(state) => {
                // Unbound right after a binding: someone reset the key in between.
                self.answer(&state, hardware_id, Source::Fresh, ErrorType::TryLater)
                    .map_err(|e| match e.kind() {
                        ErrorType::TryLater => e.retry_after(std::time::Duration::from_secs(1)),
                        _ => e,
                    })
            }
            Fetched::NotFound => Err(ErrorType::LicenseNotValid.into()),
            Fetched::Unavailable { retry_after } => Err(ApiError::new(ErrorType::TryLater)
                .retry_after(retry_after.unwrap_or(DEFAULT_TRY_LATER))),
            Fetched::Failed => Err(ErrorType::Internal.into()),
        }
    }

    /// The cache's entries for a key (a store failure reads as nothing known).
    async fn known(&self, license_key: &str) -> Known {
        let now = self.clock.now();
        let freshness = self.cache.freshness();
        match self.cache.key(license_key).await {
            Ok(Some(KeyEntry::Unknown { read_at_ms })) => Known::Unknown {
                fresh: freshness.age(crate::cache::from_millis(read_at_ms), false, now)
                    == Age::Fresh,
            },
            Ok(Some(KeyEntry::Membership { id })) => match self.cache.membership(&id).await {
                Ok(Some(state)) => Known::State(state),
                Ok(None) => Known::Nothing,
                Err(error) => {
                    tracing::warn!(%error, "cache read failed");
                    Known::Nothing
                }
            },
            Ok(None) => Known::Nothing,
            Err(error) => {
                tracing::warn!(%error, "cache read failed");
                Known::Nothing
            }
        }
    }

    /// The binding (one per key at a time in this process; see [`Inner::activate`]).
    async fn bind(&self, license_key: &str, hardware_id: &str) -> Fetched {
        // A binding that landed just before this one started may have answered already.
        let now = self.clock.now();
        match self.known(license_key).await {
            Known::Unknown { fresh: true } => return Fetched::NotFound,
            Known::State(state)
                if self
                    .cache
                    .freshness()
                    .age(state.read_at(), state.grants_access, now)
                    == Age::Fresh
                    && judge(&state, hardware_id, self.products.as_ref()) != Judgement::Unbound =>
            {
                return Fetched::Found(state);
            }
            _ => {}
        }
        let name = lock_name(license_key);
        let token = match self.cache.store().lock(&name, LOCK_TTL, LOCK_WAIT).await {
            Ok(Some(token)) => token,
            Ok(None) => {
                tracing::warn!("a license key's binding lock stayed held past the wait");
                return Fetched::Unavailable {
                    retry_after: Some(std::time::Duration::from_secs(1)),
                };
            }
            Err(error) => {
                // The shared store (Redis) is down: transient, and never a reason to bind
                // without the lock. The app retries later, as after Whop's own outage.
                tracing::error!(%error, "the binding lock could not be taken");
                return Fetched::Unavailable {
                    retry_after: Some(std::time::Duration::from_secs(5)),
                };
            }
        };
        let now = self.clock.now();
        let binding = whop::validate(&self.client, &self.metrics, license_key, hardware_id, now);
        let fetched = match tokio::time::timeout(BIND_TIMEOUT, binding).await {
            Ok(fetched) => fetched,
            Err(_) => {
                tracing::warn!("a binding took longer than its bound; answering try_later");
                Fetched::Unavailable {
                    retry_after: Some(std::time::Duration::from_secs(1)),
                }
            }
        };
        let written = match &fetched {
            Fetched::Found(state) => self.cache.put_state(Some(license_key), state).await,
            Fetched::NotFound => self.cache.put_unknown(license_key, now).await,
            _ => Ok(()),
        };
        if let Err(error) = written {
            tracing::warn!(%error, "cache write failed");
        }
        if let Err(error) = self.cache.store().unlock(&name, token).await {
            tracing::warn!(%error, "the binding lock could not be released (it expires)");
        }
        fetched
    }
}
