//! The stored sign-in of `whop login`: one file in the user's config directory, readable by the
//! user alone, that every `me` command (and `license check`) uses when no user token is given.
//!
//! The directory is `WHOP_CONFIG_DIR` if set (tests), else `$XDG_CONFIG_HOME/whop`, else
//! `$HOME/.config/whop` (on Windows `%APPDATA%\whop`). The file, `credentials.json`, holds the
//! app's client ID, the API base URL signed in against, and the token set. On Unix it is created
//! with mode 0600 (in a directory created 0700), never widened and then narrowed: a new set is
//! written to a fresh 0600 file beside it and renamed over it, so a reader never sees half a file.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use whop_client::BaseUrl;
use whop_oauth::{OAuthClient, StoreError, TokenSet, TokenSource, TokenStore};

use crate::exit::{Exit, Failure};

/// The variable that moves the config directory (tests, or a second account).
pub(crate) const ENV_CONFIG_DIR: &str = "WHOP_CONFIG_DIR";

/// The command that makes a stored sign-in, named in every "sign in" message.
pub(crate) const LOGIN: &str = "whop login";

/// The redirect URI a stored sign-in's client is built with: refresh and revoke never send one,
/// but the client needs a valid URL.
const STORED_REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// The file's name in the config directory.
const FILE_NAME: &str = "credentials.json";

/// The lock file beside it, held while a command refreshes.
const LOCK_NAME: &str = "credentials.lock";

/// The config directory, or `None` when no variable names one.
pub(crate) fn config_dir() -> Option<PathBuf> {
    config_dir_from(cfg!(windows), |name| std::env::var_os(name))
}

/// [`config_dir`] with the variables read through `var` (unset and empty are the same).
fn config_dir_from(
    windows: bool,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let var = |name| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(ENV_CONFIG_DIR) {
        return Some(dir);
    }
    if windows {
        return var("APPDATA").map(|d| d.join("whop"));
    }
    // XDG: a relative value is invalid and ignored.
    var("XDG_CONFIG_HOME")
        .filter(|d| d.is_absolute())
        .map(|d| d.join("whop"))
        .or_else(|| var("HOME").map(|h| h.join(".config").join("whop")))
}

/// What the file holds.
#[derive(Deserialize, Serialize)]
struct Stored {
    client_id: String,
    base_url: String,
    tokens: TokenSet,
}

/// The stored sign-in: a [`TokenStore`] over the credentials file, for one app and base URL.
#[derive(Clone, Debug)]
pub(crate) struct FileTokenStore {
    path: PathBuf,
    client_id: String,
    base_url: String,
}

impl FileTokenStore {
    /// The store in `dir`, saving sets for `client_id` signed in at `base_url`.
    pub(crate) fn new(dir: &Path, client_id: &str, base_url: &BaseUrl) -> Self {
        Self {
            path: dir.join(FILE_NAME),
            client_id: client_id.to_owned(),
            base_url: base_url.to_string(),
        }
    }

