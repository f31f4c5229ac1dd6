//! The `whop` command: cancel a Whop membership, look one up, or check a license key, from a shell.
//!
//! The command is the `whop` binary of this package (`cargo install whop-cli`), which only calls
//! [`main`]. The library also hands out the command's [`clap::Command`] ([`command`]), so that its
//! man pages (`cargo xtask man`) come from the same definition as its `--help` and its shell
//! completions (`whop completions`).
//!
//! ```
//! let command = whop_cli::command();
//! assert_eq!(command.get_name(), "whop");
//! assert!(command.get_subcommands().any(|c| c.get_name() == "license"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cli;
mod commands;
mod context;
mod exit;
mod global;
mod help;
mod listing;
mod mock;
mod output;
mod raw_json;
mod render;
mod signin;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::Cli;
use crate::exit::Exit;

/// The whole `whop` command line: every subcommand, argument and flag, with their help texts.
pub fn command() -> clap::Command {
    cli::Cli::command()
}

/// The `whop` command itself: parses the process's arguments, runs the command, prints a failure
/// as one line on stderr (`whop: error: ...`), and returns the exit code of the table in
/// `whop --help`. The `whop` binary is this function.
pub fn main() -> ExitCode {
    // clap prints its own usage errors and exits 2, the code of usage errors in the table.
    let cli = Cli::parse();
    if cli.global.verbose {
        init_tracing(tracing_subscriber::filter::LevelFilter::DEBUG);
    } else if cli.logs_by_default() {
        init_tracing(tracing_subscriber::filter::LevelFilter::INFO);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("whop: error: could not start the async runtime: {e}");
            return Exit::Other.code();
        }
    };
    match runtime.block_on(cli::run(&cli)) {
        Ok(exit) => exit.code(),
        Err(failure) => {
            eprintln!("{}", failure.line());
            failure.exit.code()
        }
    }
}

/// Traces on stderr: `--verbose` at debug level (this command's and the client's); a long-running
/// command (`license serve`) at info level by default, the client's warnings only. The transport
/// never records headers or queries, and redacts a path's last segment (a license key), so no
/// token reaches a trace.
fn init_tracing(level: tracing_subscriber::filter::LevelFilter) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let (client, mock) = if level == LevelFilter::DEBUG {
        (LevelFilter::DEBUG, LevelFilter::INFO)
    } else {
        (LevelFilter::WARN, LevelFilter::WARN)
    };
    let targets = Targets::new()
        .with_target("whop_cli", level)
        .with_target("whop_client", client)
        .with_target("whop_transport", client)
        .with_target("whop_license_server", level)
        .with_target("whop_mock", mock);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false),
        )
        .with(targets)
        .try_init();
}
