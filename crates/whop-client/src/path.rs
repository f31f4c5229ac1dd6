//! Building request URIs from user input without letting it change the path.
//!
//! A membership ID or a license key becomes exactly one path segment. License keys come from end
//! users, so anything may be in them: every byte outside RFC 3986's unreserved set is
//! percent-encoded (so `/`, `?`, `#`, `%`, spaces, control characters and non-ASCII cannot end the
//! segment), and a key that is a whole dot segment (`.` or `..`) is refused, because servers and
//! proxies remove dot segments, even percent-encoded ones, before routing.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `value` to `out` as one percent-encoded path segment.
///
/// # Errors
/// [`InvalidInput`] when `value` is empty or a dot segment: it could never name one resource.
pub(crate) fn push_segment(
    out: &mut String,
    what: &'static str,
    value: &str,
) -> Result<(), InvalidInput> {
    match value {
        "" => Err(InvalidInput::new(what, "must not be empty")),
        "." | ".." => Err(InvalidInput::new(
            what,
            "must not be a dot segment (`.` or `..`)",
        )),
        _ => {
            out.extend(utf8_percent_encode(value, SEGMENT));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &str) -> Result<String, InvalidInput> {
        let mut out = String::new();
        push_segment(&mut out, "id", value).map(|()| out)
    }

    #[test]
    fn unreserved_characters_are_kept_as_they_are() {
        assert_eq!(encode("mem_AZaz09-._~").unwrap(), "mem_AZaz09-._~");
    }

    #[test]
    fn path_and_query_delimiters_are_encoded() {
        assert_eq!(encode("a/b?c#d%e f").unwrap(), "a%2Fb%3Fc%23d%25e%20f");
    }

    #[test]
    fn control_characters_and_non_ascii_are_encoded() {
        assert_eq!(encode("\r\n\0é").unwrap(), "%0D%0A%00%C3%A9");
    }

    #[test]
    fn dots_inside_a_key_are_kept() {
        assert_eq!(encode("a..b").unwrap(), "a..b");
        assert_eq!(encode("...").unwrap(), "...");
    }

    #[test]
    fn whole_dot_segments_are_refused() {
        assert!(encode(".").is_err());
        assert!(encode("..").is_err());
    }

    #[test]
    fn an_empty_value_is_refused() {
        assert!(encode("").is_err());
    }
}
