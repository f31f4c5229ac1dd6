//! What the two listings (`membership list`, `me memberships`) share, on both APIs: the paging
//! flags, the status filter, and printing pages as they arrive, each membership once.

use std::collections::HashSet;
use std::io::IsTerminal;

use clap::{Args, ValueEnum};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_client::BoxHttpService;
use whop_client::{
    ListMemberships, MAX_FIRST, MembershipFilter, MembershipStatus, PageError, Response, Stream,
};
use whop_models::v1::{self, MembershipPage};

use crate::exit::{Call, Exit, Failure, classify};
use crate::global::{ApiChoice, GlobalArgs, only_on};
use crate::output::print;
use crate::{raw_json, render};

/// Paging flags of both listings.
#[derive(Debug, Args)]
pub(crate) struct PagingArgs {
    /// Every page, not just one.
    #[arg(long)]
    pub(crate) all: bool,
    /// Memberships per page (Current API: 1 to 100; --api legacy: v2 1 to 50, default 50; v5
    /// Whop's default 10).
    #[arg(long, value_name = "N")]
    pub(crate) per: Option<u32>,
    /// (Current API) Start after this cursor (`page_info.end_cursor` of an earlier page).
    #[arg(long, value_name = "CURSOR")]
    pub(crate) after: Option<String>,
    /// (--api legacy only) The page to print (or to start from, with --all) [default: 1].
    #[arg(long, value_name = "N")]
    pub(crate) page: Option<u32>,
}

/// A membership status to filter on. The Current API knows `canceling` and `paused`, the legacy
/// one `unresolved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatusArg {
    /// In a free trial.
    Trialing,
    /// Active.
    Active,
    /// A payment failed; in its grace period.
    #[value(name = "past_due")]
    PastDue,
    /// A one-time purchase, complete.
    Completed,
    /// Canceled.
    Canceled,
    /// Expired.
    Expired,
    /// (--api legacy only) A disputed payment, unresolved.
    Unresolved,
    /// (Current API) Active and set to cancel at period end.
    Canceling,
    /// (Current API) Billing paused.
    Paused,
}

impl StatusArg {
    /// The name Whop uses.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StatusArg::Trialing => "trialing",
            StatusArg::Active => "active",
            StatusArg::PastDue => "past_due",
            StatusArg::Completed => "completed",
            StatusArg::Canceled => "canceled",
            StatusArg::Expired => "expired",
            StatusArg::Unresolved => "unresolved",
            StatusArg::Canceling => "canceling",
            StatusArg::Paused => "paused",
        }
    }

    /// Whether the legacy API (v2, v5) knows it.
    pub(crate) fn is_legacy(self) -> bool {
        !matches!(self, StatusArg::Canceling | StatusArg::Paused)
    }

    /// The status as the legacy models spell it.
    pub(crate) fn legacy(self) -> MembershipStatus {
        MembershipStatus::from(self.as_str())
    }
}

/// An RFC 3339 time, such as `2027-01-31T00:00:00Z`.
pub(crate) fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| format!("expected an RFC 3339 time such as 2027-01-31T00:00:00Z ({e})"))
}

/// How one listing prints: rows for people, or each membership as sent (JSON Lines).
pub(crate) struct Listing<'a, P> {
    /// The flags every subcommand takes (`--json`).
    pub(crate) global: &'a GlobalArgs,
    /// Every page, or only the first.
    pub(crate) all: bool,
    /// A page's memberships as (ID, row) pairs.
    pub(crate) rows: fn(&P) -> Vec<(String, String)>,
}

impl<P> Listing<'_, P> {
    /// Prints each page as it arrives, each membership once (by ID), then stops: after the first
    /// page without `--all`, else when the stream ends. `fail` turns a page's error into the
    /// failure to report.
    pub(crate) async fn print<S, E>(
        &self,
        mut pages: S,
        fail: impl Fn(E) -> Failure,
    ) -> Result<Exit, Failure>
    where
        S: Stream<Item = Result<Response<P>, E>> + Unpin,
    {
        let progress = self.all && std::io::stderr().is_terminal();
        let mut seen = HashSet::new();
        while let Some(page) = next(&mut pages).await {
            let page = page.map_err(&fail)?;
            let items = if self.global.json {
                raw_json::data_lines(page.raw_body()).ok_or_else(|| {
                    Failure::new(Exit::Undecodable, "the page's body is not a JSON list")
                })?
            } else {
                (self.rows)(page.get())
            };
            // A page that repeats a membership an earlier page printed (a server's cursor gone
            // wrong, or v2's page numbers shifted by a new membership) prints it once.
            let text: String = items
                .into_iter()
                .filter(|(id, _)| id.is_empty() || seen.insert(id.clone()))
                .map(|(_, line)| format!("{line}\n"))
                .collect();
            print(&text)?;
            if progress {
                eprint!("\rwhop: {} memberships so far", seen.len());
            }
            if !self.all {
                break;
            }
        }
        if progress {
            eprintln!("\rwhop: {} memberships in all    ", seen.len());
        }
        Ok(Exit::Ok)
    }
}

