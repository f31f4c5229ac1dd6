//! `ErrorBody::parse` (what the client runs on every non-success body) and
//! `decode::<ErrorBody>` on arbitrary bytes: no panic, the two agree, and a lossless round trip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use whop_fuzz::decode_and_round_trip;
use whop_models::{ErrorBody, decode};

fuzz_target!(|data: &[u8]| {
    let parsed = ErrorBody::parse(data);
    assert_eq!(
        parsed,
        decode::<ErrorBody>(data).ok(),
        "parse and decode disagree"
    );
    if let Some(body) = &parsed {
        let _ = (
            body.message(),
            body.code().map(|c| (c.to_string(), c.as_u16())),
        );
    }
    decode_and_round_trip::<ErrorBody>(data);
});
