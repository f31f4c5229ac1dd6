//! Pagination blocks and pages of memberships.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::{me_membership, membership};
use crate::{MeMembershipPage, MembershipPage, V2Pagination, V5Pagination};

/// An optional page number or page count.
fn opt_page() -> impl Strategy<Value = Option<u32>> {
    option::of(0u32..10_000)
}

/// An optional object count.
fn opt_total() -> impl Strategy<Value = Option<u64>> {
    option::of(0u64..10_000_000)
}

prop_compose! {
    /// v2 pagination, counts present or not (and not necessarily consistent: the API's are not).
    pub fn v2_pagination()(
        current_page in opt_page(),
        total_page in opt_page(),
        total_count in opt_total(),
    ) -> V2Pagination {
        V2Pagination { current_page, total_page, total_count }
    }
}

prop_compose! {
    /// v5 pagination, `next_page`/`prev_page` `null` or not.
    pub fn v5_pagination()(
        current_page in opt_page(),
        total_pages in opt_page(),
        next_page in opt_page(),
        prev_page in opt_page(),
        total_count in opt_total(),
    ) -> V5Pagination {
        V5Pagination { current_page, total_pages, next_page, prev_page, total_count }
    }
}

prop_compose! {
    /// A page of `GET /v2/memberships`: up to three memberships, pagination present or not.
    pub fn membership_page()(
        pagination in option::of(v2_pagination()),
        data in vec(membership(), 0..3),
    ) -> MembershipPage {
        MembershipPage { pagination, data }
    }
}

prop_compose! {
    /// A page of `GET /v5/me/memberships`: up to three memberships, pagination present or not.
    pub fn me_membership_page()(
        pagination in option::of(v5_pagination()),
        data in vec(me_membership(), 0..3),
    ) -> MeMembershipPage {
        MeMembershipPage { pagination, data }
    }
}
