//! The flags every subcommand takes (`--json`, `--verbose`, `--mock`, `--api`, the credentials, the
//! base URL and `--timeout`), before or after the subcommand.

use std::fmt;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::exit::{Exit, Failure};

/// The variable that chooses the API when `--api` is not given.
pub(crate) const ENV_API: &str = "WHOP_API";

/// Flags every subcommand takes (before or after the subcommand).
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Print the API object as pretty JSON on stdout instead of aligned rows.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Trace what the command does (requests, retries, timings) on stderr. Tokens are never
    /// shown.
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,

    /// Run against an embedded fake of Whop's API on loopback, with demo credentials: try any
    /// command without an account. WHOP_API_KEY, WHOP_USER_TOKEN and WHOP_BASE_URL are ignored
    /// (WHOP_API still applies, and WHOP_MOCK_V2_RETIRED=1 serves it with every v2 route gone);
    /// --api-key and --user-token still apply (to try a refused token).
    #[arg(long, global = true, conflicts_with = "base_url")]
    #[cfg_attr(
        not(feature = "mock"),
        arg(
            help = "Not in this build (built without the `mock` feature): reinstall whop with \
            default features to run against an embedded fake of Whop's API."
        )
    )]
    pub(crate) mock: bool,

    /// Which of Whop's APIs the command calls [env: WHOP_API] [default: current]: `current`, the
    /// Current API (/api/v1, with this release's pinned Api-Version-Date), or `legacy`, this
    /// tool's older calls (v2 with the company API key, v5 `me` with a user token). Whop switched
    /// v2 off; `legacy` is for servers that still answer it, such as `--mock`.
    #[arg(long, global = true, value_enum, value_name = "API")]
    pub(crate) api: Option<ApiChoice>,

    /// Whop's API root [env: WHOP_BASE_URL] [default: `https://api.whop.com/api`]. https only, or
    /// http to a loopback host.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,

    /// Company API key for `membership ...` and `license validate|reset` [env: WHOP_API_KEY]. Visible in shell history and
    /// the process list: prefer the variable.
    #[arg(long, global = true, value_name = "KEY", value_parser = Secret::parse)]
    pub(crate) api_key: Option<Secret>,

    /// User token (OAuth token or app-proxy JWT) for `me ...` and `license check` [env:
    /// WHOP_USER_TOKEN]; without one, the sign-in of `whop login` is used. Visible in shell
    /// history and the process list: prefer the variable, or `whop login`.
    #[arg(long, global = true, value_name = "TOKEN", value_parser = Secret::parse)]
    pub(crate) user_token: Option<Secret>,

    /// The overall deadline of each call, in seconds (a decimal like 2.5 is fine): retries and
    /// the waits between them included. Past it the call fails as a timeout (exit 6). [default:
    /// 60]
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub(crate) timeout: Option<Duration>,
}

impl GlobalArgs {
    /// The API to call: `--api`, else `WHOP_API`, else the Current API.
    ///
    /// # Errors
    /// `WHOP_API` holds anything but `current` or `legacy` ([`Exit::Usage`]; clap refuses a bad
    /// `--api` itself).
    pub(crate) fn api(&self) -> Result<ApiChoice, Failure> {
        if let Some(api) = self.api {
            return Ok(api);
        }
        match std::env::var(ENV_API) {
            Err(std::env::VarError::NotPresent) => Ok(ApiChoice::Current),
            Ok(value) if value.is_empty() => Ok(ApiChoice::Current),
            Ok(value) => ApiChoice::from_str(&value, false).map_err(|_| invalid_env_api(&value)),
            Err(std::env::VarError::NotUnicode(value)) => {
                Err(invalid_env_api(&value.to_string_lossy()))
            }
        }
    }
}

/// The usage error for a `WHOP_API` that names no API.
fn invalid_env_api(value: &str) -> Failure {
    Failure::new(
        Exit::Usage,
        format!(
            "{ENV_API}={value:?} names no API: expected `current` (the default) or `legacy`; \
             nothing was sent"
        ),
    )
}

/// Which of Whop's APIs a command calls (`--api`, `WHOP_API`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ApiChoice {
    /// The Current API (/api/v1), with this release's pinned Api-Version-Date.
    Current,
    /// This tool's older calls: v2 with the company API key, v5 `me` with a user token.
    Legacy,
}

/// The usage error for a flag or command the chosen API does not have; nothing is sent.
pub(crate) fn only_on(api: ApiChoice, what: &str) -> Failure {
    let message = match api {
        ApiChoice::Current => format!(
            "{what} is only in this tool's legacy calls (v2, which Whop switched off, and v5 \
             `me`), not on the Current API: use --api legacy against a server that still has \
             them; nothing was sent"
        ),
        ApiChoice::Legacy => {
            format!("{what} is only on the Current API: drop --api legacy; nothing was sent")
        }
    };
    Failure::new(Exit::Usage, message)
}

/// Parses `--timeout`: a positive number of seconds.
fn parse_timeout(value: &str) -> Result<Duration, String> {
    let refused = || format!("`{value}` is not a positive number of seconds (such as 30 or 2.5)");
    let seconds: f64 = value.trim().parse().map_err(|_| refused())?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(refused());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| refused())
}

/// A credential given as a flag. Its `Debug` never shows it.
///
/// Parsing never fails: clap echoes a refused value in its error, so the value is checked later,
/// by [`whop_client::Token::new`], whose errors never repeat it.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    /// Wraps any value; see the type's docs for why this cannot fail.
    #[allow(clippy::unnecessary_wraps)]
    fn parse(value: &str) -> Result<Secret, std::convert::Infallible> {
        Ok(Secret(value.to_owned()))
    }

    /// The secret itself, to build the token from.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
