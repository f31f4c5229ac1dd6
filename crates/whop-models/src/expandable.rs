//! Fields that are an ID by default and an object on request.
//!
//! The v2 API sends `product`, `user`, `plan` and `promo_code` as ID strings unless the caller
//! asks to expand them (see [`Expand`](crate::Expand)); then the same key holds the full object.
//! [`Expandable`] keeps whichever arrived, and [`Expandable::id`] works in both cases.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An API object that has an ID and can appear expanded inside another object.
pub trait Object {
    /// The type of the object's ID.
    type Id: Clone + fmt::Debug + PartialEq + Eq + Serialize + DeserializeOwned + AsRef<str>;

    /// The object's name as it appears in decode errors, e.g. `"Product"`.
    const NAME: &'static str;

    /// The object's ID.
    fn id(&self) -> &Self::Id;
}

/// Either an object's ID (the default) or the whole object (when expanded).
///
/// ```
/// use whop_models::{Expandable, Product};
///
/// let not_expanded: Expandable<Product> = serde_json::from_str(r#""prod_1""#).unwrap();
/// let expanded: Expandable<Product> =
///     serde_json::from_str(r#"{"id": "prod_1", "name": "Free Picks"}"#).unwrap();
///
/// assert_eq!(not_expanded.id(), expanded.id());
/// match &expanded {
///     Expandable::Object(product) => assert_eq!(product.name.as_deref(), Some("Free Picks")),
///     Expandable::Id(_) => unreachable!(),
/// }
/// ```
///
/// Decoding anything but a string or an object fails with an error that says what was
/// expected, e.g. "invalid type: integer `42`, expected an ID string or an expanded Product
/// object".
///
/// The expanded object is boxed, as in async-stripe: an expanded [`Plan`](crate::Plan) is over
/// a kilobyte, and keeping it inline made every [`Membership`](crate::Membership) that large
/// (expanded or not) and decoding measurably slower from the copying. Matching and field
/// access read the same as with an inline value; build one with [`Expandable::object`] or
/// `From<T>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expandable<T: Object> {
    /// Only the ID was sent.
    Id(T::Id),
    /// The whole object was sent.
    Object(Box<T>),
}

impl<T: Object> Expandable<T> {
    /// Wraps an expanded object.
    pub fn object(object: T) -> Self {
        Self::Object(Box::new(object))
    }

    /// The ID, whether or not the object was expanded.
    pub fn id(&self) -> &T::Id {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id(),
        }
    }

    /// Whether the whole object was sent.
    pub fn is_expanded(&self) -> bool {
        matches!(self, Self::Object(_))
    }

    /// The object, if it was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Self::Id(_) => None,
            Self::Object(object) => Some(object),
        }
    }

    /// Takes the object, if it was expanded.
    pub fn into_object(self) -> Option<T> {
        match self {
            Self::Id(_) => None,
            Self::Object(object) => Some(*object),
        }
    }

    /// Takes the ID, dropping the rest of the object if it was expanded.
    pub fn into_id(self) -> T::Id {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id().clone(),
        }
    }
}

impl<T: Object> From<T> for Expandable<T> {
    fn from(object: T) -> Self {
        Self::object(object)
    }
}

impl<T: Object + Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Id(id) => id.serialize(serializer),
            Self::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: Object + Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExpandableVisitor(PhantomData))
    }
}

struct ExpandableVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object + Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
    type Value = Expandable<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an ID string or an expanded {} object", T::NAME)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::Id::deserialize(de::value::StrDeserializer::<E>::new(v)).map(Expandable::Id)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::Id::deserialize(de::value::StringDeserializer::<E>::new(v)).map(Expandable::Id)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Expandable::object)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Expandable, Plan, ProductId, User};

    #[test]
    fn string_decodes_as_id() {
        let user: Expandable<User> = serde_json::from_str("\"user_1\"").unwrap();
        assert_eq!(user.id().as_str(), "user_1");
        assert!(!user.is_expanded());
    }

    #[test]
    fn object_decodes_as_expanded_object() {
        let plan: Expandable<Plan> = serde_json::from_str(r#"{"id":"plan_1"}"#).unwrap();
        assert!(plan.is_expanded());
        assert_eq!(plan.id().as_str(), "plan_1");
    }

    #[test]
    fn number_is_refused_with_what_was_expected() {
        let err = serde_json::from_str::<Expandable<crate::Product>>("42").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected an ID string or an expanded Product object"),
            "{err}"
        );
    }

    #[test]
    fn id_serializes_as_string_and_object_as_object() {
        let id: Expandable<crate::Product> = Expandable::Id(ProductId::new("prod_1").unwrap());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"prod_1\"");
        let user: Expandable<User> = serde_json::from_str(r#"{"id":"user_1"}"#).unwrap();
        assert!(serde_json::to_string(&user).unwrap().starts_with('{'));
    }
}