    /// The store of the sign-in saved in `dir`, if there is one.
    fn open(dir: &Path) -> Result<Option<Self>, StoreError> {
        let path = dir.join(FILE_NAME);
        Ok(read(&path)?.map(|stored| Self {
            path,
            client_id: stored.client_id,
            base_url: stored.base_url,
        }))
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<Option<TokenSet>, StoreError> {
        Ok(read(&self.path)?.map(|stored| stored.tokens))
    }

    fn save(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        let stored = Stored {
            client_id: self.client_id.clone(),
            base_url: self.base_url.clone(),
            tokens: tokens.clone(),
        };
        let json = serde_json::to_vec_pretty(&stored)?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let temp = self
            .path
            .with_extension(format!("json.{}", std::process::id()));
        // A file left by a run that died here holds nothing another run needs.
        let _ = fs::remove_file(&temp);
        let written = create_private_file(&temp).and_then(|mut file| {
            file.write_all(&json)?;
            file.sync_all()
        });
        let renamed = written.and_then(|()| fs::rename(&temp, &self.path));
        if renamed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        Ok(renamed?)
    }

    fn clear(&self) -> Result<(), StoreError> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

fn read(path: &Path) -> Result<Option<Stored>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{} is not a whop sign-in: {e}", path.display()).into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    // The user's %APPDATA% is theirs alone by its ACL.
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// A stored sign-in, ready to hand out (and refresh) its tokens.
pub(crate) struct SignIn {
    /// The tokens, refreshed when due, rotated ones saved to the file.
    pub(crate) source: Arc<TokenSource>,
    /// The config directory, where the refresh lock lives.
    dir: PathBuf,
}

impl SignIn {
    /// The current tokens, refreshed first if due, with the sign-in's lock held, so that two
    /// `whop` processes never refresh the same refresh token at once (Whop rotates it: the
    /// second refresh would be refused, and a server that detects reuse revokes the grant). The
    /// lock is taken before the tokens are first read, so a process that waited reads the set
    /// the other one saved.
    ///
    /// # Errors
    /// The lock cannot be taken ([`Exit::Other`]), or the refresh failed ([`oauth_failure`]).
    pub(crate) async fn check(&self) -> Result<(), Failure> {
        let _lock = refresh_lock(&self.dir).await.map_err(store_failure)?;
        self.source
            .tokens()
            .await
            .map(drop)
            .map_err(|e| oauth_failure(&e))
    }

    /// Signs out (revokes at Whop, deletes the file) with the sign-in's lock held, so that no
    /// other `whop` process is halfway through a refresh of it.
    ///
    /// # Errors
    /// The lock cannot be taken ([`whop_oauth::Error::Store`]), or [`TokenSource::sign_out`]'s.
    pub(crate) async fn sign_out(&self) -> Result<(), whop_oauth::Error> {
        let _lock = refresh_lock(&self.dir)
            .await
            .map_err(whop_oauth::Error::Store)?;
        self.source.sign_out().await
    }
}

/// How long a command waits for another `whop` process's refresh.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The sign-in's lock file, held exclusively (released when the file is dropped).
async fn refresh_lock(dir: &Path) -> Result<fs::File, StoreError> {
    create_private_dir(dir)?;
    let path = dir.join(LOCK_NAME);
    let file = match create_private_file(&path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::OpenOptions::new().write(true).open(&path)?
        }
        other => other?,
    };
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another whop process has held {} for {} s",
                    path.display(),
                    LOCK_WAIT.as_secs()
                )
                .into());
            }
            Err(fs::TryLockError::Error(e)) => return Err(e.into()),
        }
    }
}

/// The stored sign-in, if there is one. With `expected`, it must have been made against that
/// base URL; without, it is used against its own (to sign out of it).
///
/// # Errors
/// An unreadable file ([`Exit::Other`]); a sign-in made against another base URL than
/// `expected` ([`Exit::Usage`]: its token must not go to this one).
pub(crate) fn stored(expected: Option<&BaseUrl>) -> Result<Option<SignIn>, Failure> {
    let Some(dir) = config_dir() else {
        return Ok(None);
    };
    let Some(store) = FileTokenStore::open(&dir).map_err(store_failure)? else {
        return Ok(None);
    };
    if let Some(expected) = expected
        && store.base_url != expected.to_string()
    {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "the stored sign-in is for {}, not {expected}: sign in again: {LOGIN} (or set \
                 WHOP_BASE_URL to it); nothing was sent",
                store.base_url
            ),
        ));
    }
    let base_url = BaseUrl::parse(&store.base_url)
        .map_err(|e| store_failure(format!("its base URL is refused: {e}").into()))?;
    let client = oauth_client(&store.client_id, &base_url, STORED_REDIRECT_URI)?;
    Ok(Some(SignIn {
        source: Arc::new(TokenSource::new(client, store)),
        dir,
    }))
}

/// The OAuth client of app `client_id` at `base_url`'s origin.
///
/// # Errors
/// A refused client ID or redirect URI ([`Exit::Usage`]).
pub(crate) fn oauth_client(
    client_id: &str,
    base_url: &BaseUrl,
    redirect_uri: &str,
) -> Result<OAuthClient, Failure> {
    OAuthClient::builder(client_id, redirect_uri)
        .base_url(base_url.clone())
        .build()
        .map_err(|e| Failure::new(Exit::Usage, e.to_string()))
}

