//! `GET /v1/memberships`: memberships, filtered, a page at a time or as a stream over cursors.

use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_models::v1::{Membership, MembershipPage};

use crate::client::{Client, HttpService};
use crate::endpoint::{Call, endpoint};
use crate::error::{Error, InvalidInput};
use crate::paging::{CursorPages, CursorShape, Direction, Items};
use crate::response::Response;

endpoint!(LIST = GET "/v1/memberships", V1);

/// The most memberships a page may be asked for (`first`): this crate's bound, from the limit
/// Whop documents for its other Current API lists; a larger value is refused before sending.
pub const MAX_FIRST: u8 = 100;

/// A status the Current API's membership list filters on (`status=`).
///
/// Not the same set as [`MembershipStatus`](crate::MembershipStatus): the list adds `paused`
/// (payment collection paused) and has no `unresolved` or `drafted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MembershipFilter {
    /// `active`.
    Active,
    /// `trialing`.
    Trialing,
    /// `past_due`: a payment failed, Whop is retrying; access lasts meanwhile.
    PastDue,
    /// `completed`: a finished one-time purchase.
    Completed,
    /// `canceled`.
    Canceled,
    /// `expired`.
    Expired,
    /// `canceling`: active and set to cancel at the end of its period.
    Canceling,
    /// `paused`: payment collection paused.
    Paused,
}

impl MembershipFilter {
    /// The value Whop reads (`"past_due"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipFilter::Active => "active",
            MembershipFilter::Trialing => "trialing",
            MembershipFilter::PastDue => "past_due",
            MembershipFilter::Completed => "completed",
            MembershipFilter::Canceled => "canceled",
            MembershipFilter::Expired => "expired",
            MembershipFilter::Canceling => "canceling",
            MembershipFilter::Paused => "paused",
        }
    }
}

/// What a Current API membership list is ordered by (`order=`); the direction is
/// [`Direction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MembershipOrder {
    /// `created_at`, the one order Whop documents for this list.
    CreatedAt,
}

impl MembershipOrder {
    /// The value Whop reads.
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipOrder::CreatedAt => "created_at",
        }
    }
}

/// A listing of memberships, from [`Client::list_memberships`]: set filters, then fetch one page
/// ([`send`](Self::send)) or stream them all ([`pages`](Self::pages), [`items`](Self::items)).
///
/// Every filter of the Current API: `account_id`, `user_id` (or [`me`](Self::me)), `status`,
/// `product_id` and `plan_id` (each repeatable), `created_after`, `created_before`, `order`,
/// `direction`; and `first` (page size, 1 to [`MAX_FIRST`]) and `after` (a cursor). A filter
/// outside what the credential may see narrows the list to nothing; Whop does not answer it with
/// an error.
///
/// Several values of one filter are sent as Whop's references describe: statuses as repeated
/// `status=`, products and plans as `product_id=` for one and `product_ids[]=` for each of
/// several (the form Whop's Rust SDK documents for several).
///
/// Cheap to clone: keep a copy to resume a stream from a failed page.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListMemberships<S> {
    client: Client<S>,
    filters: Vec<(&'static str, String)>,
    statuses: Vec<MembershipFilter>,
    product_ids: Vec<String>,
    plan_ids: Vec<String>,
    first: Option<u8>,
    after: Option<String>,
    refusal: Option<InvalidInput>,
}

impl<S: Clone> Client<S> {
    /// Lists memberships (`GET /v1/memberships`): with your company API key, your business's;
    /// with a user's token and [`me`](ListMemberships::me), the user's own (what the legacy v5
    /// `GET /v5/me/memberships` listed).
    pub fn list_memberships(&self) -> ListMemberships<S> {
        ListMemberships {
            client: self.clone(),
            filters: Vec::new(),
            statuses: Vec::new(),
            product_ids: Vec::new(),
            plan_ids: Vec::new(),
            first: None,
            after: None,
            refusal: None,
        }
    }
}

impl<S: HttpService> ListMemberships<S> {
    fn filter(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.filters.retain(|(k, _)| *k != key);
        self.filters.push((key, value.into()));
        self
    }

    /// Only memberships of this account (business, `biz_…`).
    pub fn account_id(self, account_id: impl AsRef<str>) -> Self {
        self.filter("account_id", account_id.as_ref())
    }

    /// Only memberships of this user (`user_…`).
    pub fn user_id(self, user_id: impl AsRef<str>) -> Self {
        self.filter("user_id", user_id.as_ref())
    }

    /// Only the caller's own memberships (`user_id=me`), with a user's token.
    pub fn me(self) -> Self {
        self.user_id("me")
    }

    /// Only memberships in this status (repeatable: any of them).
    pub fn status(mut self, status: MembershipFilter) -> Self {
        if !self.statuses.contains(&status) {
            self.statuses.push(status);
        }
        self
    }

