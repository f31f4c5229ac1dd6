//! What the two listings (`membership list`, `me memberships`) share: the paging flags, the
//! status filter, and printing pages as they arrive.

use std::io::IsTerminal;

use clap::Args;
use whop_client::{MembershipStatus, PageError, Pages, Stream};

use crate::exit::{Call, Exit, Failure, classify};
use crate::global::GlobalArgs;
use crate::output::print;
use crate::raw_json;

/// Paging flags of both listings.
#[derive(Debug, Args)]
pub(crate) struct PagingArgs {
    /// Every page, from --page on, not just one.
    #[arg(long)]
    pub(crate) all: bool,
    /// The page to print (or to start from, with --all).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) page: u32,
    /// Memberships per page (v2: 1 to 50, default 50; v5: Whop's default 10).
    #[arg(long, value_name = "N")]
    pub(crate) per: Option<u32>,
}

/// A status name Whop's spec lists.
pub(crate) fn parse_status(text: &str) -> Result<MembershipStatus, String> {
    const KNOWN: [&str; 7] = [
        "trialing",
        "active",
        "past_due",
        "completed",
        "canceled",
        "expired",
        "unresolved",
    ];
    if KNOWN.contains(&text) {
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .map_err(|e| e.to_string())
    } else {
        Err(format!("expected one of {}", KNOWN.join(", ")))
    }
}

/// Prints each page as it arrives: rows, or each membership as Whop sent it (JSON Lines).
/// Without `--all`, only the first page.
pub(crate) async fn stream_pages<P>(
    global: &GlobalArgs,
    paging: &PagingArgs,
    mut pages: Pages<P>,
    rows: impl Fn(&P) -> Vec<String>,
) -> Result<Exit, Failure> {
    let progress = paging.all && std::io::stderr().is_terminal();
    let mut count = 0usize;
    while let Some(page) = next(&mut pages).await {
        let page = page.map_err(|e: PageError| {
            let page_number = e.page();
            let mut failure = classify(e.error(), Call::Company);
            failure.message = format!(
                "{} (page {page_number} failed; resume with --page {page_number})",
                failure.message
            );
            failure
        })?;
        if global.json {
            let lines = raw_json::data_lines(page.raw_body()).ok_or_else(|| {
                Failure::new(Exit::Undecodable, "the page's body is not a JSON list")
            })?;
            count += lines.len();
            print(&lines.iter().map(|l| format!("{l}\n")).collect::<String>())?;
        } else {
            let lines = rows(page.get());
            count += lines.len();
            print(&lines.iter().map(|l| format!("{l}\n")).collect::<String>())?;
        }
        if progress {
            eprint!("\rwhop: {count} memberships so far");
        }
        if !paging.all {
            break;
        }
    }
    if progress {
        eprintln!("\rwhop: {count} memberships in all    ");
    }
    Ok(Exit::Ok)
}

/// The next item of a stream.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}
