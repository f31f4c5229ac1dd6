//! Decoding response bodies with errors that say where they went wrong.
//!
//! [`decode`] is `serde_json::from_slice` plus the JSON path of the value that failed, so a bad
//! field deep inside an expanded object reads as `product.created_at` rather than only "line 1
//! column 913". The decoder does not keep the bytes: a caller that wants to show or log the body
//! keeps its own copy.
//!
//! The path is found after the fact, from the bytes and the position serde_json reports: the
//! innermost JSON value whose text reaches that position is the one that failed. That walk is one
//! plain function for every model, where a path-tracking deserializer (such as
//! `serde_path_to_error`) is a second copy of every model's decoder in each binary.

use std::fmt;

use serde::de::DeserializeOwned;

/// Decodes a JSON body into `T`.
///
/// ```
/// use whop_models::{decode, Membership};
///
/// let err = decode::<Membership>(br#"{"id":"mem_1","product":{"id":"prod_1","created_at":"soon"}}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "product.created_at");
/// ```
///
/// # Errors
///
/// Returns [`DecodeError`] if the bytes are not valid JSON, have trailing content, or do not
/// match `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).map_err(|error| explain(bytes, error))
}

/// The [`DecodeError`] for serde_json's `error` on `bytes`: one copy for every `T`, and out of
/// the way of the decode that succeeds.
#[cold]
#[inline(never)]
fn explain(bytes: &[u8], error: serde_json::Error) -> DecodeError {
    let full = error.to_string();
    let offset = byte_offset(bytes, error.line(), error.column());
    let path = match (error.classify(), offset) {
        // Not JSON, or cut short: the text has no structure to name a place in.
        (serde_json::error::Category::Eof, _) | (_, None) => String::new(),
        (_, Some(offset)) => path_at(bytes, offset, Failed::of(&full)),
    };
    DecodeError::new(path, &full, error)
}

/// The byte offset just after the `column`th byte of line `line` (both 1-based, as serde_json
/// counts them): the end of what serde_json had read when it failed. `None` when the position
/// is unknown (line 0) or outside the bytes.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    let line_start = match line {
        0 => return None,
        1 => 0,
        _ => {
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(line - 2)?
                .0
                + 1
        }
    };
    let offset = line_start.checked_add(column)?;
    (offset <= bytes.len()).then_some(offset)
}

/// What kind of value failed, as far as the error says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failed {
    /// An object that a visitor refused on sight (`invalid type: map`).
    Object,
    /// An array that a visitor refused on sight (`invalid type: sequence`).
    Array,
    /// Any value: the innermost one at the position.
    Innermost,
}

impl Failed {
    /// serde_json places the error of a visitor that refuses an object or an array just after
    /// its first byte or its first member's, which is also where an error in that first member
    /// would be: the message tells the two apart.
    fn of(message: &str) -> Self {
        if message.starts_with("invalid type: map,") {
            Failed::Object
        } else if message.starts_with("invalid type: sequence,") {
            Failed::Array
        } else {
            Failed::Innermost
        }
    }
}

/// One step of a JSON path: an object's key or an array's index.
enum Segment {
    Key(String),
    Index(usize),
}

/// An object or array being read: whether it is an object, and the length of its own path.
#[derive(Clone, Copy)]
struct Open {
    object: bool,
    depth: usize,
}

