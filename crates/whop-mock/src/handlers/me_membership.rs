//! `GET /v5/me/memberships/{id}`: one of the caller's own memberships, by ID or license key.

use http::StatusCode;

use crate::body;
use crate::route::ApiFamily;
use crate::state::{Answer, Handled, RequestInfo, State};

impl State {
    pub(crate) fn retrieve_mine(&self, info: &RequestInfo, id_or_key: &str) -> Handled {
        let user_id = info.user()?;
        let found = self.memberships().iter().find(|m| {
            m.user_id == user_id
                && (m.id == id_or_key || m.license_key.as_deref() == Some(id_or_key))
        });
        match found {
            Some(membership) => Ok(Answer::ok(
                StatusCode::OK,
                body::v5_me_membership(membership),
            )),
            None => Err(Answer::error(
                ApiFamily::V5,
                StatusCode::NOT_FOUND,
                "Membership not found",
            )),
        }
    }
}
