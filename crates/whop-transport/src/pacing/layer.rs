//! [`PacingLayer`]: builds the one pacer that every service it makes shares.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tower::Layer;

use super::{MemoryStore, Pacing, PacingConfig, PacingPolicy, SlotStore};

/// The state shared by every clone of a [`Pacing`]: the policy, the store and the margin.
pub(crate) struct Pacer {
    pub(crate) config: PacingConfig,
    pub(crate) policy: Arc<dyn PacingPolicy>,
    pub(crate) store: Arc<dyn SlotStore>,
    pub(crate) safety_margin: Duration,
}

/// Paces requests under the configured limits. See the [module docs](super). All services made
/// by one layer share one pacer (its policy and its store).
#[derive(Clone)]
pub struct PacingLayer {
    pacer: Option<Arc<Pacer>>,
}

impl fmt::Debug for PacingLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacingLayer")
            .field("config", &self.pacer.as_ref().map(|p| &p.config))
            .finish()
    }
}

impl PacingLayer {
    /// A layer pacing by `config` (a pass-through if `config` paces nothing), with a new
    /// [`MemoryStore`] unless `config` names a store.
    pub fn new(config: PacingConfig) -> Self {
        let pacer = config.is_enabled().then(|| {
            let safety_margin = config.safety_margin();
            let (policy, store) = config.clone().into_parts();
            let store = store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
            Arc::new(Pacer {
                config,
                policy,
                store,
                safety_margin,
            })
        });
        Self { pacer }
    }
}

impl<S> Layer<S> for PacingLayer {
    type Service = Pacing<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Pacing::new(inner, self.pacer.clone())
    }
}
