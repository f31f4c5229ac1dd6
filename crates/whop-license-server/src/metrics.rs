//! `/metrics`: counters in Prometheus' text format, through `prometheus-client` (the Prometheus
//! project's own Rust client; a registry of our own, no global state).
//!
//! Labels are fixed texts (route, outcome, cache), never a key, token or machine.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

use crate::error::ErrorType;

type Labels = [(&'static str, &'static str); 2];

/// The server's counters.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    cache: Family<[(&'static str, &'static str); 1], Counter>,
    whop_calls: Family<[(&'static str, &'static str); 1], Counter>,
    whop_rate_limited: Counter,
    served_from_grace: Counter,
    webhooks: Family<[(&'static str, &'static str); 1], Counter>,
    syncs: Family<[(&'static str, &'static str); 1], Counter>,
}

/// Where a cache lookup ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CacheLookup {
    Hit,
    Stale,
    Miss,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("whop_license");
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by route and outcome (ok or the error type)",
            requests.clone(),
        );
        let cache = Family::default();
        registry.register(
            "cache_lookups",
            "Membership cache lookups, by result (hit: fresh, stale: within grace, miss)",
            cache.clone(),
        );
        let whop_calls = Family::default();
        registry.register(
            "whop_calls",
            "Calls to Whop (validate_license, a membership read, a page of the sync's listing), by operation",
            whop_calls.clone(),
        );
        let whop_rate_limited = Counter::default();
        registry.register(
            "whop_rate_limited",
            "Whop reads refused for Whop's rate limit (429)",
            whop_rate_limited.clone(),
        );
        let served_from_grace = Counter::default();
        registry.register(
            "tokens_from_grace",
            "Tokens signed from a membership state past its freshness (grace period)",
            served_from_grace.clone(),
        );
        let webhooks = Family::default();
        registry.register(
            "webhooks",
            "Webhook deliveries, by result (evicted, ignored, refused)",
            webhooks.clone(),
        );
        let syncs = Family::default();
        registry.register(
            "syncs",
            "Membership syncs (listings into the cache), by outcome (ok, truncated, skipped, unavailable, failed)",
            syncs.clone(),
        );
        Self {
            registry,
            requests,
            cache,
            whop_calls,
            whop_rate_limited,
            served_from_grace,
            webhooks,
            syncs,
        }
    }

    pub(crate) fn request(&self, route: &'static str, outcome: Result<(), ErrorType>) {
        let outcome = outcome.map_or_else(ErrorType::as_str, |()| "ok");
        self.requests
            .get_or_create(&[("route", route), ("outcome", outcome)])
            .inc();
    }

    pub(crate) fn cache(&self, lookup: CacheLookup) {
        let result = match lookup {
            CacheLookup::Hit => "hit",
            CacheLookup::Stale => "stale",
            CacheLookup::Miss => "miss",
        };
        self.cache.get_or_create(&[("result", result)]).inc();
    }

    pub(crate) fn whop_call(&self, operation: &'static str) {
        self.whop_calls
            .get_or_create(&[("operation", operation)])
            .inc();
    }

    pub(crate) fn whop_rate_limited(&self) {
        self.whop_rate_limited.inc();
    }

    pub(crate) fn served_from_grace(&self) {
        self.served_from_grace.inc();
    }

    pub(crate) fn webhook(&self, result: &'static str) {
        self.webhooks.get_or_create(&[("result", result)]).inc();
    }

    pub(crate) fn sync(&self, outcome: &'static str) {
        self.syncs.get_or_create(&[("outcome", outcome)]).inc();
    }

    /// The text exposition of every counter.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_show_in_the_text_exposition() {
        let metrics = Metrics::new();
        metrics.request("activate", Ok(()));
        metrics.request("refresh", Err(ErrorType::TryLater));
        metrics.cache(CacheLookup::Hit);
        metrics.whop_call("validate_license");
        metrics.whop_rate_limited();
        metrics.served_from_grace();
        let text = metrics.render();
        for line in [
            r#"whop_license_requests_total{route="activate",outcome="ok"} 1"#,
            r#"whop_license_requests_total{route="refresh",outcome="try_later"} 1"#,
            r#"whop_license_cache_lookups_total{result="hit"} 1"#,
            r#"whop_license_whop_calls_total{operation="validate_license"} 1"#,
            "whop_license_whop_rate_limited_total 1",
            "whop_license_tokens_from_grace_total 1",
        ] {
            assert!(text.contains(line), "{line} missing from:\n{text}");
        }
    }
}
