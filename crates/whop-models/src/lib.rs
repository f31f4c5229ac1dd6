//! Typed, lenient serde models of Whop's membership API.
//!
//! Pure data: no I/O, no async, no HTTP. The types cover the two endpoints whop-rs speaks:
//!
//! - `POST /v2/memberships/{id}/cancel` returns a [`Membership`], whose `product`, `user`,
//!   `plan`, `promo_code` (and deprecated `access_pass`) are [`Expandable`]: an ID, or the whole
//!   object when the request asked for it with [`Expand`].
//! - `GET /v5/me/memberships/{id}` returns a [`MeMembership`]; the `{id}` is a
//!   [`MembershipRef`], a membership ID or a license key.
//! - Either may answer with an [`ErrorBody`].
//!
//! # Leniency
//!
//! Whop's bodies are looser than its specs, so decoding forgives what it safely can: unknown
//! fields are ignored, unknown enum values are kept as `Unknown(String)` and written back
//! unchanged, IDs are never checked for their prefix, fields the API may leave out or send as
//! `null` are `Option`, and fields whose shape differs between spec and reality are raw
//! [`serde_json::Value`]s. Timestamps are [`time::OffsetDateTime`], read from Unix seconds;
//! one out of range is a decode error, not a panic.
//!
//! # Example
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
//!     "created_at": 1675816599,
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
pub use timestamp::UnixSeconds;
pub use user::{SocialAccount, User};
pub use v1_membership::{
    V1Company, V1CustomFieldResponse, V1Member, V1Membership, V1Plan, V1Product, V1PromoCode,
    V1User,
};

/// Encodes a value as the API would send it: compact JSON, `serde_json::to_vec` of the type's
/// derived `Serialize`. Absent fields (`None`, and raw JSON fields that are `null`) are left out,
/// as the API leaves them out: decoding the bytes gives the same value back.
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
