//! `/api/v1` writes, a file per concept: cancels (both resources' defaults), metadata (merge vs
//! replace), the lifecycle (pause, resume, extend, each resource's own routes), and access (user
//! tokens, `Idempotency-Key`, the demo world's keys). The request builders they share are here.

mod access;
mod cancel;
mod lifecycle;
mod metadata;

use serde_json::Value;

use super::*;

pub(super) fn cancel_v1(id: &str, date: Option<&str>, body: Option<&Value>) -> Request<Bytes> {
    v1(
        "POST",
        &format!("/memberships/{id}/cancel"),
        COMPANY_KEY,
        date,
        body,
    )
}

pub(super) fn patch(id: &str, date: Option<&str>, body: &Value) -> Request<Bytes> {
    v1(
        "PATCH",
        &format!("/memberships/{id}"),
        COMPANY_KEY,
        date,
        Some(body),
    )
}

/// (date, body, status answered, stored valid, stored cancel_at_period_end)
pub(super) type CancelCase = (
    Option<&'static str>,
    Option<Value>,
    &'static str,
    bool,
    bool,
);
