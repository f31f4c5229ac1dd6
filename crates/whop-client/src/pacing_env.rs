//! Pacing from the environment: `WHOP_PACING_REDIS_URL` shares it through Redis.

use whop_transport::PacingConfig;

use crate::error::{Error, InvalidInput};

/// The environment variable naming a Redis that every process on one API key shares for pacing
/// (`redis://host:6379/`); read by [`pacing_from_env`], so by [`Client::from_env`](crate::Client::from_env)
/// and the `whop` command.
pub const ENV_PACING_REDIS_URL: &str = "WHOP_PACING_REDIS_URL";

/// The pacing configuration the environment asks for: Whop's limits, counted in the Redis named by
/// `WHOP_PACING_REDIS_URL` when it is set and not empty (with the defaults of
/// `whop_transport::pacing::RedisStore::builder`: prefix `whop:pacing`, fall back to pacing in
/// this process when Redis cannot answer), else in this process's memory.
///
/// ```
/// # fn main() -> Result<(), whop_client::Error> {
/// // Unset: the default, in-process pacing.
/// let pacing = whop_client::pacing_from_env()?;
/// let client = whop_client::Client::builder()
///     .transport(|t| t.pacing(pacing))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`Error::InvalidInput`] when `WHOP_PACING_REDIS_URL` is set but is not a Redis URL, or is set
/// in a build without the `redis` feature (rather than silently pacing each process alone). The
/// message never repeats the URL, which may hold a password.
pub fn pacing_from_env() -> Result<PacingConfig, Error> {
    match std::env::var(ENV_PACING_REDIS_URL) {
        Ok(url) if !url.is_empty() => with_redis(url),
        _ => Ok(PacingConfig::default()),
    }
}

#[cfg(feature = "redis")]
fn with_redis(url: String) -> Result<PacingConfig, Error> {
    let store = whop_transport::pacing::RedisStore::new(url)
        .map_err(|e| InvalidInput::new(ENV_PACING_REDIS_URL, e.to_string()))?;
    Ok(PacingConfig::default().with_store(store))
}

#[cfg(not(feature = "redis"))]
fn with_redis(_url: String) -> Result<PacingConfig, Error> {
    Err(InvalidInput::new(
        ENV_PACING_REDIS_URL,
        "is set, but this build has no `redis` feature: enable it (whop-client's `redis`) or unset the variable",
    )
    .into())
}
