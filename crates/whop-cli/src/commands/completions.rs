//! `whop completions SHELL`: print a shell completion script for `whop` on stdout (bash, zsh,
//! fish, powershell, elvish). It is generated from the same definition as `--help`, so every
//! subcommand and flag of this version completes.

use clap::Args;

use crate::exit::{Exit, Failure};
use crate::output::print;

/// What `whop completions --help` shows last: how to install the script in each shell.
pub(crate) const AFTER_HELP: &str = "\
Install (then open a new shell):
  bash        echo 'source <(whop completions bash)' >> ~/.bashrc
  zsh         whop completions zsh > ~/.zfunc/_whop   # `fpath+=~/.zfunc` before compinit
  fish        whop completions fish > ~/.config/fish/completions/whop.fish
  powershell  whop completions powershell >> $PROFILE
  elvish      whop completions elvish >> ~/.config/elvish/rc.elv";

/// Arguments of `whop completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Prints the script for `args.shell` on stdout, generated from `command`: the whole `whop`
/// command line, which the caller hands in so this module need not know the parser.
pub(crate) fn run(args: &CompletionsArgs, mut command: clap::Command) -> Result<Exit, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "whop", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Exit::Ok)
}