/// The failure of a credentials file that cannot be read or written.
pub(crate) fn store_failure(e: StoreError) -> Failure {
    Failure::new(Exit::Other, format!("the stored sign-in: {e}"))
}

/// What a failed OAuth step means for the command: its exit code, and "sign in again" when the
/// grant is dead. No `whop_oauth::Error` carries a token.
pub(crate) fn oauth_failure(error: &whop_oauth::Error) -> Failure {
    use whop_oauth::Error;
    match error {
        Error::SignInAgain { reason } => Failure::new(
            Exit::Unauthorized,
            format!("your sign-in no longer works ({reason}): sign in again: {LOGIN}"),
        ),
        Error::Config(_) => Failure::new(Exit::Usage, error.to_string()),
        Error::Authorization { .. } | Error::StateMismatch | Error::IdToken(_) => {
            Failure::new(Exit::Unauthorized, error.to_string())
        }
        Error::Endpoint { .. } | Error::Unauthorized => Failure::new(
            Exit::Unauthorized,
            format!("{error}: sign in again: {LOGIN}"),
        ),
        Error::Http(_) | Error::Native(_) => Failure::new(Exit::Network, error.to_string()),
        _ => Failure::new(Exit::Other, error.to_string()),
    }
}

/// The `whop_oauth::Error` behind a failed API call made through `UserAuthLayer`, if any.
pub(crate) fn oauth_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a whop_oauth::Error> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<whop_oauth::Error>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_dir_is_whop_config_dir_then_xdg_then_home() {
        type Vars = &'static [(&'static str, &'static str)];
        let cases: [(Vars, bool, Option<&str>); 7] = [
            (
                &[("WHOP_CONFIG_DIR", "/w"), ("HOME", "/h")],
                false,
                Some("/w"),
            ),
            (
                &[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")],
                false,
                Some("/x/whop"),
            ),
            (
                &[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")],
                false,
                Some("/h/.config/whop"),
            ),
            (
                &[("XDG_CONFIG_HOME", ""), ("HOME", "/h")],
                false,
                Some("/h/.config/whop"),
            ),
            (
                &[("WHOP_CONFIG_DIR", ""), ("HOME", "/h")],
                false,
                Some("/h/.config/whop"),
            ),
            (&[("APPDATA", "/a"), ("HOME", "/h")], true, Some("/a/whop")),
            (&[], false, None),
        ];
        for (vars, windows, expected) in cases {
            let found = config_dir_from(windows, |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).into())
            });
            assert_eq!(
                found,
                expected.map(PathBuf::from),
                "{vars:?} windows={windows}"
            );
        }
    }

    fn dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("whop-cli-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn store(dir: &Path) -> FileTokenStore {
        FileTokenStore::new(dir, "app_1", &BaseUrl::default())
    }

    #[test]
    fn a_saved_set_loads_back_and_clear_deletes_the_file() {
        let dir = dir("roundtrip");
        let store = store(&dir);
        assert!(store.load().unwrap().is_none());
        store
            .save(&TokenSet::new("at_1", Some("rt_1".into()), None))
            .unwrap();
        store
            .save(&TokenSet::new("at_2", Some("rt_2".into()), None))
            .unwrap();
        let loaded = store.load().unwrap().expect("saved");
        assert_eq!(loaded.access_token().secret(), "at_2");
        let opened = FileTokenStore::open(&dir).unwrap().expect("saved");
        assert_eq!(opened.client_id, "app_1");
        store.clear().unwrap();
        store.clear().unwrap();
        assert!(store.load().unwrap().is_none());
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "no temporary file left"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_is_still_0600() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = dir("mode");
        let store = store(&dir);
        store.save(&TokenSet::new("at_1", None, None)).unwrap();
        store.save(&TokenSet::new("at_2", None, None)).unwrap();
        let mode = fs::metadata(&store.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_that_is_not_a_sign_in_is_an_error_that_names_it() {
        let dir = dir("garbage");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(FILE_NAME), "not json").unwrap();
        let error = store(&dir).load().unwrap_err().to_string();
        assert!(error.contains("is not a whop sign-in"), "{error}");
        let _ = fs::remove_dir_all(&dir);
    }
}