    /// Only memberships of this product (`prod_…`; repeatable: any of them).
    pub fn product_id(mut self, product_id: impl Into<String>) -> Self {
        push_unique(&mut self.product_ids, product_id.into());
        self
    }

    /// Only memberships of this plan (`plan_…`; repeatable: any of them).
    pub fn plan_id(mut self, plan_id: impl Into<String>) -> Self {
        push_unique(&mut self.plan_ids, plan_id.into());
        self
    }

    /// Only memberships created after `time` (sent as RFC 3339).
    pub fn created_after(self, time: OffsetDateTime) -> Self {
        self.time_filter("created_after", time)
    }

    /// Only memberships created before `time` (sent as RFC 3339).
    pub fn created_before(self, time: OffsetDateTime) -> Self {
        self.time_filter("created_before", time)
    }

    /// A time filter as RFC 3339; a time RFC 3339 cannot write (a year outside 0 to 9999) is
    /// refused when sent.
    fn time_filter(mut self, key: &'static str, time: OffsetDateTime) -> Self {
        match time.format(&Rfc3339) {
            Ok(text) => self.filter(key, text),
            Err(_) => {
                self.refusal.get_or_insert_with(|| {
                    InvalidInput::new(key, "must be a time RFC 3339 can write (years 0 to 9999)")
                });
                self
            }
        }
    }

    /// What to order by.
    pub fn order(self, order: MembershipOrder) -> Self {
        self.filter("order", order.as_str())
    }

    /// The direction of the order.
    pub fn direction(self, direction: Direction) -> Self {
        self.filter("direction", direction.as_str())
    }

    /// Memberships per page, 1 to [`MAX_FIRST`] (unset: Whop's default). Another value is refused
    /// when sent, before anything leaves.
    pub fn first(mut self, first: u8) -> Self {
        self.first = Some(first);
        self
    }

    /// Start after this cursor (a page's `page_info.end_cursor`, or a failed page's
    /// [`PageError::after`](crate::PageError::after)).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self
    }

    fn call(&self, after: Option<&str>) -> Call {
        let refusal = self.refusal.clone().or_else(|| {
            let first = self.first.filter(|f| !(1..=MAX_FIRST).contains(f))?;
            Some(InvalidInput::new(
                "first",
                format!("must be 1 to {MAX_FIRST}, not {first}"),
            ))
        });
        let mut call = LIST.call(&[]).refuse_if(refusal);
        for (key, value) in &self.filters {
            call = call.query(key, value);
        }
        for status in &self.statuses {
            call = call.query("status", status.as_str());
        }
        call = repeated(call, "product_id", "product_ids[]", &self.product_ids);
        call = repeated(call, "plan_id", "plan_ids[]", &self.plan_ids);
        if let Some(first) = self.first {
            call = call.query("first", &first.to_string());
        }
        match after {
            Some(after) => call.query("after", after),
            None => call,
        }
    }

    /// Fetches one page: the first, or the one after [`after`](Self::after).
    ///
    /// # Errors
    /// See [`Error`]; a `first` out of range is [`Error::InvalidInput`], before sending.
    pub async fn send(self) -> Result<Response<MembershipPage>, Error> {
        self.client.send(self.call(self.after.as_deref())).await
    }

    /// Every page, from the first (or after [`after`](Self::after)), fetched lazily as the stream
    /// is polled. See [`CursorPages`] for when it ends: never on `has_next_page` alone.
    pub fn pages(self) -> CursorPages<MembershipPage> {
        let after = self.after.clone();
        let listing = Arc::new(self);
        let fetch = Arc::new(move |after: Option<String>| {
            let listing = Arc::clone(&listing);
            Box::pin(async move { listing.client.send(listing.call(after.as_deref())).await }) as _
        });
        let shape = CursorShape {
            len: |p: &MembershipPage| p.data.len(),
            end_cursor: |p| p.page_info.as_ref()?.end_cursor.as_deref(),
            has_next_page: |p| p.page_info.as_ref()?.has_next_page,
        };
        CursorPages::new(fetch, shape, after)
    }

    /// Every membership, one by one, fetched a page at a time: each **once**, by ID, even from a
    /// server that hands a page back twice.
    pub fn items(self) -> Items<MembershipPage, Membership, CursorPages<MembershipPage>> {
        Items::new(self.pages(), |page: MembershipPage| page.data)
            .once_by(|m: &Membership| m.id.as_str())
    }
}

fn push_unique(values: &mut Vec<String>, value: String) {
    if !values.contains(&value) {
        values.push(value);
    }
}

/// One value as `one=value`, several as `several=value` each.
fn repeated(call: Call, one: &str, several: &str, values: &[String]) -> Call {
    match values {
        [value] => call.query(one, value),
        _ => values
            .iter()
            .fold(call, |call, value| call.query(several, value)),
    }
}
