//! The `whop` command line, its parser ([`Cli`]), and the dispatch of each noun to its module in
//! `commands`, which holds that noun's arguments, help texts and run functions.

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::completions::{self, CompletionsArgs};
use crate::commands::license::{self, LicenseCommand};
use crate::commands::login::{self, LoginArgs};
use crate::commands::me::{self, MeCommand};
use crate::commands::membership::{self, MembershipCommand};
use crate::commands::webhook::{self, WebhookCommand};
use crate::commands::{logout, whoami};
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
    /// Act on your company's memberships (company API key).
    #[command(subcommand, after_help = membership::GROUP_AFTER_HELP)]
    Membership(MembershipCommand),
    /// Read your own memberships (user token).
    #[command(subcommand, after_help = me::GROUP_AFTER_HELP)]
    Me(MeCommand),
    /// Check, validate (bind to a machine) and reset license keys; make a license server's
    /// signing key and inspect its tokens (offline).
    #[command(subcommand, after_help = license::GROUP_AFTER_HELP)]
    License(LicenseCommand),
    /// Sign in with Whop in the browser; `me` commands then use the sign-in.
    #[command(after_help = login::AFTER_HELP)]
    Login(LoginArgs),
    /// Revoke the stored sign-in at Whop and delete it.
    Logout,
    /// Show who the stored sign-in is (never a token).
    Whoami,
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

impl Cli {
    /// Whether the command logs at info level without `--verbose`: a server runs unattended,
    /// its log is its only account of what it did.
    pub(crate) fn logs_by_default(&self) -> bool {
        matches!(self.command, Command::License(LicenseCommand::Serve(_)))
    }
}

/// Runs the chosen command.
pub(crate) async fn run(cli: &Cli) -> Result<Exit, Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::Membership(command) => membership::run(global, command).await,
        Command::Me(command) => me::run(global, command).await,
        Command::License(command) => license::run(global, command).await,
        Command::Login(args) => login::run(global, args).await,
        Command::Logout => logout::run(global).await,
        Command::Whoami => whoami::run(global).await,
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

    #[test]
    fn api_takes_current_or_legacy_before_or_after_the_subcommand() {
        use crate::global::ApiChoice;
        let cases: [(&[&str], Option<ApiChoice>); 4] = [
            (&["whop", "me", "memberships"], None),
            (
                &["whop", "--api", "legacy", "me", "memberships"],
                Some(ApiChoice::Legacy),
            ),
            (
                &["whop", "me", "memberships", "--api", "current"],
                Some(ApiChoice::Current),
            ),
            (
                &["whop", "me", "memberships", "--api=legacy"],
                Some(ApiChoice::Legacy),
            ),
        ];
        for (line, api) in cases {
            let cli = Cli::try_parse_from(line).expect("valid arguments");
            assert_eq!(cli.global.api, api, "{line:?}");
        }
        assert!(Cli::try_parse_from(["whop", "--api", "v2", "me", "memberships"]).is_err());
    }
}
