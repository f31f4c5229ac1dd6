//! Pages of memberships, and the two pagination shapes Whop uses.
//!
//! v2 (`GET /v2/memberships`) answers `{"pagination": {"current_page", "total_page",
//! "total_count"}, "data": [...]}`: note `total_page`, singular. v5 (`GET /v5/me/memberships`)
//! answers `{"pagination": {"current_page", "total_pages", "next_page", "prev_page",
//! "total_count"}, "data": [...]}`, with `next_page`/`prev_page` `null` at the ends. The v5 spec
//! types the numbers as `number`, so an integral float (`2.0`) is accepted.
//!
//! The counts are informative only: the v2 spec even describes `total_count` as "automatically
//! maxed out at 50". A listing must not trust them to know when it is done; it ends on an empty
//! page or one shorter than asked for. So every count here is an `Option`, and a page without
//! `pagination` at all still decodes.

use serde::{Deserialize, Serialize};

use crate::count::WholeNumber;
use crate::{MeMembership, Membership};

/// v2 pagination: `{"current_page", "total_page", "total_count"}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct V2Pagination {
    /// The page this is (from 1).
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub current_page: Option<u32>,
    /// How many pages the listing has, per the API (`total_page`, singular, as Whop spells it).
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub total_page: Option<u32>,
    /// How many objects the listing has, per the API.
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub total_count: Option<u64>,
}

/// v5 pagination: `{"current_page", "total_pages", "next_page", "prev_page", "total_count"}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct V5Pagination {
    /// The page this is (from 1).
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub current_page: Option<u32>,
    /// How many pages the listing has, per the API.
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub total_pages: Option<u32>,
    /// The next page's number; `None` (`null`) on the last page.
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub next_page: Option<u32>,
    /// The previous page's number; `None` (`null`) on the first page.
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub prev_page: Option<u32>,
    /// How many objects the listing has, per the API.
    #[serde(default, with = "serde_with::As::<Option<WholeNumber>>")]
    pub total_count: Option<u64>,
}

/// One page of `GET /v2/memberships`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MembershipPage {
    /// Where this page is in the listing, if the API said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<V2Pagination>,
    /// The memberships on this page (absent counts as none).
    #[serde(default)]
    pub data: Vec<Membership>,
}

/// One page of `GET /v5/me/memberships`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeMembershipPage {
    /// Where this page is in the listing, if the API said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<V5Pagination>,
    /// The memberships on this page (absent counts as none).
    #[serde(default)]
    pub data: Vec<MeMembership>,
}
