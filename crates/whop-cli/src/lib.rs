//! The `whop` command's command-line definition, for tools generated from it.
//!
//! The command itself is the `whop` binary of this package (`cargo install whop-cli`); this
//! library only hands out its [`clap::Command`], so that its man pages (`cargo xtask man`) come
//! from the same definition as its `--help` and its shell completions (`whop completions`).
//!
//! ```
//! let command = whop_cli::command();
//! assert_eq!(command.get_name(), "whop");
//! assert!(command.get_subcommands().any(|c| c.get_name() == "license"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The binary's modules, compiled here only for the definition in `cli`: most of what they hold is
// used by `main.rs` alone. Declare here every module that `main.rs` declares, so that whatever
// `cli.rs` reaches (`crate::exit`, a subcommand's own module, ...) resolves in both crates.
#![allow(dead_code)]

mod cli;
mod cli_help;
mod commands;
mod completions;
mod context;
mod exit;
mod mock;
mod raw_json;
mod render;
mod toolkit;
mod toolkit_cli;
mod webhook;

use clap::CommandFactory;

/// The whole `whop` command line: every subcommand, argument and flag, with their help texts.
pub fn command() -> clap::Command {
    cli::Cli::command()
}
