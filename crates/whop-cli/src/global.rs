//! The flags every subcommand takes (`--json`, `--verbose`, `--mock`, the credentials, the base URL
//! and `--timeout`), before or after the subcommand.

use std::fmt;
use std::time::Duration;

use clap::Args;

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
    /// command without an account. WHOP_* variables are ignored; --api-key and --user-token still
    /// apply (to try a refused token).
    #[arg(long, global = true, conflicts_with = "base_url")]
    #[cfg_attr(
        not(feature = "mock"),
        arg(
            help = "Not in this build (built without the `mock` feature): reinstall whop with \
            default features to run against an embedded fake of Whop's API."
        )
    )]
    pub(crate) mock: bool,

    /// Whop's API root [env: WHOP_BASE_URL] [default: `https://api.whop.com/api`]. https only, or
    /// http to a loopback host.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,

    /// Company API key for `membership cancel` [env: WHOP_API_KEY]. Visible in shell history and
    /// the process list: prefer the variable.
    #[arg(long, global = true, value_name = "KEY", value_parser = Secret::parse)]
    pub(crate) api_key: Option<Secret>,

    /// User token (OAuth token or app-proxy JWT) for `me membership` and `license check` [env:
    /// WHOP_USER_TOKEN]. Visible in shell history and the process list: prefer the variable.
    #[arg(long, global = true, value_name = "TOKEN", value_parser = Secret::parse)]
    pub(crate) user_token: Option<Secret>,

    /// The overall deadline of each call, in seconds (a decimal like 2.5 is fine): retries and
    /// the waits between them included. Past it the call fails as a timeout (exit 6). [default:
    /// 60]
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub(crate) timeout: Option<Duration>,
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
