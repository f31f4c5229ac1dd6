//! whop-webhooks on arbitrary bytes: header parsing of both schemes (every header form, any
//! scheme choice) and envelope decoding. No panic; whatever decodes as an event re-encodes to a
//! fixed point that decodes to the same value.
//!
//! Input: header lines `name: value` up to the first blank line, then the body.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use whop_webhooks::{Event, Scheme, Secret, Verifier};

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[]),
    }
}

fn headers(head: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in head.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

fuzz_target!(|data: &[u8]| {
    let (head, body) = split(data);
    let headers = headers(head);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let verifier = Verifier::new(Secret::new("ws_fuzz").expect("a valid secret"));
    let _ = verifier.verify_at(&headers, body, now);
    for scheme in [Scheme::Legacy, Scheme::Standard] {
        let _ = verifier
            .clone()
            .scheme(scheme)
            .verify_at(&headers, body, now);
    }
    let _ = verifier.receive_at(&headers, body, now);

    let Ok(first) = Event::decode(body) else {
        return;
    };
    let _ = (first.kind(), first.membership_id());
    let encoded = first.encode().expect("a decoded event encodes");
    let second = Event::decode(&encoded).unwrap_or_else(|e| {
        panic!(
            "the encoding of a decoded event does not decode: {e}\n{}",
            String::from_utf8_lossy(&encoded)
        )
    });
    let reencoded = second.encode().expect("a decoded event encodes");
    assert_eq!(
        String::from_utf8_lossy(&encoded),
        String::from_utf8_lossy(&reencoded),
        "the encoding is not stable"
    );
    let third = Event::decode(&reencoded).expect("decodes, as it just did");
    assert_eq!(second, third, "the round trip changed the event");
});
