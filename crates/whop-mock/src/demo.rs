//! The demo world: [`MockWhop::demo`] and the values it is seeded with.

use crate::builder::MockWhopBuilder;
use crate::mock::MockWhop;
use crate::seed::{DEFAULT_PRODUCT_ID, MockMembership, MockProduct, MockUser};

/// The company API key of [`MockWhop::demo`].
pub const DEMO_COMPANY_KEY: &str = "whop_mock_company_key";
/// The user token of [`MockWhop::demo`]; it belongs to [`DEMO_USER_ID`].
pub const DEMO_USER_TOKEN: &str = "whop_mock_user_token";
/// The user of [`MockWhop::demo`].
pub const DEMO_USER_ID: &str = "user_demo000000001";
/// A membership of [`DEMO_USER_ID`] in [`MockWhop::demo`], active, not yet cancelling: its
/// license key [`DEMO_LICENSE_KEY`] demonstrates a **valid** key.
pub const DEMO_MEMBERSHIP_ID: &str = "mem_demo000000001";
/// The license key of [`DEMO_MEMBERSHIP_ID`]: **valid**.
pub const DEMO_LICENSE_KEY: &str = "DEMO-1A2B3C-4D5E6F70-8A9B0CW";
/// A second membership in [`MockWhop::demo`], owned by another user ([`DEMO_OTHER_USER_ID`]):
/// demonstrates **not yours**, as [`DEMO_USER_TOKEN`] gets 404 for it on v5.
pub const DEMO_OTHER_MEMBERSHIP_ID: &str = "mem_demo000000002";
/// The owner of [`DEMO_OTHER_MEMBERSHIP_ID`].
pub const DEMO_OTHER_USER_ID: &str = "user_demo000000002";
/// A membership of [`DEMO_USER_ID`] whose period is over (status `expired`, not valid): its
/// license key [`DEMO_EXPIRED_LICENSE_KEY`] demonstrates an **expired** key, found but not valid.
pub const DEMO_EXPIRED_MEMBERSHIP_ID: &str = "mem_demo000000003";
/// The license key of [`DEMO_EXPIRED_MEMBERSHIP_ID`]: found, **not valid** (expired).
pub const DEMO_EXPIRED_LICENSE_KEY: &str = "DEMO-EXPIRED-00000000-0000000";
/// A membership of [`DEMO_USER_ID`] already set to cancel at the end of its period: still
/// active and valid until then. Its license key [`DEMO_CANCELING_LICENSE_KEY`] demonstrates a
/// **canceled-at-period-end** key that still grants access.
pub const DEMO_CANCELING_MEMBERSHIP_ID: &str = "mem_demo000000004";
/// The license key of [`DEMO_CANCELING_MEMBERSHIP_ID`]: **valid**, cancels at period end.
pub const DEMO_CANCELING_LICENSE_KEY: &str = "DEMO-CANCELING-0000000-0000000";
/// A valid membership of [`DEMO_USER_ID`] whose license key no machine is bound to yet (empty
/// metadata): `validate_license` binds it on first use.
pub const DEMO_UNBOUND_MEMBERSHIP_ID: &str = "mem_demo000000005";
/// The license key of [`DEMO_UNBOUND_MEMBERSHIP_ID`]: **valid**, bound to no machine yet.
pub const DEMO_UNBOUND_LICENSE_KEY: &str = "DEMO-UNBOUND-00000000-0000005";

/// A valid membership of [`DEMO_USER_ID`] for the Current API's license flow, its key
/// [`DEMO_CURRENT_LICENSE_KEY`] bound to the hardware ID `demo-machine` (metadata
/// `{"hwid": "demo-machine"}`).
pub const DEMO_CURRENT_MEMBERSHIP_ID: &str = "mem_demo000000006";
/// The license key of [`DEMO_CURRENT_MEMBERSHIP_ID`]: **valid**, bound to `demo-machine`.
pub const DEMO_CURRENT_LICENSE_KEY: &str = "DEMO-CURRENT-BOUND-0000006";
/// A valid membership of [`DEMO_USER_ID`] for the Current API's license flow, its key
/// [`DEMO_CURRENT_UNBOUND_LICENSE_KEY`] bound to no machine yet (empty metadata).
pub const DEMO_CURRENT_UNBOUND_MEMBERSHIP_ID: &str = "mem_demo000000007";
/// The license key of [`DEMO_CURRENT_UNBOUND_MEMBERSHIP_ID`]: **valid**, bound to no machine.
pub const DEMO_CURRENT_UNBOUND_LICENSE_KEY: &str = "DEMO-CURRENT-UNBOUND-0000007";
/// An expired membership of [`DEMO_USER_ID`] (status `expired`, no access, its period over) for
/// the Current API's license flow.
pub const DEMO_CURRENT_EXPIRED_MEMBERSHIP_ID: &str = "mem_demo000000008";
/// The license key of [`DEMO_CURRENT_EXPIRED_MEMBERSHIP_ID`]: found, **not valid** (expired).
pub const DEMO_CURRENT_EXPIRED_LICENSE_KEY: &str = "DEMO-CURRENT-EXPIRED-0000008";

