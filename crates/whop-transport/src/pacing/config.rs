//! What the user configures: the limits of Whop's default policy, the safety margin, and
//! optionally a policy or a store of their own.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{PacingPolicy, SlotStore, WhopLimits};
use crate::extensions::ApiFamily;

/// The longest window a [`PacingLimit`] accepts (longer ones are clamped): one day.
pub(crate) const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// One bucket's limit: at most `requests` sends in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacingLimit {
    requests: u32,
    window: Duration,
}

impl PacingLimit {
    /// At most `requests` (at least 1) in any `window` (at most one day).
    pub fn new(requests: u32, window: Duration) -> Self {
        Self {
            requests: requests.max(1),
            window: window.min(MAX_WINDOW),
        }
    }

    /// Requests allowed in a window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The same number of requests over a window `margin` longer (not clamped: both parts are).
    pub(crate) fn widened(self, margin: Duration) -> Self {
        Self {
            requests: self.requests,
            window: self.window.saturating_add(margin),
        }
    }
}

/// Pacing settings: Whop's documented limits by default. See the [module docs](super).
///
/// Setters are named `with_*` and take `self`, so the getters can have the plain names
/// ([`v2`](Self::v2), [`safety_margin`](Self::safety_margin)), as the Rust API guidelines ask
/// (C-GETTER); [`RetryConfig`](crate::RetryConfig) follows the same rule.
///
/// ```
/// use std::time::Duration;
/// use whop_transport::{PacingConfig, PacingLimit};
///
/// let config = PacingConfig::default() // v1 600 per 60 s per operation, v2 100, v5 20 per 10 s
///     .with_v5(Some(PacingLimit::new(10, Duration::from_secs(10))))
///     .with_safety_margin(Duration::from_millis(250));
/// assert_eq!(config.v5(), Some(PacingLimit::new(10, Duration::from_secs(10))));
/// ```
#[derive(Clone)]
pub struct PacingConfig {
    whop: WhopLimits,
    policy: Option<Arc<dyn PacingPolicy>>,
    store: Option<Arc<dyn SlotStore>>,
    safety_margin: Duration,
}

impl Default for PacingConfig {
    fn default() -> Self {
        Self::whop()
    }
}

impl fmt::Debug for PacingConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("PacingConfig");
        match self.policy {
            Some(_) => debug.field("policy", &"custom"),
            None => debug.field("policy", &self.whop),
        };
        debug
            .field(
                "store",
                &if self.store.is_some() {
                    "custom"
                } else {
                    "memory"
                },
            )
            .field("safety_margin", &self.safety_margin)
            .finish()
    }
}

impl PacingConfig {
    /// Whop's documented limits, v1 600 per 60 s per operation, v2 100 per 10 s and v5 20 per
    /// 10 s ([`WhopLimits`]), with a 1 s safety margin, counted in memory
    /// ([`MemoryStore`](super::MemoryStore)).
    pub fn whop() -> Self {
        Self {
            whop: WhopLimits::default(),
            policy: None,
            store: None,
            safety_margin: Duration::from_secs(1),
        }
    }

    /// No pacing: every request goes at once (the layer passes requests straight through).
    pub fn disabled() -> Self {
        Self {
            whop: WhopLimits::unpaced(),
            ..Self::whop()
        }
    }

    /// The v1 limit of Whop's policy, per operation and credential (`None`: v1 unpaced).
    pub fn with_v1(mut self, limit: Option<PacingLimit>) -> Self {
        self.whop = self.whop.with_v1(limit);
        self
    }

    /// The v2 limit of Whop's policy (`None`: v2 unpaced).
    pub fn with_v2(mut self, limit: Option<PacingLimit>) -> Self {
        self.whop = self.whop.with_v2(limit);
        self
    }

    /// The v5 limit of Whop's policy (`None`: v5 unpaced).
    pub fn with_v5(mut self, limit: Option<PacingLimit>) -> Self {
        self.whop = self.whop.with_v5(limit);
        self
    }

    /// Added to each window: sends are spaced as if the window were this much longer, because
    /// the server counts arrivals, and arrivals jitter (capped at one day).
    pub fn with_safety_margin(mut self, margin: Duration) -> Self {
        self.safety_margin = margin.min(MAX_WINDOW);
        self
    }

    /// Classify requests with `policy` instead of Whop's limits (which [`with_v1`](Self::with_v1),
    /// [`with_v2`](Self::with_v2) and [`with_v5`](Self::with_v5) then no longer affect). The
    /// safety margin still applies.
    pub fn with_policy(mut self, policy: impl PacingPolicy) -> Self {
        self.policy = Some(Arc::new(policy));
        self
    }

    /// Keep the slots in `store` instead of in this process's memory: the extension point for a
    /// store shared by several processes. See the [module docs](super#plugging-in-a-store).
    /// Every transport built from this configuration (and its clones) uses this one store.
    pub fn with_store(mut self, store: impl SlotStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The v1 limit of Whop's policy, per operation and credential.
    pub fn v1(&self) -> Option<PacingLimit> {
        self.whop.v1()
    }

    /// The v2 limit of Whop's policy.
    pub fn v2(&self) -> Option<PacingLimit> {
        self.whop.v2()
    }

    /// The v5 limit of Whop's policy.
    pub fn v5(&self) -> Option<PacingLimit> {
        self.whop.v5()
    }

    /// The limit of `family` under Whop's policy, if paced.
    pub fn limit(&self, family: ApiFamily) -> Option<PacingLimit> {
        self.whop.limit(family)
    }

    /// The safety margin added to every window.
    pub fn safety_margin(&self) -> Duration {
        self.safety_margin
    }

    /// `true` if any request may be paced: a custom policy, or a paced family.
    pub fn is_enabled(&self) -> bool {
        self.policy.is_some() || self.whop.is_enabled()
    }

    /// The policy in force, and the custom store if any.
    pub(crate) fn into_parts(self) -> (Arc<dyn PacingPolicy>, Option<Arc<dyn SlotStore>>) {
        let policy = self
            .policy
            .unwrap_or_else(|| Arc::new(self.whop) as Arc<dyn PacingPolicy>);
        (policy, self.store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_limit_and_config_clamp_their_inputs() {
        let limit = PacingLimit::new(0, Duration::MAX);
        assert_eq!(limit.requests(), 1);
        assert_eq!(limit.window(), MAX_WINDOW);
        assert!(!PacingConfig::disabled().is_enabled());
        assert!(PacingConfig::default().is_enabled());
        assert_eq!(
            PacingConfig::default().limit(ApiFamily::V5),
            Some(PacingLimit::new(20, Duration::from_secs(10)))
        );
        assert_eq!(
            PacingConfig::default()
                .with_safety_margin(Duration::MAX)
                .safety_margin(),
            MAX_WINDOW
        );
    }

    #[test]
    fn a_custom_policy_enables_pacing_even_when_whops_families_are_off() {
        struct Nothing;
        impl PacingPolicy for Nothing {
            fn classify(
                &self,
                _request: &super::super::RequestHead<'_>,
            ) -> Option<super::super::Bucket> {
                None
            }
        }
        let config = PacingConfig::disabled().with_policy(Nothing);
        assert!(config.is_enabled());
        assert!(format!("{config:?}").contains("custom"));
    }
}
