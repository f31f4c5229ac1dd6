//! v5 ("me") memberships.

use proptest::option;
use proptest::prelude::*;

use super::{
    checkout_id, company_id, json_map, license_key, membership_id, membership_status, opt_bool,
    opt_text, opt_timestamp, page_id, plan_id, product_id, text, timestamp, user_id,
};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{CheckoutId, CompanyBuyerId, LicenseKey, MeMembership, MembershipStatus};

/// A `company_buyer_id` in either published shape.
pub fn company_buyer_id() -> impl Strategy<Value = CompanyBuyerId> {
    prop_oneof![
        company_id().prop_map(CompanyBuyerId::Id),
        any::<i64>().prop_map(|n| CompanyBuyerId::Number(n.into())),
        any::<u64>().prop_map(|n| CompanyBuyerId::Number(n.into())),
    ]
}

/// A v5 membership, in either published schema's shape.
pub fn me_membership() -> BoxedStrategy<MeMembership> {
    me_membership_fields().boxed()
}

field_group! {
    /// Where the membership stands, and for how long.
    me_membership_state -> MeMembershipState {
        status: Option<MembershipStatus> = option::of(membership_status()),
        valid: bool = any::<bool>(),
        quantity: u32 = 0u32..1_000,
        expires_at: Option<OffsetDateTime> = opt_timestamp(),
        renewal_period_start: Option<OffsetDateTime> = opt_timestamp(),
        renewal_period_end: Option<OffsetDateTime> = opt_timestamp(),
        cancel_at_period_end: Option<bool> = opt_bool(),
    }
}

field_group! {
    /// How the membership was bought, and where it is managed.
    me_membership_purchase -> MeMembershipPurchase {
        license_key: Option<LicenseKey> = option::of(license_key()),
        metadata: Option<Map<String, Value>> = option::of(json_map()),
        checkout_id: Option<CheckoutId> = option::of(checkout_id()),
        affiliate_username: Option<String> = opt_text(),
        manage_url: String = text(),
        company_buyer_id: Option<CompanyBuyerId> = option::of(company_buyer_id()),
        marketplace: Option<bool> = opt_bool(),
    }
}

prop_compose! {
    fn me_membership_fields()(
        id in membership_id(),
        product_id in product_id(),
        user_id in option::of(user_id()),
        plan_id in plan_id(),
        page_id in page_id(),
        created_at in timestamp(),
        state in me_membership_state(),
        purchase in me_membership_purchase(),
    ) -> MeMembership {
        MeMembership {
            id,
            product_id,
            user_id,
            plan_id,
            page_id,
            created_at,
            status: state.status,
            valid: state.valid,
            quantity: state.quantity,
            expires_at: state.expires_at,
            renewal_period_start: state.renewal_period_start,
            renewal_period_end: state.renewal_period_end,
            cancel_at_period_end: state.cancel_at_period_end,
            license_key: purchase.license_key,
            metadata: purchase.metadata,
            checkout_id: purchase.checkout_id,
            affiliate_username: purchase.affiliate_username,
            manage_url: purchase.manage_url,
            company_buyer_id: purchase.company_buyer_id,
            marketplace: purchase.marketplace,
        }
    }
}
