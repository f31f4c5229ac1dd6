//! What the property tests share: the round-trip check.

use std::fmt::Debug;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use whop_models::{decode, encode};

/// Encodes `value` as the API would send it and decodes it back: the same value, or a failure
/// that shows the body.
pub(crate) fn assert_round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = encode(value).expect("our types always encode");
    let back: T = decode(&bytes).map_err(|e| {
        TestCaseError::fail(format!("{e}\nbody: {}", String::from_utf8_lossy(&bytes)))
    })?;
    prop_assert_eq!(&back, value);
    Ok(())
}
