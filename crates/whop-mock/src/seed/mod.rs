//! The records a [`MockWhop`](crate::MockWhop) is seeded with: memberships, and the users, products,
//! plans and promo codes that `expand` turns into objects.
//!
//! Every record is built from its ID with Whop-like defaults, then adjusted with chainable setters:
//! `MockMembership::new("mem_1").user("user_1").license_key("K-1")`. Fields are public so a test
//! can read the state back after a call (see [`MockWhop::membership`](crate::MockWhop::membership)).

use serde_json::{Map, Value};

mod related;

pub use related::{MockPlan, MockProduct, MockPromoCode, MockUser};

/// The company that owns seeded memberships unless told otherwise.
pub const DEFAULT_COMPANY_ID: &str = "biz_mock0000000001";
/// The product of seeded memberships unless told otherwise (Whop's older `pass_` prefix).
pub const DEFAULT_PRODUCT_ID: &str = "pass_mock000000001";
/// The plan of seeded memberships unless told otherwise.
pub const DEFAULT_PLAN_ID: &str = "plan_mock000000001";
/// The owner of seeded memberships unless told otherwise.
pub const DEFAULT_USER_ID: &str = "user_mock000000001";
/// `created_at` of seeded records unless told otherwise (2023-02-08, as in Whop's docs).
pub const DEFAULT_CREATED_AT: i64 = 1_675_816_599;

/// A membership as the mock stores it. Both the v2 Membership and the v5 MeMembership bodies are
/// rendered from it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MockMembership {
    /// `mem_…` ID.
    pub id: String,
    /// The company that sold it: only that company's key may cancel it.
    pub company_id: String,
    /// Product ID (`prod_…` or `pass_…`); `product` and `access_pass` in v2, `product_id` in v5.
    pub product_id: String,
    /// Owner's user ID: only that user's token may read it on v5.
    pub user_id: String,
    /// Plan ID.
    pub plan_id: String,
    /// Promo code ID used at checkout, if any (`promo_code` in v2; `null` when none).
    pub promo_code_id: Option<String>,
    /// Email shown on the v2 membership; when `None`, the user's email.
    pub email: Option<String>,
    /// Status string, sent as is (`active`, `completed`, `canceled`, or anything new).
    pub status: String,
    /// Whether the membership grants access.
    pub valid: bool,
    /// Scheduled to cancel at the end of the period (set by cancel).
    pub cancel_at_period_end: bool,
    /// Payment processor string, sent as is (`free`, `stripe`, `multi_psp`, …).
    pub payment_processor: String,
    /// License key, if the product issues them.
    pub license_key: Option<String>,
    /// Arbitrary metadata object.
    pub metadata: Value,
    /// Quantity purchased.
    pub quantity: u32,
    /// Unix seconds when it expires, if ever.
    pub expires_at: Option<i64>,
    /// Unix seconds when the current renewal period began.
    pub renewal_period_start: Option<i64>,
    /// Unix seconds when the current renewal period ends.
    pub renewal_period_end: Option<i64>,
    /// Unix seconds when it was created.
    pub created_at: i64,
    /// Checkout session / checkout ID (`checkout_session` in v2, `checkout_id` in v5).
    pub checkout_id: Option<String>,
    /// Username of the referring affiliate, if any.
    pub affiliate_username: Option<String>,
    /// v5 `page_id`; when `None`, the company ID (real bodies may hold a `biz_` ID there).
    pub page_id: Option<String>,
    /// v5 `company_buyer_id`, if a company bought it.
    pub company_buyer_id: Option<String>,
    /// v5 `marketplace`: bought through Whop's marketplace.
    pub marketplace: bool,
    /// Whop ID of a connected Telegram account.
    pub telegram_account_id: Option<String>,
    /// The linked Discord account's ID (`discord` in v2; the `discord_id` list filter).
    pub discord_id: Option<String>,
    /// The crypto wallet that paid (the `wallet_address` list filter).
    pub wallet_address: Option<String>,
    /// Unix seconds when it was canceled (an immediate cancel on `/api/v1` sets it).
    pub canceled_at: Option<i64>,
    /// The reason given with a cancel on `/api/v1`, if any.
    pub cancellation_reason: Option<String>,
    /// Payment collection paused (`/api/v1/.../pause`): access continues, billing stops.
    pub payment_collection_paused: bool,
    /// Unix seconds when a pause ends by itself, if it was given an end.
    pub resumes_at: Option<i64>,
}

