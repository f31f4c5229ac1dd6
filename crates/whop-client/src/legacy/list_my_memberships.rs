//! `GET /v5/me/memberships`: the caller's own memberships, a page at a time or as a stream.

use std::sync::Arc;

use whop_models::{MeMembership, MeMembershipPage, MembershipStatus};

use super::Legacy;
use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint};
use crate::error::{Error, InvalidInput};
use crate::paging::{Items, PageShape, Pages};
use crate::response::Response;

endpoint!(LIST_MY_MEMBERSHIPS = GET "/v5/me/memberships", V5);

/// Whop's default `per` of the v5 listing (the spec's).
pub const V5_DEFAULT_PER_PAGE: u32 = 10;

/// A listing of the caller's own memberships, from [`Legacy::my_memberships`] (a user token: use
/// a client from [`Client::with_token`]).
///
/// Filters, as the spec lists them: `company_id`, `product_id`, `statuses`, `valid` (Whop's
/// default is `true`: without [`valid`](Self::valid), only valid memberships are listed),
/// `license_key`; and `page`, `per` (default 10; the spec documents no maximum, so none is
/// checked here).
///
/// `statuses` is an array, and how v5 reads arrays in a query is undocumented: it is sent in the
/// Rails convention the v2 API uses for `expand[]`, `statuses[]=active&statuses[]=trialing`.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListMyMemberships<S> {
    client: Client<S>,
    filters: Vec<(&'static str, String)>,
    statuses: Vec<MembershipStatus>,
    page: u32,
    per: Option<u32>,
}

impl<'a, S: Clone> Legacy<'a, S> {
    /// Lists the caller's own memberships (`GET /v5/me/memberships`), with a user token.
    pub fn my_memberships(&self) -> ListMyMemberships<S> {
        ListMyMemberships {
            client: self.client.clone(),
            filters: Vec::new(),
            statuses: Vec::new(),
            page: 1,
            per: None,
        }
    }
}

impl<S: HttpService> ListMyMemberships<S> {
    fn filter(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.filters.retain(|(k, _)| *k != key);
        self.filters.push((key, value.into()));
        self
    }

    /// Only memberships of this company (`biz_…`).
    pub fn company_id(self, company_id: impl AsRef<str>) -> Self {
        self.filter("company_id", company_id.as_ref())
    }

    /// Only memberships of this product.
    pub fn product_id(self, product_id: impl AsRef<str>) -> Self {
        self.filter("product_id", product_id.as_ref())
    }

    /// Only memberships in this status (repeatable: any of them).
    pub fn status(mut self, status: MembershipStatus) -> Self {
        if !self.statuses.contains(&status) {
            self.statuses.push(status);
        }
        self
    }

    /// Only valid (`true`, Whop's default) or only invalid (`false`) memberships.
    pub fn valid(self, valid: bool) -> Self {
        self.filter("valid", valid.to_string())
    }

    /// Only the membership with this license key.
    pub fn license_key(self, license_key: impl AsRef<str>) -> Self {
        self.filter("license_key", license_key.as_ref())
    }

    /// The page to fetch, or to start streaming from (from 1; default 1).
    pub fn page(mut self, page: u32) -> Self {
        self.page = page;
        self
    }

    /// Memberships per page (at least 1; Whop's default 10).
    pub fn per(mut self, per: u32) -> Self {
        self.per = Some(per);
        self
    }

    fn call(&self, page: u32) -> Call {
        let refusal = match (page, self.per) {
            (0, _) => Some(InvalidInput::new("page", "must be 1 or more")),
            (_, Some(0)) => Some(InvalidInput::new("per", "must be 1 or more")),
            _ => None,
        };
        let mut call = LIST_MY_MEMBERSHIPS.call(&[]).refuse_if(refusal);
        for (key, value) in &self.filters {
            call = call.query(key, value);
        }
        for status in &self.statuses {
            call = call.query("statuses[]", status.as_str());
        }
        call = call.query("page", &page.to_string());
        match self.per {
            Some(per) => call.query("per", &per.to_string()),
            None => call,
        }
    }

    /// Fetches the one page set with [`page`](Self::page).
    ///
    /// # Errors
    /// See [`Error`]; a `page` or `per` of 0 is [`Error::InvalidInput`], before sending.
    pub async fn send(self) -> Result<Response<MeMembershipPage>, Error> {
        self.client.send(self.call(self.page)).await
    }

    /// Every page from [`page`](Self::page) on, fetched lazily. See [`Pages`].
    pub fn pages(self) -> Pages<MeMembershipPage> {
        let (first, per) = (self.page, self.per.unwrap_or(V5_DEFAULT_PER_PAGE));
        let listing = Arc::new(self);
        let fetch = Arc::new(move |page: u32| {
            let listing = Arc::clone(&listing);
            Box::pin(async move { listing.client.send(listing.call(page)).await }) as _
        });
        let shape = PageShape {
            len: |p: &MeMembershipPage| p.data.len(),
            next_page_hint: |p| p.pagination.and_then(|p| p.next_page),
        };
        Pages::new(fetch, shape, first, per)
    }

    /// Every membership from [`page`](Self::page) on, one by one, fetched a page at a time.
    pub fn items(self) -> Items<MeMembershipPage, MeMembership> {
        Items::new(self.pages(), |page| page.data)
    }
}
