//! A world big enough to page through: [`MockWhop::large_world`] and
//! [`MockWhopBuilder::generated_memberships`], plus the setters of the fields the list filters
//! read (`discord_id`, `wallet_address`).

use serde_json::json;

use crate::builder::MockWhopBuilder;
use crate::demo::{DEMO_COMPANY_KEY, DEMO_USER_ID, DEMO_USER_TOKEN};
use crate::mock::MockWhop;
use crate::seed::{DEFAULT_CREATED_AT, DEFAULT_PRODUCT_ID, MockMembership};

/// How many memberships [`MockWhop::large_world`] holds: 5 pages of 50, the last one short.
pub const LARGE_WORLD_MEMBERSHIPS: usize = 237;

/// The second product of generated memberships (odd ones; even ones have
/// [`DEFAULT_PRODUCT_ID`]).
pub const GENERATED_PRODUCT_ID: &str = "prod_gen000000002";

impl MockMembership {
    /// Sets the linked Discord account's ID.
    #[must_use]
    pub fn discord_id(mut self, discord_id: impl Into<String>) -> Self {
        self.discord_id = Some(discord_id.into());
        self
    }

    /// Sets the crypto wallet that paid.
    #[must_use]
    pub fn wallet_address(mut self, wallet_address: impl Into<String>) -> Self {
        self.wallet_address = Some(wallet_address.into());
        self
    }

    /// The `n`-th generated membership (from 1), as [`MockWhopBuilder::generated_memberships`]
    /// seeds it: deterministic, and varied so that every list filter selects some and not all.
    pub fn generated(n: usize) -> Self {
        let (status, valid) = match n % 8 {
            0 => ("expired", false),
            1 => ("canceled", false),
            2 => ("trialing", true),
            3 => ("past_due", true),
            4 => ("completed", true),
            _ => ("active", true),
        };
        let user = if n.is_multiple_of(10) {
            DEMO_USER_ID.to_owned()
        } else {
            format!("user_gen{:09}", n % 17)
        };
        let product = if n.is_multiple_of(2) {
            DEFAULT_PRODUCT_ID
        } else {
            GENERATED_PRODUCT_ID
        };
        let mut membership = MockMembership::new(format!("mem_gen{n:09}"))
            .user(user)
            .plan(format!("plan_gen{:09}", n % 3))
            .product(product)
            .status(status, valid)
            .license_key(format!("GEN-{n:06}-KEY"))
            .created_at(DEFAULT_CREATED_AT + i64::try_from(n).unwrap_or(i64::MAX / 4) * 3600);
        if n.is_multiple_of(4) {
            membership = membership.metadata(json!({ "hwid": format!("hw-{n}") }));
        }
        if n.is_multiple_of(5) {
            membership = membership.discord_id(format!("{:018}", 100_000_000_000_000_000 + n));
        }
        if n.is_multiple_of(7) {
            membership = membership.wallet_address(format!("0x{n:040x}"));
        }
        membership
    }
}

impl MockWhopBuilder {
    /// Seeds `count` generated memberships ([`MockMembership::generated`]`(1..=count)`) of the
    /// default company: IDs `mem_gen000000001`, …, license keys `GEN-000001-KEY`, …, one hour
    /// apart in `created_at`; every tenth belongs to [`DEMO_USER_ID`].
    pub fn generated_memberships(mut self, count: usize) -> Self {
        for n in 1..=count {
            self = self.membership(MockMembership::generated(n));
        }
        self
    }
}

impl MockWhop {
    /// A world to page through: [`LARGE_WORLD_MEMBERSHIPS`] generated memberships of the default
    /// company and nothing else, the demo credentials ([`DEMO_COMPANY_KEY`],
    /// [`DEMO_USER_TOKEN`] for [`DEMO_USER_ID`]), and Whop's rate limits.
    #[must_use]
    pub fn large_world() -> Self {
        Self::large_world_builder().build()
    }

    /// [`MockWhop::large_world`] as a builder, to adjust before building.
    pub fn large_world_builder() -> MockWhopBuilder {
        Self::builder()
            .company_token(DEMO_COMPANY_KEY)
            .user_token(DEMO_USER_TOKEN, DEMO_USER_ID)
            .generated_memberships(LARGE_WORLD_MEMBERSHIPS)
    }
}
