//! `GET /api/v1/memberships`: the memberships the caller can see, filtered, ordered, a page at a
//! time by cursor: `{"data": [...], "page_info": {"end_cursor", "start_cursor", "has_next_page",
//! "has_previous_page"}}`.
//!
//! Filters:
//! - new resource: `account_id`, `user_id` (`me`: the user of a user token; with an API key,
//!   `me` is a `400`, the mock's choice as Whop does not say), `status` (`active`, `trialing`,
//!   `past_due`, `completed`, `canceled`, `expired`, `canceling`, `paused`), `product_id`,
//!   `plan_id` (each repeatable, also as `product_ids[]`/`plan_ids[]`), `created_after`,
//!   `created_before` (ISO 8601), `order` (`created_at`), `direction` (`asc`/`desc`);
//! - Legacy: `company_id` (required with an API key, as Whop's SDKs say), `statuses[]`,
//!   `product_ids[]`, `plan_ids[]`, `user_ids[]`, `promo_code_ids[]`, `cancel_options[]`,
//!   `created_after`, `created_before`, `order` (`id`, `created_at`, `status`, `canceled_at`,
//!   `date_joined`, `total_spend`), `direction`.
//!
//! Paging, both: `first` (1 to 100; default 10: Whop documents neither) with `after`, or `last`
//! with `before`. A filter only narrows what the caller can see: a value outside its reach gives
//! fewer rows, never an error. Newest first unless `direction=asc`; ties by ID.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde_json::{Value, json};

use super::body::parse_time;
use super::{Viewer, error};
use crate::handlers::query::Query;
use crate::route::ApiFamily;
use crate::seed::MockMembership;
use crate::state::{Answer, Handled, RequestInfo, State};
use crate::v1_body::current_status;
use crate::version::Resource;

/// The most rows a page holds; a larger `first` or `last` is a `400`.
pub(crate) const V1_MAX_PAGE: usize = 100;
/// Rows per page without `first` or `last`.
pub(crate) const V1_DEFAULT_PAGE: usize = 10;

/// The new resource's `status` filter values.
const CURRENT_STATUSES: [&str; 8] = [
    "active",
    "trialing",
    "past_due",
    "completed",
    "canceled",
    "expired",
    "canceling",
    "paused",
];
/// The Legacy `statuses[]` values (Whop's MembershipStatus).
const LEGACY_STATUSES: [&str; 9] = [
    "trialing",
    "active",
    "past_due",
    "completed",
    "canceled",
    "expired",
    "unresolved",
    "drafted",
    "canceling",
];

impl State {
    pub(super) fn list_v1(
        &self,
        resource: Resource,
        viewer: Viewer<'_>,
        info: &RequestInfo,
    ) -> Handled {
        let q = Query::parse(ApiFamily::V1, info.query.as_deref());
        let keep = filter(resource, viewer, &q)?;
        let order = order(resource, &q)?;
        let mut rows: Vec<&MockMembership> = self
            .memberships()
            .iter()
            .filter(|m| viewer.sees(m) && keep(m))
            .collect();
        rows.sort_by(|a, b| order(a, b));
        let (page, has_previous_page, has_next_page) = self.page(&q, &rows, order)?;
        let cursor = |m: &&MockMembership| URL_SAFE_NO_PAD.encode(&m.id);
        let page_info = json!({
            "end_cursor": page.last().map(cursor),
            "start_cursor": page.first().map(cursor),
            "has_next_page": has_next_page,
            "has_previous_page": has_previous_page,
        });
        let data: Vec<Value> = page
            .iter()
            .map(|m| self.render_v1(resource, viewer, m, true))
            .collect();
        Ok(Answer::ok(
            StatusCode::OK,
            json!({ "data": data, "page_info": page_info }),
        ))
    }

    /// The rows of the page `first`/`after` or `last`/`before` asks for, and whether rows come
    /// before and after it.
    fn page<'a>(
        &self,
        q: &Query,
        rows: &[&'a MockMembership],
        order: impl Fn(&MockMembership, &MockMembership) -> Ordering,
    ) -> Result<(Vec<&'a MockMembership>, bool, bool), Answer> {
        let size = |key: &str| -> Result<Option<usize>, Answer> {
            match q.get(key) {
                None => Ok(None),
                Some(v) => match v.parse::<usize>() {
                    Ok(n) if (1..=V1_MAX_PAGE).contains(&n) => Ok(Some(n)),
                    _ => Err(error(
                        StatusCode::BAD_REQUEST,
                        &format!("{key} must be a whole number from 1 to {V1_MAX_PAGE}"),
                    )),
                },
            }
        };
        let (first, last) = (size("first")?, size("last")?);
        if first.is_some() && last.is_some() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "Send first or last, not both",
            ));
        }
        let after = q.get("after").map(|c| self.cursor(c)).transpose()?;
        let before = q.get("before").map(|c| self.cursor(c)).transpose()?;
        // The rows strictly between the cursors, by the list's order (a cursor is a membership,
        // so a row that changed since keeps its place).
        let start = after.map_or(0, |a| {
            rows.partition_point(|m| order(m, a) != Ordering::Greater)
        });
        let end = before.map_or(rows.len(), |b| {
            rows.partition_point(|m| order(m, b) == Ordering::Less)
        });
        let window = &rows[start..end.max(start)];
        let (from, to) = match last {
            Some(n) => (window.len().saturating_sub(n), window.len()),
            None => (0, window.len().min(first.unwrap_or(V1_DEFAULT_PAGE))),
        };
        let page = window[from..to].to_vec();
        let has_previous = start + from > 0;
        let has_next = start + to < rows.len();
        Ok((page, has_previous, has_next))
    }

    /// The membership a cursor points at, or a `400`.
    fn cursor(&self, cursor: &str) -> Result<&MockMembership, Answer> {
        URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|id| String::from_utf8(id).ok())
            .and_then(|id| self.memberships().by_id(&id))
            .map(|slot| &self.memberships()[slot])
            .ok_or_else(|| error(StatusCode::BAD_REQUEST, "Invalid cursor"))
    }
}

