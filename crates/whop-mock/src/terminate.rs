//! `POST /api/v2/memberships/{id}/terminate`: end a membership at once.
//!
//! Whop's spec: the membership is invalidated immediately and for good (the user must buy again);
//! `201` with the v2 Membership, `expand` honoured. The mock marks it `canceled` and not valid.
//! What Whop answers to a second terminate is not documented; the mock answers `201` again with
//! the membership as it is.

use http::StatusCode;

use crate::body::{self, Expand};
use crate::log::{ApiFamily, Caller};
use crate::mock::{Answer, RequestInfo, State};

/// The status a terminated membership has in the mock.
const TERMINATED_STATUS: &str = "canceled";

impl State {
    pub(crate) fn terminate(
        &mut self,
        info: &RequestInfo,
        id: &str,
        query: Option<&str>,
    ) -> Answer {
        let v2 = ApiFamily::V2;
        let company_id = match &info.caller {
            Caller::Company { company_id } => company_id.clone(),
            Caller::User { .. } => return Answer::error(v2, StatusCode::FORBIDDEN, "Forbidden"),
            Caller::Anonymous | Caller::Malformed | Caller::UnknownToken => {
                return Answer::error(v2, StatusCode::UNAUTHORIZED, "Unauthorized");
            }
        };
        let Ok(expand) = Expand::parse(query) else {
            return Answer::error(v2, StatusCode::BAD_REQUEST, "Parameter :expand is invalid.");
        };
        let Some(membership) = self
            .memberships
            .iter_mut()
            .find(|m| m.id == id && m.company_id == company_id)
        else {
            return Answer::error(
                v2,
                StatusCode::NOT_FOUND,
                &format!("No such Resource found with the provided ID: {id}"),
            );
        };
        TERMINATED_STATUS.clone_into(&mut membership.status);
        membership.valid = false;
        let membership = membership.clone();
        let related = self.related(&membership);
        Answer::ok(
            StatusCode::CREATED,
            body::v2_membership(&membership, &related, expand),
        )
    }
}
