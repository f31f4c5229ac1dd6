//! Writing to stdout: text, the API's own JSON as Whop sent it, our own reports as JSON, and a
//! membership (Current API or v2) either way.

use time::OffsetDateTime;
use whop_client::Response;
use whop_models::{Membership, v1};

use crate::exit::{Exit, Failure};
use crate::global::GlobalArgs;
use crate::{raw_json, render};

/// Prints a v2 membership: Whop's own JSON with `--json`, else rows.
pub(crate) fn print_membership(
    global: &GlobalArgs,
    membership: &Response<Membership>,
) -> Result<Exit, Failure> {
    if global.json {
        print_raw_json(membership.raw_body())?;
    } else {
        print(&render::membership(membership, OffsetDateTime::now_utc()))?;
    }
    Ok(Exit::Ok)
}

/// Prints a Current API membership: Whop's own JSON with `--json`, else rows.
pub(crate) fn print_current_membership(
    global: &GlobalArgs,
    membership: &Response<v1::Membership>,
) -> Result<Exit, Failure> {
    if global.json {
        print_raw_json(membership.raw_body())?;
    } else {
        print(&render::current::membership(
            membership,
            OffsetDateTime::now_utc(),
        ))?;
    }
    Ok(Exit::Ok)
}

/// The API's own JSON (`raw`, as Whop sent it) pretty-printed, one trailing newline: fields this
/// SDK does not know are kept, absent ones are not invented.
pub(crate) fn print_raw_json(raw: &[u8]) -> Result<(), Failure> {
    let mut text = raw_json::pretty(raw)
        .ok_or_else(|| Failure::new(Exit::Undecodable, "the answer's body is not JSON"))?;
    text.push('\n');
    print(&text)
}

/// Prints a report of our own (not Whop's JSON) as pretty JSON, one trailing newline.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(Exit::Other, format!("could not encode: {e}")))?;
    text.push('\n');
    print(&text)
}

/// Writes to stdout. A closed pipe (`whop ... | head -1`) is not an error worth a message.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Exit::Other,
            format!("could not write the output: {e}"),
        )),
    }
}
