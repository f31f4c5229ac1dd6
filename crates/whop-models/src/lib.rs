//! Typed, lenient serde models of Whop's membership API.
//!
//! Pure data: no I/O, no async, no HTTP.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
