//! The server's key file (feature `issue`): one `k4.secret.…` per line; the first signs.

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::{KeySet, SigningKey};

/// Why a key file could not be read. Names the file and the line, never a key's text.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A line that is neither blank, a `#` comment, nor a valid `k4.secret.…` key.
    BadLine {
        /// The line's number, from 1.
        line: usize,
    },
    /// No key at all.
    NoKey,
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => {
                write!(
                    f,
                    "could not read the key file {}: {source}",
                    path.display()
                )
            }
            Self::BadLine { line } => write!(
                f,
                "line {line} of the signing keys is not a valid k4.secret PASERK key \
                 (its text is not shown)"
            ),
            Self::NoKey => f.write_str("the signing keys hold no k4.secret key"),
        }
    }
}

impl std::error::Error for KeyFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The server's signing keys: the first signs new tokens, and the public half of every one is
/// accepted on refresh, so a key can be rotated without logging anyone out.
///
/// The key file holds one `k4.secret.…` per line; blank lines and lines starting with `#` are
/// skipped. To rotate: put the new key on the first line and keep the old one below it until
/// every token it signed has expired, and ship apps with both public keys.
#[derive(Clone)]
pub struct SigningKeys {
    active: SigningKey,
    older: Vec<SigningKey>,
    /// The public halves, kept for [`open_own`](Self::open_own)'s fallback.
    key_set: KeySet,
}

impl SigningKeys {
    /// Keys with `active` signing.
    pub fn new(active: SigningKey) -> Self {
        let key_set = KeySet::new().with(active.public_key().clone());
        Self {
            active,
            older: Vec::new(),
            key_set,
        }
    }

    /// Adds an older key whose tokens are still accepted.
    #[must_use]
    pub fn with(mut self, older: SigningKey) -> Self {
        if self.keys().all(|key| key.id() != older.id()) {
            self.key_set = self.key_set.with(older.public_key().clone());
            self.older.push(older);
        }
        self
    }

    /// Reads the key file at `path`.
    ///
    /// # Errors
    /// [`KeyFileError::Io`] when it cannot be read, otherwise as [`from_env_text`](Self::from_env_text).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, KeyFileError> {
        let path = path.as_ref();
        let text =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
                    path: path.to_owned(),
                    source,
                })?,
            );
        Self::from_env_text(&text)
    }

    /// Reads the key file's text (as `WHOP_LICENSE_SIGNING_KEY` holds it).
    ///
    /// # Errors
    /// [`KeyFileError::BadLine`] naming the first line that is not a key, [`KeyFileError::NoKey`]
    /// when there is none.
    pub fn from_env_text(text: &str) -> Result<Self, KeyFileError> {
        let mut keys: Option<Self> = None;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = SigningKey::from_paserk(line)
                .map_err(|_| KeyFileError::BadLine { line: index + 1 })?;
            keys = Some(match keys {
                None => Self::new(key),
                Some(keys) => keys.with(key),
            });
        }
        keys.ok_or(KeyFileError::NoKey)
    }

    /// The key that signs new tokens (the file's first).
    pub fn active(&self) -> &SigningKey {
        &self.active
    }

    /// Every key, the active one first.
    pub fn keys(&self) -> impl Iterator<Item = &SigningKey> {
        std::iter::once(&self.active).chain(&self.older)
    }

    /// The public halves of every key: what a refresh accepts.
    pub fn key_set(&self) -> KeySet {
        self.key_set.clone()
    }

    pub(crate) fn key_set_ref(&self) -> &KeySet {
        &self.key_set
    }
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.keys().map(SigningKey::id))
            .finish()
    }
}
