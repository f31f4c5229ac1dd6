//! Plain values the model strategies are made of: text, timestamps, amounts, raw JSON.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::Amount;

/// Latest timestamp generated: the v2 spec types timestamps as `int32`, so 2038-01-19.
const LAST_TIMESTAMP: i64 = i32::MAX as i64;

/// Short free text, any printable characters.
pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

/// A timestamp in whole seconds between 1970 and 2038 (the spec's `int32` range).
pub fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
    (0..=LAST_TIMESTAMP)
        .prop_map(|s| OffsetDateTime::from_unix_timestamp(s).expect("in range by construction"))
}

/// A decimal amount as Whop writes prices (`"0.0"`, `"19.99"`).
pub fn amount() -> impl Strategy<Value = Amount> {
    "[0-9]{1,5}\\.[0-9]{1,2}".prop_map(Amount::new)
}

/// Arbitrary JSON without floats (floats are not needed to exercise the raw fields).
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A metadata map: string keys, arbitrary JSON values.
pub fn json_map() -> BoxedStrategy<Map<String, Value>> {
    btree_map("[a-z_]{1,8}", json_value(), 0..4)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

/// Optional free text.
pub(super) fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

/// An optional count, such as a number of days or units in stock.
pub(super) fn opt_count() -> impl Strategy<Value = Option<i64>> {
    option::of(0i64..100_000)
}

/// An optional flag.
pub(super) fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    option::of(any::<bool>())
}

/// An optional lowercase currency code (`usd`, ...).
pub(super) fn opt_currency() -> impl Strategy<Value = Option<String>> {
    option::of("[a-z]{3}")
}

/// An optional timestamp.
pub(super) fn opt_timestamp() -> impl Strategy<Value = Option<OffsetDateTime>> {
    option::of(timestamp())
}
