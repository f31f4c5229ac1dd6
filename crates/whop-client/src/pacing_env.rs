//! Pacing from the environment: `WHOP_PACING_REDIS_URL` shares it through Redis, and
//! `WHOP_PACING_REDIS_FALLBACK` says what to do when that Redis cannot answer.

use whop_transport::PacingConfig;

use crate::error::{Error, InvalidInput};

/// The environment variable naming a Redis that every process on one API key shares for pacing
/// (`redis://host:6379/`); read by [`pacing_from_env`], so by [`Client::from_env`](crate::Client::from_env)
/// and the `whop` command.
pub const ENV_PACING_REDIS_URL: &str = "WHOP_PACING_REDIS_URL";

/// The environment variable saying what a pacing Redis ([`ENV_PACING_REDIS_URL`]) that cannot
/// answer means: `local` (the default, also when unset or empty) paces each process alone until
/// Redis answers again, logging a `warn!` once per outage; `fail` fails every paced call, never
/// sent, with `ErrorKind::PacingUnavailable`, for deployments where processes pacing alone would
/// trip Whop's limit together. Anything else is refused.
pub const ENV_PACING_REDIS_FALLBACK: &str = "WHOP_PACING_REDIS_FALLBACK";

/// The pacing configuration the environment asks for: Whop's limits, counted in the Redis named by
/// `WHOP_PACING_REDIS_URL` when it is set and not empty (prefix `whop:pacing`, and, when Redis
/// cannot answer, what `WHOP_PACING_REDIS_FALLBACK` says: pace this process alone by default),
/// else in this process's memory. The same as [`PacingEnv::from_env`] without the parts.
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
/// As [`PacingEnv::from_env`].
pub fn pacing_from_env() -> Result<PacingConfig, Error> {
    PacingEnv::from_env().map(PacingEnv::into_config)
}

/// What the pacing variables of the environment ask for: the [`PacingConfig`], and whether (and
/// which) Redis it shares pacing through, so that a program can check that Redis at start-up
/// instead of finding out from a wave of 429s.
///
/// ```no_run
/// # async fn run() -> Result<(), whop_client::Error> {
/// let pacing = whop_client::PacingEnv::from_env()?;
/// #[cfg(feature = "redis")]
/// if let Some(store) = pacing.redis() {
///     if let Err(error) = store.check().await {
///         eprintln!("warning: {} is set, but {error}", whop_client::ENV_PACING_REDIS_URL);
///     }
/// }
/// let client = whop_client::Client::builder()
///     .transport(|t| t.pacing(pacing.into_config()))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct PacingEnv {
    config: PacingConfig,
    #[cfg(feature = "redis")]
    redis: Option<whop_transport::pacing::RedisStore>,
    fail_without_redis: bool,
}

impl PacingEnv {
    /// Reads [`ENV_PACING_REDIS_URL`] and [`ENV_PACING_REDIS_FALLBACK`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`], naming the variable, when `WHOP_PACING_REDIS_URL` is set but is
    /// not a Redis URL, or is set in a build without the `redis` feature (rather than silently
    /// pacing each process alone), or when `WHOP_PACING_REDIS_FALLBACK` is neither `fail` nor
    /// `local`. The message never repeats the URL, which may hold a password.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name| std::env::var(name).ok().filter(|value| !value.is_empty());
        Self::from_values(
            var(ENV_PACING_REDIS_URL),
            var(ENV_PACING_REDIS_FALLBACK).as_deref(),
        )
    }

    /// [`from_env`](Self::from_env) from the variables' values (`None`: unset or empty).
    fn from_values(url: Option<String>, fallback: Option<&str>) -> Result<Self, Error> {
        let fail_without_redis = match fallback.map(str::to_ascii_lowercase).as_deref() {
            None | Some("local") => false,
            Some("fail") => true,
            Some(_) => {
                return Err(InvalidInput::new(
                    ENV_PACING_REDIS_FALLBACK,
                    format!(
                        "must be `fail` or `local` (the default), not {:?}",
                        fallback.unwrap_or_default()
                    ),
                )
                .into());
            }
        };
        match url {
            Some(url) => with_redis(url, fail_without_redis),
            None => Ok(Self {
                config: PacingConfig::default(),
                #[cfg(feature = "redis")]
                redis: None,
                fail_without_redis,
            }),
        }
    }

    /// The pacing configuration.
    pub fn config(&self) -> &PacingConfig {
        &self.config
    }

    /// The pacing configuration, for [`TransportBuilder::pacing`](crate::TransportBuilder::pacing).
    pub fn into_config(self) -> PacingConfig {
        self.config
    }

    /// Whether pacing is shared through Redis (`WHOP_PACING_REDIS_URL` is set).
    pub fn redis_configured(&self) -> bool {
        #[cfg(feature = "redis")]
        let configured = self.redis.is_some();
        // Without the feature, a set URL is refused: there is never a Redis.
        #[cfg(not(feature = "redis"))]
        let configured = false;
        configured
    }

    /// Whether calls fail, rather than pace this process alone, while Redis cannot answer
    /// (`WHOP_PACING_REDIS_FALLBACK=fail`).
    pub fn fails_without_redis(&self) -> bool {
        self.fail_without_redis
    }

    /// The shared store, if `WHOP_PACING_REDIS_URL` names one: the very store the configuration
    /// paces with, so [`RedisStore::check`](whop_transport::pacing::RedisStore::check) on it
    /// also tells the pacer.
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    pub fn redis(&self) -> Option<&whop_transport::pacing::RedisStore> {
        self.redis.as_ref()
    }
}

