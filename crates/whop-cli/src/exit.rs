//! Exit codes, and how a failed call becomes one line on stderr and one of them.
//!
//! Scripts branch on the code, people read the line: each class of failure has its own code, and
//! the line says what happened and what it means (was anything sent? was the cancel applied?).

use std::fmt::Write as _;
use std::process::ExitCode;

use whop_client::{Applied, Error};

/// The exit-code table of `membership cancel` and `me membership`, as shown in `--help` and the
/// README. A macro so `concat!` can put it into the help texts at compile time.
macro_rules! exit_codes_table {
    () => {
        "  0  success
  1  (license check and validate) the key is not valid, bound to another machine, or not found
  2  usage error, or a missing or refused credential or base URL: nothing was sent
  3  not found: no such membership (or not one this credential can see)
  4  unauthorized or forbidden: Whop refused the API key or token
  5  rate limited: wait (the retry-after is printed when Whop gives one) and try again
  6  network error or timeout: no answer; the error says whether the request may have been
     sent and, for a cancel, whether it may have been applied (running it again is safe)
  7  any other error from the API (5xx included; a legacy v2 route Whop retired), or a local
     failure
  8  the API answered with success but its body could not be decoded (a cancel was applied;
     a lookup changed nothing)
  `license check` and `license validate` map every error (2 to 8) to 2."
    };
}
pub(crate) use exit_codes_table;

/// What the command ended with. The discriminant is the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Success (for `license check`: the key is valid).
    Ok = 0,
    /// `license check` only: the key is not valid, or not found.
    NotValid = 1,
    /// Bad usage, a missing or refused credential or base URL; nothing was sent. Also clap's own
    /// code for usage errors.
    Usage = 2,
    /// 404: no such membership, or not one this credential may see.
    NotFound = 3,
    /// 401 or 403: the credential was refused.
    Unauthorized = 4,
    /// 429: rate limited.
    RateLimited = 5,
    /// No answer: a connection failure or a timeout.
    Network = 6,
    /// Any other API error, or a local failure.
    Other = 7,
    /// A success whose body did not decode.
    Undecodable = 8,
}

impl Exit {
    /// The process exit code.
    pub(crate) fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// A failure to report: one line for stderr and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The exit code.
    pub(crate) exit: Exit,
    /// The line after `whop: error: `, without a newline.
    pub(crate) message: String,
}

impl Failure {
    /// A failure with this exit code and message.
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }

    /// The line printed on stderr: one line whatever the API sent (control characters such as
    /// newlines in an API message become spaces).
    pub(crate) fn line(&self) -> String {
        let flat: String = self
            .message
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!("whop: error: {flat}")
    }
}

/// What the failed call was for, to say what its failure means.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Call<'a> {
    /// `membership cancel`: say whether the cancel was applied.
    Cancel {
        /// The membership ID.
        id: &'a str,
    },
    /// `membership terminate`: say whether the termination was applied.
    Terminate {
        /// The membership ID.
        id: &'a str,
    },
    /// A v5 lookup (by ID or license key).
    Lookup,
    /// A v2 read or validation with the company API key (`membership get`/`list`,
    /// `license validate`).
    Company,
    /// `license reset`: say whether the reset was applied.
    Reset,
    /// Another change to a membership (Current API: update, pause, resume, extend): say whether
    /// it was applied, and whether running the command again is safe.
    Change {
        /// The membership ID.
        id: &'a str,
        /// Whether sending it twice is the same as once (a value set, not days added).
        rerun_safe: bool,
    },
}

impl Call<'_> {
    /// The variable holding the credential this call uses.
    fn credential(self) -> &'static str {
        match self {
            Call::Cancel { .. }
            | Call::Terminate { .. }
            | Call::Change { .. }
            | Call::Company
            | Call::Reset => "WHOP_API_KEY (or --api-key)",
            Call::Lookup => {
                "WHOP_USER_TOKEN (or --user-token; a user's token, not a company API key)"
            }
        }
    }
}

