//! Fields that hold an ID or, when the request expanded them, the whole object.

use std::fmt;

use proptest::prelude::*;

use crate::{Expandable, Object};

/// Either the ID or the expanded object, half of the time each.
pub fn expandable<T, I, O>(id: I, object: O) -> impl Strategy<Value = Expandable<T>>
where
    T: Object + fmt::Debug + Clone,
    I: Strategy<Value = T::Id>,
    O: Strategy<Value = T>,
{
    prop_oneof![
        id.prop_map(Expandable::Id),
        object.prop_map(Expandable::from)
    ]
}
