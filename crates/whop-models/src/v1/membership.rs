//! The Current API's membership resource at the pinned `Api-Version-Date`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use time::OffsetDateTime;

use crate::string_enum::string_enum;
use crate::{
    CompanyId, Iso8601, LicenseKey, MembershipId, MembershipStatus, PlanId, ProductId, UserId,
};

/// One customer's purchase of one product, as the Current API (`/api/v1/memberships`, with a
/// recent `Api-Version-Date`) describes it.
///
/// Related records are IDs (`plan_id`, `product_id`, `user_id`) or small nested objects
/// ([`Account`], [`Member`]); times are ISO 8601 text, written back as RFC 3339. Decoding is
/// lenient: every field but `id` may be absent or `null`, unknown fields are ignored, an unknown
/// status is kept as [`MembershipStatus::Unknown`]. Every field is written, an absent one as
/// `null`, as Whop writes the documented shape.
///
/// ```
/// use whop_models::{decode, v1, MembershipStatus};
///
/// let body = br#"{
///     "id": "mem_1",
///     "account": {"id": "biz_1", "logo_url": null, "route": "acme", "title": "Acme"},
///     "cancel_at_period_end": false,
///     "created_at": "2025-01-31T12:00:00.000Z",
///     "current_period_end": null,
///     "license_key": "K-1",
///     "member": null,
///     "metadata": {"hwid": "A"},
///     "phone_number": null,
///     "plan_id": "plan_1",
///     "product_id": "prod_1",
///     "status": "canceling",
///     "user_id": "user_1"
/// }"#;
/// let membership: v1::Membership = decode(body)?;
/// assert_eq!(membership.status, Some(MembershipStatus::Canceling));
/// assert!(membership.grants_access());
/// assert_eq!(membership.created_at.unwrap().unix_timestamp(), 1_738_324_800);
/// assert_eq!(membership.account.unwrap().title.as_deref(), Some("Acme"));
/// # Ok::<(), whop_models::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The membership's ID (`mem_…`).
    pub id: MembershipId,
    /// The account (business) the membership belongs to.
    pub account: Option<Account>,
    /// Whether the membership ends when the current period runs out instead of renewing.
    pub cancel_at_period_end: Option<bool>,
    /// When the membership was created.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub created_at: Option<OffsetDateTime>,
    /// When the current period ends (the renewal or expiry time); `None` for a lifetime
    /// one-time purchase.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub current_period_end: Option<OffsetDateTime>,
    /// The software license key, for products with software licensing. Redacted in `Debug`.
    pub license_key: Option<LicenseKey>,
    /// The caller's own member record; sent only on the buyer's own reads, `None` on a
    /// seller's.
    pub member: Option<Member>,
    /// Free key/value data (for software licensing, commonly a hardware ID). The Current API
    /// merges an update into it key by key.
    pub metadata: Option<Map<String, Value>>,
    /// The customer's phone number, if collected.
    pub phone_number: Option<String>,
    /// The plan bought (`plan_…`).
    pub plan_id: Option<PlanId>,
    /// The product the membership grants access to (`prod_…`).
    pub product_id: Option<ProductId>,
    /// Where the membership is in its lifecycle.
    pub status: Option<MembershipStatus>,
    /// The customer (`user_…`); `None` if the buyer is a business or the membership is
    /// unclaimed.
    pub user_id: Option<UserId>,
}

impl Membership {
    /// A membership with only its ID set; every other field is absent.
    pub fn with_id(id: MembershipId) -> Self {
        Self {
            id,
            account: None,
            cancel_at_period_end: None,
            created_at: None,
            current_period_end: None,
            license_key: None,
            member: None,
            metadata: None,
            phone_number: None,
            plan_id: None,
            product_id: None,
            status: None,
            user_id: None,
        }
    }

    /// Whether the membership grants access now, judged from its status (the Current API has no
    /// `valid` flag): see [`MembershipStatus::grants_access`]. An unknown or missing status does
    /// not.
    pub fn grants_access(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(MembershipStatus::grants_access)
    }
}

/// The account (business) a Current API membership belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The account's ID (`biz_…`).
    pub id: CompanyId,
    /// The URL of the account's logo, if it has one.
    pub logo_url: Option<String>,
    /// The account's storefront path on whop.com.
    pub route: Option<String>,
    /// The account's display name.
    pub title: Option<String>,
}

/// The caller's own member record in the membership's account (only on the buyer's reads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// What the member may do in the account.
    pub access_level: Option<AccessLevel>,
    /// When the member last used the account's products.
    #[serde(default, with = "serde_with::As::<Option<Iso8601>>")]
    pub last_accessed_at: Option<OffsetDateTime>,
    /// The member's position in the account's member list, as sent.
    pub position: Option<Number>,
}

string_enum! {
    /// What a member may do in an account.
    AccessLevel {
        /// A buyer of the account's products.
        Customer => "customer",
        /// An administrator of the account.
        Admin => "admin",
        /// Neither: no access to the account.
        NoAccess => "no_access",
    }
}
