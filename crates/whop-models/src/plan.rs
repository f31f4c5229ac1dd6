//! The plan (price and terms) a membership was bought under.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::expandable::Object;
use crate::string_enum::string_enum;
use crate::{
    Amount, CompanyId, Expandable, PaymentProcessor, PlanId, Product, UnixSeconds, Visibility,
};

string_enum! {
    /// How a plan charges.
    PlanType {
        /// Charges again every billing period.
        Renewal => "renewal",
        /// Charges once.
        OneTime => "one_time",
    }
}

string_enum! {
    /// How buyers get onto a plan.
    ReleaseMethod {
        /// Straight to checkout.
        BuyNow => "buy_now",
        /// Buyers join a waitlist the seller approves from.
        Waitlist => "waitlist",
        /// Buyers enter a draw.
        Raffle => "raffle",
    }
}

/// The price and terms a product is sold under, sent in place of a plan ID when the request
/// expands `plan`.
///
/// Only `id` is required; everything else is `None` (or JSON `null`) when omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The plan's ID (`plan_…`).
    pub id: PlanId,
    /// The company selling the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// The product the plan belongs to: its ID, or the object when expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<Expandable<Product>>,
    /// Whether the plan renews or charges once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_type: Option<PlanType>,
    /// How buyers get onto the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_method: Option<ReleaseMethod>,
    /// Who can see the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Days between charges, for a renewal plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_period: Option<i64>,
    /// The seller's private label for the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
    /// The text buyers see about the plan at checkout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_link_description: Option<String>,
    /// Free-form data the seller attached to the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// A checkout link that goes straight to this plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_link: Option<String>,
    /// What each later billing period costs.
    ///
    /// Real bodies send a decimal string (`"0.0"`) where the spec says number; [`Amount`]
    /// takes both and keeps the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_price: Option<Amount>,
    /// What the first purchase costs (string or number, as for `renewal_price`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_price: Option<Amount>,
    /// The plan's currency as a lowercase code (`usd`, `eur`, ...). Kept as text: Whop supports
    /// close to a hundred currencies and adds more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_currency: Option<String>,
    /// Conditions a buyer must meet to purchase (raw JSON: its shape is not published).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub requirements: Value,
    /// Settings of the release method, e.g. the waitlist's (raw JSON).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub release_method_settings: Value,
    /// The processors a buyer can pay this plan with right now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_payment_methods: Option<Vec<PaymentProcessor>>,
    /// Units left to sell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// Whether stock is ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlimited_stock: Option<bool>,
    /// When the plan was created.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Deprecated alias of `product`, kept because older bodies still send it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_pass: Option<Expandable<Product>>,
    /// Whether buyers may pay by card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_payments: Option<bool>,
    /// The extra questions asked at checkout (raw JSON: the schema is not published).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub custom_fields: Value,
    /// A short description buyers see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether one buyer may purchase several units at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_multiple_quantity: Option<bool>,
    /// Whether Coinbase Commerce may be offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coinbase_commerce_accepted: Option<bool>,
    /// Whether Splitit instalments may be offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitit_accepted: Option<bool>,
    /// Whether the buyer's Whop balance may be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_balance_accepted: Option<bool>,
    /// For an expiring plan: how many days one purchase lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_days: Option<i64>,
    /// Days after expiry during which the buyer may still top up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_period_days: Option<i64>,
    /// Whether each user may buy the plan only once (typical for trials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_per_user: Option<bool>,
    /// Whether an expiring plan can be topped up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refillable: Option<bool>,
    /// The short-link slug of the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_link: Option<String>,
    /// Free days before the first renewal charge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_period_days: Option<i64>,
    /// Whether PayPal is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paypal_accepted: Option<bool>,
    /// For split payments: how many payments complete the purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_pay_required_payments: Option<i64>,
    /// Whether ACH bank debits are accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ach_payments: Option<bool>,
    /// Whether losing this plan also ends dependent collaboration passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_collab_passes: Option<bool>,
    /// For a cancellation offer: how many billing periods the discount lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_discount_intervals: Option<i64>,
    /// For a cancellation offer: the discount in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_discount_percentage: Option<i64>,
    /// Whether a discount is offered to buyers who try to cancel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_cancel_discount: Option<bool>,
    /// Whether each company may buy the plan only once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_per_company: Option<bool>,
    /// A tax treatment that replaces the default one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_tax_type: Option<String>,
}

impl Plan {
    /// A plan with only its ID set.
    pub fn with_id(id: PlanId) -> Self {
        Self {
            id,
            company_id: None,
            product: None,
            plan_type: None,
            release_method: None,
            visibility: None,
            billing_period: None,
            internal_notes: None,
            payment_link_description: None,
            metadata: None,
            direct_link: None,
            renewal_price: None,
            initial_price: None,
            base_currency: None,
            requirements: Value::Null,
            release_method_settings: Value::Null,
            accepted_payment_methods: None,
            stock: None,
            unlimited_stock: None,
            created_at: None,
            access_pass: None,
            card_payments: None,
            custom_fields: Value::Null,
            description: None,
            allow_multiple_quantity: None,
            coinbase_commerce_accepted: None,
            splitit_accepted: None,
            platform_balance_accepted: None,
            expiration_days: None,
            grace_period_days: None,
            one_per_user: None,
            refillable: None,
            short_link: None,
            trial_period_days: None,
            paypal_accepted: None,
            split_pay_required_payments: None,
            ach_payments: None,
            cancel_collab_passes: None,
            cancel_discount_intervals: None,
            cancel_discount_percentage: None,
            offer_cancel_discount: None,
            one_per_company: None,
            override_tax_type: None,
        }
    }
}

impl Object for Plan {
    type Id = PlanId;
    const NAME: &'static str = "Plan";

    fn id(&self) -> &PlanId {
        &self.id
    }
}
