//! `decode` finds an error's JSON path from serde_json's position, without a path-tracking
//! deserializer. These tests pin that it names the same path `serde_path_to_error` names: every
//! reference body, with one value anywhere in it replaced by a value of another shape, compact
//! and pretty-printed (so that lines and columns both count).

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use whop_models::{MeMembership, Membership, V1Membership, decode};

/// The reference bodies of the membership models.
fn bodies() -> Vec<Value> {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().contains("membership") {
            continue;
        }
        let value: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).unwrap();
        bodies.push(value.get("body").cloned().unwrap_or(value));
    }
    bodies.sort_by_key(|b| b.to_string());
    bodies
}

/// JSON pointers to every value in `value`, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(member, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Values of every JSON shape, to put where another shape belongs.
fn replacements() -> Vec<Value> {
    vec![
        json!(7),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(253_402_300_800_000_i64),
        json!("not a time"),
        json!("a \"quoted\" \u{e9}\n key"),
        json!(true),
        json!(null),
        json!({}),
        json!({"id": 5}),
        json!([]),
        json!([1, "two"]),
    ]
}

/// The path `serde_path_to_error` names for `bytes` as `T`, `"."` written as `""`; `None` if it
/// decodes.
fn tracked_path<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => deserializer.end().err().map(|_| String::new()),
        Err(error) => {
            let path = error.path().to_string();
            // `.` is its root; a last `?` is a key it was waiting for when the text broke off
            // (`{"id":"p",}`), where `decode` names the object instead.
            let path = path.strip_suffix('?').unwrap_or(&path);
            let path = path.strip_suffix('.').unwrap_or(path);
            Some(path.to_owned())
        }
    }
}

fn same_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), TestCaseError> {
    let error = decode::<T>(bytes).err();
    let ours = error.as_ref().map(|e| e.path().to_owned());
    // Where the text ends too soon, serde_path_to_error writes where it was (`?` for a key it
    // was waiting for); `decode` names no place in text that is cut short.
    let cut_short = error
        .as_ref()
        .and_then(|e| std::error::Error::source(e)?.downcast_ref::<serde_json::Error>())
        .is_some_and(|e| e.classify() == serde_json::error::Category::Eof);
    let theirs = if cut_short {
        Some(String::new())
    } else {
        tracked_path::<T>(bytes)
    };
    prop_assert_eq!(
        &ours,
        &theirs,
        "{} as {}",
        String::from_utf8_lossy(bytes),
        std::any::type_name::<T>()
    );
    Ok(())
}

fn check_all(body: &Value) -> Result<(), TestCaseError> {
    for bytes in [
        serde_json::to_vec(body).unwrap(),
        serde_json::to_vec_pretty(body).unwrap(),
    ] {
        same_path::<Membership>(&bytes)?;
        same_path::<MeMembership>(&bytes)?;
        same_path::<V1Membership>(&bytes)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_replaced_value_anywhere_is_named_by_the_same_path(
        body in 0usize..16,
        place in any::<prop::sample::Index>(),
        with in any::<prop::sample::Index>(),
    ) {
        let bodies = bodies();
        let mut body = bodies[body % bodies.len()].clone();
        let mut at = Vec::new();
        pointers(&body, String::new(), &mut at);
        let pointer = place.get(&at).clone();
        let replacement = with.get(&replacements()).clone();
        match body.pointer_mut(&pointer) {
            Some(slot) => *slot = replacement,
            None => unreachable!("every pointer was taken from the body"),
        }
        check_all(&body)?;
    }
}

#[test]
fn every_value_of_every_body_replaced_by_every_shape_is_named_by_the_same_path() {
    for original in bodies() {
        let mut at = Vec::new();
        pointers(&original, String::new(), &mut at);
        for pointer in &at {
            for replacement in replacements() {
                let mut body = original.clone();
                *body.pointer_mut(pointer).expect("a pointer of the body") = replacement.clone();
                if let Err(e) = check_all(&body) {
                    panic!("{pointer} = {replacement}: {e}");
                }
            }
        }
    }
}

#[test]
fn an_unchanged_body_decodes_and_text_that_is_not_json_has_the_root_path() {
    for body in bodies() {
        check_all(&body).unwrap();
    }
    for text in [
        &b"<html>502</html>"[..],
        b"",
        b"{",
        b"{\"id\":",
        b"{\"id\":\"mem_1\"} x",
        b"[1,2",
        b"{\"a\":tru}",
        b"{\"id\":\"mem_1\",\"product\":{\"id\":\"p\",}}",
    ] {
        same_path::<Membership>(text).unwrap();
        same_path::<MeMembership>(text).unwrap();
    }
}
