//! The Current API (`https://api.whop.com/api/v1`): the models of its membership resource.
//!
//! Whop switched API v2 off on 2026-11-13; the Current API replaces it. One path,
//! `/api/v1/memberships…`, serves two different resources, chosen by the `Api-Version-Date`
//! request header: with no header Whop answers with the 2025 "Legacy" resource
//! ([`LegacyMembership`]: `company`, `renewal_period_end`, …); with a recent date, with the new
//! one ([`Membership`]: `account`, `current_period_end`, …). The types here are the new resource
//! at the date whop-rs pins (`2026-09-15`, the date Whop's own Rust SDK sends), field by field.
//!
//! - [`Membership`] (with [`Account`], [`Member`], [`AccessLevel`]): what a retrieve, an update,
//!   a cancel, a pause, … return; and the `data` of v1 membership webhooks.
//! - [`MembershipPage`] (with [`PageInfo`]): a page of the cursor-paged list.
//! - [`ErrorBody`] (with [`Error`]): the error envelope. [`crate::ErrorBody::parse`] recognises
//!   it beside the v2 and v5 shapes.
//! - [`UpdateMembership`], [`CancelMembership`], [`PauseMembership`], [`ExtendMembership`]: the
//!   request bodies.
//!
//! Times are read in every form Whop sends (ISO 8601 text, Unix seconds, and
//! `"YYYY-MM-DD HH:MM:SS +HHMM"`) and written as RFC 3339 ([`crate::Iso8601`]).

mod error;
mod membership;
mod page;
mod requests;

pub use error::{Error, ErrorBody};
pub use membership::{AccessLevel, Account, Member, Membership};
pub use page::{MembershipPage, PageInfo};
pub use requests::{CancelMembership, ExtendMembership, PauseMembership, UpdateMembership};

/// The 2025 "Legacy" membership resource, what `/api/v1/memberships` answers without an
/// `Api-Version-Date` header (the same type as [`crate::V1Membership`]).
pub use crate::V1Membership as LegacyMembership;
