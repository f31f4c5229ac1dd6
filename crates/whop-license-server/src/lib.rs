//! A license server for Whop software licenses.
//!
//! Apps send a license key and their hardware ID to `POST /v1/activate` and get a signed token
//! (PASETO `v4.public`) that they verify offline with the `whop-license` crate; they renew it at
//! `POST /v1/refresh`. The Whop API key stays on this server. See the README for the wire
//! contract.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod store;
