//! `GET /v2/memberships`: your company's memberships, filtered, a page at a time or as a stream.

use std::sync::Arc;

use whop_models::{Expand, ExpandSet, Membership, MembershipPage, MembershipStatus};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint};
use crate::error::{Error, InvalidInput};
use crate::paging::{Direction, Items, PageShape, Pages};
use crate::response::Response;

endpoint!(LIST_MEMBERSHIPS = GET "/v2/memberships", V2; successor "Client::list_memberships");

/// The most memberships a v2 page holds: the spec's "limit of 50 results per page".
pub const V2_MAX_PER_PAGE: u32 = 50;

/// A listing of your company's memberships, from [`Legacy::list_memberships`]: set filters, then
/// fetch one page ([`send`](Self::send)) or stream them all ([`pages`](Self::pages),
/// [`items`](Self::items)).
///
/// Every filter of the spec: `status`, `plan_id`, `product_id`, `user_id`, `discord_id`,
/// `wallet_address`, `valid`, `hide_metadata`, `direction`, `expand`; and `page`, `per` (at most
/// [`V2_MAX_PER_PAGE`]; the default here is that maximum, fewer requests than Whop's default of
/// 10). Cheap to clone: keep a copy to resume a stream from a failed page.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListMemberships<S> {
    client: Client<S>,
    filters: Vec<(&'static str, String)>,
    expand: ExpandSet,
    page: u32,
    per: u32,
}

impl<'a, S: Clone> Legacy<'a, S> {
    /// Lists your company's memberships (`GET /v2/memberships`), with your company API key.
    pub fn list_memberships(&self) -> ListMemberships<S> {
        ListMemberships {
            client: self.client.clone(),
            filters: Vec::new(),
            expand: ExpandSet::new(),
            page: 1,
            per: V2_MAX_PER_PAGE,
        }
    }
}

impl<S: HttpService> ListMemberships<S> {
    fn filter(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.filters.retain(|(k, _)| *k != key);
        self.filters.push((key, value.into()));
        self
    }

    /// Only memberships in this status.
    pub fn status(self, status: MembershipStatus) -> Self {
        let value = status.as_str().to_owned();
        self.filter("status", value)
    }

    /// Only memberships of this plan (`plan_…`).
    pub fn plan_id(self, plan_id: impl AsRef<str>) -> Self {
        self.filter("plan_id", plan_id.as_ref())
    }

    /// Only memberships of this product (`prod_…` or `pass_…`).
    pub fn product_id(self, product_id: impl AsRef<str>) -> Self {
        self.filter("product_id", product_id.as_ref())
    }

    /// Only memberships owned by this user (`user_…`).
    pub fn user_id(self, user_id: impl AsRef<str>) -> Self {
        self.filter("user_id", user_id.as_ref())
    }

    /// Only memberships linked to this Discord account ID.
    pub fn discord_id(self, discord_id: impl AsRef<str>) -> Self {
        self.filter("discord_id", discord_id.as_ref())
    }

    /// Only memberships paid from this crypto wallet.
    pub fn wallet_address(self, wallet_address: impl AsRef<str>) -> Self {
        self.filter("wallet_address", wallet_address.as_ref())
    }

    /// Only valid (`true`) or only invalid (`false`) memberships.
    pub fn valid(self, valid: bool) -> Self {
        self.filter("valid", valid.to_string())
    }

    /// Leave the metadata out of each membership (`hide_metadata=true`).
    pub fn hide_metadata(self, hide: bool) -> Self {
        self.filter("hide_metadata", hide.to_string())
    }

    /// The order, by creation time (Whop's default: newest first).
    pub fn direction(self, direction: Direction) -> Self {
        self.filter("direction", direction.as_str())
    }

    /// Asks for `field` expanded in every membership (repeatable).
    pub fn expand(mut self, field: Expand) -> Self {
        self.expand.insert(field);
        self
    }

    /// The page to fetch, or to start streaming from (from 1; default 1): also how a stream is
    /// resumed from a failed page ([`PageError::page`](crate::PageError::page)).
    pub fn page(mut self, page: u32) -> Self {
        self.page = page;
        self
    }

    /// Memberships per page, 1 to [`V2_MAX_PER_PAGE`] (default 50). Another value is refused
    /// when sent: Whop would silently cap it, and a stream would take the capped page for the
    /// last one.
    pub fn per(mut self, per: u32) -> Self {
        self.per = per;
        self
    }

    fn call(&self, page: u32) -> Call {
        let refusal = if !(1..=V2_MAX_PER_PAGE).contains(&self.per) {
            Some(InvalidInput::new(
                "per",
                format!(
                    "must be 1 to {V2_MAX_PER_PAGE} (Whop's v2 page limit), not {}",
                    self.per
                ),
            ))
        } else if page == 0 {
            Some(InvalidInput::new("page", "must be 1 or more"))
        } else {
            None
        };
        let mut call = LIST_MEMBERSHIPS.call(&[]).refuse_if(refusal);
        for (key, value) in &self.filters {
            call = call.query(key, value);
        }
        call.expand(&self.expand)
            .query("page", &page.to_string())
            .query("per", &self.per.to_string())
    }

    /// Fetches the one page set with [`page`](Self::page).
    ///
    /// # Errors
    /// See [`Error`]; an invalid `page` or `per` is [`Error::InvalidInput`], before sending.
    pub async fn send(self) -> Result<Response<MembershipPage>, Error> {
        self.client.send(self.call(self.page)).await
    }

    /// Every page from [`page`](Self::page) on, fetched lazily as the stream is polled. See
    /// [`Pages`] for when it ends and what a failed page does.
    pub fn pages(self) -> Pages<MembershipPage> {
        let (first, per) = (self.page, self.per);
        let listing = Arc::new(self);
        let fetch = Arc::new(move |page: u32| {
            let listing = Arc::clone(&listing);
            Box::pin(async move { listing.client.send(listing.call(page)).await }) as _
        });
        let shape = PageShape {
            len: |p: &MembershipPage| p.data.len(),
            next_page_hint: |_| None,
        };
        Pages::new(fetch, shape, first, per)
    }

    /// Every membership from [`page`](Self::page) on, one by one, fetched a page at a time.
    pub fn items(self) -> Items<MembershipPage, Membership> {
        Items::new(self.pages(), |page| page.data)
    }
}
