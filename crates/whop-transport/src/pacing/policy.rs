//! The policy: which bucket a request counts against, and that bucket's limit.
//!
//! A [`PacingPolicy`] looks at a request and answers with a [`Bucket`]: a [`BucketKey`] (a bucket
//! name and the request's credential) and a [`PacingLimit`]; or with `None`, and the request is
//! not paced. It knows nothing of clocks or slots: the [store](super::SlotStore) does the
//! counting. [`WhopLimits`], Whop's documented per-family limits, is the default policy.

use std::fmt;
use std::time::Duration;

use http::header::AUTHORIZATION;
use http::{Extensions, HeaderMap, Method, Request, Uri};

use super::PacingLimit;
use crate::extensions::{ApiFamily, Endpoint, RequestExt};
use crate::token::CredentialId;

/// Maps a request to the bucket it counts against: the policy half of pacing.
///
/// A policy looks at a request and answers with a [`Bucket`]: a [`BucketKey`] (a bucket name and
/// the request's credential) and a [`PacingLimit`]; or with `None`, and the request is not paced.
/// It knows nothing of clocks or slots: the [`SlotStore`](super::SlotStore) does the counting.
/// [`WhopLimits`], Whop's documented per-family limits, is the default; plug in another with
/// [`PacingConfig::with_policy`](super::PacingConfig::with_policy):
///
/// ```
/// use std::time::Duration;
/// use whop_transport::PacingConfig;
/// use whop_transport::pacing::{Bucket, BucketKey, PacingLimit, PacingPolicy, RequestHead};
///
/// /// One budget for everything this process sends, whatever the credential: 50 per 10 s.
/// struct OneBudget;
///
/// impl PacingPolicy for OneBudget {
///     fn classify(&self, _request: &RequestHead<'_>) -> Option<Bucket> {
///         Some(Bucket {
///             key: BucketKey::new("all", None),
///             limit: PacingLimit::new(50, Duration::from_secs(10)),
///         })
///     }
/// }
///
/// let config = PacingConfig::default().with_policy(OneBudget);
/// # let _ = config;
/// ```
pub trait PacingPolicy: Send + Sync + 'static {
    /// The bucket `request` counts against, or `None`: send it unpaced. Called once per attempt,
    /// on the request path: keep it cheap (no I/O, no allocation).
    fn classify(&self, request: &RequestHead<'_>) -> Option<Bucket>;
}

/// What a [`PacingPolicy`] sees of a request: everything but the body.
#[derive(Clone, Copy, Debug)]
pub struct RequestHead<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    extensions: &'a Extensions,
}

impl<'a> RequestHead<'a> {
    /// The head of `request`.
    pub fn new<B>(request: &'a Request<B>) -> Self {
        Self {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            extensions: request.extensions(),
        }
    }

    /// The method.
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The URI.
    pub fn uri(&self) -> &'a Uri {
        self.uri
    }

    /// The headers (with `Authorization`, which the auth layer sets before pacing).
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The extensions.
    pub fn extensions(&self) -> &'a Extensions {
        self.extensions
    }

    /// The request's [`Endpoint`], if the client declared one.
    pub fn endpoint(&self) -> Option<&'a Endpoint> {
        self.extensions.endpoint()
    }

    /// The [`CredentialId`] of the request's `Authorization` header, if it has one.
    pub fn credential(&self) -> Option<CredentialId> {
        self.headers
            .get(AUTHORIZATION)
            .map(CredentialId::from_header_value)
    }
}

/// A policy's answer: count the request against `key`, under `limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Which window the request counts in.
    pub key: BucketKey,
    /// The limit of that window (the pacer adds the safety margin to its window).
    pub limit: PacingLimit,
}

/// Names one sliding window: a bucket name (`"v2"`, `"v5"`, a v1 operation's route such as
/// `"POST /v1/memberships/{id}/cancel"`, or a custom policy's) and the
/// credential it counts for. Holds no token: only its [`CredentialId`], so a store may use the
/// key as it is, in memory or in a shared store's key names ([`Display`](fmt::Display):
/// `v5:<32 hex digits>`, or `v5:anonymous` for requests without credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BucketKey {
    name: &'static str,
    credential: Option<CredentialId>,
}

impl BucketKey {
    /// The window `name` of `credential` (`None`: requests without credentials, which share
    /// one window).
    pub const fn new(name: &'static str, credential: Option<CredentialId>) -> Self {
        Self { name, credential }
    }

    /// The bucket name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The credential counted.
    pub const fn credential(&self) -> Option<CredentialId> {
        self.credential
    }
}

impl fmt::Display for BucketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.credential {
            Some(credential) => write!(f, "{}:{credential}", self.name),
            None => write!(f, "{}:anonymous", self.name),
        }
    }
}

/// The default policy, Whop's documented limits: each request with an [`Endpoint`] counts in a
/// window of its credential (Whop counts per token: an app calling v5 with many users' tokens is
/// not held to 20 calls per 10 s in total), named after its [`ApiFamily`] for v2 and v5, and
/// after its operation (the [`Endpoint::route`]) for v1, which Whop limits per operation. A
/// request without an `Endpoint`, or of a family set to `None`, is not paced.
///
/// | family | default limit | window per |
/// | --- | --- | --- |
/// | v1 (Current API) | 600 per 60 s | operation and credential |
/// | v2 | 100 per 10 s | credential |
/// | v5 | 20 per 10 s | credential |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WhopLimits {
    v1: Option<PacingLimit>,
    v2: Option<PacingLimit>,
    v5: Option<PacingLimit>,
}

