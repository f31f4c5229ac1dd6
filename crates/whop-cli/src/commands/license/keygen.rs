//! `whop license keygen --out FILE`: a new signing key for the license server.
//!
//! The secret goes only into the file (created with mode 0600 on Unix, never over an existing
//! file without `--force`); stdout gets the public key to build into the app and its id.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;
use whop_license::{SigningKey, Zeroizing};

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::output::{print, print_json};

/// `license keygen`'s long help.
pub(super) const KEYGEN_ABOUT: &str = "\
Generate a signing key for the license server (`whop license serve --signing-key FILE`).

Writes the secret key (PASERK k4.secret, Ed25519) to FILE, readable by its owner only (mode
0600), and prints the public key (k4.public) to build into your app, with its id (k4.pid, which
every token names in its footer). The secret is never printed. An existing FILE is kept unless
--force is given.

To rotate: generate a new key, ship apps with both public keys, then put the new key's line
first in the server's key file and keep the old one below it until its tokens have expired.

Exit codes: 0 written, 2 usage error (FILE exists without --force), 7 the file could not be
written.";

/// Arguments of `whop license keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Where to write the secret key.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// What `keygen --json` prints.
#[derive(Serialize)]
struct KeygenReport<'a> {
    public_key: &'a str,
    key_id: &'a str,
    file: &'a Path,
}

/// Runs `whop license keygen`.
pub(super) fn run(global: &GlobalArgs, args: &KeygenArgs) -> Result<Exit, Failure> {
    let key = SigningKey::generate().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    let public_key = key.public_key().to_paserk();
    let contents = Zeroizing::new(format!(
        "# whop-license signing key (PASERK k4.secret, Ed25519). Keep it secret.\n\
         # The first key in this file signs; every key's tokens are accepted (rotation).\n\
         # public key: {public_key}\n\
         # key id: {}\n\
         {}\n",
        key.id(),
        &*key.to_paserk()
    ));
    write_secret(&args.out, args.force, contents.as_bytes())?;
    if global.json {
        let report = KeygenReport {
            public_key: &public_key,
            key_id: key.id().as_str(),
            file: &args.out,
        };
        print_json(&report)?;
    } else {
        print(&format!(
            "public key  {public_key}\nkey id      {}\nsecret key  written to {} (mode 0600)\n",
            key.id(),
            args.out.display()
        ))?;
    }
    Ok(Exit::Ok)
}

/// Writes `contents` to `path`, owner-only; refuses an existing file unless `force`.
fn write_secret(path: &Path, force: bool, contents: &[u8]) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let failed = |e: std::io::Error| {
        Failure::new(
            Exit::Other,
            format!("could not write the key file {}: {e}", path.display()),
        )
    };
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::new(
                Exit::Usage,
                format!(
                    "{} exists: it may hold a key in use; pass --force to replace it",
                    path.display()
                ),
            )
        } else {
            failed(e)
        }
    })?;
    // The mode given at creation does not apply to a file that already existed (--force).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(failed)?;
    }
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(failed)
}
