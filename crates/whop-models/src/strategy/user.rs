//! Users and their linked accounts.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::{expandable, json_value, opt_text, text, user_id};
use crate::{Expandable, SocialAccount, User};

prop_compose! {
    /// A linked social account.
    pub fn social_account()(
        id in text(),
        service in opt_text(),
        username in opt_text(),
    ) -> SocialAccount {
        SocialAccount { id, service, username }
    }
}

/// An expanded user.
pub fn user() -> BoxedStrategy<User> {
    user_fields().boxed()
}

prop_compose! {
    fn user_fields()(
        id in user_id(),
        name in opt_text(),
        username in opt_text(),
        email in opt_text(),
        profile_pic_url in opt_text(),
        social_accounts in option::of(vec(social_account(), 0..3)),
        roles in json_value(),
        authorized_user in json_value(),
    ) -> User {
        User {
            id,
            name,
            username,
            email,
            profile_pic_url,
            social_accounts,
            roles,
            authorized_user,
        }
    }
}

/// A user ID or an expanded user.
pub fn expandable_user() -> BoxedStrategy<Expandable<User>> {
    expandable(user_id(), user()).boxed()
}
