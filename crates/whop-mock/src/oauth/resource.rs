//! `GET`/`POST /oauth/userinfo` (the signed-in user's OpenID claims) and `POST /oauth/revoke`.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use super::params::{Params, Refusal, no_store};
use crate::answer::RequestInfo;
use crate::state::State;

impl State {
    /// `sub` always (`openid` is required, as Whop requires it); `name`, `preferred_username`
    /// and `picture` with `profile`; `email` and `email_verified` with `email`.
    pub(crate) fn userinfo(&self, info: &RequestInfo, now: Instant) -> Response<Bytes> {
        let Some(grant) = self.oauth().access_grant(&info.bucket, now) else {
            return Refusal::new(
                "invalid_token",
                "the access token is missing, unknown, expired or revoked",
            )
            .response();
        };
        if !grant.has_scope("openid") {
            return Refusal::new("insufficient_scope", "userinfo needs the openid scope")
                .response();
        }
        let user = self.user(&grant.user_id);
        let mut body = json!({ "sub": user.id });
        if grant.has_scope("profile") {
            body["name"] = json!(user.username);
            body["preferred_username"] = json!(user.username);
            body["picture"] = json!(user.profile_pic_url);
        }
        if grant.has_scope("email") {
            body["email"] = json!(user.email);
            body["email_verified"] = json!(true);
        }
        no_store(StatusCode::OK, &body)
    }

    /// RFC 7009: the client authenticates as at the token endpoint, then `token` (a refresh
    /// token: with every token of its sign-in; an access token: itself) stops working. `200`
    /// whether or not the token was known, so that revoking tells nothing.
    pub(crate) fn revoke(&mut self, info: &RequestInfo) -> Response<Bytes> {
        let revoked = Params::from_body(info).and_then(|params| {
            let client_id = self.authenticate_client(info, &params)?;
            let token = params.require("token")?.to_owned();
            self.oauth_mut().revoke(&token, &client_id);
            Ok(())
        });
        match revoked {
            Ok(()) => no_store(StatusCode::OK, &json!({})),
            Err(refusal) => refusal.response(),
        }
    }
}
