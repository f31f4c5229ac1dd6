//! `xtask-man DIR`: writes the `whop` man pages into DIR. `cargo xtask man` runs it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: xtask-man DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match xtask_man::write_pages(&dir) {
        Ok(pages) => {
            for page in &pages {
                println!("{}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "xtask man: could not write the pages into {}: {e}",
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}
