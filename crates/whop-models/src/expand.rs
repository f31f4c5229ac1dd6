//! Which related objects a v2 request asks the API to expand.
//!
//! The client turns an [`ExpandSet`] into repeated `expand[]=` query parameters, one per member,
//! in the canonical order of [`ExpandSet::iter`], with no duplicates.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A related object the v2 API can send in full instead of by ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Expand {
    /// Send `product` (and the deprecated `access_pass`) as a [`Product`](crate::Product).
    Product,
    /// Send `user` as a [`User`](crate::User).
    User,
    /// Send `plan` as a [`Plan`](crate::Plan).
    Plan,
    /// Send `promo_code` as a [`PromoCode`](crate::PromoCode).
    PromoCode,
}

impl Expand {
    /// Every choice, in canonical order.
    pub const ALL: [Self; 4] = [Self::Product, Self::User, Self::Plan, Self::PromoCode];

    /// The name the API expects in `expand[]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::User => "user",
            Self::Plan => "plan",
            Self::PromoCode => "promo_code",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            Self::Product => 1,
            Self::User => 1 << 1,
            Self::Plan => 1 << 2,
            Self::PromoCode => 1 << 3,
        }
    }
}

impl fmt::Display for Expand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the [`Expand`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownExpand(String);

impl UnknownExpand {
    /// The refused input.
    pub fn input(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownExpand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown expand choice {:?}: expected product, user, plan or promo_code",
            self.0
        )
    }
}

impl std::error::Error for UnknownExpand {}

impl FromStr for Expand {
    type Err = UnknownExpand;

    /// # Errors
    ///
    /// Returns [`UnknownExpand`] for anything but the four wire names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| UnknownExpand(s.to_owned()))
    }
}

impl Serialize for Expand {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Expand {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpandVisitor;

        impl Visitor<'_> for ExpandVisitor {
            type Value = Expand;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one of product, user, plan, promo_code")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expand, E> {
                v.parse()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }

        deserializer.deserialize_str(ExpandVisitor)
    }
}

/// A set of [`Expand`] choices: small, `Copy`, and always iterated in canonical order.
///
/// ```
/// use whop_models::{Expand, ExpandSet};
///
/// let set: ExpandSet = [Expand::Plan, Expand::User, Expand::Plan].into_iter().collect();
/// let names: Vec<&str> = set.iter().map(Expand::as_str).collect();
/// assert_eq!(names, ["user", "plan"]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ExpandSet(u8);

impl ExpandSet {
    /// No expansion: every related object arrives as an ID.
    pub const EMPTY: Self = Self(0);

    /// Every choice.
    pub const ALL: Self = Self(0b1111);

    /// An empty set.
    pub const fn new() -> Self {
        Self::EMPTY
    }

    /// Adds a choice; adding one twice changes nothing. Returns whether it was new.
    pub fn insert(&mut self, expand: Expand) -> bool {
        let was_new = !self.contains(expand);
        self.0 |= expand.bit();
        was_new
    }

    /// The set with `expand` added, for chaining.
    #[must_use]
    pub const fn with(self, expand: Expand) -> Self {
        Self(self.0 | expand.bit())
    }

    /// Removes a choice. Returns whether it was present.
    pub fn remove(&mut self, expand: Expand) -> bool {
        let was_present = self.contains(expand);
        self.0 &= !expand.bit();
        was_present
    }

    /// Whether the set holds `expand`.
    pub const fn contains(self, expand: Expand) -> bool {
        self.0 & expand.bit() != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many choices the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The choices in canonical order: product, user, plan, promo_code.
    pub fn iter(self) -> ExpandIter {
        ExpandIter { set: self, next: 0 }
    }
}

impl fmt::Debug for ExpandSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<Expand> for ExpandSet {
    fn from(expand: Expand) -> Self {
        Self::EMPTY.with(expand)
    }
}

impl FromIterator<Expand> for ExpandSet {
    fn from_iter<I: IntoIterator<Item = Expand>>(iter: I) -> Self {
        let mut set = Self::EMPTY;
        set.extend(iter);
        set
    }
}

impl Extend<Expand> for ExpandSet {
    fn extend<I: IntoIterator<Item = Expand>>(&mut self, iter: I) {
        for expand in iter {
            self.insert(expand);
        }
    }
}

impl IntoIterator for ExpandSet {
    type Item = Expand;
    type IntoIter = ExpandIter;

    fn into_iter(self) -> ExpandIter {
        self.iter()
    }
}

/// Iterator over an [`ExpandSet`], in canonical order.
#[derive(Debug, Clone)]
pub struct ExpandIter {
    set: ExpandSet,
    next: usize,
}

impl Iterator for ExpandIter {
    type Item = Expand;

    fn next(&mut self) -> Option<Expand> {
        while let Some(&expand) = Expand::ALL.get(self.next) {
            self.next += 1;
            if self.set.contains(expand) {
                return Some(expand);
            }
        }
        None
    }
}

/// Encodes as a JSON array of wire names in canonical order.
impl Serialize for ExpandSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for expand in self.iter() {
            seq.serialize_element(&expand)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for ExpandSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SetVisitor;

        impl<'de> Visitor<'de> for SetVisitor {
            type Value = ExpandSet;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of expand choices")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ExpandSet, A::Error> {
                let mut set = ExpandSet::EMPTY;
                while let Some(expand) = seq.next_element()? {
                    set.insert(expand);
                }
                Ok(set)
            }
        }

        deserializer.deserialize_seq(SetVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_the_api() {
        let names: Vec<&str> = Expand::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names, ["product", "user", "plan", "promo_code"]);
    }

    #[test]
    fn set_iterates_in_canonical_order_without_duplicates() {
        let set: ExpandSet = [Expand::PromoCode, Expand::Product, Expand::PromoCode]
            .into_iter()
            .collect();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Expand::Product, Expand::PromoCode]
        );
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn insert_reports_whether_the_choice_was_new() {
        let mut set = ExpandSet::new();
        assert!(set.is_empty());
        assert!(set.insert(Expand::User));
        assert!(!set.insert(Expand::User));
        assert!(set.contains(Expand::User));
        assert!(!set.contains(Expand::Plan));
    }

    #[test]
    fn unknown_expand_name_is_refused() {
        let err = "plans".parse::<Expand>().unwrap_err();
        assert_eq!(err.input(), "plans");
    }

    #[test]
    fn all_contains_every_choice() {
        assert_eq!(ExpandSet::ALL.iter().collect::<Vec<_>>(), Expand::ALL);
    }
}
