//! Typed, lenient serde models of Whop's membership API.
//!
//! Pure data: no I/O, no async, no HTTP.
//!
//! # The Current API: [`v1`]
//!
//! Whop switched API v2 off on 2026-11-13; memberships and licenses now live on the Current API
//! (`https://api.whop.com/api/v1`), whose resource depends on the `Api-Version-Date` request
//! header. The [`v1`] module has its models at the date whop-rs pins: [`v1::Membership`] (what a
//! retrieve by `mem_` ID or license key, an update, a cancel, … return), [`v1::MembershipPage`] (a
//! cursor-paged list), [`v1::ErrorBody`], and the request bodies ([`v1::UpdateMembership`],
//! [`v1::CancelMembership`], [`v1::PauseMembership`], [`v1::ExtendMembership`]). The resource
//! Whop answers without the header, the 2025 "Legacy" one, is [`V1Membership`]
//! (also [`v1::LegacyMembership`]).
//!
//! ```
//! use whop_models::{decode, v1, MembershipStatus};
//!
//! let body = br#"{
//!     "id": "mem_1",
//!     "account": {"id": "biz_1", "logo_url": null, "route": "acme", "title": "Acme"},
//!     "cancel_at_period_end": true,
//!     "created_at": "2025-01-31T12:00:00.000Z",
//!     "current_period_end": "2025-03-01T12:00:00.000Z",
//!     "license_key": null,
//!     "member": null,
//!     "metadata": {},
//!     "phone_number": null,
//!     "plan_id": "plan_1",
//!     "product_id": "prod_1",
//!     "status": "canceling",
//!     "user_id": "user_1"
//! }"#;
//! let membership: v1::Membership = decode(body)?;
//! assert!(membership.grants_access());
//! assert_eq!(membership.status, Some(MembershipStatus::Canceling));
//! assert_eq!(membership.current_period_end.unwrap().unix_timestamp(), 1_740_830_400);
//! # Ok::<(), whop_models::DecodeError>(())
//! ```
//!
//! # Legacy: v2 and v5
//!
//! The models of the calls whop-rs made before the Current API stay, for the legacy calls:
//!
//! - `POST /v2/memberships/{id}/cancel` returns a [`Membership`], whose `product`, `user`,
//!   `plan`, `promo_code` (and deprecated `access_pass`) are [`Expandable`]: an ID, or the whole
//!   object when the request asked for it with [`Expand`]. Whop retired v2 on 2026-11-13.
//! - `GET /v5/me/memberships/{id}` returns a [`MeMembership`]; the `{id}` is a
//!   [`MembershipRef`], a membership ID or a license key.
//! - Any of them may answer with an [`ErrorBody`], which also reads the Current API's shape.
//!
//! # Leniency
//!
//! Whop's bodies are looser than its specs, so decoding forgives what it safely can: unknown
//! fields are ignored, unknown enum values are kept as `Unknown(String)` and written back
//! unchanged, IDs are never checked for their prefix, fields the API may leave out or send as
//! `null` are `Option`, and fields whose shape differs between spec and reality are raw
//! [`serde_json::Value`]s.
//!
//! # Timestamps
//!
//! Times are [`time::OffsetDateTime`]. Every timestamp field of every model reads each form Whop
//! has sent times in: Unix seconds (an integer, a float or a numeric string), ISO 8601 / RFC 3339
//! text, and `"YYYY-MM-DD HH:MM:SS +HHMM"` text (Whop's 2023 webhook examples). The v2/v5 models
//! write Unix seconds ([`UnixSeconds`]), the Current API's write RFC 3339 ([`Iso8601`]). A time
//! out of range is a decode error, not a panic.
//!
//! ```
//! use whop_models::{decode, Expandable, Membership, MembershipStatus};
//!
//! let body = br#"{
//!     "id": "mem_5l6nvhob7ALjRT",
//!     "product": {"id": "pass_m11FQfj0mJV3p", "name": "Free Picks", "created_at": 1655077534},
//!     "plan": "plan_nJUM2MyD9lX0Q",
//!     "status": "completed",
//!     "valid": true,
//!     "payment_processor": "sezzle",
//!     "created_at": "2023-02-08 02:36:39 +0200",
//!     "expires_at": null
//! }"#;
//!
//! let membership: Membership = decode(body)?;
//! assert!(membership.is_valid());
//! assert_eq!(membership.status, Some(MembershipStatus::Completed));
//!
//! match &membership.product {
//!     Some(Expandable::Object(product)) => assert_eq!(product.name.as_deref(), Some("Free Picks")),
//!     Some(Expandable::Id(id)) => println!("product {id} (not expanded)"),
//!     None => println!("no product"),
//! }
//! // The ID is there either way.
//! assert_eq!(membership.plan_id().unwrap().as_str(), "plan_nJUM2MyD9lX0Q");
//! assert_eq!(membership.created_at.unwrap().unix_timestamp(), 1675816599);
//! assert_eq!(membership.expires_at, None);
//! # Ok::<(), whop_models::DecodeError>(())
//! ```
//!
//! # Features
//!
//! - `proptest`: exports the `strategy` module, proptest strategies for every type here, so you can
//!   property-test your own code with realistic values.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod amount;
mod count;
mod decode;
mod error_body;
mod expand;
mod expandable;
mod id;
mod me_membership;
mod membership;
mod metadata;
mod pagination;
mod payment_processor;
mod plan;
mod product;
mod promo_code;
mod status;
mod string_enum;
mod timestamp;
mod user;
mod v1_membership;