/// The path, as `serde_path_to_error` writes it (`plan.product.plans[0]`), of the value in
/// `bytes` that serde_json was reading when it stopped at `offset`: the innermost value whose
/// text starts before `offset` and does not end before it (or, for [`Failed::Object`] and
/// [`Failed::Array`], the innermost such object or array). An error found after a value was read
/// (a bad timestamp, a missing field) stops just after that value; one found on seeing a value's
/// first byte (a number where an object belongs) stops just after that byte. Empty for the root.
///
/// The walk reads only as far as `offset` and never fails: on text that is not JSON it returns
/// the path so far.
fn path_at(bytes: &[u8], offset: usize, failed: Failed) -> String {
    // The path to the value being read, the objects and arrays around it, and the last object or
    // array that ended (it is the innermost one if the error is just after it).
    let mut path: Vec<Segment> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut closed: Option<Open>;
    let wanted = |object: bool| match failed {
        Failed::Object => object,
        Failed::Array => !object,
        Failed::Innermost => false,
    };
    let answer = |path: &[Segment], open: &[Open], closed: Option<Open>| {
        let depth = closed
            .filter(|o| wanted(o.object))
            .or_else(|| open.iter().rev().find(|o| wanted(o.object)).copied())
            .map_or(path.len(), |o| o.depth);
        render(&path[..depth.min(path.len())])
    };
    let mut i = 0;
    'value: loop {
        // A value starts here (after whitespace): `path` names it.
        closed = None;
        i = skip_whitespace(bytes, i);
        let Some(&first) = bytes.get(i).filter(|_| i < offset) else {
            // An object or array refused before its first byte was read starts here.
            if matches!(bytes.get(i), Some(b'{')) && wanted(true)
                || matches!(bytes.get(i), Some(b'[')) && wanted(false)
            {
                return render(&path);
            }
            return answer(&path, &open, closed);
        };
        match first {
            b'{' | b'[' => {
                let object = first == b'{';
                open.push(Open {
                    object,
                    depth: path.len(),
                });
                i += 1;
                let inside = skip_whitespace(bytes, i);
                if bytes.get(inside) != Some(if object { &b'}' } else { &b']' }) {
                    let first_member = if object {
                        match read_key(bytes, &mut i) {
                            Some(key) => Segment::Key(key),
                            None => return answer(&path, &open, closed),
                        }
                    } else {
                        Segment::Index(0)
                    };
                    path.push(first_member);
                    continue 'value;
                }
                // Empty: its end is read below, as any object's or array's.
            }
            b'"' => i = skip_string(bytes, i),
            _ => {
                let end = skip_scalar(bytes, i);
                let word = &bytes[i..end];
                if end == i
                    || word[0].is_ascii_alphabetic()
                        && !matches!(word, b"true" | b"false" | b"null")
                {
                    // Not a value: the error is here, in the value `path` names.
                    return answer(&path, &open, closed);
                }
                i = end;
            }
        }
        // The value `path` names ended at `i` (or, just after `{` or `[`, an empty one is about
        // to end): it holds the error unless the error is past it.
        loop {
            let Some(&inner) = open.last() else {
                // The root value ended: the error is in it, or in text after it.
                return if i >= offset {
                    answer(&path, &open, closed)
                } else {
                    String::new()
                };
            };
            let empty = path.len() == inner.depth;
            if i >= offset && !empty {
                return answer(&path, &open, closed);
            }
            i = skip_whitespace(bytes, i);
            match bytes.get(i) {
                Some(b',') if !empty => {
                    i += 1;
                    let next = if inner.object {
                        match read_key(bytes, &mut i) {
                            Some(key) => Segment::Key(key),
                            None => {
                                path.truncate(inner.depth);
                                return answer(&path, &open, closed);
                            }
                        }
                    } else {
                        match path.last() {
                            Some(Segment::Index(n)) => Segment::Index(n + 1),
                            _ => Segment::Index(0),
                        }
                    };
                    if let Some(last) = path.last_mut() {
                        *last = next;
                    }
                    continue 'value;
                }
                Some(b'}' | b']') => {
                    // The enclosing object or array ends: it is now the value that ended.
                    i += 1;
                    path.truncate(inner.depth);
                    closed = open.pop();
                    if i >= offset {
                        return answer(&path, &open, closed);
                    }
                }
                _ => {
                    path.truncate(inner.depth);
                    return answer(&path, &open, closed);
                }
            }
        }
    }
}

/// Reads an object key and the `:` after it, from `*i` (after `{` or `,`) on; `None` if the
/// text there is not a key.
fn read_key(bytes: &[u8], i: &mut usize) -> Option<String> {
    let start = skip_whitespace(bytes, *i);
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let end = skip_string(bytes, start);
    let key = unescape(bytes.get(start + 1..end.saturating_sub(1).max(start + 1))?);
    let colon = skip_whitespace(bytes, end);
    *i = if bytes.get(colon) == Some(&b':') {
        colon + 1
    } else {
        colon
    };
    Some(key)
}

