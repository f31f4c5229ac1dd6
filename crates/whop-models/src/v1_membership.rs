//! The 2025 "Legacy" membership resource of the Current API (`/api/v1/memberships` without an
//! `Api-Version-Date` header, or with an old one); also [`crate::v1::LegacyMembership`].
//!
//! This resource describes a membership differently from v2: related records are small nested
//! objects (`company`, `plan`, `product`, `user`, `member`, `promo_code`) rather than IDs that
//! `expand` may turn into objects, and times are RFC 3339 strings (`"2025-01-31T12:00:00Z"`)
//! rather than Unix seconds. Decoding stays lenient as everywhere in this crate: every field but
//! `id` may be absent or `null`, unknown fields are ignored, unknown statuses are kept. A time is
//! read in every form Whop sends (the resource's own field docs still say "as a Unix timestamp")
//! and always written as RFC 3339 ([`Iso8601`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{
    CompanyId, Iso8601, LicenseKey, MembershipId, MembershipStatus, PlanId, ProductId, UserId,
};

/// One customer's purchase of one product, as the Current API's 2025 "Legacy" resource (and
/// webhooks pinned to it) describe it. For the resource at a recent `Api-Version-Date`, see
/// [`crate::v1::Membership`].
///
/// ```
/// use whop_models::{decode, MembershipStatus, V1Membership};
///
/// let body = br#"{
///     "id": "mem_1",
///     "status": "active",
///     "cancel_at_period_end": false,
///     "created_at": "2025-01-31T12:00:00Z",
///     "company": {"id": "biz_1", "title": "Acme"},
///     "product": {"id": "prod_1", "title": "Pro", "metadata": null},
///     "user": {"id": "user_1", "username": "ada", "name": null, "email": null}
/// }"#;
/// let membership: V1Membership = decode(body)?;
/// assert_eq!(membership.status, Some(MembershipStatus::Active));
/// assert_eq!(membership.created_at.unwrap().unix_timestamp(), 1_738_324_800);
/// assert_eq!(membership.user_id().unwrap().as_str(), "user_1");
/// # Ok::<(), whop_models::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1Membership {
    /// The membership's ID (`mem_…`).
    pub id: MembershipId,
    /// Whether the membership ends when the current billing period runs out instead of renewing.
    pub cancel_at_period_end: Option<bool>,
    /// The reason the customer picked from Whop's list when cancelling, as sent.
    pub cancel_option: Option<String>,
    /// When the customer started cancelling; `None` if they have not.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub canceled_at: Option<OffsetDateTime>,
    /// The customer's own words on why they cancelled, if any.
    pub cancellation_reason: Option<String>,
    /// The checkout configuration that produced the membership, if any.
    pub checkout_configuration_id: Option<String>,
    /// The company (seller) the membership belongs to.
    pub company: Option<V1Company>,
    /// When the membership was created.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub created_at: Option<OffsetDateTime>,
    /// The currency the membership is billed in (`usd`, …), as sent.
    pub currency: Option<String>,
    /// The customer's answers to the product's checkout questions.
    pub custom_field_responses: Option<Vec<V1CustomFieldResponse>>,
    /// When the customer first joined the company; `None` without a member record.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub joined_at: Option<OffsetDateTime>,
    /// The software license key, for products that issue them. Redacted in `Debug`.
    pub license_key: Option<LicenseKey>,
    /// Where the customer manages the membership.
    pub manage_url: Option<String>,
    /// The member record linking the user to the company.
    pub member: Option<V1Member>,
    /// Free-form key/value data (for software licensing, commonly a hardware ID).
    pub metadata: Option<Map<String, Value>>,
    /// Whether the company paused collecting recurring payments.
    pub payment_collection_paused: Option<bool>,
    /// The plan bought.
    pub plan: Option<V1Plan>,
    /// The product the membership grants access to.
    pub product: Option<V1Product>,
    /// The promo code applied to the membership's billing, if any.
    pub promo_code: Option<V1PromoCode>,
    /// End of the current billing period, for recurring memberships.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub renewal_period_end: Option<OffsetDateTime>,
    /// Start of the current billing period, for recurring memberships.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub renewal_period_start: Option<OffsetDateTime>,
    /// Where the membership is in its lifecycle.
    pub status: Option<MembershipStatus>,
    /// When the membership last changed.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub updated_at: Option<OffsetDateTime>,
    /// The customer; `None` if their account was deleted.
    pub user: Option<V1User>,
}

