//! Request bodies of the Current API's membership writes.
//!
//! They derive `Deserialize` as well as `Serialize`, so a test server can read what a client
//! sent. A field that is an `Option` is left out of the body when `None`: on the Current API an
//! absent field means "leave it as it is", never `null`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::Iso8601;

/// The body of `PATCH /api/v1/memberships/{id}`: only the fields set are sent.
///
/// ```
/// use whop_models::{encode, v1};
///
/// let undo = v1::UpdateMembership { cancel_at_period_end: Some(false), ..Default::default() };
/// assert_eq!(encode(&undo)?, br#"{"cancel_at_period_end":false}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateMembership {
    /// Keys to merge into the membership's metadata; an empty object clears all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// `true` schedules the end of the membership at the end of its period; `false` takes back
    /// such a pending cancellation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
}

/// The body of `POST /api/v1/memberships/{id}/cancel`.
///
/// `cancel_at_period_end` is a plain `bool`, always sent: on the Current API a cancel that leaves
/// it out revokes access immediately, so the meaning of a cancel must never rest on a default.
///
/// ```
/// use whop_models::{encode, v1};
///
/// let at_period_end = v1::CancelMembership { cancel_at_period_end: true, reason: None };
/// assert_eq!(encode(&at_period_end)?, br#"{"cancel_at_period_end":true}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelMembership {
    /// `true`: stop renewing and keep access to the end of the period; `false`: revoke access
    /// now.
    pub cancel_at_period_end: bool,
    /// Why the membership is cancelled, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The body of `POST /api/v1/memberships/{id}/pause`.
///
/// ```
/// use whop_models::{encode, v1};
///
/// let until = time::OffsetDateTime::from_unix_timestamp(1_738_324_800).unwrap();
/// let pause = v1::PauseMembership { until: Some(until) };
/// assert_eq!(encode(&pause)?, br#"{"until":"2025-01-31T12:00:00Z"}"#);
/// assert_eq!(encode(&v1::PauseMembership::default())?, b"{}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseMembership {
    /// When billing resumes by itself (sent as ISO 8601; must be in the future); `None` pauses
    /// until a resume.
    #[serde(
        default,
        with = "serde_with::As::<Option<Iso8601>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<OffsetDateTime>,
}

/// The body of `POST /api/v1/memberships/{id}/extend`.
///
/// ```
/// use whop_models::{encode, v1};
///
/// assert_eq!(encode(&v1::ExtendMembership { days: 7 })?, br#"{"days":7}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendMembership {
    /// How many days to add to the current period (Whop accepts 1 to 1095).
    pub days: u32,
}