type Keep<'q> = Box<dyn Fn(&MockMembership) -> bool + 'q>;

/// The filters of the query, as one predicate.
fn filter<'q>(resource: Resource, viewer: Viewer<'_>, q: &'q Query) -> Result<Keep<'q>, Answer> {
    let created_after = time_param(q, "created_after")?;
    let created_before = time_param(q, "created_before")?;
    let in_time = move |m: &MockMembership| {
        created_after.is_none_or(|t| m.created_at > t)
            && created_before.is_none_or(|t| m.created_at < t)
    };
    let any = |wanted: &[&str], actual: &str| wanted.is_empty() || wanted.contains(&actual);
    match resource {
        Resource::Current => {
            let statuses = [q.array("status"), q.array("statuses")].concat();
            if statuses.iter().any(|s| !CURRENT_STATUSES.contains(s)) {
                return Err(q.invalid("status"));
            }
            let products = [q.array("product_id"), q.array("product_ids")].concat();
            let plans = [q.array("plan_id"), q.array("plan_ids")].concat();
            let user = match (q.get("user_id"), viewer) {
                (Some("me"), Viewer::User(me)) => Some(me.to_owned()),
                (Some("me"), Viewer::Company(_)) => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "user_id=me needs a user token: an API key has no user",
                    ));
                }
                (other, _) => other.map(str::to_owned),
            };
            let account = q.get("account_id");
            Ok(Box::new(move |m: &MockMembership| {
                in_time(m)
                    && account.is_none_or(|a| m.company_id == a)
                    && user.as_deref().is_none_or(|u| m.user_id == u)
                    && any(&products, &m.product_id)
                    && any(&plans, &m.plan_id)
                    && (statuses.is_empty()
                        || statuses.iter().any(|s| match *s {
                            "paused" => m.payment_collection_paused,
                            s => current_status(m) == s,
                        }))
            }))
        }
        Resource::Legacy => {
            let company = q.get("company_id");
            if company.is_none() && matches!(viewer, Viewer::Company(_)) {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "company_id is required when using an API key",
                ));
            }
            let statuses = q.array("statuses");
            if statuses.iter().any(|s| !LEGACY_STATUSES.contains(s)) {
                return Err(q.invalid("statuses"));
            }
            let (users, products) = (q.array("user_ids"), q.array("product_ids"));
            let (plans, promos) = (q.array("plan_ids"), q.array("promo_code_ids"));
            // No mock membership has a cancel option: any asked for matches none.
            let cancel_options = q.array("cancel_options");
            Ok(Box::new(move |m: &MockMembership| {
                in_time(m)
                    && company.is_none_or(|c| m.company_id == c)
                    && any(&statuses, &m.status)
                    && any(&users, &m.user_id)
                    && any(&products, &m.product_id)
                    && any(&plans, &m.plan_id)
                    && (promos.is_empty()
                        || m.promo_code_id
                            .as_deref()
                            .is_some_and(|p| promos.contains(&p)))
                    && cancel_options.is_empty()
            }))
        }
    }
}

fn time_param(q: &Query, key: &str) -> Result<Option<i64>, Answer> {
    q.get(key)
        .map(|raw| parse_time(&Value::String(raw.to_owned())).ok_or_else(|| q.invalid(key)))
        .transpose()
}

type Order = Box<dyn Fn(&MockMembership, &MockMembership) -> Ordering>;

/// The list's order: `order` and `direction` (newest first by default), ties by ID.
fn order(resource: Resource, q: &Query) -> Result<Order, Answer> {
    let descending = match q.get("direction") {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(q.invalid("direction")),
    };
    #[derive(Clone, Copy)]
    enum By {
        Created,
        Id,
        Status,
        Canceled,
    }
    let by = match (resource, q.get("order")) {
        (_, None | Some("created_at")) => By::Created,
        (Resource::Legacy, Some("date_joined" | "total_spend")) => By::Created,
        (Resource::Legacy, Some("id")) => By::Id,
        (Resource::Legacy, Some("status")) => By::Status,
        (Resource::Legacy, Some("canceled_at")) => By::Canceled,
        (_, Some(_)) => return Err(q.invalid("order")),
    };
    Ok(Box::new(move |a: &MockMembership, b: &MockMembership| {
        let primary = match by {
            By::Created => a.created_at.cmp(&b.created_at),
            By::Id => Ordering::Equal,
            By::Status => a.status.cmp(&b.status),
            By::Canceled => a.canceled_at.cmp(&b.canceled_at),
        };
        let ordering = primary.then_with(|| a.id.cmp(&b.id));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    }))
}
