//! The Current API's membership calls (`/v1/memberships…`), one module a concern: how each
//! request is built and what it returns. Every request is declared in the `V1` family, so the
//! transport puts the pinned `Api-Version-Date` on it, and an `Idempotency-Key` on each write
//! (which is what makes a write safe to retry: none is declared `retry_safe` here).

pub(crate) mod change;
pub mod license;
pub(crate) mod list;
pub(crate) mod retrieve;
