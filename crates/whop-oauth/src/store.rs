//! Where a user's tokens live between calls (and runs): [`TokenStore`], and [`MemoryTokenStore`].

use std::sync::{Arc, Mutex, PoisonError};

use crate::TokenSet;

/// A store's own error (an I/O error, a keyring's), boxed.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Keeps one credential's [`TokenSet`]. A [`TokenSource`](crate::TokenSource) loads it once and
/// saves every rotated set before handing its token out, so a crash never leaves only a dead
/// refresh token behind.
///
/// The methods are synchronous: a store writes a few hundred bytes (a file, a keyring entry), and
/// a synchronous trait stays object-safe without an `async-trait` dependency. A store on a slow
/// medium can move the work to `tokio::task::block_in_place` itself.
pub trait TokenStore: Send + Sync {
    /// The stored set, if there is one.
    ///
    /// # Errors
    /// The store could not be read.
    fn load(&self) -> Result<Option<TokenSet>, StoreError>;

    /// Replaces the stored set with `tokens`.
    ///
    /// # Errors
    /// The store could not be written.
    fn save(&self, tokens: &TokenSet) -> Result<(), StoreError>;

    /// Forgets the stored set (sign-out, or a grant Whop no longer accepts).
    ///
    /// # Errors
    /// The store could not be written.
    fn clear(&self) -> Result<(), StoreError>;
}

/// A store in memory, shared by its clones: for tests and for processes that sign in each run.
#[derive(Clone, Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Arc<Mutex<Option<TokenSet>>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `tokens`.
    pub fn with(tokens: TokenSet) -> Self {
        Self {
            tokens: Arc::new(Mutex::new(Some(tokens))),
        }
    }

    /// What the store holds now.
    pub fn get(&self) -> Option<TokenSet> {
        self.slot().clone()
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<TokenSet>> {
        // A panic while holding the lock cannot leave a half-written `Option`.
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<TokenSet>, StoreError> {
        Ok(self.get())
    }

    fn save(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        *self.slot() = Some(tokens.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.slot() = None;
        Ok(())
    }
}
