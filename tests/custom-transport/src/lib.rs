//! No code: the tests in `tests/` are written as a user's crate would use `whop-client` with a
//! transport of its own (see `tests/service_fn.rs`).
