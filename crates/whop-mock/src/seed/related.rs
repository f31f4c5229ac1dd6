//! The records a membership refers to, which `expand` (v2) renders as objects.

use super::DEFAULT_CREATED_AT;

/// A user, rendered when `expand[]=user` is asked. Unseeded users are generated from their ID.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockUser {
    /// `user_…` ID.
    pub id: String,
    /// Username.
    pub username: String,
    /// Email (also the membership's email unless it sets its own).
    pub email: String,
    /// Avatar URL.
    pub profile_pic_url: String,
}

impl MockUser {
    /// A user whose username is the ID and whose email is `<id>@example.com`.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            username: id.clone(),
            email: format!("{id}@example.com"),
            profile_pic_url: format!("https://ui-avatars.com/api/?name={id}"),
            id,
        }
    }

    /// Sets the username.
    #[must_use]
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    /// Sets the email.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }
}

/// A product (formerly "access pass"), rendered when `expand[]=product` is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockProduct {
    /// `prod_…` or `pass_…` ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `visible`, `hidden`, …
    pub visibility: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl MockProduct {
    /// A visible product named after its ID.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            name: format!("Product {id}"),
            id,
            visibility: "visible".to_owned(),
            created_at: DEFAULT_CREATED_AT,
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

/// A plan, rendered when `expand[]=plan` is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockPlan {
    /// `plan_…` ID.
    pub id: String,
    /// `renewal` or `one_time`.
    pub plan_type: String,
    /// Days between renewals; `None` (`null`) for one-time plans.
    pub billing_period: Option<u32>,
    /// Initial price, a decimal string as Whop sends it (`"0.0"`).
    pub initial_price: String,
    /// Renewal price, a decimal string.
    pub renewal_price: String,
    /// Currency code (`usd`).
    pub base_currency: String,
}

impl MockPlan {
    /// A free monthly renewal plan in USD.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            plan_type: "renewal".to_owned(),
            billing_period: Some(30),
            initial_price: "0.0".to_owned(),
            renewal_price: "0.0".to_owned(),
            base_currency: "usd".to_owned(),
        }
    }

    /// Makes it a one-time plan at the given price (a decimal string).
    #[must_use]
    pub fn one_time(mut self, price: impl Into<String>) -> Self {
        self.plan_type = "one_time".to_owned();
        self.billing_period = None;
        self.initial_price = price.into();
        self.renewal_price = "0.0".to_owned();
        self
    }
}

/// A promo code, rendered when `expand[]=promo_code` is asked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MockPromoCode {
    /// `promo_…` ID.
    pub id: String,
    /// The code typed at checkout.
    pub code: String,
    /// Amount off (percentage or flat, per `promo_type`).
    pub amount_off: f64,
    /// `percentage` or `flat_amount`.
    pub promo_type: String,
}

impl MockPromoCode {
    /// A 10 % promo code whose code is the upper-cased ID.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            code: id.to_uppercase(),
            id,
            amount_off: 10.0,
            promo_type: "percentage".to_owned(),
        }
    }
}
