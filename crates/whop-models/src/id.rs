//! Identifier newtypes.
//!
//! Whop names every object with a prefixed string (`mem_…`, `user_…`, `plan_…`). Each kind gets
//! its own type so a plan ID cannot be passed where a membership ID is expected.
//!
//! The two directions are treated differently on purpose:
//! - **Decoding a response is lenient.** Any string is accepted, whatever its prefix or content:
//!   real product IDs start with `pass_` as well as `prod_`, and `page_id` may hold a `biz_` ID.
//! - **Building from user input is strict.** [`MembershipId::new`] and friends refuse an empty
//!   string, which would otherwise turn `/memberships/{id}` into a different URL.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user-supplied identifier was refused.
///
/// Returned by the `new` constructors of the ID types and by [`MembershipRef::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidId {
    kind: &'static str,
}

impl InvalidId {
    pub(crate) const fn empty(kind: &'static str) -> Self {
        Self { kind }
    }

    /// The kind of identifier that was refused, e.g. `"membership ID"`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: it must not be empty", self.kind)
    }
}

impl std::error::Error for InvalidId {}

/// How many characters of a secret identifier its `Debug` shows.
const REDACTED_VISIBLE_PREFIX: usize = 4;

/// Defines a string-backed identifier type with strict construction and lenient decoding.
/// `debug = redacted` makes its `Debug` show only the first few characters and the length, for
/// identifiers that are secrets.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        string_id!(@type $(#[$meta])* $name, $kind);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, $kind:literal, debug = redacted) => {
        string_id!(@type $(#[$meta])* $name, $kind);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let prefix: String = self.0.chars().take(REDACTED_VISIBLE_PREFIX).collect();
                write!(
                    f,
                    "{}(\"{prefix}…\", {} chars)",
                    stringify!($name),
                    self.0.chars().count()
                )
            }
        }
    };
    (@type $(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Builds a ", $kind, " from user input.")]
            ///
            /// The content is not checked against a prefix: Whop's formats vary.
            ///
            /// # Errors
            ///
            /// Returns [`InvalidId`] if the string is empty.
            pub fn new(id: impl Into<String>) -> Result<Self, InvalidId> {
                let id = id.into();
                if id.is_empty() {
                    Err(InvalidId::empty($kind))
                } else {
                    Ok(Self(id))
                }
            }

            /// The identifier as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Gives back the owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InvalidId;

            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id!(
    /// Identifies a membership (`mem_…`): one user's purchase of one product.
    MembershipId,
    "membership ID"
);
string_id!(
    /// Identifies a Whop user (`user_…`).
    UserId,
    "user ID"
);
string_id!(
    /// Identifies a plan (`plan_…`): the price and billing terms a product is sold under.
    PlanId,
    "plan ID"
);
string_id!(
    /// Identifies a product (`prod_…`, or `pass_…` from the older "access pass" naming).
    ProductId,
    "product ID"
);
string_id!(
    /// Identifies the page (storefront) a membership was bought on (`page_…`; sometimes `biz_…`).
    PageId,
    "page ID"
);
string_id!(
    /// Identifies a company, the seller on Whop (`biz_…`).
    CompanyId,
    "company ID"
);
string_id!(
    /// Identifies the checkout session a membership was bought through (`ch_…`).
    CheckoutId,
    "checkout ID"
);
string_id!(
    /// Identifies a promo code (`promo_…`).
    PromoCodeId,
    "promo code ID"
);
string_id!(
    /// Identifies an experience (`exp_…`): a piece of content or an app a product grants access to.
    ExperienceId,
    "experience ID"
);

string_id!(
    /// The license key of a membership.
    ///
    /// A license key is a customer secret: anyone holding it can look the membership up. Its
    /// [`Debug`](fmt::Debug) output therefore shows only the first four characters and the
    /// length. [`Display`](fmt::Display) and [`as_str`](Self::as_str) give the whole key, because
    /// building a request needs it; take care where those end up.
    ///
    /// ```
    /// use whop_models::LicenseKey;
    ///
    /// let key = LicenseKey::new("U-A09280-647203B0-2C0A9EW").unwrap();
    /// assert_eq!(format!("{key:?}"), "LicenseKey(\"U-A0…\", 25 chars)");
    /// assert_eq!(key, "U-A09280-647203B0-2C0A9EW");
    /// ```
    LicenseKey,
    "license key",
    debug = redacted
);

/// What the v5 `me/memberships/{id}` path accepts: a membership ID or a license key.
///
/// ```
/// use whop_models::{MembershipRef, MembershipId};
///
/// let by_id = MembershipRef::parse("mem_5l6nvhob7ALjRT").unwrap();
/// assert!(matches!(by_id, MembershipRef::Id(_)));
///
/// let by_key = MembershipRef::parse("U-A09280-647203B0-2C0A9EW").unwrap();
/// assert!(matches!(by_key, MembershipRef::LicenseKey(_)));
/// assert_eq!(by_key.as_str(), "U-A09280-647203B0-2C0A9EW");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MembershipRef {
    /// A membership ID (`mem_…`).
    Id(MembershipId),
    /// A license key, as the end user typed it.
    LicenseKey(LicenseKey),
}

impl MembershipRef {
    /// Reads user input: a `mem_` prefix means a membership ID, anything else a license key.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidId`] if the input is empty.
    pub fn parse(input: impl Into<String>) -> Result<Self, InvalidId> {
        let input = input.into();
        if input.starts_with("mem_") {
            MembershipId::new(input).map(Self::Id)
        } else {
            LicenseKey::new(input)
                .map(Self::LicenseKey)
                .map_err(|_| InvalidId::empty("membership ID or license key"))
        }
    }

    /// The string that goes into the path (before percent-encoding).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Id(id) => id.as_str(),
            Self::LicenseKey(key) => key.as_str(),
        }
    }

    /// Whether this refers to the membership by its license key.
    pub fn is_license_key(&self) -> bool {
        matches!(self, Self::LicenseKey(_))
    }
}

