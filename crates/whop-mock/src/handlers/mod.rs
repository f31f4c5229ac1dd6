//! One module an endpoint: what the mock answers, with Whop's semantics. Each handler is a method
//! of [`State`](crate::state::State), dispatched from `State::answer`; changes to a membership go
//! through [`State::change_membership`](crate::state::State::change_membership).

mod cancel;
mod list;
mod me_list;
mod me_membership;
mod membership;
mod query;
mod terminate;
mod validate;

use http::StatusCode;

use crate::body::Expand;
use crate::log::ApiFamily;
use crate::state::Answer;

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
