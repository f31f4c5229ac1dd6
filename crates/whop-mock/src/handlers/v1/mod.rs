//! `/api/v1/memberships…`, the Current API, served from the same memberships as v2 and v5.
//!
//! Every request is counted against its operation's rate limit first, then its
//! `Api-Version-Date` picks the resource ([`crate::version`]; an unknown date is a `400`), then a
//! repeated `Idempotency-Key` gets its first answer back ([`crate::idempotency`]), then the route's
//! handler answers.
//!
//! Who sees what, as on v2 and v5: a company API key sees its company's memberships and may do
//! everything to them; a user token sees the user's own memberships (by ID or license key, and in
//! lists) and may cancel (and, on Legacy, uncancel) them, as a buyer can on Whop; anything else
//! with a user token is a `403`. A membership the caller cannot see is a `404`, as one that does
//! not exist.

mod body;
mod lifecycle;
mod list;
mod update;

use http::{Method, StatusCode};
use tokio::time::Instant;

use crate::idempotency::{MAX_KEY_LEN, Seen};
use crate::mutation::{MembershipChange, Slot};
use crate::route::{ApiFamily, Caller, Route};
use crate::seed::MockMembership;
use crate::state::{Answer, Handled, RequestInfo, State};
use crate::v1_body;
use crate::version::{self, Resource};

/// Who is asking, as far as v1 is concerned.
#[derive(Debug, Clone, Copy)]
enum Viewer<'a> {
    Company(&'a str),
    User(&'a str),
}

impl Viewer<'_> {
    /// Whether this caller can see `m`.
    fn sees(self, m: &MockMembership) -> bool {
        match self {
            Self::Company(company_id) => m.company_id == company_id,
            Self::User(user_id) => m.user_id == user_id,
        }
    }

    /// Refuses a user token: the action needs the company's API key.
    fn company_only(self) -> Result<(), Answer> {
        match self {
            Self::Company(_) => Ok(()),
            Self::User(_) => Err(error(
                StatusCode::FORBIDDEN,
                "This action requires an API key of the membership's company; a user token may \
                 only read and cancel its own memberships",
            )),
        }
    }

    fn is_user(self) -> bool {
        matches!(self, Self::User(_))
    }
}

/// A v1 error answer.
fn error(status: StatusCode, message: &str) -> Answer {
    Answer::error(ApiFamily::V1, status, message)
}

fn viewer(info: &RequestInfo) -> Result<Viewer<'_>, Answer> {
    match &info.caller {
        Caller::Company { company_id } => Ok(Viewer::Company(company_id)),
        Caller::User { user_id } => Ok(Viewer::User(user_id)),
        Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => Err(error(
            StatusCode::UNAUTHORIZED,
            "Missing or invalid credentials: send Authorization: Bearer <API key or token>",
        )),
    }
}

/// A `404` for a route that the request's resource does not have (`/uncancel` at a recent
/// date, `/extend` on Legacy).
fn not_in_version(route: &str, resource: Resource) -> Answer {
    let message = match resource {
        Resource::Legacy => format!(
            "{route} does not exist on the Legacy resource (no Api-Version-Date); send a recent \
             Api-Version-Date"
        ),
        Resource::Current => {
            format!("{route} exists only on the Legacy resource, not at this Api-Version-Date")
        }
    };
    error(StatusCode::NOT_FOUND, &message)
}

