//! The promo code a membership was bought with.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::expandable::Object;
use crate::string_enum::string_enum;
use crate::{Amount, PromoCodeId, UnixSeconds};

string_enum! {
    /// How a promo code's `amount_off` is read.
    PromoType {
        /// `amount_off` is a percentage.
        Percentage => "percentage",
        /// `amount_off` is a sum in the code's currency.
        FlatAmount => "flat_amount",
    }
}

string_enum! {
    /// Whether a promo code can be used.
    PromoCodeStatus {
        /// Live.
        Active => "active",
        /// Switched off by the seller.
        Inactive => "inactive",
        /// Retired.
        Archived => "archived",
    }
}

string_enum! {
    /// For how many renewals a promo code's discount applies.
    PromoDuration {
        /// Every billing period.
        Forever => "forever",
        /// The first payment only.
        Once => "once",
        /// A set number of periods (`number_of_intervals`).
        Repeating => "repeating",
    }
}

/// A discount code, sent in place of a promo code ID when the request expands `promo_code`.
///
/// Only `id` is required; everything else is `None` (or JSON `null`) when omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromoCode {
    /// The promo code's ID (`promo_…`).
    pub id: PromoCodeId,
    /// The plans the code works on. The spec calls it a string but describes a list of IDs or
    /// objects, so it is kept as raw JSON.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub plans: Value,
    /// The discount: a percentage or a sum, see `promo_type`. Accepts a number or a decimal
    /// string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<Amount>,
    /// The currency of a flat discount, as a lowercase code (`usd`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_currency: Option<String>,
    /// What the buyer types at checkout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whether only buyers new to the company may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_users_only: Option<bool>,
    /// For how many billing periods the discount applies (`0` means forever).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_intervals: Option<i64>,
    /// Deprecated list of plan IDs (use `plans`); raw JSON because its item type is unclear.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub plan_ids: Value,
    /// Whether `amount_off` is a percentage or a flat sum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo_type: Option<PromoType>,
    /// Whether the code can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PromoCodeStatus>,
    /// Uses left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// Whether the code may be used without limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlimited_stock: Option<bool>,
    /// How many times the code has been used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses: Option<i64>,
    /// When the code was created.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// When the code stops working.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_datetime: Option<OffsetDateTime>,
    /// Free-form data the seller attached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// For how many renewals the discount applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<PromoDuration>,
    /// Whether the code only applies to memberships that already exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_memberships_only: Option<bool>,
}

impl PromoCode {
    /// A promo code with only its ID set.
    pub fn with_id(id: PromoCodeId) -> Self {
        Self {
            id,
            plans: Value::Null,
            amount_off: None,
            base_currency: None,
            code: None,
            new_users_only: None,
            number_of_intervals: None,
            plan_ids: Value::Null,
            promo_type: None,
            status: None,
            stock: None,
            unlimited_stock: None,
            uses: None,
            created_at: None,
            expiration_datetime: None,
            metadata: None,
            duration: None,
            existing_memberships_only: None,
        }
    }
}

impl Object for PromoCode {
    type Id = PromoCodeId;
    const NAME: &'static str = "PromoCode";

    fn id(&self) -> &PromoCodeId {
        &self.id
    }
}
