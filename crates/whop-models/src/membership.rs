//! The v2 membership: what `POST /v2/memberships/{id}/cancel` returns.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::count::WholeNumber;
use crate::{
    CheckoutId, CompanyId, Expandable, LicenseKey, MembershipId, MembershipStatus,
    PaymentProcessor, Plan, PlanId, Product, ProductId, PromoCode, PromoCodeId, UnixSeconds, User,
    UserId,
};

/// One customer's purchase of one product, as the v2 API describes it.
///
/// The v2 spec marks no field required and real bodies both send `null` and leave keys out, so
/// every field but `id` is optional: `None` means "absent or null". Fields whose shape differs
/// between the spec and real bodies are kept as raw [`Value`]s (`Value::Null` when absent).
///
/// `product`, `user`, `plan`, `promo_code` and `access_pass` are IDs unless the request asked
/// to expand them; use the `*_id()` helpers to read the ID either way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The membership's ID (`mem_…`).
    pub id: MembershipId,
    /// The company that sold the membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// The product bought: its ID, or the object when `product` was expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<Expandable<Product>>,
    /// The customer: their ID, or the object when `user` was expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Expandable<User>>,
    /// The plan bought under: its ID, or the object when `plan` was expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Expandable<Plan>>,
    /// The promo code used at checkout, if any: its ID, or the object when expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo_code: Option<Expandable<PromoCode>>,
    /// The customer's email address (Whop's spec: "the email of the User attached to this
    /// Membership"). Prefer this one: it comes without expanding `user`. The expanded user's
    /// `email` ([`user_object`](Self::user_object)) describes the same person's address, and is
    /// there only when `user` was expanded and Whop lets you see it.
    /// [`customer_email`](Self::customer_email) reads this field, then falls back to that one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The Stripe subscription behind the membership, for Stripe checkouts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe_subscription_id: Option<String>,
    /// The Stripe customer behind the membership, for Stripe checkouts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe_customer_id: Option<String>,
    /// Where the membership is in its lifecycle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MembershipStatus>,
    /// Whole-picture answer from Whop: does the membership grant access right now?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// Whether the membership ends when the current period runs out instead of renewing.
    /// Cancelling through v2 sets this; it does not end access at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
    /// Who took the payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_processor: Option<PaymentProcessor>,
    /// The membership's license key. A customer secret: its `Debug` output is redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_key: Option<LicenseKey>,
    /// Free-form key/value data the seller attached (for example a hardware ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Where the buyer came from (UTM parameters and the like), as raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub acquisition_data: Value,
    /// How many units the membership covers (an integral float such as `1.0` is accepted).
    #[serde(
        default,
        with = "serde_with::As::<Option<WholeNumber>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<u32>,
    /// The crypto wallet that paid, for purchases made through Whop's on-chain contracts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_address: Option<String>,
    /// Checkout questions and the customer's answers, as a typed list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_field_responses: Option<Vec<CustomFieldResponse>>,
    /// Checkout questions and answers in an older shape (an object in real bodies), raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub custom_fields_responses: Value,
    /// Checkout questions and answers in a newer shape. The spec says object, real bodies send
    /// an array, so it is raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub custom_fields_responses_v2: Value,
    /// The customer's linked Discord account, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discord: Option<Discord>,
    /// NFTs tied to the membership. The spec says string, real bodies send an array: raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub nft_tokens: Value,
    /// When the membership runs out, for plans that expire.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// Start of the current billing period.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub renewal_period_start: Option<OffsetDateTime>,
    /// End of the current billing period: the next renewal, or the end of access when
    /// `cancel_at_period_end` is set.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub renewal_period_end: Option<OffsetDateTime>,
    /// When the membership was created.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Link where the customer manages the membership (top up, cancel, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<String>,
    /// Link to the seller's page with the customer's affiliate code attached. Having the link
    /// does not mean the customer is allowed to earn commission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_page_url: Option<String>,
    /// The checkout session the membership was bought through (`ch_…`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_session: Option<CheckoutId>,
    /// The affiliate who referred the customer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_username: Option<String>,
    /// Deprecated twin of `product`, still sent by the API. It is expanded exactly when
    /// `product` is; prefer `product`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_pass: Option<Expandable<Product>>,
    /// Whop's ID of the customer's linked Telegram account, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telegram_account_id: Option<String>,
    /// The customer's phone number, when they allowed sharing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// For split payments: how many payments complete the purchase.
    #[serde(
        default,
        with = "serde_with::As::<Option<WholeNumber>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub split_pay_required_payments: Option<u32>,
    /// Delivery records (not in the spec; real bodies send an object). Raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub deliveries: Value,
}

impl Membership {
    /// A membership with only its ID set; every other field is absent.
    pub fn with_id(id: MembershipId) -> Self {
        Self {
            id,
            company_id: None,
            product: None,
            user: None,
            plan: None,
            promo_code: None,
            email: None,
            stripe_subscription_id: None,
            stripe_customer_id: None,
            status: None,
            valid: None,
            cancel_at_period_end: None,
            payment_processor: None,
            license_key: None,
            metadata: None,
            acquisition_data: Value::Null,
            quantity: None,
            wallet_address: None,
            custom_field_responses: None,
            custom_fields_responses: Value::Null,
            custom_fields_responses_v2: Value::Null,
            discord: None,
            nft_tokens: Value::Null,
            expires_at: None,
            renewal_period_start: None,
            renewal_period_end: None,
            created_at: None,
            manage_url: None,
            affiliate_page_url: None,
            checkout_session: None,
            affiliate_username: None,
            access_pass: None,
            telegram_account_id: None,
            phone_number: None,
            split_pay_required_payments: None,
            deliveries: Value::Null,
        }
    }

