//! The v5 membership: what `GET /v5/me/memberships/{id}` returns.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::count::WholeNumber;
use crate::{
    CheckoutId, CompanyId, LicenseKey, MembershipId, MembershipStatus, PageId, PlanId, ProductId,
    UnixSeconds, UserId,
};

/// A membership as the v5 "me" API shows it to its owner: flat IDs, no expansion.
///
/// Whop has published two versions of this schema. They agree that `id`, `product_id`,
/// `plan_id`, `page_id`, `created_at`, `quantity`, `valid` and `manage_url` are always sent, so
/// those are plain fields; a body without one of them fails to decode. Everything else is
/// optional in at least one version and is an `Option` here. In particular `status` is required
/// in the older version and nullable in the newer one, and `company_buyer_id` changed from a
/// string to a nullable number (see [`CompanyBuyerId`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeMembership {
    /// The membership's ID (`mem_…`).
    pub id: MembershipId,
    /// The product the membership is for.
    pub product_id: ProductId,
    /// The owner's user ID (required only in the newer schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The plan the membership was bought under.
    pub plan_id: PlanId,
    /// The page (storefront) it was bought on. May hold a company (`biz_…`) ID.
    pub page_id: PageId,
    /// When the membership was created.
    #[serde(with = "serde_with::As::<UnixSeconds>")]
    pub created_at: OffsetDateTime,
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
    /// End of the current billing period.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub renewal_period_end: Option<OffsetDateTime>,
    /// How many units the membership covers. The spec says `number`; an integral float such
    /// as `1.0` is accepted.
    #[serde(with = "serde_with::As::<WholeNumber>")]
    pub quantity: u32,
    /// Where the membership is in its lifecycle (nullable in the newer schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MembershipStatus>,
    /// Whether the membership grants access now, as Whop computes it.
    pub valid: bool,
    /// Whether the membership ends when the current period runs out instead of renewing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
    /// The membership's license key, if it has one. Its `Debug` output is redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_key: Option<LicenseKey>,
    /// Free-form key/value data the seller attached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// The checkout that first created the membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_id: Option<CheckoutId>,
    /// The affiliate who referred the customer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_username: Option<String>,
    /// Link where the customer manages the membership on whop.com.
    pub manage_url: String,
    /// The company that bought or owns the membership (for example by installing an app).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_buyer_id: Option<CompanyBuyerId>,
    /// Whether the purchase came through Whop's marketplace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<bool>,
}

impl MeMembership {
    /// Whether the membership grants access now (Whop's `valid` flag).
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// Whether the membership is set to end at the close of the current period.
    pub fn cancels_at_period_end(&self) -> bool {
        self.cancel_at_period_end.unwrap_or(false)
    }
}

/// `company_buyer_id`, whose type differs between the two published v5 schemas.
///
/// The older schema sends a company ID string (`biz_…`); the newer one a number. Either is kept
/// as received and encodes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompanyBuyerId {
    /// A company ID string.
    Id(CompanyId),
    /// A numeric ID, as the newer schema types it.
    Number(serde_json::Number),
}

impl CompanyBuyerId {
    /// The company ID, when the API sent one as a string.
    pub fn as_company_id(&self) -> Option<&CompanyId> {
        match self {
            Self::Id(id) => Some(id),
            Self::Number(_) => None,
        }
    }
}

impl fmt::Display for CompanyBuyerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => id.fmt(f),
            Self::Number(n) => n.fmt(f),
        }
    }
}

impl Serialize for CompanyBuyerId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Id(id) => id.serialize(serializer),
            Self::Number(n) => n.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for CompanyBuyerId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CompanyBuyerIdVisitor;

        impl Visitor<'_> for CompanyBuyerIdVisitor {
            type Value = CompanyBuyerId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a company ID string or a number")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<CompanyBuyerId, E> {
                self.visit_string(v.to_owned())
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<CompanyBuyerId, E> {
                CompanyId::deserialize(de::value::StringDeserializer::<E>::new(v))
                    .map(CompanyBuyerId::Id)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CompanyBuyerId, E> {
                Ok(CompanyBuyerId::Number(v.into()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CompanyBuyerId, E> {
                Ok(CompanyBuyerId::Number(v.into()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CompanyBuyerId, E> {
                serde_json::Number::from_f64(v)
                    .map(CompanyBuyerId::Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }

        deserializer.deserialize_any(CompanyBuyerIdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLDER_VARIANT: &str = r#"{"id":"mem_1","product_id":"prod_1","plan_id":"plan_1",
        "page_id":"page_1","created_at":1700000000,"quantity":1,"status":"active","valid":true,
        "manage_url":"https://whop.com/hub/mem_1/","company_buyer_id":"biz_1"}"#;

    const NEWER_VARIANT: &str = r#"{"id":"mem_1","product_id":"prod_1","user_id":"user_1",
        "plan_id":"plan_1","page_id":"biz_1","created_at":1700000000.0,"expires_at":null,
        "renewal_period_start":null,"renewal_period_end":null,"quantity":1.0,"status":null,
        "valid":false,"cancel_at_period_end":false,"metadata":{},"affiliate_username":null,
        "manage_url":"https://whop.com/hub/mem_1/","company_buyer_id":42}"#;

    #[test]
    fn older_variant_with_string_company_buyer_decodes() {
        let m: MeMembership = serde_json::from_str(OLDER_VARIANT).unwrap();
        assert_eq!(m.status, Some(MembershipStatus::Active));
        assert_eq!(
            m.company_buyer_id
                .unwrap()
                .as_company_id()
                .unwrap()
                .as_str(),
            "biz_1"
        );
        assert_eq!(m.user_id, None);
    }

    #[test]
    fn newer_variant_with_null_status_and_numeric_company_buyer_decodes() {
        let m: MeMembership = serde_json::from_str(NEWER_VARIANT).unwrap();
        assert_eq!(m.status, None);
        assert_eq!(m.quantity, 1);
        assert_eq!(m.created_at.unix_timestamp(), 1_700_000_000);
        assert_eq!(m.company_buyer_id, Some(CompanyBuyerId::Number(42.into())));
    }

    #[test]
    fn numeric_company_buyer_id_encodes_as_a_number() {
        let id = CompanyBuyerId::Number(42.into());
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
    }

    #[test]
    fn missing_required_field_is_an_error_naming_it() {
        let err = serde_json::from_str::<MeMembership>(r#"{"id":"mem_1"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
    }
}
