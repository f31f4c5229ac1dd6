//! `redis-server` for the shared-pacing tests: installed from Debian's packages when missing.
//!
//! The tests start their own server on a free loopback port and fail, saying how to install
//! it, when it is missing (no silent skip). On a fresh CI machine `cargo xtask ci` installs it
//! first: `apt-get update` once, then `apt-get install -y redis-server`, only when run as root.

use std::path::PathBuf;
use std::process::Command;

/// The `redis-server` binary, if installed (the tests look in the same places).
fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin", "/usr/sbin", "/usr/local/bin"].map(PathBuf::from))
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.trim_ascii() == b"0")
}

fn apt_get(args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: apt-get {}", args.join(" "));
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("could not run apt-get: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`apt-get {}` failed ({status})", args.join(" ")))
    }
}

/// Makes sure `redis-server` is installed: installs it when missing and run as root; otherwise
/// says what the tests will need (they fail with the same advice).
pub(crate) fn ensure_redis_server() -> Result<(), String> {
    if let Some(found) = find() {
        eprintln!("xtask: redis-server: {}", found.display());
        return Ok(());
    }
    if !is_root() {
        eprintln!(
            "xtask: redis-server is missing and this is not root, so it is not installed: the \
             shared-pacing tests will fail. Install it (`sudo apt-get install -y redis-server`)."
        );
        return Ok(());
    }
    apt_get(&["update"])?;
    apt_get(&["install", "-y", "--no-install-recommends", "redis-server"])?;
    find()
        .map(|found| eprintln!("xtask: redis-server installed: {}", found.display()))
        .ok_or_else(|| "apt-get installed redis-server, but it is not on PATH".to_owned())
}
