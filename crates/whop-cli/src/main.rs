//! `whop`: cancel a Whop membership, look one up, or check a license key, from a shell.
//!
//! See `whop --help` for the commands, the credentials they read, and the exit codes. Errors are
//! one line on stderr (`whop: error: ...`), and nothing this command prints, traces or fails with
//! ever contains a token. The command is [`whop_cli::main`]; this binary only calls it.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    whop_cli::main()
}