/// The license keys of [`MockWhop::demo`] meant for the Current API's license flow (look up by
/// key, check the status, bind the hardware ID into `metadata`), with what each demonstrates:
/// `(key, what)`. Every key of the demo world answers on every API (they share one state); these
/// are kept apart from [`DEMO_LICENSE_KEYS`] so that a Current API demo and a legacy one do not
/// bind each other's keys.
pub const DEMO_CURRENT_LICENSE_KEYS: [(&str, &str); 3] = [
    (
        DEMO_CURRENT_LICENSE_KEY,
        "valid, bound to hardware ID demo-machine",
    ),
    (
        DEMO_CURRENT_UNBOUND_LICENSE_KEY,
        "valid, bound to no machine yet",
    ),
    (
        DEMO_CURRENT_EXPIRED_LICENSE_KEY,
        "expired: found, not valid",
    ),
];

/// The license keys of [`MockWhop::demo`] that the legacy (v2/v5) demonstrations use, with what
/// each demonstrates, for help texts and tests: `(key, what)`. See also
/// [`DEMO_CURRENT_LICENSE_KEYS`].
pub const DEMO_LICENSE_KEYS: [(&str, &str); 4] = [
    (DEMO_LICENSE_KEY, "valid, bound to hardware ID demo-machine"),
    (DEMO_UNBOUND_LICENSE_KEY, "valid, bound to no machine yet"),
    (DEMO_EXPIRED_LICENSE_KEY, "expired: found, not valid"),
    (
        DEMO_CANCELING_LICENSE_KEY,
        "canceled at period end: valid until then",
    ),
];

impl MockWhop {
    /// The demo world of the quickstart, ready to use. See [`MockWhop::demo_builder`].
    #[must_use]
    pub fn demo() -> Self {
        Self::demo_builder().build()
    }

    /// The demo world as a builder, to adjust before building: [`DEMO_COMPANY_KEY`] (company
    /// [`DEFAULT_COMPANY_ID`](crate::DEFAULT_COMPANY_ID)), [`DEMO_USER_TOKEN`] for
    /// [`DEMO_USER_ID`], who owns [`DEMO_MEMBERSHIP_ID`] (valid, license key
    /// [`DEMO_LICENSE_KEY`]), [`DEMO_EXPIRED_MEMBERSHIP_ID`] (expired, [`DEMO_EXPIRED_LICENSE_KEY`])
    /// and [`DEMO_CANCELING_MEMBERSHIP_ID`] (cancels at period end,
    /// [`DEMO_CANCELING_LICENSE_KEY`]) and [`DEMO_UNBOUND_MEMBERSHIP_ID`] (valid, its key
    /// [`DEMO_UNBOUND_LICENSE_KEY`] bound to no machine), and, for the Current API's license flow
    /// ([`DEMO_CURRENT_LICENSE_KEYS`]), [`DEMO_CURRENT_MEMBERSHIP_ID`] (bound to `demo-machine`),
    /// [`DEMO_CURRENT_UNBOUND_MEMBERSHIP_ID`] (unbound) and [`DEMO_CURRENT_EXPIRED_MEMBERSHIP_ID`]
    /// (expired); [`DEMO_OTHER_MEMBERSHIP_ID`] belongs to [`DEMO_OTHER_USER_ID`]. Its OAuth server
    /// signs in [`DEMO_USER_ID`] (no app is registered: add one with
    /// [`MockWhopBuilder::oauth_app`]). Whop's rate limits. The `whop --mock` command serves this world.
    pub fn demo_builder() -> MockWhopBuilder {
        Self::builder()
            .company_token(DEMO_COMPANY_KEY)
            .user_token(DEMO_USER_TOKEN, DEMO_USER_ID)
            .oauth_user(DEMO_USER_ID)
            .user(
                MockUser::new(DEMO_USER_ID)
                    .username("demo_user")
                    .email("demo@example.com"),
            )
            .user(MockUser::new(DEMO_OTHER_USER_ID).username("someone_else"))
            .product(MockProduct::new(DEFAULT_PRODUCT_ID).name("Demo Pro"))
            .membership(
                MockMembership::new(DEMO_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_LICENSE_KEY)
                    .metadata(serde_json::json!({ "hwid": "demo-machine" })),
            )
            .membership(
                MockMembership::new(DEMO_EXPIRED_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_EXPIRED_LICENSE_KEY)
                    .status("expired", false),
            )
            .membership(
                MockMembership::new(DEMO_CANCELING_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_CANCELING_LICENSE_KEY)
                    .cancel_at_period_end(true),
            )
            .membership(
                MockMembership::new(DEMO_UNBOUND_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_UNBOUND_LICENSE_KEY),
            )
            .membership(
                MockMembership::new(DEMO_CURRENT_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_CURRENT_LICENSE_KEY)
                    .metadata(serde_json::json!({ "hwid": "demo-machine" })),
            )
            .membership(
                MockMembership::new(DEMO_CURRENT_UNBOUND_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_CURRENT_UNBOUND_LICENSE_KEY),
            )
            .membership(
                MockMembership::new(DEMO_CURRENT_EXPIRED_MEMBERSHIP_ID)
                    .user(DEMO_USER_ID)
                    .license_key(DEMO_CURRENT_EXPIRED_LICENSE_KEY)
                    .status("expired", false),
            )
            .membership(
                MockMembership::new(DEMO_OTHER_MEMBERSHIP_ID)
                    .user(DEMO_OTHER_USER_ID)
                    .status("completed", true)
                    .payment_processor("free")
                    .renewal_period(None, None),
            )
    }
}
