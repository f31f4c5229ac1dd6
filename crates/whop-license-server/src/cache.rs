//! What the server remembers of Whop, kept in the [`Store`]: a license key's membership ID (or
//! that the key is unknown), and each membership's state as last read.
//!
//! Two entries, not one, so that a webhook that names only a membership evicts what every path
//! reads: activation goes `key → membership ID → state`, refresh goes `membership ID → state`.
//! Entries hold no license key: names are hashed ([`cache_name`]) and the membership's key is
//! not copied into its state.
//!
//! Whether an entry is fresh is judged by the server's [`Clock`](crate::Clock) from the time it
//! was read (`read_at`), never by the store's expiry, which only bounds how long it is kept.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use whop_models::v1::Membership;

use crate::store::{Store, StoreError, cache_name};

/// A membership as the server last read it from Whop, reduced to what it decides on.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MembershipState {
    pub(crate) id: String,
    pub(crate) product_id: Option<String>,
    pub(crate) status: String,
    pub(crate) grants_access: bool,
    pub(crate) bound_hwid: Option<String>,
    pub(crate) period_end_ms: Option<u64>,
    pub(crate) read_at_ms: u64,
}

// The bound hardware ID is an identifier of a customer's machine: kept out of logs.
impl fmt::Debug for MembershipState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MembershipState")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("grants_access", &self.grants_access)
            .field("bound", &self.bound_hwid.is_some())
            .finish_non_exhaustive()
    }
}

impl MembershipState {
    /// The state of `membership`, read at `read_at`. "Grants access" and "bound to" are the
    /// client's judgements (`Membership::grants_access`, `whop_client::bound_hardware_id`).
    pub(crate) fn of(membership: &Membership, read_at: SystemTime) -> Self {
        Self {
            id: membership.id.as_str().to_owned(),
            product_id: membership
                .product_id
                .as_ref()
                .map(|p| p.as_str().to_owned()),
            status: membership
                .status
                .as_ref()
                .map_or_else(String::new, |s| s.as_str().to_owned()),
            grants_access: membership.grants_access(),
            bound_hwid: whop_client::bound_hardware_id(membership),
            period_end_ms: membership
                .current_period_end
                .map(|end| millis(SystemTime::from(end))),
            read_at_ms: millis(read_at),
        }
    }

    pub(crate) fn read_at(&self) -> SystemTime {
        from_millis(self.read_at_ms)
    }

    pub(crate) fn period_end(&self) -> Option<SystemTime> {
        self.period_end_ms.map(from_millis)
    }
}

/// What the server knows of a license key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum KeyEntry {
    /// The key is this membership's.
    Membership { id: String },
    /// Whop knew no membership with this key when asked at `read_at_ms`.
    Unknown { read_at_ms: u64 },
}

/// How old a cached state is, by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Age {
    /// Read within its freshness window: answer from it.
    Fresh,
    /// Past its freshness, within the grace period: usable while Whop is unreachable (and
    /// answered from while it is re-read in the background).
    Stale,
    /// Too old to use.
    Expired,
}

/// How long states stay fresh, and how long they are usable at all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Freshness {
    pub(crate) fresh_for: Duration,
    pub(crate) negative_for: Duration,
    pub(crate) grace: Duration,
}

impl Freshness {
    /// The age of what was read at `read_at`; `positive`: it lets someone in (a membership that
    /// grants access). A negative answer (unknown key, no access) is fresh for `negative_for`
    /// and has no grace: keeping someone out on an old answer helps no one.
    pub(crate) fn age(&self, read_at: SystemTime, positive: bool, now: SystemTime) -> Age {
        let elapsed = now.duration_since(read_at).unwrap_or(Duration::ZERO);
        let (fresh_for, usable_for) = if positive {
            (self.fresh_for, self.grace.max(self.fresh_for))
        } else {
            (self.negative_for, self.negative_for)
        };
        if elapsed < fresh_for {
            Age::Fresh
        } else if elapsed < usable_for {
            Age::Stale
        } else {
            Age::Expired
        }
    }

    /// How long the store keeps an entry (positive: through the grace period).
    fn keep(&self, positive: bool) -> Duration {
        if positive {
            self.grace.max(self.fresh_for)
        } else {
            self.negative_for
        }
    }
}

/// The cache over the store.
#[derive(Clone)]
pub(crate) struct Cache {
    store: Arc<dyn Store>,
    freshness: Freshness,
}

