//! The command line: every subcommand, argument and flag, with the help text they show.

use clap::{Args, Parser, Subcommand};

use crate::cli_help::{ABOUT, AFTER_HELP, COMPLETIONS_AFTER_HELP, LONG_ABOUT};
use crate::commands::license::{self, LicenseCommand};
use crate::commands::me::{self, MeCommand};
use crate::commands::membership::{self, MembershipCommand};
use crate::global::GlobalArgs;

/// The `whop` command line.
#[derive(Debug, Parser)]
#[command(
    name = "whop",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    /// Flags every subcommand takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Act on your company's memberships (v2 API, company API key).
    #[command(subcommand, after_help = membership::GROUP_AFTER_HELP)]
    Membership(MembershipCommand),
    /// Read your own memberships (v5 `me` API, user token).
    #[command(subcommand, after_help = me::GROUP_AFTER_HELP)]
    Me(MeCommand),
    /// Check license keys (v5 `me` API, user token).
    #[command(subcommand, after_help = license::GROUP_AFTER_HELP)]
    License(LicenseCommand),
    /// Verify a webhook delivery, or sign a body to test a receiver (no network).
    #[command(subcommand)]
    Webhook(crate::webhook::WebhookCommand),
    /// Print a shell completion script for `whop` on stdout.
    #[command(
        long_about = "Print a shell completion script for `whop` on stdout: it completes every \
            subcommand and flag of this version.",
        after_help = COMPLETIONS_AFTER_HELP
    )]
    Completions(CompletionsArgs),
}

/// Arguments of `whop completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_secret_flag_value_never_shows_in_debug() {
        let cli = Cli::try_parse_from([
            "whop",
            "--api-key",
            "sk_very_secret",
            "membership",
            "cancel",
            "mem_1",
        ])
        .expect("valid arguments");
        assert!(!format!("{cli:?}").contains("sk_very_secret"));
    }
}
