//! Plans.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    amount, company_id, expandable, expandable_product, json_map, json_value, opt_bool, opt_count,
    opt_currency, opt_text, opt_timestamp, payment_processor, plan_id, plan_type, release_method,
    visibility,
};
use crate::{
    Amount, CompanyId, Expandable, PaymentProcessor, Plan, PlanType, Product, ReleaseMethod,
    Visibility,
};

/// An expanded plan.
pub fn plan() -> BoxedStrategy<Plan> {
    plan_fields().boxed()
}

/// A plan ID or an expanded plan.
pub fn expandable_plan() -> BoxedStrategy<Expandable<Plan>> {
    expandable(plan_id(), plan()).boxed()
}

field_group! {
    /// What the plan sells, and how it is listed.
    plan_listing -> PlanListing {
        company_id: Option<CompanyId> = option::of(company_id()),
        product: Option<Expandable<Product>> = option::of(expandable_product()),
        access_pass: Option<Expandable<Product>> = option::of(expandable_product()),
        plan_type: Option<PlanType> = option::of(plan_type()),
        release_method: Option<ReleaseMethod> = option::of(release_method()),
        release_method_settings: Value = json_value(),
        visibility: Option<Visibility> = option::of(visibility()),
        created_at: Option<OffsetDateTime> = opt_timestamp(),
        metadata: Option<Map<String, Value>> = option::of(json_map()),
    }
}

field_group! {
    /// The words and links around the plan.
    plan_copy -> PlanCopy {
        internal_notes: Option<String> = opt_text(),
        payment_link_description: Option<String> = opt_text(),
        description: Option<String> = opt_text(),
        direct_link: Option<String> = opt_text(),
        short_link: Option<String> = opt_text(),
        custom_fields: Value = json_value(),
        requirements: Value = json_value(),
    }
}

field_group! {
    /// What the plan costs, and for how long one purchase lasts.
    plan_price -> PlanPrice {
        renewal_price: Option<Amount> = option::of(amount()),
        initial_price: Option<Amount> = option::of(amount()),
        base_currency: Option<String> = opt_currency(),
        billing_period: Option<i64> = opt_count(),
        trial_period_days: Option<i64> = opt_count(),
        expiration_days: Option<i64> = opt_count(),
        grace_period_days: Option<i64> = opt_count(),
        split_pay_required_payments: Option<i64> = opt_count(),
        refillable: Option<bool> = opt_bool(),
        override_tax_type: Option<String> = opt_text(),
    }
}

field_group! {
    /// How buyers may pay.
    plan_payment_methods -> PlanPaymentMethods {
        accepted_payment_methods: Option<Vec<PaymentProcessor>> =
            option::of(vec(payment_processor(), 0..4)),
        card_payments: Option<bool> = opt_bool(),
        ach_payments: Option<bool> = opt_bool(),
        paypal_accepted: Option<bool> = opt_bool(),
        coinbase_commerce_accepted: Option<bool> = opt_bool(),
        splitit_accepted: Option<bool> = opt_bool(),
        platform_balance_accepted: Option<bool> = opt_bool(),
    }
}

field_group! {
    /// How many may be sold, and to whom.
    plan_limits -> PlanLimits {
        stock: Option<i64> = opt_count(),
        unlimited_stock: Option<bool> = opt_bool(),
        allow_multiple_quantity: Option<bool> = opt_bool(),
        one_per_user: Option<bool> = opt_bool(),
        one_per_company: Option<bool> = opt_bool(),
    }
}

field_group! {
    /// What happens when a buyer cancels.
    plan_cancellation -> PlanCancellation {
        cancel_collab_passes: Option<bool> = opt_bool(),
        cancel_discount_intervals: Option<i64> = opt_count(),
        cancel_discount_percentage: Option<i64> = opt_count(),
        offer_cancel_discount: Option<bool> = opt_bool(),
    }
}

prop_compose! {
    fn plan_fields()(
        id in plan_id(),
        listing in plan_listing(),
        copy in plan_copy(),
        price in plan_price(),
        methods in plan_payment_methods(),
        limits in plan_limits(),
        cancellation in plan_cancellation(),
    ) -> Plan {
        Plan {
            id,
            company_id: listing.company_id,
            product: listing.product,
            access_pass: listing.access_pass,
            plan_type: listing.plan_type,
            release_method: listing.release_method,
            release_method_settings: listing.release_method_settings,
            visibility: listing.visibility,
            created_at: listing.created_at,
            metadata: listing.metadata,
            internal_notes: copy.internal_notes,
            payment_link_description: copy.payment_link_description,
            description: copy.description,
            direct_link: copy.direct_link,
            short_link: copy.short_link,
            custom_fields: copy.custom_fields,
            requirements: copy.requirements,
            renewal_price: price.renewal_price,
            initial_price: price.initial_price,
            base_currency: price.base_currency,
            billing_period: price.billing_period,
            trial_period_days: price.trial_period_days,
            expiration_days: price.expiration_days,
            grace_period_days: price.grace_period_days,
            split_pay_required_payments: price.split_pay_required_payments,
            refillable: price.refillable,
            override_tax_type: price.override_tax_type,
            accepted_payment_methods: methods.accepted_payment_methods,
            card_payments: methods.card_payments,
            ach_payments: methods.ach_payments,
            paypal_accepted: methods.paypal_accepted,
            coinbase_commerce_accepted: methods.coinbase_commerce_accepted,
            splitit_accepted: methods.splitit_accepted,
            platform_balance_accepted: methods.platform_balance_accepted,
            stock: limits.stock,
            unlimited_stock: limits.unlimited_stock,
            allow_multiple_quantity: limits.allow_multiple_quantity,
            one_per_user: limits.one_per_user,
            one_per_company: limits.one_per_company,
            cancel_collab_passes: cancellation.cancel_collab_passes,
            cancel_discount_intervals: cancellation.cancel_discount_intervals,
            cancel_discount_percentage: cancellation.cancel_discount_percentage,
            offer_cancel_discount: cancellation.offer_cancel_discount,
        }
    }
}
