//! One module an endpoint: what the mock answers, with Whop's semantics. Each handler is a method
//! of [`State`], dispatched from [`State::answer`] here; changes to a membership go through
//! [`State::change_membership`].

mod cancel;
mod list;
mod me_list;
mod me_membership;
mod membership;
mod query;
mod terminate;
mod v1;
mod validate;

use http::StatusCode;
use tokio::time::Instant;

use crate::body::Expand;
use crate::route::{ApiFamily, Route};
use crate::state::{Answer, RequestInfo, State};

impl State {
    /// The rate limit first (every request of the family counts), then the route's handler; v1
    /// has its own order ([`State::answer_v1`]).
    pub(crate) fn answer(&mut self, family: ApiFamily, info: &RequestInfo, now: Instant) -> Answer {
        if family == ApiFamily::V1 {
            return self.answer_v1(info, now);
        }
        if let Err(too_many) = self.check_rate_limit(family, &info.bucket, now) {
            return too_many;
        }
        let Some(route) = &info.route else {
            return Answer::error(family, StatusCode::NOT_FOUND, "Not Found");
        };
        let answer = match route {
            Route::CancelMembership { id } => self.cancel(info, id),
            Route::RetrieveMyMembership { id_or_key } => self.retrieve_mine(info, id_or_key),
            Route::ValidateLicense { id_or_key } => self.validate_license(info, id_or_key),
            Route::RetrieveMembership { id_or_key } => self.retrieve(info, id_or_key),
            Route::UpdateMembership { id } => self.update(info, id),
            Route::ListMemberships => self.list(info),
            Route::ListMyMemberships => self.list_mine(info),
            Route::TerminateMembership { id } => self.terminate(info, id),
            // v1 routes are answered by `answer_v1`, whose family is the only one they carry.
            _ => Err(Answer::error(family, StatusCode::NOT_FOUND, "Not Found")),
        };
        answer.unwrap_or_else(|refused| refused)
    }
}

/// The `expand` of a v2 request, or Whop's 400 for an unknown value.
fn expand(query: Option<&str>) -> Result<Expand, Answer> {
    Expand::parse(query).map_err(|_| {
        bad_request(
            ApiFamily::V2,
            "Parameter :expand is invalid. Please ensure you are passing the correct type for this parameter.",
        )
    })
}

/// A 400 in the family's error shape.
fn bad_request(family: ApiFamily, message: &str) -> Answer {
    Answer::error(family, StatusCode::BAD_REQUEST, message)
}