impl From<MembershipId> for MembershipRef {
    fn from(id: MembershipId) -> Self {
        Self::Id(id)
    }
}

impl From<LicenseKey> for MembershipRef {
    fn from(key: LicenseKey) -> Self {
        Self::LicenseKey(key)
    }
}

impl From<&MembershipId> for MembershipRef {
    fn from(id: &MembershipId) -> Self {
        Self::Id(id.clone())
    }
}

impl From<&LicenseKey> for MembershipRef {
    fn from(key: &LicenseKey) -> Self {
        Self::LicenseKey(key.clone())
    }
}

impl FromStr for MembershipRef {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_refuses_an_empty_id_and_names_its_kind() {
        let err = PlanId::new("").unwrap_err();
        assert_eq!(err.kind(), "plan ID");
        assert_eq!(err.to_string(), "invalid plan ID: it must not be empty");
    }

    #[test]
    fn new_accepts_any_prefix() {
        assert_eq!(ProductId::new("pass_abc").unwrap().as_str(), "pass_abc");
    }

    #[test]
    fn decoding_accepts_empty_and_foreign_ids() {
        let id: PageId = serde_json::from_str("\"biz_123\"").unwrap();
        assert_eq!(id, "biz_123");
        let empty: UserId = serde_json::from_str("\"\"").unwrap();
        assert_eq!(empty.as_str(), "");
    }

    #[test]
    fn license_key_debug_hides_the_key() {
        let key = LicenseKey::new("SECRETKEY-12345").unwrap();
        let debug = format!("{key:?}");
        assert!(!debug.contains("KEY-12345"), "{debug}");
        assert!(debug.contains("15 chars"), "{debug}");
    }

    #[test]
    fn license_key_debug_handles_multibyte_characters() {
        let key = LicenseKey::new("ключ-ключ").unwrap();
        assert_eq!(format!("{key:?}"), "LicenseKey(\"ключ…\", 9 chars)");
    }

    #[test]
    fn license_key_converts_and_compares_like_every_other_id() {
        let key = LicenseKey::try_from("K-1").unwrap();
        assert_eq!(key, *"K-1");
        assert_eq!(LicenseKey::try_from(String::from("K-1")).unwrap(), key);
        assert_eq!(LicenseKey::try_from("").unwrap_err().kind(), "license key");
    }

    #[test]
    fn membership_ref_parse_treats_mem_prefix_as_id() {
        assert_eq!(
            MembershipRef::parse("mem_x").unwrap(),
            MembershipRef::Id(MembershipId::new("mem_x").unwrap())
        );
        assert!(MembershipRef::parse("memx").unwrap().is_license_key());
    }

    #[test]
    fn membership_ref_parse_refuses_empty_input() {
        assert_eq!(
            MembershipRef::parse("").unwrap_err().kind(),
            "membership ID or license key"
        );
    }
}
