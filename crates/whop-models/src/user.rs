//! The Whop user who owns a membership.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::UserId;
use crate::expandable::Object;

/// A Whop account, sent in place of a user ID when the request expands `user`.
///
/// Only `id` is required; everything else is `None` when omitted or `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's ID (`user_…`).
    pub id: UserId,
    /// The person's full name, when Whop has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The user's handle on Whop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The user's email address, when the seller may see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Link to the user's avatar image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_pic_url: Option<String>,
    /// Accounts on other platforms linked to this user.
    ///
    /// Real bodies send an array; the spec describes a single object. Both decode, and a single
    /// object becomes a one-element list.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub social_accounts: Option<Vec<SocialAccount>>,
    /// The user's roles. The spec types this loosely, so it is kept as raw JSON.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub roles: serde_json::Value,
    /// Details of the authorized team member behind this user, if any. Its schema is not
    /// published, so it is kept as raw JSON (`null` when absent).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub authorized_user: serde_json::Value,
}

impl User {
    /// A user with only its ID set.
    pub fn with_id(id: UserId) -> Self {
        Self {
            id,
            name: None,
            username: None,
            email: None,
            profile_pic_url: None,
            social_accounts: None,
            roles: serde_json::Value::Null,
            authorized_user: serde_json::Value::Null,
        }
    }
}

impl Object for User {
    type Id = UserId;
    const NAME: &'static str = "User";

    fn id(&self) -> &UserId {
        &self.id
    }
}

/// An account on another platform (Discord, X, ...) linked to a Whop user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SocialAccount {
    /// The account's ID on that platform (not a Whop ID).
    pub id: String,
    /// The platform, e.g. `discord`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The account's handle on that platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

fn one_or_many<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<SocialAccount>>, D::Error> {
    struct OneOrMany;

    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Option<Vec<SocialAccount>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of social accounts, one social account object, or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut accounts = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
            while let Some(account) = seq.next_element()? {
                accounts.push(account);
            }
            Ok(Some(accounts))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let one = SocialAccount::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(Some(vec![one]))
        }
    }

    deserializer.deserialize_any(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::User;

    #[test]
    fn social_accounts_accepts_an_array() {
        let user: User = serde_json::from_str(
            r#"{"id":"user_1","social_accounts":[{"id":"1","service":"discord"}]}"#,
        )
        .unwrap();
        assert_eq!(user.social_accounts.unwrap().len(), 1);
    }

    #[test]
    fn social_accounts_accepts_a_single_object() {
        let user: User =
            serde_json::from_str(r#"{"id":"user_1","social_accounts":{"id":"1"}}"#).unwrap();
        assert_eq!(user.social_accounts.unwrap()[0].id, "1");
    }

    #[test]
    fn social_accounts_null_and_missing_are_none() {
        let user: User = serde_json::from_str(r#"{"id":"u","social_accounts":null}"#).unwrap();
        assert_eq!(user.social_accounts, None);
        let user: User = serde_json::from_str(r#"{"id":"u"}"#).unwrap();
        assert_eq!(user.social_accounts, None);
    }
}