/// Turns a client error into the line and code to report.
pub(crate) fn classify(error: &Error, call: Call<'_>) -> Failure {
    // A call through the stored sign-in whose refresh failed: "sign in again", not a network error.
    if let Some(oauth) = crate::signin::oauth_cause(error) {
        return crate::signin::oauth_failure(oauth);
    }
    let status = error.status().map(|s| s.as_u16());
    let (exit, mut message) = match error {
        Error::InvalidInput(_) => (Exit::Usage, error.to_string()),
        _ if error.is_rate_limited_locally() => (Exit::RateLimited, error.to_string()),
        // The client's message already says whether the request may have been sent.
        Error::Transport(_) | Error::Timeout(_) => {
            (Exit::Network, format!("network error: {error}"))
        }
        Error::Decode(_) => (Exit::Undecodable, error.to_string()),
        // A legacy v2 route that is gone: the client's message names the date and the Current
        // API call; the command that makes that call is this one without --api legacy.
        Error::Retired(_) => (
            Exit::Other,
            format!("{error} (this command calls it when run without --api legacy)"),
        ),
        _ if error.is_not_found() => (
            Exit::NotFound,
            match call {
                Call::Cancel { id } | Call::Terminate { id } | Call::Change { id, .. } => {
                    format!("no membership {id:?} in your company: {error}")
                }
                Call::Lookup => format!("no membership of yours has this ID or key: {error}"),
                Call::Company | Call::Reset => {
                    format!("no membership with this ID or key in your company: {error}")
                }
            },
        ),
        _ if matches!(status, Some(401 | 403)) => (
            Exit::Unauthorized,
            format!(
                "Whop refused the credential, check {}: {error}",
                call.credential()
            ),
        ),
        _ if error.is_rate_limited() => {
            let wait = match error.retry_after() {
                Some(wait) => format!("retry after {} s", wait.as_secs()),
                None => "Whop did not say when to retry; its cooldown is usually 60 s".to_owned(),
            };
            (Exit::RateLimited, format!("rate limited ({wait}): {error}"))
        }
        _ => (Exit::Other, error.to_string()),
    };
    let applied = match (call, error.applied()) {
        (Call::Lookup | Call::Company, _) => None,
        (Call::Terminate { .. }, Applied::No) => {
            Some("the membership was not terminated".to_owned())
        }
        (Call::Terminate { .. }, Applied::Yes) => Some("the membership was terminated".to_owned()),
        (Call::Terminate { .. }, _) => Some(
            "the membership may have been terminated; look it up before running the command again"
                .to_owned(),
        ),
        (Call::Change { rerun_safe, .. }, applied) => Some(match applied {
            Applied::No => "the change was not applied".to_owned(),
            Applied::Yes => "the change was applied".to_owned(),
            _ if rerun_safe => {
                "the change may have been applied; running the command again is safe".to_owned()
            }
            _ => "the change may have been applied; look the membership up before running the \
                  command again"
                .to_owned(),
        }),
        (Call::Cancel { .. } | Call::Reset, applied) => {
            let action = if matches!(call, Call::Reset) {
                "reset"
            } else {
                "cancel"
            };
            Some(match applied {
                Applied::No => format!("the {action} was not applied"),
                Applied::Yes => format!("the {action} was applied"),
                _ => {
                    format!("the {action} may have been applied; running the command again is safe")
                }
            })
        }
    };
    if let Some(applied) = applied {
        let _ = write!(message, "; {applied}");
    }
    Failure::new(exit, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_line_is_one_line_whatever_the_message_holds() {
        let failure = Failure::new(Exit::Other, "first\nsecond\r\nthird");
        assert_eq!(failure.line(), "whop: error: first second  third");
    }

    #[test]
    fn the_readme_shows_the_same_exit_code_table_as_the_help() {
        let readme = include_str!("../../../README.md");
        assert!(readme.contains(exit_codes_table!()));
    }

    #[test]
    fn exit_codes_are_distinct() {
        let codes = [
            Exit::Ok,
            Exit::NotValid,
            Exit::Usage,
            Exit::NotFound,
            Exit::Unauthorized,
            Exit::RateLimited,
            Exit::Network,
            Exit::Other,
            Exit::Undecodable,
        ]
        .map(|e| e as u8);
        let mut sorted = codes.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