impl Cache {
    pub(crate) fn new(store: Arc<dyn Store>, freshness: Freshness) -> Self {
        Self { store, freshness }
    }

    pub(crate) fn freshness(&self) -> Freshness {
        self.freshness
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub(crate) async fn key(&self, license_key: &str) -> Result<Option<KeyEntry>, StoreError> {
        self.read(&key_name(license_key)).await
    }

    pub(crate) async fn membership(&self, id: &str) -> Result<Option<MembershipState>, StoreError> {
        self.read(&membership_name(id)).await
    }

    /// Remembers `state`, and that `license_key` (if given) is its membership's.
    pub(crate) async fn put_state(
        &self,
        license_key: Option<&str>,
        state: &MembershipState,
    ) -> Result<(), StoreError> {
        let keep = self.freshness.keep(true);
        self.write(&membership_name(&state.id), state, keep).await?;
        if let Some(key) = license_key {
            let entry = KeyEntry::Membership {
                id: state.id.clone(),
            };
            self.write(&key_name(key), &entry, keep).await?;
        }
        Ok(())
    }

    /// Remembers that no membership has `license_key`.
    pub(crate) async fn put_unknown(
        &self,
        license_key: &str,
        read_at: SystemTime,
    ) -> Result<(), StoreError> {
        let entry = KeyEntry::Unknown {
            read_at_ms: millis(read_at),
        };
        self.write(&key_name(license_key), &entry, self.freshness.keep(false))
            .await
    }

    /// Forgets a membership's state: the next request for it reads Whop again.
    pub(crate) async fn evict_membership(&self, id: &str) -> Result<(), StoreError> {
        self.store.evict(&membership_name(id)).await
    }

    /// Forgets a membership's state because Whop said at `at` that it changed (a webhook), and
    /// remembers when: a listing requested before `at` may hold the state from before the
    /// change, and [`put_listed`](Self::put_listed) must not write it back. The mark is written
    /// first, so a listing that checks after the eviction sees it.
    pub(crate) async fn evict_changed(&self, id: &str, at: SystemTime) -> Result<(), StoreError> {
        let mark = Changed { at_ms: millis(at) };
        // Kept longer than any listing's page can take (a request's deadline is a minute).
        let keep = self.freshness.fresh_for.max(CHANGE_MARK_MIN_KEEP);
        self.write(&changed_name(id), &mark, keep).await?;
        self.evict_membership(id).await
    }

    /// Remembers a membership as a listing found it, in a page requested at `state.read_at()`
    /// (the sync): its license key always (a key does not move between memberships), its state
    /// only where nothing newer is known, so a listing never overwrites newer news:
    ///
    /// - a state already cached that was read at or after the page's request (a single read or
    ///   a binding that landed meanwhile) is kept;
    /// - a membership Whop reported changed (webhook, [`evict_changed`](Self::evict_changed)) at
    ///   or after the page's request is left out: the page may predate the change. It is read
    ///   singly when next asked for.
    ///
    /// The change mark is checked again after the write (and the state evicted if one came in
    /// between), so a webhook racing the write cannot be undone by it.
    /// `Ok(false)` when the state was left out.
    pub(crate) async fn put_listed(
        &self,
        license_key: Option<&str>,
        state: &MembershipState,
    ) -> Result<bool, StoreError> {
        let keep = self.freshness.keep(true);
        if let Some(key) = license_key {
            let entry = KeyEntry::Membership {
                id: state.id.clone(),
            };
            self.write(&key_name(key), &entry, keep).await?;
        }
        if self.changed_since(&state.id, state.read_at_ms).await? {
            return Ok(false);
        }
        if let Some(cached) = self.membership(&state.id).await?
            && cached.read_at_ms >= state.read_at_ms
        {
            return Ok(false);
        }
        self.write(&membership_name(&state.id), state, keep).await?;
        if self.changed_since(&state.id, state.read_at_ms).await? {
            self.evict_membership(&state.id).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Whether Whop reported membership `id` changed at or after `since_ms`.
    async fn changed_since(&self, id: &str, since_ms: u64) -> Result<bool, StoreError> {
        let mark: Option<Changed> = self.read(&changed_name(id)).await?;
        Ok(mark.is_some_and(|mark| mark.at_ms >= since_ms))
    }

    async fn read<T: for<'de> Deserialize<'de>>(
        &self,
        name: &str,
    ) -> Result<Option<T>, StoreError> {
        let Some(bytes) = self.store.get(name).await? else {
            return Ok(None);
        };
        // An entry this version cannot read (written by another version) is a miss.
        Ok(serde_json::from_slice(&bytes).ok())
    }

    async fn write<T: Serialize>(
        &self,
        name: &str,
        value: &T,
        keep: Duration,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|_| StoreError::new("a cache entry did not encode"))?;
        self.store.put(name, bytes, keep).await
    }
}

/// When Whop last reported a membership changed (see [`Cache::evict_changed`]).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Changed {
    at_ms: u64,
}

/// The least time a change mark is kept (see [`Cache::evict_changed`]).
const CHANGE_MARK_MIN_KEEP: Duration = Duration::from_secs(5 * 60);

fn changed_name(id: &str) -> String {
    cache_name(&format!("changed:{id}"))
}

fn key_name(license_key: &str) -> String {
    cache_name(&format!("key:{license_key}"))
}

fn membership_name(id: &str) -> String {
    cache_name(&format!("membership:{id}"))
}

pub(crate) fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub(crate) fn from_millis(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    const FRESHNESS: Freshness = Freshness {
        fresh_for: Duration::from_secs(300),
        negative_for: Duration::from_secs(30),
        grace: Duration::from_secs(86_400),
    };

    #[test]
    fn age_by_elapsed_time_and_kind() {
        let t = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let s = Duration::from_secs;
        for (elapsed, positive, age) in [
            (s(0), true, Age::Fresh),
            (s(299), true, Age::Fresh),
            (s(300), true, Age::Stale),
            (s(86_399), true, Age::Stale),
            (s(86_400), true, Age::Expired),
            (s(29), false, Age::Fresh),
            (s(30), false, Age::Expired),
        ] {
            assert_eq!(
                FRESHNESS.age(t, positive, t + elapsed),
                age,
                "{elapsed:?} {positive}"
            );
        }
        // A read "in the future" (a clock moved back) counts as just read.
        assert_eq!(FRESHNESS.age(t + s(10), true, t), Age::Fresh);
    }

    fn state() -> MembershipState {
        MembershipState {
            id: "mem_1".into(),
            product_id: Some("prod_1".into()),
            status: "active".into(),
            grants_access: true,
            bound_hwid: Some("machine-secret-id".into()),
            period_end_ms: None,
            read_at_ms: 5,
        }
    }

    #[tokio::test]
    async fn a_state_is_found_by_key_and_by_membership_and_evicted_by_membership() {
        let cache = Cache::new(Arc::new(MemoryStore::new()), FRESHNESS);
        cache.put_state(Some("K-1"), &state()).await.unwrap();
        let entry = cache.key("K-1").await.unwrap();
        assert_eq!(entry, Some(KeyEntry::Membership { id: "mem_1".into() }));
        assert_eq!(cache.membership("mem_1").await.unwrap(), Some(state()));
        cache.evict_membership("mem_1").await.unwrap();
        assert_eq!(cache.membership("mem_1").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_listing_writes_a_state_only_where_nothing_newer_is_known() {
        let at = |ms| MembershipState {
            read_at_ms: ms,
            ..state()
        };
        let cache = Cache::new(Arc::new(MemoryStore::new()), FRESHNESS);
        // Nothing known: written, key included.
        assert!(cache.put_listed(Some("K-1"), &at(100)).await.unwrap());
        // A single read at 200 is newer than a page asked for at 150: kept.
        cache.put_state(None, &at(200)).await.unwrap();
        assert!(!cache.put_listed(Some("K-1"), &at(150)).await.unwrap());
        assert_eq!(cache.membership("mem_1").await.unwrap(), Some(at(200)));
        // A change reported at 300: pages asked for at or before it are left out, later ones
        // are written.
        cache
            .evict_changed("mem_1", from_millis(300))
            .await
            .unwrap();
        for ms in [250, 300] {
            assert!(!cache.put_listed(Some("K-1"), &at(ms)).await.unwrap());
            assert_eq!(cache.membership("mem_1").await.unwrap(), None, "{ms}");
        }
        assert!(cache.put_listed(Some("K-1"), &at(301)).await.unwrap());
        assert_eq!(
            cache.key("K-1").await.unwrap(),
            Some(KeyEntry::Membership { id: "mem_1".into() })
        );
    }

    #[test]
    fn debug_of_a_state_hides_the_hardware_id() {
        assert!(!format!("{:?}", state()).contains("machine-secret-id"));
    }
}
