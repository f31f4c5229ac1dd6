//! Property-test your own code with the strategies whop-models exports.
//!
//! ```sh
//! cargo run -p whop-models --example property_test
//! ```
//!
//! `whop_models::strategy` (feature `proptest`) generates every model the way the API could send
//! it: known and unknown statuses, absent fields, expanded and unexpanded objects, timestamps
//! from 1970 to 2038. In your crate, enable it for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! proptest = "1"
//! whop-models = { version = "0.1", features = ["proptest"] }
//! ```
//!
//! and write the properties below as `proptest! { #[test] fn ... }` in `tests/`. This example
//! runs them from `main` (a failing property panics with the smallest failing input and the
//! example exits non-zero). It needs no network and no account.

use proptest::prelude::*;
use time::{Duration, OffsetDateTime};
use whop_models::{MeMembership, Membership, strategy};

// ---- your code ----

/// What your app shows a customer about their membership.
#[derive(Debug, PartialEq, Eq)]
enum Banner {
    /// Access: renewing or not, until when if known.
    Active {
        /// Whether it renews at the end of the period.
        renews: bool,
        /// When the current period ends, if the API said.
        until: Option<OffsetDateTime>,
    },
    /// No access.
    Ended,
}

/// Your logic under test.
fn banner(membership: &MeMembership) -> Banner {
    if !membership.is_valid() {
        return Banner::Ended;
    }
    Banner::Active {
        renews: membership.cancel_at_period_end != Some(true),
        until: membership.renewal_period_end,
    }
}

/// Your reminder: days left in the period, or `None` when nothing ends.
fn days_left(membership: &MeMembership, now: OffsetDateTime) -> Option<i64> {
    let end = membership.renewal_period_end?;
    (membership.cancel_at_period_end == Some(true)).then(|| (end - now).whole_days().max(0))
}

// ---- the properties ----

fn main() {
    let config = ProptestConfig {
        // In `tests/`, keep the default: failing inputs are saved next to the test and rerun
        // first. An example has no such place.
        failure_persistence: None,
        ..ProptestConfig::with_cases(128)
    };

    // Access follows `valid` exactly, whatever else the membership says.
    proptest!(config.clone(), |(m in strategy::me_membership())| {
        prop_assert_eq!(banner(&m) != Banner::Ended, m.valid);
    });
    println!("ok: the banner grants access exactly when the membership is valid");

    // A membership cancelled at period end is never shown as renewing.
    proptest!(config.clone(), |(m in strategy::me_membership())| {
        if let Banner::Active { renews, .. } = banner(&m) {
            prop_assert_eq!(renews, m.cancel_at_period_end != Some(true));
        }
    });
    println!("ok: a cancelled membership never shows as renewing");

    // The reminder never goes negative and never panics, for any time the API can send and
    // any "now" within a century of it.
    proptest!(config.clone(), |(m in strategy::me_membership(), offset in -36_500i64..36_500)| {
        let now = m.renewal_period_end.unwrap_or(OffsetDateTime::UNIX_EPOCH) + Duration::days(offset);
        if let Some(days) = days_left(&m, now) {
            prop_assert!(days >= 0);
        }
    });
    println!("ok: days left is never negative");

    // What you store (a v2 membership cached as JSON) comes back equal.
    proptest!(config, |(m in strategy::membership())| {
        let json = whop_models::encode(&m).unwrap();
        prop_assert_eq!(whop_models::decode::<Membership>(&json).unwrap(), m);
    });
    println!("ok: a cached v2 membership decodes back equal");
}
