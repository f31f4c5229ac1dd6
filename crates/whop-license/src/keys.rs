//! Public keys, their PASERK ids, and the set of keys an app trusts.

use std::fmt;

use pasetors::keys::AsymmetricPublicKey;
use pasetors::paserk::{FormatAsPaserk, Id};
use pasetors::version4::V4;

/// The PASERK id of a public key, `k4.pid.…`: the token's footer names its signing key by it.
///
/// Not a secret: it is a hash of the public key.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    /// The `k4.pid.…` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

/// A key text that could not be read. The text itself is never part of the error: a secret
/// key pasted in the wrong place must not end up in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a `k4.public.…` PASERK key.
    NotPublicKey,
    /// Not a valid `k4.secret.…` PASERK key (an all-zero seed included).
    NotSecretKey,
    /// The system's random source failed while generating a key.
    Generate,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotPublicKey => "not a k4.public PASERK key (a PASETO v4 Ed25519 public key)",
            Self::NotSecretKey => "not a valid k4.secret PASERK key (its text is not shown)",
            Self::Generate => "the system's random source failed while generating a key",
        })
    }
}

impl std::error::Error for KeyError {}

/// An Ed25519 public key, as an app embeds it: `PublicKey::from_paserk("k4.public.…")`.
#[derive(Clone)]
pub struct PublicKey {
    key: AsymmetricPublicKey<V4>,
    id: KeyId,
}

impl PublicKey {
    /// Reads a `k4.public.…` PASERK key (surrounding whitespace is ignored).
    ///
    /// # Errors
    /// [`KeyError::NotPublicKey`] for any other text.
    pub fn from_paserk(text: &str) -> Result<Self, KeyError> {
        let key =
            AsymmetricPublicKey::<V4>::try_from(text.trim()).map_err(|_| KeyError::NotPublicKey)?;
        Ok(Self::from_key(key))
    }

    pub(crate) fn from_key(key: AsymmetricPublicKey<V4>) -> Self {
        let id = Id::from(&key);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = id.fmt(&mut text);
        Self {
            key,
            id: KeyId(text),
        }
    }

    /// This key's PASERK id, `k4.pid.…`.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The `k4.public.…` text, to embed in an app.
    pub fn to_paserk(&self) -> String {
        let mut text = String::new();
        let _ = self.key.fmt(&mut text);
        text
    }

    pub(crate) fn key(&self) -> &AsymmetricPublicKey<V4> {
        &self.key
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("id", &self.id).finish()
    }
}

/// The public keys an app accepts tokens from: usually one, two while the server rotates its
/// signing key. A token names its key by id; a token whose id is not here is refused without
/// trying the others.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<PublicKey>,
}

impl KeySet {
    /// An empty set: it accepts nothing until keys are added with [`with`](Self::with).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key` (a key already here is kept once).
    #[must_use]
    pub fn with(mut self, key: PublicKey) -> Self {
        if self.get(key.id()).is_none() {
            self.keys.push(key);
        }
        self
    }

    /// The key with this id, if the set holds it.
    pub fn get(&self, id: &KeyId) -> Option<&PublicKey> {
        self.find(id.as_str())
    }

    pub(crate) fn find(&self, id: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|key| key.id.as_str() == id)
    }

    /// The keys, in the order they were added.
    pub fn keys(&self) -> impl Iterator<Item = &PublicKey> {
        self.keys.iter()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl FromIterator<PublicKey> for KeySet {
    fn from_iter<I: IntoIterator<Item = PublicKey>>(iter: I) -> Self {
        iter.into_iter().fold(Self::new(), Self::with)
    }
}
