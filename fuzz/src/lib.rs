//! The one check every fuzz target makes: decoding untrusted bytes never panics, and whatever
//! decodes survives a round trip.
//!
//! "Survives" means the encoding is a fixed point: encode the decoded value, decode that, encode
//! again, and get the same bytes. Comparing the values themselves would be too strict: the models
//! read a fractional timestamp to the nanosecond but write whole seconds, as the API does (see
//! `whop_models::UnixSeconds`), so `1.5` decodes to a value that re-encodes as `1`. The first
//! fuzz run found exactly that; everything the models write must read back to the same encoding.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as `T` with [`whop_models::decode`]; if it decodes, checks that its encoding
/// decodes again and re-encodes to the same bytes, and panics (a finding) otherwise.
pub fn decode_and_round_trip<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let Ok(first) = whop_models::decode::<T>(data) else {
        return;
    };
    let encoded = whop_models::encode(&first).expect("a decoded value encodes");
    let second: T = whop_models::decode(&encoded).unwrap_or_else(|e| {
        panic!(
            "the encoding of a decoded value does not decode: {e}\nencoded: {}",
            String::from_utf8_lossy(&encoded)
        )
    });
    let reencoded = whop_models::encode(&second).expect("a decoded value encodes");
    assert_eq!(
        String::from_utf8_lossy(&encoded),
        String::from_utf8_lossy(&reencoded),
        "the encoding is not stable"
    );
    // Once in the models' own encoding, the value itself must survive too.
    let third: T = whop_models::decode(&reencoded).expect("decodes, as it just did");
    assert_eq!(second, third, "the round trip changed the value");
}
