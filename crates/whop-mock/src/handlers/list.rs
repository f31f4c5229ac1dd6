//! `GET /v2/memberships`: the company's memberships, filtered, ordered by creation, a page at a
//! time.
//!
//! Filters, as the spec lists them: `status`, `plan_id`, `product_id` (and its deprecated alias
//! `access_pass_id`), `user_id`, `discord_id`, `wallet_address`, `valid`; `hide_metadata` drops
//! the metadata from each membership; `direction` (`desc`, the default: newest first, or `asc`);
//! `expand`; `page` (from 1) and `per` (default 10, capped at 50 as the spec says: a larger `per`
//! gets 50 rows, not an error). The answer is `{"pagination": {"current_page", "total_page",
//! "total_count"}, "data": [...]}`.

use http::StatusCode;
use serde_json::{Value, json};

use super::expand;
use super::query::{Query, STATUSES, page_of};
use crate::body;
use crate::route::ApiFamily;
use crate::seed::MockMembership;
use crate::state::{Answer, Handled, RequestInfo, State};

/// The most rows a v2 page holds, whatever `per` asks.
pub(crate) const V2_MAX_PER: usize = 50;

impl State {
    pub(crate) fn list(&self, info: &RequestInfo) -> Handled {
        let company_id = info.company()?;
        let expand = expand(info.query.as_deref())?;
        let q = Query::parse(ApiFamily::V2, info.query.as_deref());
        let page = q.positive("page", 1)?;
        let per = q.positive("per", 10)?.min(V2_MAX_PER);
        let status = q.get("status");
        if status.is_some_and(|s| !STATUSES.contains(&s)) {
            return Err(q.invalid("status"));
        }
        let valid = q.flag("valid", None)?;
        let hide_metadata = q.flag("hide_metadata", Some(false))? == Some(true);
        let ascending = match q.get("direction") {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(_) => return Err(q.invalid("direction")),
        };
        let product = q.get("product_id").or_else(|| q.get("access_pass_id"));
        let equals =
            |wanted: Option<&str>, actual: Option<&str>| wanted.is_none_or(|w| actual == Some(w));
        let mut matching: Vec<&MockMembership> = self
            .memberships()
            .iter()
            .filter(|m| m.company_id == company_id)
            .filter(|m| equals(status, Some(&m.status)))
            .filter(|m| equals(q.get("plan_id"), Some(&m.plan_id)))
            .filter(|m| equals(product, Some(&m.product_id)))
            .filter(|m| equals(q.get("user_id"), Some(&m.user_id)))
            .filter(|m| equals(q.get("discord_id"), m.discord_id.as_deref()))
            .filter(|m| equals(q.get("wallet_address"), m.wallet_address.as_deref()))
            .filter(|m| valid.is_none_or(|v| m.valid == v))
            .collect();
        matching.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        if !ascending {
            matching.reverse();
        }
        let total_count = matching.len();
        let (rows, total_page) = page_of(matching, page, per);
        let data: Vec<Value> = rows
            .into_iter()
            .map(|m| {
                let mut body = body::v2_membership(m, &self.related(m), expand);
                if hide_metadata && let Some(object) = body.as_object_mut() {
                    object.remove("metadata");
                }
                body
            })
            .collect();
        Ok(Answer::ok(
            StatusCode::OK,
            json!({
                "pagination": {
                    "current_page": page,
                    "total_page": total_page,
                    "total_count": total_count,
                },
                "data": data,
            }),
        ))
    }
}