impl Default for WhopLimits {
    /// v1: 600 per 60 s (per operation); v2: 100 per 10 s; v5: 20 per 10 s.
    fn default() -> Self {
        Self {
            v1: Some(PacingLimit::new(600, Duration::from_secs(60))),
            v2: Some(PacingLimit::new(100, Duration::from_secs(10))),
            v5: Some(PacingLimit::new(20, Duration::from_secs(10))),
        }
    }
}

impl WhopLimits {
    /// No family paced.
    pub fn unpaced() -> Self {
        Self {
            v1: None,
            v2: None,
            v5: None,
        }
    }

    /// The v1 limit, per operation and credential (`None`: v1 unpaced).
    pub fn with_v1(mut self, limit: Option<PacingLimit>) -> Self {
        self.v1 = limit;
        self
    }

    /// The v2 limit (`None`: v2 unpaced).
    pub fn with_v2(mut self, limit: Option<PacingLimit>) -> Self {
        self.v2 = limit;
        self
    }

    /// The v5 limit (`None`: v5 unpaced).
    pub fn with_v5(mut self, limit: Option<PacingLimit>) -> Self {
        self.v5 = limit;
        self
    }

    /// The v1 limit, per operation and credential.
    pub fn v1(&self) -> Option<PacingLimit> {
        self.v1
    }

    /// The v2 limit.
    pub fn v2(&self) -> Option<PacingLimit> {
        self.v2
    }

    /// The v5 limit.
    pub fn v5(&self) -> Option<PacingLimit> {
        self.v5
    }

    /// The limit of `family`, if paced.
    pub fn limit(&self, family: ApiFamily) -> Option<PacingLimit> {
        match family {
            ApiFamily::V1 => self.v1,
            ApiFamily::V2 => self.v2,
            ApiFamily::V5 => self.v5,
        }
    }

    /// `true` if any family is paced.
    pub fn is_enabled(&self) -> bool {
        self.v1.is_some() || self.v2.is_some() || self.v5.is_some()
    }
}

impl PacingPolicy for WhopLimits {
    fn classify(&self, request: &RequestHead<'_>) -> Option<Bucket> {
        let endpoint = request.endpoint()?;
        let family = endpoint.family();
        let limit = self.limit(family)?;
        let name = match family {
            ApiFamily::V1 => endpoint.route(),
            _ => family.as_str(),
        };
        Some(Bucket {
            key: BucketKey::new(name, request.credential()),
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(endpoint: Option<Endpoint>, authorization: Option<&'static str>) -> Request<()> {
        let mut builder = Request::get("https://api.whop.com/api/v5/me/memberships/K");
        if let Some(value) = authorization {
            builder = builder.header(AUTHORIZATION, value);
        }
        let mut request = builder.body(()).expect("valid");
        if let Some(endpoint) = endpoint {
            request.set_endpoint(endpoint);
        }
        request
    }

    #[test]
    fn whop_limits_bucket_by_the_endpoints_family_and_the_credential() {
        let v2 = Endpoint::new("GET /v2/x", ApiFamily::V2);
        let v5 = Endpoint::new("GET /v5/x", ApiFamily::V5);
        let alice = CredentialId::from_header_value(&"Bearer alice".parse().expect("valid"));
        let policy = WhopLimits::default().with_v2(None);
        let v5_limit = Some(PacingLimit::new(20, Duration::from_secs(10)));
        // (endpoint, Authorization, expected bucket name and credential)
        type Case = (Option<Endpoint>, Option<&'static str>, Option<BucketKey>);
        let cases: [Case; 5] = [
            (
                Some(v5),
                Some("Bearer alice"),
                Some(BucketKey::new("v5", Some(alice))),
            ),
            (Some(v5), None, Some(BucketKey::new("v5", None))),
            // v2 is switched off in this policy.
            (Some(v2), Some("Bearer alice"), None),
            // No endpoint, whatever the path says: not paced.
            (None, Some("Bearer alice"), None),
            (None, None, None),
        ];
        for (endpoint, authorization, expected) in cases {
            let request = request(endpoint, authorization);
            let got = policy.classify(&RequestHead::new(&request));
            assert_eq!(
                got.map(|b| b.key),
                expected,
                "{endpoint:?} {authorization:?}"
            );
            if got.is_some() {
                assert_eq!(got.map(|b| b.limit), v5_limit);
            }
        }
    }

    #[test]
    fn a_bucket_key_displays_its_name_and_credential_hash_never_the_token() {
        let value = "Bearer sk_live_secret".parse().expect("valid");
        let key = BucketKey::new("v2", Some(CredentialId::from_header_value(&value)));
        let shown = key.to_string();
        assert!(shown.starts_with("v2:") && shown.len() == 3 + 32, "{shown}");
        assert!(!shown.contains("secret") && !format!("{key:?}").contains("secret"));
        assert_eq!(BucketKey::new("v5", None).to_string(), "v5:anonymous");
    }

    #[test]
    fn whop_limits_bucket_v1_by_operation_at_600_per_minute() {
        let cancel = Endpoint::new("POST /v1/memberships/{id}/cancel", ApiFamily::V1);
        let request = request(Some(cancel), Some("Bearer alice"));
        let bucket = WhopLimits::default()
            .classify(&RequestHead::new(&request))
            .expect("paced");
        assert_eq!(bucket.key.name(), "POST /v1/memberships/{id}/cancel");
        assert!(bucket.key.credential().is_some());
        assert_eq!(bucket.limit, PacingLimit::new(600, Duration::from_secs(60)));
        let off = WhopLimits::default().with_v1(None);
        assert_eq!(off.classify(&RequestHead::new(&request)), None);
    }
}
