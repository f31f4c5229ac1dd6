//! The base URL policy: `https` everywhere, plain `http` only to this machine.
//!
//! The token travels in a header, so a request over plain HTTP to a remote host would expose it.
//! Tests and the mock server run on loopback without TLS, so `http` is allowed to `localhost`,
//! `127.0.0.0/8` and `::1`, and nowhere else. [`HttpClient`](crate::HttpClient) checks every
//! request against this policy before anything is sent; a refusal is
//! [`ErrorKind::InvalidRequest`], never sent.

use std::net::IpAddr;

use http::Uri;
use http::uri::Scheme;

use crate::error::{Error, ErrorKind};

/// Checks that `uri` may be used: an absolute `https` URI, or `http` to a loopback host.
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`] (never sent) for a relative URI, another scheme, or `http` to a
/// host that is not loopback.
pub fn check_base_url(uri: &Uri) -> Result<(), Error> {
    match refusal(uri) {
        None => Ok(()),
        Some(reason) => Err(Error::not_sent(ErrorKind::InvalidRequest, reason)),
    }
}

/// Why `uri` breaks the policy, or `None` when it follows it: the one statement of the rule.
pub(crate) fn refusal(uri: &Uri) -> Option<&'static str> {
    // `Uri::host` skips any user info: `http://127.0.0.1:80@evil.test/` is a request to
    // `evil.test`.
    let Some(host) = uri.host() else {
        return Some("the URL has no host (it must be absolute)");
    };
    let scheme = uri.scheme();
    if scheme == Some(&Scheme::HTTPS) {
        None
    } else if scheme != Some(&Scheme::HTTP) {
        Some("the URL scheme must be https (or http to a loopback host)")
    } else if is_loopback(host) {
        None
    } else {
        Some(
            "plain http is allowed only to loopback hosts (localhost, 127.0.0.0/8, ::1); \
             use https",
        )
    }
}

/// `true` for `localhost`, `127.0.0.0/8` and `::1` (as `[::1]` in a URI).
pub(crate) fn is_loopback(host: &str) -> bool {
    // Checked for every request: the usual spellings skip parsing an address.
    if matches!(host, "127.0.0.1" | "[::1]") || host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(uri: &str) -> bool {
        check_base_url(&uri.parse().expect("test URIs parse")).is_ok()
    }

    #[test]
    fn https_anywhere_and_http_only_to_loopback_are_allowed() {
        assert!(allowed("https://api.whop.com/api/v2"));
        assert!(allowed("http://127.0.0.1:8080/"));
        assert!(allowed("http://127.3.4.5/"));
        assert!(allowed("http://localhost:1/"));
        assert!(allowed("http://LOCALHOST/"));
        assert!(allowed("http://[::1]:9/"));
    }

    #[test]
    fn user_info_never_makes_a_remote_host_look_like_loopback() {
        for uri in [
            "http://127.0.0.1:80@evil.test/",
            "http://user:pw@evil.test:80/",
            "http://localhost@evil.test/",
        ] {
            assert!(!allowed(uri), "{uri}");
        }
        assert!(allowed("http://user@127.0.0.1:80/"));
    }

    #[test]
    fn http_to_remote_hosts_other_schemes_and_relative_urls_are_refused() {
        assert!(!allowed("http://api.whop.com/"));
        assert!(!allowed("http://10.0.0.1/"));
        assert!(!allowed("http://localhost.evil.com/"));
        assert!(!allowed("http://127.0.0.1.evil.com/"));
        assert!(!allowed("ftp://127.0.0.1/"));
        assert!(!allowed("/api/v2/memberships"));
    }

    #[test]
    fn the_scheme_is_matched_whatever_its_case() {
        assert!(allowed("HTTPS://api.whop.com/api/v2"));
        assert!(allowed("Http://127.0.0.1:8080/"));
        assert!(!allowed("HTTP://api.whop.com/"));
        assert!(!allowed("FTP://127.0.0.1/"));
    }
}