impl V1Membership {
    /// A membership with only its ID set; every other field is absent.
    pub fn with_id(id: MembershipId) -> Self {
        Self {
            id,
            cancel_at_period_end: None,
            cancel_option: None,
            canceled_at: None,
            cancellation_reason: None,
            checkout_configuration_id: None,
            company: None,
            created_at: None,
            currency: None,
            custom_field_responses: None,
            joined_at: None,
            license_key: None,
            manage_url: None,
            member: None,
            metadata: None,
            payment_collection_paused: None,
            plan: None,
            product: None,
            promo_code: None,
            renewal_period_end: None,
            renewal_period_start: None,
            status: None,
            updated_at: None,
            user: None,
        }
    }

    /// Whether the membership grants access now, judged from its status (the v1 body has no
    /// `valid` flag); unknown or missing statuses do not.
    pub fn grants_access(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(MembershipStatus::grants_access)
    }

    /// The customer's ID.
    pub fn user_id(&self) -> Option<&UserId> {
        self.user.as_ref().map(|user| &user.id)
    }

    /// The product's ID.
    pub fn product_id(&self) -> Option<&ProductId> {
        self.product.as_ref().map(|product| &product.id)
    }

    /// The plan's ID.
    pub fn plan_id(&self) -> Option<&PlanId> {
        self.plan.as_ref().map(|plan| &plan.id)
    }

    /// The company's ID.
    pub fn company_id(&self) -> Option<&CompanyId> {
        self.company.as_ref().map(|company| &company.id)
    }
}

/// The company a v1 membership belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1Company {
    /// The company's ID (`biz_…`).
    pub id: CompanyId,
    /// The company's display name.
    pub title: Option<String>,
}

/// The member record of a v1 membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1Member {
    /// The member's ID.
    pub id: String,
}

/// The plan of a v1 membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1Plan {
    /// The plan's ID (`plan_…`).
    pub id: PlanId,
    /// The seller's key/value data on the plan.
    pub metadata: Option<Map<String, Value>>,
}

/// The product of a v1 membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1Product {
    /// The product's ID (`prod_…`).
    pub id: ProductId,
    /// The seller's key/value data on the product.
    pub metadata: Option<Map<String, Value>>,
    /// The product's display name.
    pub title: Option<String>,
}

/// The promo code applied to a v1 membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1PromoCode {
    /// The promo code's ID (`promo_…`).
    pub id: String,
}

/// The customer of a v1 membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1User {
    /// The user's ID (`user_…`).
    pub id: UserId,
    /// The user's email; `None` unless the app may read emails.
    pub email: Option<String>,
    /// The user's display name.
    pub name: Option<String>,
    /// The user's unique username.
    pub username: Option<String>,
}

/// One checkout question of a v1 membership and the customer's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct V1CustomFieldResponse {
    /// The answer's ID.
    pub id: String,
    /// What the customer answered.
    pub answer: Option<String>,
    /// The question as shown.
    pub question: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode;

    #[test]
    fn only_id_is_required() {
        let m: V1Membership = decode(br#"{"id":"mem_1"}"#).unwrap();
        assert_eq!(
            m,
            V1Membership::with_id(MembershipId::new("mem_1").unwrap())
        );
    }

    #[test]
    fn times_are_read_from_rfc3339_with_an_offset_and_written_in_rfc3339() {
        let m: V1Membership =
            decode(br#"{"id":"mem_1","updated_at":"2025-01-31T14:00:00.5+02:00"}"#).unwrap();
        let at = m.updated_at.unwrap();
        assert_eq!(at.unix_timestamp(), 1_738_324_800);
        assert_eq!(at.millisecond(), 500);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["updated_at"], "2025-01-31T14:00:00.5+02:00");
    }

    #[test]
    fn times_are_also_read_from_unix_seconds() {
        let m: V1Membership =
            decode(br#"{"id":"mem_1","canceled_at":1738324800,"joined_at":"1738324800"}"#).unwrap();
        assert_eq!(m.canceled_at.unwrap().unix_timestamp(), 1_738_324_800);
        assert_eq!(m.joined_at, m.canceled_at);
    }

    #[test]
    fn a_time_that_is_neither_is_an_error_at_its_path() {
        let err =
            decode::<V1Membership>(br#"{"id":"mem_1","created_at":"yesterday"}"#).unwrap_err();
        assert_eq!(err.path(), "created_at");
    }

    #[test]
    fn access_follows_the_status() {
        let mut m = V1Membership::with_id(MembershipId::new("mem_1").unwrap());
        assert!(!m.grants_access());
        m.status = Some(MembershipStatus::Trialing);
        assert!(m.grants_access());
        m.status = Some(MembershipStatus::Expired);
        assert!(!m.grants_access());
    }
}