/// The index just past the JSON string starting at `start` (its closing quote included), or the
/// end of the bytes if it is not closed.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return i + 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the number or literal (`true`, `false`, `null`) starting at `start`;
/// `start` itself if none starts there.
fn skip_scalar(bytes: &[u8], start: usize) -> usize {
    let len = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    start + len
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The text of a JSON string's inside, its escapes undone (anything malformed becomes U+FFFD).
fn unescape(raw: &[u8]) -> String {
    if !raw.contains(&b'\\') {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut units: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            flush_utf16(&mut units, &mut out);
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let escaped = raw.get(i + 1).copied();
        i += 2;
        let simple = match escaped {
            Some(b'n') => Some(b'\n'),
            Some(b't') => Some(b'\t'),
            Some(b'r') => Some(b'\r'),
            Some(b'b') => Some(0x08),
            Some(b'f') => Some(0x0c),
            Some(b'u') => None,
            other => other,
        };
        match simple {
            Some(b) => {
                flush_utf16(&mut units, &mut out);
                out.push(b);
            }
            None => {
                let unit = raw
                    .get(i..i + 4)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u16::from_str_radix(hex, 16).ok());
                i += 4;
                match unit {
                    Some(unit) => units.push(unit),
                    None => out.extend_from_slice("\u{fffd}".as_bytes()),
                }
            }
        }
    }
    flush_utf16(&mut units, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends the UTF-16 code units of `\u` escapes read so far, as UTF-8, and forgets them.
fn flush_utf16(units: &mut Vec<u16>, out: &mut Vec<u8>) {
    for c in char::decode_utf16(units.drain(..)) {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

/// `a.b[0].c`, as `serde_path_to_error` writes a path; empty for the root.
fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// A body did not decode. Tells where (JSON path, line, column) and why.
///
/// One pointer wide, like `serde_json::Error`, so that `Result<T, DecodeError>` costs a decode
/// that succeeds no more than `serde_json::from_slice`'s own result does.
#[derive(Debug)]
pub struct DecodeError(Box<Explained>);

#[derive(Debug)]
struct Explained {
    path: String,
    message: String,
    source: serde_json::Error,
}

impl DecodeError {
    /// `full`: `source` as it displays.
    fn new(path: String, full: &str, source: serde_json::Error) -> Self {
        let suffix = format!(" at line {} column {}", source.line(), source.column());
        let message = full.strip_suffix(&suffix).unwrap_or(full).to_owned();
        Self(Box::new(Explained {
            path,
            message,
            source,
        }))
    }

    /// The JSON path of the value that failed, e.g. `product.created_at` or `data[0].id`.
    /// Empty when the failure is at the top level (bad syntax, wrong root type, trailing data).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// Why it failed, without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The 1-based line of the failure (0 if unknown).
    pub fn line(&self) -> usize {
        self.0.source.line()
    }

    /// The 1-based column of the failure (0 if unknown).
    pub fn column(&self) -> usize {
        self.0.source.column()
    }

    /// Whether the body was not JSON at all (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        matches!(
            self.0.source.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            write!(f, "could not decode the body: {}", self.0.message)?;
        } else {
            write!(f, "could not decode `{}`: {}", self.0.path, self.0.message)?;
        }
        write!(f, " (line {}, column {})", self.line(), self.column())
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.source)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Membership;

    proptest! {
        /// The path walk reads any text at any position without panicking.
        #[test]
        fn the_path_walk_never_panics(
            text in prop::collection::vec(
                prop::sample::select(b"{}[],:\"\\ a1.-eu\n".to_vec()),
                0..64,
            ),
            offset in 0usize..70,
        ) {
            for failed in [Failed::Object, Failed::Array, Failed::Innermost] {
                let _ = path_at(&text, offset, failed);
            }
            let _ = decode::<Membership>(&text);
        }
    }

    #[test]
    fn an_escaped_key_is_named_unescaped() {
        let err = decode::<Membership>(br#"{"id":"mem_1","\u0070lan":42}"#).unwrap_err();
        assert_eq!(err.path(), "plan");
    }

    #[test]
    fn trailing_data_is_an_error() {
        let err = decode::<Membership>(br#"{"id":"mem_1"} x"#).unwrap_err();
        assert!(err.is_syntax());
        assert_eq!(err.path(), "");
    }

    #[test]
    fn message_leaves_out_the_position() {
        let err = decode::<Membership>(br#"{"id":5}"#).unwrap_err();
        assert_eq!(err.path(), "id");
        assert!(!err.message().contains("line"), "{}", err.message());
        assert_eq!((err.line(), err.column()), (1, 7));
        assert!(
            err.to_string().starts_with("could not decode `id`:"),
            "{err}"
        );
    }
}
