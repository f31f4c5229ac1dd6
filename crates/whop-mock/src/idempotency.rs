//! `Idempotency-Key` on `/api/v1` writes: the first answer to a key is kept, and a request that
//! repeats the key gets that answer again without being applied a second time.
//!
//! Whop documents the header (at most 255 characters) but not its semantics in detail; the mock
//! follows the common practice: keys are per credential, a repeat must be the same request
//! (method, path and body), otherwise it is refused with a `422`, and a repeat's answer carries
//! `Idempotent-Replayed: true`. 429s are not kept (nothing was applied). The mock remembers the
//! last [`MEMORY`] keys.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use http::Method;

use crate::answer::{Answer, RequestInfo};

/// How many keys the mock remembers; the oldest is forgotten first.
pub(crate) const MEMORY: usize = 10_000;

/// The longest key Whop accepts.
pub(crate) const MAX_KEY_LEN: usize = 255;

/// The header a repeat's answer carries.
pub(crate) const REPLAYED_HEADER: &str = "idempotent-replayed";

/// (credential, key).
type Key = (String, String);

#[derive(Debug)]
struct Kept {
    request: (Method, String, Bytes),
    answer: Answer,
}

/// What is known of a request's key.
pub(crate) enum Seen {
    /// Not seen: handle the request, then [`Idempotency::keep`] the answer.
    New,
    /// The same request was answered before: this is that answer.
    Repeat(Answer),
    /// The key was used for a different request.
    Conflict,
}

/// The kept answers.
#[derive(Debug, Default)]
pub(crate) struct Idempotency {
    kept: HashMap<Key, Kept>,
    order: VecDeque<Key>,
}

impl Idempotency {
    /// What is known of `key` for this request.
    pub(crate) fn seen(&self, info: &RequestInfo, key: &str) -> Seen {
        match self.kept.get(&(info.bucket.clone(), key.to_owned())) {
            None => Seen::New,
            Some(kept) if kept.request == fingerprint(info) => {
                let mut answer = kept.answer.clone();
                answer.replayed = true;
                Seen::Repeat(answer)
            }
            Some(_) => Seen::Conflict,
        }
    }

    /// Keeps the answer to the request under `key`.
    pub(crate) fn keep(&mut self, info: &RequestInfo, key: &str, answer: &Answer) {
        let id = (info.bucket.clone(), key.to_owned());
        let kept = Kept {
            request: fingerprint(info),
            answer: answer.clone(),
        };
        if self.kept.insert(id.clone(), kept).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > MEMORY {
            if let Some(oldest) = self.order.pop_front() {
                self.kept.remove(&oldest);
            }
        }
    }
}

fn fingerprint(info: &RequestInfo) -> (Method, String, Bytes) {
    (info.method.clone(), info.path.clone(), info.body.clone())
}
