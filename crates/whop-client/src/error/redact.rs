//! What an error may show of a response body: never a license key or a token.
//!
//! A body can carry secrets: a membership holds its `license_key`, Whop's 404 echoes the key it
//! was asked for ("No such Resource found with the provided ID: …"), and a gateway's HTML page
//! may echo the requested path, key included. Errors are logged (`{error}`), so what they show of
//! a body goes through two rules, applied before the text is cut to length:
//!
//! - in a JSON body, the value of every secret field ([`is_secret_field`]: `license_key`, `key`,
//!   `token`, `access_token`, `client_secret`, `password`, ...) in any object at any depth is
//!   replaced by [`REDACTED`];
//! - in any text shown (a JSON string value, a body that is not JSON, the API's message), what
//!   follows Whop's "provided ID:" is replaced, and so is every word that looks like a credential
//!   ([`looks_like_a_credential`]).
//!
//! Whop's own IDs (`mem_…`, `user_…`, `plan_…`, ...) stay: they name objects, they open nothing.
//!
//! The raw body stays reachable on purpose, through the errors' `body()`.

use std::borrow::Cow;

use serde_json::Value;

/// What stands in for a secret.
const REDACTED: &str = "[redacted]";

/// Whop's not-found message ends with the ID it was asked for, which may be a license key.
const PROVIDED_ID: &str = "provided ID:";

/// Prefixes of Whop's object IDs: not secrets, and worth seeing in an error.
const ID_PREFIXES: [&str; 11] = [
    "mem_", "user_", "plan_", "prod_", "pass_", "biz_", "exp_", "ch_", "promo_", "page_", "app_",
];

/// Whether a JSON object's field (any case, `snake_case`, `camelCase` or `kebab-case`) holds a
/// secret: a key, a token, a secret, a password or an authorization.
fn is_secret_field(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "key",
        "token",
        "secret",
        "password",
        "authorization",
        "credential",
    ]
    .iter()
    .any(|word| name.ends_with(word))
}

/// A JSON body with its secrets replaced, in place.
pub(super) fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                if is_secret_field(name) && !field.is_null() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact_json(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) => {
            if let Cow::Owned(redacted) = redact_text(text) {
                *text = redacted;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `text` with what follows "provided ID:" and every credential-like word replaced.
pub(super) fn redact_text(text: &str) -> Cow<'_, str> {
    let (text, cut) = match text.find(PROVIDED_ID) {
        Some(at) => (&text[..at + PROVIDED_ID.len()], true),
        None => (text, false),
    };
    let mut out = String::new();
    let mut shown = 0;
    let mut word_start = None;
    // A sentinel non-word character at the end closes the last word.
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (is_word_char(c), word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(start)) => {
                if looks_like_a_credential(&text[start..at]) {
                    out.push_str(&text[shown..start]);
                    out.push_str(REDACTED);
                    shown = at;
                }
                word_start = None;
            }
            _ => {}
        }
    }
    if shown == 0 && !cut {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[shown..]);
    if cut {
        out.push(' ');
        out.push_str(REDACTED);
    }
    Cow::Owned(out)
}

/// Words are runs of ASCII letters, digits, `-`, `_` and `%` (so a key percent-encoded in an
/// echoed path stays one word).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '%')
}

/// Whether a word may be a license key or a token: letters and digits mixed over 8 characters or
/// more, any word of 20 or more, or a license key's shape (upper-case letters and digits in two
/// or more groups joined by `-`, 9 characters or more). Whop's object IDs are not.
fn looks_like_a_credential(word: &str) -> bool {
    if ID_PREFIXES.iter().any(|prefix| word.starts_with(prefix)) {
        return false;
    }
    let len = word.len();
    let mixed =
        word.bytes().any(|b| b.is_ascii_digit()) && word.bytes().any(|b| b.is_ascii_alphabetic());
    let key_shape = word.contains('-')
        && word.split('-').all(|group| {
            !group.is_empty()
                && group
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        });
    len >= 20 || len >= 8 && mixed || len >= 9 && key_shape
}
