//! `--json`: the API's own JSON, as Whop sent it, re-indented but otherwise untouched.
//!
//! Re-encoding the decoded model would drop the fields Whop added after this SDK was written and
//! invent `null`s for absent ones. So the raw body is re-indented token by token: key order,
//! number spelling, escapes and unknown fields stay as sent.

use serde_json::value::RawValue;

/// The body pretty-printed (two-space indents, as `jq` and serde_json print), or `None` when it
/// is not JSON.
pub(crate) fn pretty(raw: &[u8]) -> Option<String> {
    let text = checked(raw)?;
    Some(reformat(text, true))
}

/// The body on one line, whitespace outside strings removed (for JSON Lines), or `None` when it
/// is not JSON.
pub(crate) fn compact(raw: &[u8]) -> Option<String> {
    let text = checked(raw)?;
    Some(reformat(text, false))
}

/// Each element of the body's `data` array on one line, as sent (the JSON Lines of a list page),
/// with its `id` (empty when it has none that is a string).
pub(crate) fn data_lines(raw: &[u8]) -> Option<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        #[serde(borrow, default)]
        data: Vec<&'a RawValue>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    let page: Page<'_> = serde_json::from_slice(raw).ok()?;
    page.data
        .iter()
        .map(|item| {
            let id = serde_json::from_str::<Item>(item.get())
                .ok()
                .and_then(|i| i.id)
                .and_then(|id| id.as_str().map(str::to_owned))
                .unwrap_or_default();
            Some((id, compact(item.get().as_bytes())?))
        })
        .collect()
}

fn checked(raw: &[u8]) -> Option<&str> {
    serde_json::from_slice::<serde::de::IgnoredAny>(raw).ok()?;
    std::str::from_utf8(raw).ok()
}

/// Re-lays out valid JSON `text`: `indented` for pretty, else compact.
fn reformat(text: &str, indented: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        if indented {
            out.push('\n');
            out.extend(std::iter::repeat_n("  ", depth));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    match (escaped, s) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|n| n.is_ascii_whitespace()) {
                    chars.next();
                }
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(if indented { ": " } else { ":" }),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_numbers_escapes_and_unknown_fields() {
        let raw = br#"{"z":1.50,"a":{"new_field":[1, 2],"e":{}},"s":"a\"b,{c}","n":null,"x":[]}"#;
        assert_eq!(
            pretty(raw).unwrap(),
            "{\n  \"z\": 1.50,\n  \"a\": {\n    \"new_field\": [\n      1,\n      2\n    ],\n    \"e\": {}\n  },\n  \"s\": \"a\\\"b,{c}\",\n  \"n\": null,\n  \"x\": []\n}"
        );
    }

    #[test]
    fn pretty_matches_serde_json_on_ordinary_bodies() {
        let raw = br#"{ "id" : "mem_1", "list" : [ {"a": true} , { } ] }"#;
        let value: serde_json::Value = serde_json::from_slice(raw).unwrap();
        // serde_json sorts keys; this body's keys are already sorted.
        assert_eq!(
            pretty(raw).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn compact_is_one_line() {
        assert_eq!(
            compact(b"{\n \"a\" : [1, \"x y\"]\n}").unwrap(),
            r#"{"a":[1,"x y"]}"#
        );
    }

    #[test]
    fn data_lines_are_each_element_as_sent() {
        let raw = br#"{"pagination":{},"data":[{"id":"a","new":1}, {"id":"b"}]}"#;
        assert_eq!(
            data_lines(raw).unwrap(),
            [
                ("a".to_owned(), r#"{"id":"a","new":1}"#.to_owned()),
                ("b".to_owned(), r#"{"id":"b"}"#.to_owned())
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_none() {
        assert!(pretty(b"<html>").is_none());
        assert!(data_lines(b"[").is_none());
    }
}
