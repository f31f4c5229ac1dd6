//! Routing on the raw request: which endpoint ([`Route`]), which API family ([`ApiFamily`]),
//! which bearer token (and so which [`Caller`]).

use bytes::Bytes;
use http::{Method, Request, header};

/// The API families; each has its own error body shape and its own rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiFamily {
    /// `/api/v1/…`, the Current API (company API key or user token; `Api-Version-Date` picks the
    /// resource; `{"error":{"type":…,"message":…}}` errors; limited per operation).
    V1,
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
    /// `GET /api/v1/memberships`.
    V1ListMemberships,
    /// `GET /api/v1/memberships/{id}`.
    V1RetrieveMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `PATCH /api/v1/memberships/{id}`.
    V1UpdateMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/cancel`.
    V1CancelMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/uncancel` (Legacy resource only).
    V1UncancelMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/pause`.
    V1PauseMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/resume`.
    V1ResumeMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/extend` (new resource only).
    V1ExtendMembership {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `POST /api/v1/memberships/{id}/add_free_days` (Legacy resource only).
    V1AddFreeDays {
        /// The decoded `{id}` segment: a membership ID or a license key.
        id_or_key: String,
    },
    /// `GET /oauth/authorize`, at the origin (not under `/api`).
    OAuthAuthorize,
    /// `POST /oauth/token`.
    OAuthToken,
    /// `GET` or `POST /oauth/userinfo`.
    OAuthUserinfo,
    /// `POST /oauth/revoke`.
    OAuthRevoke,
    /// `GET /.well-known/jwks.json`: the keys that sign `id_token`s.
    Jwks,
    /// `GET /.well-known/openid-configuration`: the discovery document.
    OpenIdConfiguration,
    /// `POST /api/v5/oauth/token`: the legacy code exchange (client secret, `{access_token}`).
    LegacyOAuthToken,
}

impl Route {
    /// The operation a v1 request is counted under for the rate limit (Whop counts per operation
    /// and credential): the method and the path template, such as `POST /v1/memberships/{id}/cancel`.
    /// `None` for the v2 and v5 routes, which are limited per family.
    #[must_use]
    pub fn v1_operation(&self) -> Option<&'static str> {
        Some(match self {
            Self::V1ListMemberships => "GET /v1/memberships",
            Self::V1RetrieveMembership { .. } => "GET /v1/memberships/{id}",
            Self::V1UpdateMembership { .. } => "PATCH /v1/memberships/{id}",
            Self::V1CancelMembership { .. } => "POST /v1/memberships/{id}/cancel",
            Self::V1UncancelMembership { .. } => "POST /v1/memberships/{id}/uncancel",
            Self::V1PauseMembership { .. } => "POST /v1/memberships/{id}/pause",
            Self::V1ResumeMembership { .. } => "POST /v1/memberships/{id}/resume",
            Self::V1ExtendMembership { .. } => "POST /v1/memberships/{id}/extend",
            Self::V1AddFreeDays { .. } => "POST /v1/memberships/{id}/add_free_days",
            _ => return None,
        })
    }
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
    let family = if path.starts_with("/api/v1/") {
        Some(ApiFamily::V1)
    } else if path.starts_with("/api/v2/") {
        Some(ApiFamily::V2)
    } else if path.starts_with("/api/v5/") {
        Some(ApiFamily::V5)
    } else {
        None
    };
    let segments: Vec<&str> = path.split('/').collect();
    (family, match_route(method, &segments))
}

fn match_route(method: &Method, segments: &[&str]) -> Option<Route> {
    let get = method == Method::GET;
    let post = method == Method::POST;
    match segments {
        ["", "oauth", "authorize"] if get => Some(Route::OAuthAuthorize),
        ["", "oauth", "token"] if post => Some(Route::OAuthToken),
        ["", "oauth", "userinfo"] if get || post => Some(Route::OAuthUserinfo),
        ["", "oauth", "revoke"] if post => Some(Route::OAuthRevoke),
        ["", ".well-known", "jwks.json"] if get => Some(Route::Jwks),
        ["", ".well-known", "openid-configuration"] if get => Some(Route::OpenIdConfiguration),
        ["", "api", "v5", "oauth", "token"] if post => Some(Route::LegacyOAuthToken),
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
        ["", "api", "v1", "memberships"] if method == Method::GET => Some(Route::V1ListMemberships),
        ["", "api", "v1", "memberships", id] => {
            let id_or_key = decode_segment(id)?;
            if method == Method::GET {
                Some(Route::V1RetrieveMembership { id_or_key })
            } else if method == Method::PATCH {
                Some(Route::V1UpdateMembership { id_or_key })
            } else {
                None
            }
        }
        ["", "api", "v1", "memberships", id, action] if method == Method::POST => {
            let id_or_key = decode_segment(id)?;
            match *action {
                "cancel" => Some(Route::V1CancelMembership { id_or_key }),
                "uncancel" => Some(Route::V1UncancelMembership { id_or_key }),
                "pause" => Some(Route::V1PauseMembership { id_or_key }),
                "resume" => Some(Route::V1ResumeMembership { id_or_key }),
                "extend" => Some(Route::V1ExtendMembership { id_or_key }),
                "add_free_days" => Some(Route::V1AddFreeDays { id_or_key }),
                _ => None,
            }
        }
        _ => None,
    }
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
