//! Routing on the raw request: which endpoint ([`Route`]), which API family ([`ApiFamily`]),
//! which bearer token (and so which [`Caller`]).

use bytes::Bytes;
use http::{Method, Request, header};

/// The two API families; each has its own error body shape and its own rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiFamily {
    /// `/api/v2/…` (company API key; `{"error":{"code":…,"message":…}}` errors; `Deprecation`).
    V2,
    /// `/api/v5/…` (user token; `{"message":…}` errors).
    V5,
}

/// Who the bearer token said the caller was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caller {
    /// No `Authorization` header.
    Anonymous,
    /// An `Authorization` header that is not `Bearer <token>`.
    Malformed,
    /// A bearer token the mock does not know.
    UnknownToken,
    /// A company API key.
    Company {
        /// The company it belongs to.
        company_id: String,
    },
    /// A user's token.
    User {
        /// The user it belongs to.
        user_id: String,
    },
}

/// The endpoint a request matched, with its path segment percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// `POST /api/v2/memberships/{id}/cancel`.
    CancelMembership {
        /// The decoded `{id}` segment.
        id: String,
    },
    /// `POST /api/v2/memberships/{id}/terminate`.
    TerminateMembership {
        /// The decoded `{id}` segment.
        id: String,
    },
    /// `GET /api/v5/me/memberships/{id}`.
    RetrieveMyMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v2/memberships/{id}/validate_license`.
    ValidateLicense {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `GET /api/v2/memberships/{id}`.
    RetrieveMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v2/memberships/{id}` (update the metadata).
    UpdateMembership {
        /// The decoded `{id}` segment: a membership ID.
        id: String,
    },
    /// `GET /api/v2/memberships`.
    ListMemberships,
    /// `GET /api/v5/me/memberships`.
    ListMyMemberships,
}

pub(crate) enum Token {
    Missing,
    Malformed,
    Bearer(String),
}

pub(crate) fn bearer_token(request: &Request<Bytes>) -> Token {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Token::Missing;
    };
    let Ok(value) = value.to_str() else {
        return Token::Malformed;
    };
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Token::Bearer(token.trim().to_owned())
        }
        _ => Token::Malformed,
    }
}

/// Matches the raw path, segment by segment, without normalising it: a raw `.` or `..` segment,
/// an empty one, or one that does not decode to UTF-8 is a route miss (404), as on a server whose
/// front end resolves dot segments before routing.
pub(crate) fn parse_route(method: &Method, path: &str) -> (Option<ApiFamily>, Option<Route>) {
    let family = if path.starts_with("/api/v2/") {
        Some(ApiFamily::V2)
    } else if path.starts_with("/api/v5/") {
        Some(ApiFamily::V5)
    } else {
        None
    };
    let segments: Vec<&str> = path.split('/').collect();
    let route = match segments.as_slice() {
        ["", "api", "v2", "memberships", id, "cancel"] if method == Method::POST => {
            decode_segment(id).map(|id| Route::CancelMembership { id })
        }
        ["", "api", "v2", "memberships", id, "terminate"] if method == Method::POST => {
            decode_segment(id).map(|id| Route::TerminateMembership { id })
        }
        ["", "api", "v5", "me", "memberships", id] if method == Method::GET => {
            decode_segment(id).map(|id_or_key| Route::RetrieveMyMembership { id_or_key })
        }
        ["", "api", "v2", "memberships", id, "validate_license"] if method == Method::POST => {
            decode_segment(id).map(|id_or_key| Route::ValidateLicense { id_or_key })
        }
        ["", "api", "v2", "memberships", id] if method == Method::GET => {
            decode_segment(id).map(|id_or_key| Route::RetrieveMembership { id_or_key })
        }
        ["", "api", "v2", "memberships", id] if method == Method::POST => {
            decode_segment(id).map(|id| Route::UpdateMembership { id })
        }
        ["", "api", "v2", "memberships"] if method == Method::GET => Some(Route::ListMemberships),
        ["", "api", "v5", "me", "memberships"] if method == Method::GET => {
            Some(Route::ListMyMemberships)
        }
        _ => None,
    };
    (family, route)
}

fn decode_segment(raw: &str) -> Option<String> {
    if raw.is_empty() || raw == "." || raw == ".." {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}
