//! [`OAuth`]: what the authorization server knows — apps, settings, and the codes and tokens it
//! has issued, each tied to the grant (the user's consent to one app) it came from.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::time::Duration;

use tokio::time::Instant;

use super::{AUTHORIZATION_CODE_LIFETIME, DEFAULT_ACCESS_TOKEN_LIFETIME, OAuthApp};
use crate::seed::DEFAULT_USER_ID;

/// What a user consented to: every code and token issued from one authorization shares it, and
/// its `family` number, which revocation and replay detection cut off as a whole.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) scopes: Vec<String>,
    #[cfg_attr(not(feature = "oidc"), allow(dead_code))]
    pub(crate) nonce: Option<String>,
    pub(crate) company_id: Option<String>,
    pub(crate) family: u64,
}

impl Grant {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: String,
    pub(crate) code_challenge: String,
    expires: Instant,
}

/// What a code looked up for exchange turned out to be.
pub(crate) enum CodeLookup {
    Fresh(Code),
    /// Used before, or expired, or never issued: `invalid_grant` alike.
    Unusable(&'static str),
}

#[derive(Debug)]
struct AccessToken {
    grant: Grant,
    expires: Instant,
}

#[derive(Debug)]
struct RefreshToken {
    grant: Grant,
    /// Exchanged already: a second use is a replay.
    rotated: bool,
}

/// A fresh access and refresh token pair.
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_in: u64,
}

/// The authorization server's state, inside the mock's one lock.
#[derive(Debug)]
pub(crate) struct OAuth {
    apps: HashMap<String, OAuthApp>,
    /// The user signed in at the authorization endpoint.
    user_id: String,
    /// Whether that user consents (otherwise `access_denied`).
    consent: bool,
    access_lifetime: Duration,
    codes: HashMap<String, Code>,
    /// Codes exchanged already, with the family of the tokens they gave.
    used_codes: HashMap<String, u64>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    revoked_families: HashSet<u64>,
    next_family: u64,
    minted: u64,
    entropy: RandomState,
    /// The key that signs `id_token`s (`None` if the system's random source failed).
    #[cfg(feature = "oidc")]
    signing_key: Option<super::jwt::SigningKey>,
}

impl Default for OAuth {
    fn default() -> Self {
        Self {
            apps: HashMap::new(),
            user_id: DEFAULT_USER_ID.to_owned(),
            consent: true,
            access_lifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
            codes: HashMap::new(),
            used_codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            revoked_families: HashSet::new(),
            next_family: 0,
            minted: 0,
            entropy: RandomState::new(),
            #[cfg(feature = "oidc")]
            signing_key: super::jwt::SigningKey::generate(),
        }
    }
}

impl OAuth {
    pub(crate) fn register(&mut self, app: OAuthApp) {
        self.apps.insert(app.client_id().to_owned(), app);
    }

    pub(crate) fn app(&self, client_id: &str) -> Option<&OAuthApp> {
        self.apps.get(client_id)
    }

    pub(crate) fn user_id(&self) -> &str {
        &self.user_id
    }

    #[cfg(feature = "oidc")]
    pub(crate) fn signing_key(&self) -> Option<&super::jwt::SigningKey> {
        self.signing_key.as_ref()
    }

    pub(crate) fn set_user(&mut self, user_id: String) {
        self.user_id = user_id;
    }

    pub(crate) fn consents(&self) -> bool {
        self.consent
    }

    pub(crate) fn set_consent(&mut self, consent: bool) {
        self.consent = consent;
    }

    pub(crate) fn set_access_lifetime(&mut self, lifetime: Duration) {
        self.access_lifetime = lifetime;
    }

    /// A new grant family number.
    pub(crate) fn new_family(&mut self) -> u64 {
        self.next_family += 1;
        self.next_family
    }

    /// An unguessable, unique token: a counter for uniqueness, 128 bits from the process's
    /// randomly keyed hasher so that no test can rely on predicting one.
    fn mint(&mut self, prefix: &str) -> String {
        self.minted += 1;
        let high = self.entropy.hash_one((self.minted, 0u8));
        let low = self.entropy.hash_one((self.minted, 1u8));
        format!("{prefix}_{:x}{high:016x}{low:016x}", self.minted)
    }