#[cfg(feature = "redis")]
fn with_redis(url: String, fail_without_redis: bool) -> Result<PacingEnv, Error> {
    use whop_transport::pacing::{RedisFallback, RedisStore};
    let fallback = if fail_without_redis {
        RedisFallback::Fail
    } else {
        RedisFallback::Local
    };
    let store = RedisStore::builder(url)
        .fallback(fallback)
        .build()
        .map_err(|e| InvalidInput::new(ENV_PACING_REDIS_URL, e.to_string()))?;
    Ok(PacingEnv {
        config: PacingConfig::default().with_store(store.clone()),
        redis: Some(store),
        fail_without_redis,
    })
}

#[cfg(not(feature = "redis"))]
fn with_redis(_url: String, _fail_without_redis: bool) -> Result<PacingEnv, Error> {
    Err(InvalidInput::new(
        ENV_PACING_REDIS_URL,
        "is set, but this build has no `redis` feature: enable it (whop-client's `redis`) or unset the variable",
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: Option<&str>, fallback: Option<&str>) -> InvalidInput {
        match PacingEnv::from_values(url.map(str::to_owned), fallback) {
            Err(Error::InvalidInput(invalid)) => invalid,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn the_fallback_variable_accepts_fail_and_local_and_defaults_to_local() {
        // (value, fails without Redis)
        let cases = [
            (None, false),
            (Some("local"), false),
            (Some("fail"), true),
            (Some("FAIL"), true),
        ];
        for (value, fails) in cases {
            let env = PacingEnv::from_values(None, value).expect("accepted");
            assert_eq!(env.fails_without_redis(), fails, "{value:?}");
            assert!(!env.redis_configured());
        }
    }

    #[test]
    fn any_other_fallback_is_refused_naming_the_variable_and_the_accepted_values() {
        for value in ["off", "fallback", " fail", "local\n"] {
            let invalid = refused(None, Some(value));
            assert_eq!(invalid.what(), ENV_PACING_REDIS_FALLBACK);
            let message = invalid.to_string();
            assert!(
                message.starts_with("WHOP_PACING_REDIS_FALLBACK "),
                "{message}"
            );
            assert!(message.contains("`fail` or `local`"), "{message}");
        }
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_redis_url_gives_a_store_with_the_asked_fallback() {
        let url = Some("redis://:secret@127.0.0.1:1/");
        for (value, fails) in [(None, false), (Some("fail"), true)] {
            let env = PacingEnv::from_values(url.map(str::to_owned), value).expect("accepted");
            assert!(env.redis_configured());
            let store = env.redis().expect("a store");
            let expected = if fails { "Fail" } else { "Local" };
            assert!(format!("{store:?}").contains(expected), "{store:?}");
            assert!(!format!("{env:?}").contains("secret"), "{env:?}");
        }
    }

    #[cfg(feature = "redis")]
    #[test]
    fn an_invalid_redis_url_is_refused_without_repeating_it() {
        let invalid = refused(Some("http://:secret@host/"), None);
        assert_eq!(invalid.what(), ENV_PACING_REDIS_URL);
        assert!(!invalid.to_string().contains("secret"), "{invalid}");
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn a_redis_url_without_the_feature_is_refused() {
        let invalid = refused(Some("redis://127.0.0.1/"), None);
        assert!(invalid.to_string().contains("`redis` feature"), "{invalid}");
    }
}
