//! The `whop` man pages, one per command and subcommand, generated with clap_mangen from the
//! clap definition `whop --help` prints (`whop_cli::command`). Run through `cargo xtask man`.

use std::io;
use std::path::{Path, PathBuf};

/// Writes `whop.1` and one page per subcommand (`whop-license-check.1`, ...) into `dir`
/// (created if missing), and returns their paths, the top-level page first.
///
/// Hidden subcommands and clap's `help` subcommand get no page.
///
/// # Errors
/// The directory or a page could not be written.
pub fn write_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    // Building the whole tree first gives each subcommand its display name (`whop-license-check`,
    // the page's title and file name) and the global flags it accepts.
    let mut command = whop_cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    write_tree(&command, dir, &mut pages)?;
    Ok(pages)
}

/// Writes the page of `command`, then those of its subcommands, depth first.
fn write_tree(command: &clap::Command, dir: &Path, pages: &mut Vec<PathBuf>) -> io::Result<()> {
    let man = clap_mangen::Man::new(command.clone()).manual("whop manual");
    pages.push(man.generate_to(dir)?);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_tree(sub, dir, pages)?;
    }
    Ok(())
}
