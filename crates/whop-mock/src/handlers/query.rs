//! Reading a list endpoint's query: single values, booleans, page numbers, and arrays in any of
//! the spellings a client may use (`k[]=a&k[]=b`, `k=a&k=b`, `k=a,b`).

use crate::body::decode_query_part;
use crate::route::ApiFamily;
use crate::state::Answer;

use super::bad_request;

/// The decoded `key=value` pairs of a query, in order.
pub(super) struct Query {
    family: ApiFamily,
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(super) fn parse(family: ApiFamily, raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_query_part(key), decode_query_part(value))
            })
            .collect();
        Self { family, pairs }
    }

    /// The last value of `key` (Rails keeps the last of a repeated scalar).
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the array `key`, however it was spelled.
    pub(super) fn array(&self, key: &str) -> Vec<&str> {
        let bracketed = format!("{key}[]");
        self.pairs
            .iter()
            .filter(|(k, _)| *k == key || *k == bracketed)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A boolean (`true`/`false`, also `1`/`0`), `default` when absent, 400 otherwise.
    pub(super) fn flag(&self, key: &str, default: Option<bool>) -> Result<Option<bool>, Answer> {
        match self.get(key) {
            None => Ok(default),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(_) => Err(self.invalid(key)),
        }
    }

    /// A positive number, `default` when absent, 400 otherwise.
    pub(super) fn positive(&self, key: &str, default: usize) -> Result<usize, Answer> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(self.invalid(key)),
            },
        }
    }

    /// Whop's 400 for a parameter of the wrong type or value.
    pub(super) fn invalid(&self, key: &str) -> Answer {
        bad_request(
            self.family,
            &format!(
                "Parameter :{key} is invalid. Please ensure you are passing the correct type for this parameter."
            ),
        )
    }
}

/// The statuses the specs list for the `status`/`statuses` filters.
pub(super) const STATUSES: [&str; 7] = [
    "active",
    "trialing",
    "past_due",
    "completed",
    "unresolved",
    "canceled",
    "expired",
];

/// The rows `page` of `per` holds, and how many pages there are.
pub(super) fn page_of<T>(all: Vec<T>, page: usize, per: usize) -> (Vec<T>, usize) {
    let total_pages = all.len().div_ceil(per);
    let start = (page - 1).saturating_mul(per);
    let rows = all.into_iter().skip(start).take(per).collect();
    (rows, total_pages)
}