pub mod v1;

#[cfg(any(test, feature = "proptest"))]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategy;

pub use amount::Amount;
pub use count::WholeNumber;
pub use decode::{DecodeError, decode};
pub use error_body::{ErrorBody, ErrorCode, V2Error, V2ErrorBody, V5ErrorBody};
pub use expand::{Expand, ExpandIter, ExpandSet, UnknownExpand};
pub use expandable::{Expandable, Object};
pub use id::{
    CheckoutId, CompanyId, ExperienceId, InvalidId, LicenseKey, MembershipId, MembershipRef,
    PageId, PlanId, ProductId, PromoCodeId, UserId,
};
pub use me_membership::{CompanyBuyerId, MeMembership};
pub use membership::{CustomFieldResponse, Discord, Membership};
pub use metadata::{Metadata, NotAnObject, UpdateMembershipRequest, ValidateLicenseRequest};
pub use pagination::{MeMembershipPage, MembershipPage, V2Pagination, V5Pagination};
pub use payment_processor::PaymentProcessor;
pub use plan::{Plan, PlanType, ReleaseMethod};
pub use product::{Product, Visibility};
pub use promo_code::{PromoCode, PromoCodeStatus, PromoDuration, PromoType};
pub use status::MembershipStatus;
pub use timestamp::{Iso8601, UnixSeconds};
pub use user::{SocialAccount, User};
pub use v1_membership::{
    V1Company, V1CustomFieldResponse, V1Member, V1Membership, V1Plan, V1Product, V1PromoCode,
    V1User,
};

/// Encodes a value as the API would send it: compact JSON, `serde_json::to_vec` of the type's
/// derived `Serialize`. Absent fields are written as the API writes them: the v2/v5 models and
/// request bodies leave out `None` (and raw JSON fields that are `null`), the Current API's
/// response models ([`v1::Membership`], [`V1Membership`]) write `null`, as Whop does for their
/// nullable fields. Either way, decoding the bytes gives the same value back.
///
/// ```
/// use whop_models::{encode, V5ErrorBody};
///
/// let body = V5ErrorBody { message: Some("Too many requests".to_owned()) };
/// assert_eq!(encode(&body)?, br#"{"message":"Too many requests"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
///
/// Returns the `serde_json` error if a `Serialize` impl fails (none of this crate's types do), or
/// if the value holds something JSON cannot represent (a map with non-string keys, for example).
pub fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(value)
}

// The crate README (shown on crates.io) is run as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
