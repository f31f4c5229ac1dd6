//! The `whop` command line, its parser ([`Cli`]), and the dispatch of each noun to its module in
//! `commands`, which holds that noun's arguments, help texts and run functions.

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::completions::{self, CompletionsArgs};
use crate::commands::license::{self, LicenseCommand};
use crate::commands::me::{self, MeCommand};
use crate::commands::membership::{self, MembershipCommand};
use crate::commands::webhook::{self, WebhookCommand};
use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::help::{ABOUT, AFTER_HELP, LONG_ABOUT};

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
    Webhook(WebhookCommand),
    /// Print a shell completion script for `whop` on stdout.
    #[command(
        long_about = "Print a shell completion script for `whop` on stdout: it completes every \
            subcommand and flag of this version.",
        after_help = completions::AFTER_HELP
    )]
    Completions(CompletionsArgs),
}

/// Runs the chosen command.
pub(crate) async fn run(cli: &Cli) -> Result<Exit, Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::Membership(command) => membership::run(global, command).await,
        Command::Me(command) => me::run(global, command).await,
        Command::License(command) => license::run(global, command).await,
        Command::Webhook(command) => webhook::run(global, command),
        Command::Completions(args) => completions::run(args, Cli::command()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
