//! A tower `Service` over hyper and rustls for Whop's API.
//!
//! Knows HTTP, not Whop's models: `http::Request<Bytes>` in, `http::Response<Bytes>` out.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