impl State {
    /// Answers a `/api/v1/` request.
    pub(crate) fn answer_v1(&mut self, info: &RequestInfo, now: Instant) -> Answer {
        let operation = match info.route.as_ref().and_then(Route::v1_operation) {
            Some(operation) => operation.to_owned(),
            None => format!("{} {}", info.method, info.path),
        };
        if let Err(too_many) = self.check_operation_limit(&operation, &info.bucket, now) {
            return too_many;
        }
        let resource = match version::resource(info.api_version_date.as_deref()) {
            Ok(resource) => resource,
            Err(message) => return error(StatusCode::BAD_REQUEST, &message),
        };
        let Some(route) = &info.route else {
            return error(StatusCode::NOT_FOUND, "Not Found");
        };
        let key = info
            .idempotency_key
            .as_deref()
            .filter(|_| info.method != Method::GET && info.method != Method::HEAD);
        if let Some(key) = key {
            if key.is_empty() || key.len() > MAX_KEY_LEN {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key must be 1 to 255 characters",
                );
            }
            match self.idempotency().seen(info, key) {
                Seen::New => {}
                Seen::Repeat(answer) => return answer,
                Seen::Conflict => {
                    return error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "This Idempotency-Key was already used for a different request",
                    );
                }
            }
        }
        let answer = self
            .route_v1(route, resource, info)
            .unwrap_or_else(|refused| refused);
        if let Some(key) = key {
            self.idempotency().keep(info, key, &answer);
        }
        answer
    }

    fn route_v1(&mut self, route: &Route, resource: Resource, info: &RequestInfo) -> Handled {
        let viewer = viewer(info)?;
        let legacy_only = |name: &str| match resource {
            Resource::Legacy => Ok(()),
            Resource::Current => Err(not_in_version(name, resource)),
        };
        let current_only = |name: &str| match resource {
            Resource::Current => Ok(()),
            Resource::Legacy => Err(not_in_version(name, resource)),
        };
        match route {
            Route::V1ListMemberships => self.list_v1(resource, viewer, info),
            Route::V1RetrieveMembership { id_or_key } => {
                let slot = self.find_v1(viewer, id_or_key)?;
                Ok(self.membership_answer(resource, viewer, slot))
            }
            Route::V1UpdateMembership { id_or_key } => {
                viewer.company_only()?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.update_v1(resource, viewer, slot, info)
            }
            Route::V1CancelMembership { id_or_key } => {
                let slot = self.find_v1(viewer, id_or_key)?;
                self.cancel_v1(resource, viewer, slot, info)
            }
            Route::V1UncancelMembership { id_or_key } => {
                legacy_only("POST /memberships/{id}/uncancel")?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.apply_v1(
                    resource,
                    viewer,
                    slot,
                    MembershipChange::CancelAtPeriodEnd(false),
                )
            }
            Route::V1PauseMembership { id_or_key } => {
                viewer.company_only()?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.pause_v1(resource, viewer, slot, info)
            }
            Route::V1ResumeMembership { id_or_key } => {
                viewer.company_only()?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.apply_v1(resource, viewer, slot, MembershipChange::Resume)
            }
            Route::V1ExtendMembership { id_or_key } => {
                current_only("POST /memberships/{id}/extend")?;
                viewer.company_only()?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.extend_v1(resource, viewer, slot, info, "days")
            }
            Route::V1AddFreeDays { id_or_key } => {
                legacy_only("POST /memberships/{id}/add_free_days")?;
                viewer.company_only()?;
                let slot = self.find_v1(viewer, id_or_key)?;
                self.extend_v1(resource, viewer, slot, info, "free_days")
            }
            _ => Err(error(StatusCode::NOT_FOUND, "Not Found")),
        }
    }

    /// The membership with this ID or license key that the caller can see, or the v1 `404`.
    fn find_v1(&self, viewer: Viewer<'_>, id_or_key: &str) -> Result<Slot, Answer> {
        self.memberships()
            .find(|m| {
                viewer.sees(m) && (m.id == id_or_key || m.license_key.as_deref() == Some(id_or_key))
            })
            .ok_or_else(|| {
                error(
                    StatusCode::NOT_FOUND,
                    &format!("Membership not found: {id_or_key}"),
                )
            })
    }

    /// A `200` with the membership at `slot` in the resource's shape.
    fn membership_answer(&self, resource: Resource, viewer: Viewer<'_>, slot: Slot) -> Answer {
        let m = &self.memberships()[slot];
        Answer::ok(StatusCode::OK, self.render_v1(resource, viewer, m, false))
    }

    /// The membership in the resource's shape (`list_item`: as a list renders it).
    fn render_v1(
        &self,
        resource: Resource,
        viewer: Viewer<'_>,
        m: &MockMembership,
        list_item: bool,
    ) -> serde_json::Value {
        match resource {
            Resource::Current => v1_body::current_membership(m, viewer.is_user()),
            Resource::Legacy => v1_body::legacy_membership(m, &self.related(m), list_item),
        }
    }
}
