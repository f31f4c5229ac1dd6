//! Promo codes.

use proptest::option;
use proptest::prelude::*;

use super::{
    amount, expandable, json_map, json_value, opt_bool, opt_count, opt_currency, opt_text,
    opt_timestamp, promo_code_id, promo_code_status, promo_duration, promo_type,
};
use crate::{Amount, Expandable, PromoCode, PromoDuration, PromoType};

/// An expanded promo code.
pub fn promo_code() -> BoxedStrategy<PromoCode> {
    promo_code_fields().boxed()
}

field_group! {
    /// What the code takes off, and for how long.
    promo_discount -> PromoDiscount {
        amount_off: Option<Amount> = option::of(amount()),
        base_currency: Option<String> = opt_currency(),
        promo_type: Option<PromoType> = option::of(promo_type()),
        duration: Option<PromoDuration> = option::of(promo_duration()),
        number_of_intervals: Option<i64> = opt_count(),
    }
}

field_group! {
    /// How often the code may be used, and by whom.
    promo_limits -> PromoLimits {
        stock: Option<i64> = opt_count(),
        unlimited_stock: Option<bool> = opt_bool(),
        uses: Option<i64> = opt_count(),
        new_users_only: Option<bool> = opt_bool(),
        existing_memberships_only: Option<bool> = opt_bool(),
    }
}

prop_compose! {
    fn promo_code_fields()(
        id in promo_code_id(),
        code in opt_text(),
        status in option::of(promo_code_status()),
        created_at in opt_timestamp(),
        expiration_datetime in opt_timestamp(),
        metadata in option::of(json_map()),
        plans in json_value(),
        plan_ids in json_value(),
        discount in promo_discount(),
        limits in promo_limits(),
    ) -> PromoCode {
        PromoCode {
            id,
            code,
            status,
            created_at,
            expiration_datetime,
            metadata,
            plans,
            plan_ids,
            amount_off: discount.amount_off,
            base_currency: discount.base_currency,
            promo_type: discount.promo_type,
            duration: discount.duration,
            number_of_intervals: discount.number_of_intervals,
            stock: limits.stock,
            unlimited_stock: limits.unlimited_stock,
            uses: limits.uses,
            new_users_only: limits.new_users_only,
            existing_memberships_only: limits.existing_memberships_only,
        }
    }
}

/// A promo code ID or an expanded promo code.
pub fn expandable_promo_code() -> BoxedStrategy<Expandable<PromoCode>> {
    expandable(promo_code_id(), promo_code()).boxed()
}
