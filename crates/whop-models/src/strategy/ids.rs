//! IDs, license keys and membership references.

use proptest::prelude::*;
use proptest::sample::select;

use crate::{
    CheckoutId, CompanyId, ExperienceId, LicenseKey, MembershipId, MembershipRef, PageId, PlanId,
    ProductId, PromoCodeId, UserId,
};

prop_compose! {
    /// One of `prefixes`, an underscore, then up to 16 letters and digits.
    fn prefixed(prefixes: &'static [&'static str])(
        prefix in select(prefixes),
        rest in "[A-Za-z0-9]{1,16}",
    ) -> String {
        format!("{prefix}_{rest}")
    }
}

macro_rules! id_strategy {
    ($(#[$meta:meta])* $fn_name:ident -> $ty:ident, $prefixes:expr) => {
        $(#[$meta])*
        pub fn $fn_name() -> impl Strategy<Value = $ty> {
            prefixed($prefixes).prop_map(|s| $ty::new(s).expect("generated IDs are not empty"))
        }
    };
}

id_strategy!(
    /// A membership ID (`mem_…`).
    membership_id -> MembershipId, &["mem"]
);
id_strategy!(
    /// A user ID (`user_…`).
    user_id -> UserId, &["user"]
);
id_strategy!(
    /// A plan ID (`plan_…`).
    plan_id -> PlanId, &["plan"]
);
id_strategy!(
    /// A product ID (`prod_…` or `pass_…`).
    product_id -> ProductId, &["prod", "pass"]
);
id_strategy!(
    /// A page ID (`page_…` or `biz_…`, as real bodies carry both).
    page_id -> PageId, &["page", "biz"]
);
id_strategy!(
    /// A company ID (`biz_…`).
    company_id -> CompanyId, &["biz"]
);
id_strategy!(
    /// A checkout ID (`ch_…`).
    checkout_id -> CheckoutId, &["ch"]
);
id_strategy!(
    /// A promo code ID (`promo_…`).
    promo_code_id -> PromoCodeId, &["promo"]
);
id_strategy!(
    /// An experience ID (`exp_…`).
    experience_id -> ExperienceId, &["exp"]
);

/// A license key a client can send: Whop-style keys and any non-empty text, including characters
/// that need escaping in a URL, except the two dot segments `.` and `..`, which no server can
/// route as one path segment and which the client therefore refuses before sending.
pub fn license_key() -> impl Strategy<Value = LicenseKey> {
    prop_oneof!["[A-Z0-9]{1,8}(-[A-Z0-9]{4,8}){0,3}", "\\PC{1,24}",]
        .prop_filter("`.` and `..` cannot be sent as a path segment", |s| {
            s != "." && s != ".."
        })
        .prop_map(|s| LicenseKey::new(s).expect("generated keys are not empty"))
}

/// A membership reference: a `mem_` ID, or a license key that does not look like one.
pub fn membership_ref() -> impl Strategy<Value = MembershipRef> {
    prop_oneof![
        membership_id().prop_map(MembershipRef::Id),
        license_key()
            .prop_filter("a license key must not look like a membership ID", |k| {
                !k.as_str().starts_with("mem_")
            })
            .prop_map(MembershipRef::LicenseKey),
    ]
}
