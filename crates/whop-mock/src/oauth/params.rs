//! Reading an OAuth request (query, form or JSON body, HTTP Basic) and writing OAuth's answers
//! (`{"error", "error_description"}`, redirects), which differ from every API family's.

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::answer::RequestInfo;
use crate::body::{decode_query_part, json_response};

/// A refused OAuth request: the `error` code, its description, and the status it is sent with.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) error: &'static str,
    pub(crate) description: String,
}

impl Refusal {
    pub(crate) fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }

    /// `401` for a failed client authentication or an unusable access token (RFC 6749 §5.2, RFC
    /// 6750 §3.1), `403` for a missing scope, `500` for the server's own failure, `400`
    /// otherwise.
    fn status(&self) -> StatusCode {
        match self.error {
            "invalid_client" | "invalid_token" => StatusCode::UNAUTHORIZED,
            "insufficient_scope" => StatusCode::FORBIDDEN,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON answer, `{"error", "error_description"}`.
    pub(crate) fn response(&self) -> Response<Bytes> {
        self.response_with(self.status())
    }

    /// The JSON answer with `status`: the authorization endpoint refuses a request it cannot
    /// redirect with `400` whatever the error, as no client authenticated there.
    pub(crate) fn response_with(&self, status: StatusCode) -> Response<Bytes> {
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut response = no_store(status, &body);
        if self.error == "invalid_token" {
            let challenge = format!("Bearer error=\"{}\"", self.error);
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// A JSON answer that no cache may keep (RFC 6749 §5.1): it holds tokens.
pub(crate) fn no_store(status: StatusCode, body: &Value) -> Response<Bytes> {
    let mut response = json_response(status, body, None);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A `302 Found` to `uri` with `params` appended to its query.
pub(crate) fn redirect(uri: &str, params: &[(&str, &str)]) -> Response<Bytes> {
    let mut location = uri.to_owned();
    for (i, (key, value)) in params.iter().enumerate() {
        let separator = match (i, uri.contains('?')) {
            (0, false) => '?',
            _ => '&',
        };
        location.push(separator);
        location.push_str(key);
        location.push('=');
        location.extend(percent_encoding::utf8_percent_encode(
            value,
            percent_encoding::NON_ALPHANUMERIC,
        ));
    }
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// An OAuth request's parameters, decoded, in order.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// A query string, or a form body (the same encoding).
    pub(crate) fn from_query(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_query_part(key), decode_query_part(value))
            })
            .collect();
        Self { pairs }
    }

    /// A token or revocation request's body: JSON when its `Content-Type` says so (as Whop's
    /// docs send it), `application/x-www-form-urlencoded` otherwise (as RFC 6749 sends it).
    pub(crate) fn from_body(info: &RequestInfo) -> Result<Self, Refusal> {
        let is_json = info
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        if !is_json {
            let text = std::str::from_utf8(&info.body)
                .map_err(|_| Refusal::new("invalid_request", "the body is not UTF-8"))?;
            return Ok(Self::from_query(Some(text)));
        }
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&info.body) else {
            return Err(Refusal::new(
                "invalid_request",
                "the body is not a JSON object",
            ));
        };
        let mut pairs = Vec::with_capacity(object.len());
        for (key, value) in object {
            match value {
                Value::String(text) => pairs.push((key, text)),
                Value::Null => {}
                _ => {
                    return Err(Refusal::new(
                        "invalid_request",
                        format!("{key} must be a string"),
                    ));
                }
            }
        }
        Ok(Self { pairs })
    }

    /// The value of `key`; one sent empty counts as absent (RFC 6749 §3.1), one sent twice is
    /// refused (§3.1 again).
    pub(crate) fn get(&self, key: &str) -> Result<Option<&str>, Refusal> {
        let mut values = self.pairs.iter().filter(|(k, v)| k == key && !v.is_empty());
        let first = values.next().map(|(_, v)| v.as_str());
        if values.next().is_some() {
            return Err(Refusal::new(
                "invalid_request",
                format!("{key} is given more than once"),
            ));
        }
        Ok(first)
    }

    /// The value of `key`, or `invalid_request`.
    pub(crate) fn require(&self, key: &str) -> Result<&str, Refusal> {
        self.get(key)?
            .ok_or_else(|| Refusal::new("invalid_request", format!("{key} is required")))
    }
}

/// The client ID and secret of an `Authorization: Basic` header (each form-encoded before
/// base64, RFC 6749 §2.3.1), `None` without one.
pub(crate) fn basic_credentials(info: &RequestInfo) -> Result<Option<(String, String)>, Refusal> {
    let Some(value) = info.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || Refusal::new("invalid_client", "malformed HTTP Basic credentials");
    let text = value.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = text.split_once(' ') else {
        return Err(malformed());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((decode_query_part(id), decode_query_part(secret))))
}

/// The issuer: the origin the request was sent to (`http://127.0.0.1:<port>` when served), so
/// that one base URL points a client at the mock for both the API and OAuth.
pub(crate) fn issuer(info: &RequestInfo) -> String {
    let host = info.authority.clone().or_else(|| {
        info.headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    format!("http://{}", host.as_deref().unwrap_or("localhost"))
}