impl MockMembership {
    /// A valid, active membership with the default company, product, plan and user.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            company_id: DEFAULT_COMPANY_ID.to_owned(),
            product_id: DEFAULT_PRODUCT_ID.to_owned(),
            user_id: DEFAULT_USER_ID.to_owned(),
            plan_id: DEFAULT_PLAN_ID.to_owned(),
            promo_code_id: None,
            email: None,
            status: "active".to_owned(),
            valid: true,
            cancel_at_period_end: false,
            payment_processor: "stripe".to_owned(),
            license_key: None,
            metadata: Value::Object(Map::new()),
            quantity: 1,
            expires_at: None,
            renewal_period_start: Some(DEFAULT_CREATED_AT),
            renewal_period_end: Some(DEFAULT_CREATED_AT + 30 * 24 * 3600),
            created_at: DEFAULT_CREATED_AT,
            checkout_id: None,
            affiliate_username: None,
            page_id: None,
            company_buyer_id: None,
            marketplace: false,
            telegram_account_id: None,
            discord_id: None,
            wallet_address: None,
            canceled_at: None,
            cancellation_reason: None,
            payment_collection_paused: false,
            resumes_at: None,
        }
    }

    /// Sets the owning company.
    #[must_use]
    pub fn company(mut self, company_id: impl Into<String>) -> Self {
        self.company_id = company_id.into();
        self
    }

    /// Sets the product.
    #[must_use]
    pub fn product(mut self, product_id: impl Into<String>) -> Self {
        self.product_id = product_id.into();
        self
    }

    /// Sets the owner.
    #[must_use]
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = user_id.into();
        self
    }

    /// Sets the plan.
    #[must_use]
    pub fn plan(mut self, plan_id: impl Into<String>) -> Self {
        self.plan_id = plan_id.into();
        self
    }

    /// Sets the promo code used at checkout.
    #[must_use]
    pub fn promo_code(mut self, promo_code_id: impl Into<String>) -> Self {
        self.promo_code_id = Some(promo_code_id.into());
        self
    }

    /// Sets the email shown on the membership.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the status and whether it is valid.
    #[must_use]
    pub fn status(mut self, status: impl Into<String>, valid: bool) -> Self {
        self.status = status.into();
        self.valid = valid;
        self
    }

    /// Sets whether it is already scheduled to cancel at period end.
    #[must_use]
    pub fn cancel_at_period_end(mut self, cancel: bool) -> Self {
        self.cancel_at_period_end = cancel;
        self
    }

    /// Sets the payment processor string.
    #[must_use]
    pub fn payment_processor(mut self, processor: impl Into<String>) -> Self {
        self.payment_processor = processor.into();
        self
    }

    /// Sets the license key.
    #[must_use]
    pub fn license_key(mut self, key: impl Into<String>) -> Self {
        self.license_key = Some(key.into());
        self
    }

    /// Sets the metadata (sent as given; Whop sends an object).
    #[must_use]
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = metadata;
        self
    }

    /// Sets the quantity.
    #[must_use]
    pub fn quantity(mut self, quantity: u32) -> Self {
        self.quantity = quantity;
        self
    }

    /// Sets `created_at` (Unix seconds).
    #[must_use]
    pub fn created_at(mut self, unix_seconds: i64) -> Self {
        self.created_at = unix_seconds;
        self
    }

    /// Sets `expires_at` (Unix seconds, `None` for never).
    #[must_use]
    pub fn expires_at(mut self, unix_seconds: Option<i64>) -> Self {
        self.expires_at = unix_seconds;
        self
    }

    /// Sets the renewal period (Unix seconds; `None` where Whop sends `null`).
    #[must_use]
    pub fn renewal_period(mut self, start: Option<i64>, end: Option<i64>) -> Self {
        self.renewal_period_start = start;
        self.renewal_period_end = end;
        self
    }

    /// Sets the checkout ID.
    #[must_use]
    pub fn checkout_id(mut self, checkout_id: impl Into<String>) -> Self {
        self.checkout_id = Some(checkout_id.into());
        self
    }

    /// Sets the referring affiliate's username.
    #[must_use]
    pub fn affiliate_username(mut self, username: impl Into<String>) -> Self {
        self.affiliate_username = Some(username.into());
        self
    }

    /// Sets the v5 `page_id`.
    #[must_use]
    pub fn page_id(mut self, page_id: impl Into<String>) -> Self {
        self.page_id = Some(page_id.into());
        self
    }

    /// Sets the v5 `company_buyer_id`.
    #[must_use]
    pub fn company_buyer_id(mut self, company_id: impl Into<String>) -> Self {
        self.company_buyer_id = Some(company_id.into());
        self
    }

    /// Sets whether payment collection is paused, and until when (Unix seconds, if ever).
    #[must_use]
    pub fn paused(mut self, paused: bool, resumes_at: Option<i64>) -> Self {
        self.payment_collection_paused = paused;
        self.resumes_at = resumes_at.filter(|_| paused);
        self
    }

    /// Sets the v5 `marketplace` flag.
    #[must_use]
    pub fn marketplace(mut self, marketplace: bool) -> Self {
        self.marketplace = marketplace;
        self
    }
}