    /// Whether the membership grants access now.
    ///
    /// Uses Whop's `valid` flag when present; otherwise falls back to
    /// [`MembershipStatus::grants_access`]; with neither, `false`.
    pub fn is_valid(&self) -> bool {
        self.valid.unwrap_or_else(|| {
            self.status
                .as_ref()
                .is_some_and(MembershipStatus::grants_access)
        })
    }

    /// Whether the membership is set to end at the close of the current period.
    pub fn cancels_at_period_end(&self) -> bool {
        self.cancel_at_period_end.unwrap_or(false)
    }

    /// The product's ID, expanded or not; falls back to the deprecated `access_pass`.
    pub fn product_id(&self) -> Option<&ProductId> {
        self.product
            .as_ref()
            .or(self.access_pass.as_ref())
            .map(Expandable::id)
    }

    /// The expanded product, if `product` (or `access_pass`) was expanded.
    pub fn product_object(&self) -> Option<&Product> {
        self.product
            .as_ref()
            .and_then(Expandable::as_object)
            .or_else(|| self.access_pass.as_ref().and_then(Expandable::as_object))
    }

    /// The customer's ID, expanded or not.
    pub fn user_id(&self) -> Option<&UserId> {
        self.user.as_ref().map(Expandable::id)
    }

    /// The plan's ID, expanded or not.
    pub fn plan_id(&self) -> Option<&PlanId> {
        self.plan.as_ref().map(Expandable::id)
    }

    /// The expanded customer, if `user` was expanded.
    pub fn user_object(&self) -> Option<&User> {
        self.user.as_ref().and_then(Expandable::as_object)
    }

    /// The expanded plan, if `plan` was expanded.
    pub fn plan_object(&self) -> Option<&Plan> {
        self.plan.as_ref().and_then(Expandable::as_object)
    }

    /// The expanded promo code, if `promo_code` was expanded.
    pub fn promo_code_object(&self) -> Option<&PromoCode> {
        self.promo_code.as_ref().and_then(Expandable::as_object)
    }

    /// The customer's email: the membership's own [`email`](Self::email) (preferred: no
    /// expansion needed), else the expanded user's.
    pub fn customer_email(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or_else(|| self.user_object()?.email.as_deref())
    }

    /// The promo code's ID, expanded or not.
    pub fn promo_code_id(&self) -> Option<&PromoCodeId> {
        self.promo_code.as_ref().map(Expandable::id)
    }

    /// One metadata entry.
    pub fn metadata_value(&self, key: &str) -> Option<&Value> {
        self.metadata.as_ref()?.get(key)
    }
}

/// A Discord account linked to a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discord {
    /// The Discord user's snowflake ID (a string of digits).
    pub id: String,
    /// The Discord username (older accounts include a `#1234` discriminator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Link to the Discord avatar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// One checkout question and the customer's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldResponse {
    /// The answer's own ID.
    pub id: String,
    /// When the answer was first given.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// When the answer last changed.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<OffsetDateTime>,
    /// The question as shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// What the customer answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Membership {
        Membership::with_id(MembershipId::new("mem_1").unwrap())
    }

    #[test]
    fn only_id_is_required() {
        let m: Membership = serde_json::from_str(r#"{"id":"mem_1"}"#).unwrap();
        assert_eq!(m, minimal());
    }

    #[test]
    fn is_valid_prefers_the_valid_flag_over_status() {
        let mut m = minimal();
        m.status = Some(MembershipStatus::Active);
        m.valid = Some(false);
        assert!(!m.is_valid());
    }

    #[test]
    fn is_valid_falls_back_to_status() {
        let mut m = minimal();
        assert!(!m.is_valid());
        m.status = Some(MembershipStatus::Trialing);
        assert!(m.is_valid());
    }

    #[test]
    fn debug_output_does_not_show_the_license_key() {
        let mut m = minimal();
        m.license_key = Some(LicenseKey::new("U-A09280-647203B0-2C0A9EW").unwrap());
        let debug = format!("{m:?}");
        assert!(!debug.contains("647203B0"), "{debug}");
    }

    #[test]
    fn integral_float_quantity_is_accepted() {
        let m: Membership = serde_json::from_str(r#"{"id":"mem_1","quantity":2.0}"#).unwrap();
        assert_eq!(m.quantity, Some(2));
    }

    #[test]
    fn expanded_user_and_plan_are_read_like_the_product() {
        let m: Membership = serde_json::from_str(
            r#"{"id":"mem_1","user":{"id":"user_1","email":"u@example.com"},"plan":{"id":"plan_1"}}"#,
        )
        .unwrap();
        assert_eq!(m.user_object().unwrap().id.as_str(), "user_1");
        assert_eq!(m.plan_object().unwrap().id.as_str(), "plan_1");
        assert!(m.promo_code_object().is_none());
        let unexpanded: Membership =
            serde_json::from_str(r#"{"id":"mem_1","user":"user_1","plan":"plan_1"}"#).unwrap();
        assert!(unexpanded.user_object().is_none() && unexpanded.plan_object().is_none());
    }

    #[test]
    fn customer_email_prefers_the_membership_email_then_the_expanded_users() {
        let mut m: Membership = serde_json::from_str(
            r#"{"id":"mem_1","user":{"id":"user_1","email":"user@example.com"}}"#,
        )
        .unwrap();
        assert_eq!(m.customer_email(), Some("user@example.com"));
        m.email = Some("membership@example.com".to_owned());
        assert_eq!(m.customer_email(), Some("membership@example.com"));
    }

    #[test]
    fn product_id_falls_back_to_access_pass() {
        let mut m = minimal();
        m.access_pass = Some(Expandable::Id(ProductId::new("pass_1").unwrap()));
        assert_eq!(m.product_id().unwrap().as_str(), "pass_1");
    }
}
