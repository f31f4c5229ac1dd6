//! `whop completions <shell>`: a completion script generated from the command-line definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::{Exit, Failure};
use crate::output::print;

/// Prints the script for `args.shell` on stdout. It is generated from the same definition as
/// `--help`, so every subcommand and flag of this version completes.
pub(crate) fn completions(args: &CompletionsArgs) -> Result<Exit, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "whop", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Exit::Ok)
}
