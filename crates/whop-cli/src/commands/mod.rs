//! The commands of `whop`, one module per noun, as cargo lays out its own
//! (`src/bin/cargo/commands/*.rs`): `whop membership ...` is in [`membership`], `whop license
//! ...` in [`license`], and so on. Each module holds its noun's clap subcommand enum and
//! arguments, its help texts, and a `run` function that does the work.
//!
//! What several commands share lives beside this directory, and never imports a command: the
//! flags every subcommand takes (`global`), the client and credentials a command needs
//! (`context`), the embedded `--mock` world (`mock`), printing (`output`, `render`,
//! `raw_json`), the listings' paging (`listing`), exit codes and error lines (`exit`), and the
//! top-level help (`help`). `cli` holds the parser and dispatches each noun to its `run`.
//!
//! To add a noun, say `whop login`: write `commands/login.rs` with its `Args` (or a subcommand
//! enum) and `pub(crate) fn run`, declare it below, add a `Login` variant to `cli::Command` and
//! its arm to `cli::run`. If it needs something another command has, move that beside
//! `commands/` first, so no command imports another.

pub(crate) mod completions;
pub(crate) mod license;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod me;
pub(crate) mod membership;
pub(crate) mod webhook;
pub(crate) mod whoami;