/// A v2 or v5 page that failed: its line says which page to resume from.
pub(crate) fn legacy_page_failure(e: PageError) -> Failure {
    let page_number = e.page();
    let mut failure = classify(e.error(), Call::Company);
    failure.message = format!(
        "{} (page {page_number} failed; resume with --page {page_number})",
        failure.message
    );
    failure
}

/// A page's memberships as (ID, row) pairs.
fn current_page_rows(page: &MembershipPage) -> Vec<(String, String)> {
    let row = |m: &v1::Membership| (m.id.to_string(), render::current::membership_row(m));
    page.data.iter().map(row).collect()
}

/// `--status` on the Current API: its filter names (`unresolved` is v2's).
pub(crate) fn current_statuses(statuses: &[StatusArg]) -> Result<Vec<MembershipFilter>, Failure> {
    statuses
        .iter()
        .map(|status| match status {
            StatusArg::Trialing => Ok(MembershipFilter::Trialing),
            StatusArg::Active => Ok(MembershipFilter::Active),
            StatusArg::PastDue => Ok(MembershipFilter::PastDue),
            StatusArg::Completed => Ok(MembershipFilter::Completed),
            StatusArg::Canceled => Ok(MembershipFilter::Canceled),
            StatusArg::Expired => Ok(MembershipFilter::Expired),
            StatusArg::Canceling => Ok(MembershipFilter::Canceling),
            StatusArg::Paused => Ok(MembershipFilter::Paused),
            StatusArg::Unresolved => Err(only_on(ApiChoice::Current, "--status unresolved")),
        })
        .collect()
}

/// `--per` on the Current API: `first`, 1 to [`MAX_FIRST`] (the client's bound, checked here
/// so that the flag is refused before a credential is looked for).
pub(crate) fn page_size(per: Option<u32>) -> Result<Option<u8>, Failure> {
    match per.map(|per| (per, u8::try_from(per))) {
        None => Ok(None),
        Some((_, Ok(first @ 1..=MAX_FIRST))) => Ok(Some(first)),
        Some((per, _)) => Err(Failure::new(
            Exit::Usage,
            format!(
                "--per {per}: the Current API pages 1 to {MAX_FIRST} memberships; nothing was sent"
            ),
        )),
    }
}

/// Prints a Current API listing, the paging both listings share applied (`first` from
/// [`page_size`], `--after`, the `--status` filters): one page, or every page with `--all`.
pub(crate) async fn print_current_listing(
    global: &GlobalArgs,
    paging: &PagingArgs,
    first: Option<u8>,
    statuses: Vec<MembershipFilter>,
    mut listing: ListMemberships<BoxHttpService>,
) -> Result<Exit, Failure> {
    if let Some(first) = first {
        listing = listing.first(first);
    }
    if let Some(after) = &paging.after {
        listing = listing.after(after);
    }
    for status in statuses {
        listing = listing.status(status);
    }
    Listing {
        global,
        all: paging.all,
        rows: current_page_rows,
    }
    .print(listing.pages(), current_page_failure)
    .await
}

/// A Current API page that failed: its line says which cursor to resume after.
fn current_page_failure(e: PageError) -> Failure {
    let mut failure = classify(e.error(), Call::Company);
    let resume = match e.after() {
        Some(cursor) => format!("resume with --after {cursor}"),
        None => "it was the first page".to_owned(),
    };
    failure.message = format!("{} (page {} failed; {resume})", failure.message, e.page());
    failure
}

/// The next item of a stream.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_name_is_whops_and_parses_back() {
        for status in StatusArg::value_variants() {
            let parsed = StatusArg::from_str(status.as_str(), false).expect("its own name");
            assert_eq!(parsed, *status);
        }
    }

    #[test]
    fn a_time_is_rfc3339() {
        assert!(parse_time("2027-01-31T00:00:00Z").is_ok());
        assert!(parse_time("2027-01-31").is_err());
    }
}
