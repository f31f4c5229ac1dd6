//! Every timestamp field of every model reads every form Whop has sent a time in: Unix seconds
//! (integer, float, numeric string), RFC 3339 / ISO 8601 text, and `"YYYY-MM-DD HH:MM:SS +HHMM"`
//! text (Whop's 2023 webhook examples). One generic check runs over a table of (type, field)
//! cases, and a scan of the sources makes sure the table names every such field.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use whop_models::{
    CustomFieldResponse, MeMembership, Membership, Plan, Product, PromoCode, UnixSeconds,
    V1Membership, decode, v1,
};

/// One timestamp field: the model, the field, and the smallest body the model decodes from.
struct Case {
    /// The type as the source scan names it: `Membership`, or `v1::Membership` for the types
    /// in `src/v1/`.
    model: &'static str,
    field: &'static str,
    minimal: fn() -> Value,
    /// Decodes a body as the model and writes it back as JSON.
    decode_and_write: fn(&[u8]) -> Result<Value, String>,
}

fn through<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<Value, String> {
    let value: T = decode(body).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}

fn with_id() -> Value {
    json!({"id": "x_1"})
}

fn nothing() -> Value {
    json!({})
}

fn me_membership() -> Value {
    json!({
        "id": "mem_1", "product_id": "prod_1", "plan_id": "plan_1", "page_id": "page_1",
        "created_at": 1_700_000_000, "quantity": 1, "valid": true,
        "manage_url": "https://whop.com/hub/"
    })
}

macro_rules! cases {
    ($($model:literal: $ty:ty = $minimal:ident { $($field:literal),+ })+) => {
        &[$($(Case {
            model: $model,
            field: $field,
            minimal: $minimal,
            decode_and_write: through::<$ty>,
        },)+)+]
    };
}

const CASES: &[Case] = cases! {
    "Membership": Membership = with_id {
        "expires_at", "renewal_period_start", "renewal_period_end", "created_at"
    }
    "CustomFieldResponse": CustomFieldResponse = with_id { "created_at", "updated_at" }
    "MeMembership": MeMembership = me_membership {
        "created_at", "expires_at", "renewal_period_start", "renewal_period_end"
    }
    "Plan": Plan = with_id { "created_at" }
    "Product": Product = with_id { "created_at" }
    "PromoCode": PromoCode = with_id { "created_at", "expiration_datetime" }
    "V1Membership": V1Membership = with_id {
        "canceled_at", "created_at", "joined_at", "renewal_period_end", "renewal_period_start",
        "updated_at"
    }
    "v1::Membership": v1::Membership = with_id { "created_at", "current_period_end" }
    "v1::Member": v1::Member = nothing { "last_accessed_at" }
    "v1::PauseMembership": v1::PauseMembership = nothing { "until" }
};

/// Every way Whop may send `at` (whole seconds), each with its name for failure messages.
fn forms(at: OffsetDateTime) -> Vec<(&'static str, Value)> {
    let spaced = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] [offset_hour sign:mandatory][offset_minute]"
    );
    let seconds = at.unix_timestamp();
    vec![
        ("integer seconds", json!(seconds)),
        ("float seconds", json!(seconds as f64)),
        ("numeric string", json!(seconds.to_string())),
        (
            "RFC 3339",
            json!(
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap()
            ),
        ),
        (
            "YYYY-MM-DD HH:MM:SS +HHMM",
            json!(at.format(&spaced).unwrap()),
        ),
    ]
}

/// Reads a time back from what a model wrote (seconds or RFC 3339: both are forms above).
fn read_written(value: &Value) -> Result<OffsetDateTime, String> {
    serde_with::As::<UnixSeconds>::deserialize(value).map_err(|e| e.to_string())
}

fn check(case: &Case, at: OffsetDateTime) -> Result<(), TestCaseError> {
    for (form, sent) in forms(at) {
        let mut body = (case.minimal)();
        body[case.field] = sent.clone();
        let what = format!("{}.{} from {form} ({sent})", case.model, case.field);
        let written = (case.decode_and_write)(&serde_json::to_vec(&body).unwrap())
            .map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
        // Read back from what the model wrote, so a field the model ignored (or a typo in the
        // table) fails instead of passing unseen.
        let back = read_written(&written[case.field])
            .map_err(|e| TestCaseError::fail(format!("{what}: written back as {e}")))?;
        prop_assert_eq!(back, at, "{}", what);
    }
    Ok(())
}

prop_compose! {
    /// An instant between 1970 and 2100, in whole seconds, at a whole-minute offset.
    fn instant()(
        seconds in 0i64..4_102_444_800,
        offset_minutes in -(12 * 60)..=(14 * 60),
    ) -> OffsetDateTime {
        let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
        OffsetDateTime::from_unix_timestamp(seconds).unwrap().to_offset(offset)
    }
}

proptest! {
    #[test]
    fn every_timestamp_field_reads_every_form_to_the_same_instant(at in instant()) {
        for case in CASES {
            check(case, at)?;
        }
    }
}

/// Each `(struct, field)` of `src/` whose type is `OffsetDateTime` or `Option<OffsetDateTime>`,
/// the structs of `src/v1/` prefixed `v1::`.
fn timestamp_fields_in(dir: &Path, prefix: &str, found: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_str().unwrap();
            if name == "v1" {
                timestamp_fields_in(&path, "v1::", found);
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current = None;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub struct ") {
                current = rest.split([' ', '(', '{', '<']).next().map(str::to_owned);
            } else if let Some((field, ty)) =
                line.strip_prefix("pub ").and_then(|l| l.split_once(": "))
                && matches!(ty, "OffsetDateTime," | "Option<OffsetDateTime>,")
            {
                let model = current.clone().expect("a field inside a struct");
                found.insert((format!("{prefix}{model}"), field.to_owned()));
            }
        }
    }
}

#[test]
fn the_case_table_names_every_timestamp_field_of_the_sources() {
    let mut in_sources = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    timestamp_fields_in(&src, "", &mut in_sources);
    let in_table: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|case| (case.model.to_owned(), case.field.to_owned()))
        .collect();
    assert_eq!(in_table, in_sources);
}

#[test]
fn whops_2023_webhook_example_time_reads_with_its_offset() {
    let written =
        through::<Membership>(br#"{"id":"mem_1","created_at":"2022-12-05 02:28:57 +0200"}"#)
            .unwrap();
    assert_eq!(written["created_at"], json!(1_670_200_137));
}