    pub(crate) fn issue_code(
        &mut self,
        grant: Grant,
        redirect_uri: String,
        code_challenge: String,
        now: Instant,
    ) -> String {
        let code = self.mint("code");
        let stored = Code {
            grant,
            redirect_uri,
            code_challenge,
            expires: now + AUTHORIZATION_CODE_LIFETIME,
        };
        self.codes.insert(code.clone(), stored);
        code
    }

    /// Takes a code for exchange: it can never be taken again. A code presented a second time
    /// also revokes every token the first exchange gave (RFC 6749 §4.1.2: it may have been
    /// stolen).
    pub(crate) fn take_code(&mut self, code: &str, now: Instant) -> CodeLookup {
        if let Some(family) = self.used_codes.get(code).copied() {
            self.revoked_families.insert(family);
            return CodeLookup::Unusable("the authorization code was already used");
        }
        let Some(stored) = self.codes.remove(code) else {
            return CodeLookup::Unusable("unknown authorization code");
        };
        self.used_codes.insert(code.to_owned(), stored.grant.family);
        if now >= stored.expires {
            return CodeLookup::Unusable("the authorization code expired");
        }
        CodeLookup::Fresh(stored)
    }

    /// Issues an access and a refresh token for `grant`.
    pub(crate) fn issue_tokens(&mut self, grant: &Grant, now: Instant) -> Issued {
        let access_token = self.mint("oat");
        let refresh_token = self.mint("ort");
        self.access.insert(
            access_token.clone(),
            AccessToken {
                grant: grant.clone(),
                expires: now + self.access_lifetime,
            },
        );
        self.refresh.insert(
            refresh_token.clone(),
            RefreshToken {
                grant: grant.clone(),
                rotated: false,
            },
        );
        Issued {
            access_token,
            refresh_token,
            expires_in: self.access_lifetime.as_secs(),
        }
    }

    /// Uses up a refresh token presented by `client_id` (with the `company_id` the request
    /// repeats), returning its grant. A refresh token used a second time is a replay: refused,
    /// and its whole family revoked (OAuth 2.1 §4.3.1's reuse detection), since either the client
    /// or an attacker holds a stolen copy. A token of another client, or with another
    /// `company_id` than the one authorized, is refused without being used up.
    pub(crate) fn rotate(
        &mut self,
        refresh_token: &str,
        client_id: &str,
        company_id: Option<&str>,
    ) -> Result<Grant, &'static str> {
        let Some(stored) = self.refresh.get_mut(refresh_token) else {
            return Err("unknown refresh token");
        };
        if stored.grant.client_id != client_id {
            return Err("the refresh token was issued to another client");
        }
        if stored.grant.company_id.as_deref() != company_id {
            return Err("company_id must be the one sent when authorizing");
        }
        let family = stored.grant.family;
        if stored.rotated {
            self.revoked_families.insert(family);
            return Err(
                "the refresh token was already used: every token of this sign-in is revoked",
            );
        }
        if self.revoked_families.contains(&family) {
            return Err("the refresh token was revoked");
        }
        stored.rotated = true;
        Ok(stored.grant.clone())
    }

    /// The grant of a live access token (known, not expired, its family not revoked).
    pub(crate) fn access_grant(&self, token: &str, now: Instant) -> Option<&Grant> {
        let stored = self.access.get(token)?;
        let live = now < stored.expires && !self.revoked_families.contains(&stored.grant.family);
        live.then_some(&stored.grant)
    }

    /// Revokes `token` issued to `client_id`: a refresh token takes its whole family with it
    /// (every access and refresh token of that sign-in); an access token only itself. A token
    /// unknown or of another client changes nothing (RFC 7009 §2.2 answers 200 alike).
    pub(crate) fn revoke(&mut self, token: &str, client_id: &str) {
        if let Some(stored) = self.refresh.get(token)
            && stored.grant.client_id == client_id
        {
            self.revoked_families.insert(stored.grant.family);
        } else if self
            .access
            .get(token)
            .is_some_and(|stored| stored.grant.client_id == client_id)
        {
            self.access.remove(token);
        }
    }
}
