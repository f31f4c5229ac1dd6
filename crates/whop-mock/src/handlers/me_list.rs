//! `GET /v5/me/memberships`: the caller's own memberships, a page at a time.
//!
//! Filters, as the spec lists them: `company_id`, `product_id`, `statuses` (an array: read as
//! `statuses[]=a&statuses[]=b`, `statuses=a&statuses=b` or `statuses=a,b`, since the spec does
//! not say), `valid` (default `true`, as the spec says: without it only valid memberships are
//! listed), `license_key`; `page` (from 1) and `per` (default 10; the spec documents no cap, so
//! none is applied). Ordered newest first. The answer is `{"pagination": {"current_page",
//! "total_pages", "next_page", "prev_page", "total_count"}, "data": [...]}`.

use http::StatusCode;
use serde_json::{Value, json};

use super::query::{Query, STATUSES, page_of};
use crate::body;
use crate::route::ApiFamily;
use crate::seed::MockMembership;
use crate::state::{Answer, Handled, RequestInfo, State};

impl State {
    pub(crate) fn list_mine(&self, info: &RequestInfo) -> Handled {
        let user_id = info.user()?;
        let q = Query::parse(ApiFamily::V5, info.query.as_deref());
        let page = q.positive("page", 1)?;
        let per = q.positive("per", 10)?;
        let statuses = q.array("statuses");
        if statuses.iter().any(|s| !STATUSES.contains(s)) {
            return Err(q.invalid("statuses"));
        }
        let valid = q.flag("valid", Some(true))?;
        let equals = |wanted: Option<&str>, actual: &str| wanted.is_none_or(|w| actual == w);
        let mut matching: Vec<&MockMembership> = self
            .memberships()
            .iter()
            .filter(|m| m.user_id == user_id)
            .filter(|m| equals(q.get("company_id"), &m.company_id))
            .filter(|m| equals(q.get("product_id"), &m.product_id))
            .filter(|m| statuses.is_empty() || statuses.contains(&m.status.as_str()))
            .filter(|m| valid.is_none_or(|v| m.valid == v))
            .filter(|m| {
                q.get("license_key")
                    .is_none_or(|k| m.license_key.as_deref() == Some(k))
            })
            .collect();
        matching.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        let total_count = matching.len();
        let (rows, total_pages) = page_of(matching, page, per);
        let data: Vec<Value> = rows.into_iter().map(body::v5_me_membership).collect();
        Ok(Answer::ok(
            StatusCode::OK,
            json!({
                "pagination": {
                    "current_page": page,
                    "total_pages": total_pages,
                    "next_page": (page < total_pages).then_some(page + 1),
                    "prev_page": (page > 1).then_some(page - 1),
                    "total_count": total_count,
                },
                "data": data,
            }),
        ))
    }
}
