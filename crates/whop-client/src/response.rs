//! A decoded value with what the caller may want to know about the response that carried it.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use whop_transport::DeprecationNotice;

/// A decoded API object and the metadata of the response it came in.
///
/// Dereferences to the object, so `response.id` reads the object's field; use
/// [`into_inner`](Response::into_inner) to keep only the object.
///
/// The body keeps the bytes the API sent ([`raw_body`](Response::raw_body)): the decoded object
/// holds only the fields this SDK knows, so to pass Whop's answer on as Whop wrote it (fields
/// added after this SDK was written included), use the raw body, not the object re-encoded. The
/// bytes are shared, not copied. `Debug` shows the body's length, not the body: it may hold a
/// license key, which the decoded object's `Debug` redacts.
#[derive(Clone)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    deprecation: Option<HeaderValue>,
    sunset: Option<HeaderValue>,
    body: Bytes,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: StatusCode, headers: &HeaderMap, body: Bytes) -> Self {
        let notice = DeprecationNotice::of(headers);
        Response {
            value,
            status,
            deprecation: notice.deprecation.cloned(),
            sunset: notice.sunset.cloned(),
            body,
        }
    }

    /// The body exactly as the API sent it: the JSON the object was decoded from, with every
    /// field, known to this SDK or not, in Whop's order and formatting. Unredacted: it may hold a
    /// license key, so take care where it ends up.
    pub fn raw_body(&self) -> &Bytes {
        &self.body
    }

    /// The HTTP status (cancel answers 201, lookups 200).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Deprecation` header, when the API sent one (every v2 response does: Whop is moving to
    /// a newer API). Informational: the call succeeded.
    pub fn deprecation(&self) -> Option<&str> {
        self.deprecation.as_ref().and_then(|v| v.to_str().ok())
    }

    /// The `Sunset` header: when the endpoint is planned to stop working, if the API said.
    pub fn sunset(&self) -> Option<&str> {
        self.sunset.as_ref().and_then(|v| v.to_str().ok())
    }

    /// The decoded object.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The decoded object, without the response metadata.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("value", &self.value)
            .field("status", &self.status)
            .field("deprecation", &self.deprecation)
            .field("sunset", &self.sunset)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
