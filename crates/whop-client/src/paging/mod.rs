//! Listings as async streams: [`Pages`] yields each page as it arrives, [`Items`] each object.
//!
//! # When a listing ends
//!
//! Whop's page counts are not to be trusted (the v2 spec even calls `total_count` "automatically
//! maxed out at 50"), so a listing never ends because a count says so. It ends after:
//! - an **empty page**, or
//! - a **short page** (fewer objects than the page size asked for), unless the API says there is
//!   a next page (v5's `next_page`), in which case that page is fetched too: a wrong `next_page`
//!   costs one request for an empty page, never a lost page.
//!
//! A listing whose last page is exactly full therefore costs one extra request, for the empty
//! page after it; that is the price of not trusting the counts.
//!
//! # Laziness, pacing, failures
//!
//! A page is requested only when the stream is polled for more than what it holds: a consumer
//! that stops early sends no further request. Every page goes through the transport like any
//! other call, so pacing holds requests back under Whop's rate limits, and a 429 is retried per
//! the transport's retry rules (after `Retry-After`, when Whop sends one). A page that still
//! fails is yielded as a [`PageError`] carrying its page number, and the stream ends there;
//! [`Pages::resume_from`] (or the listing's `.page(n)`) picks it up again from that page.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::Error;
use crate::response::Response;

pub use cursor::CursorPages;
pub(crate) use cursor::CursorShape;

mod cursor;

type PageFuture<P> = Pin<Box<dyn Future<Output = Result<Response<P>, Error>> + Send>>;
type Fetch<P> = Arc<dyn Fn(u32) -> PageFuture<P> + Send + Sync>;

/// The order of a listing, by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Oldest first.
    Asc,
    /// Newest first (Whop's default).
    Desc,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }
}

/// A page that failed: which page, and why. Resume the listing from [`page`](PageError::page).
#[derive(Debug)]
pub struct PageError {
    page: u32,
    /// For a cursor listing: the cursor the failed page was asked for after.
    after: Option<String>,
    error: Error,
}

impl PageError {
    /// The page number that failed (from 1): resume from it with [`Pages::resume_from`] or the
    /// listing's `.page(n)`. For a cursor listing ([`CursorPages`]), the how-manieth page of the
    /// stream it was; resume it with [`after`](Self::after).
    pub fn page(&self) -> u32 {
        self.page
    }

    /// For a cursor listing ([`CursorPages`]): the cursor the failed page was asked for after
    /// (`None` for its first page). Resume with [`CursorPages::resume_after`] or the listing's
    /// `.after(cursor)`. `None` for a numbered listing.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// Why it failed.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The error, without the page number.
    pub fn into_error(self) -> Error {
        self.error
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "page {} of the listing failed: {}",
            self.page, self.error
        )
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<PageError> for Error {
    fn from(e: PageError) -> Self {
        e.error
    }
}

/// How the stream reads a page: how many objects it holds, and the API's next-page hint.
pub(crate) struct PageShape<P> {
    pub(crate) len: fn(&P) -> usize,
    pub(crate) next_page_hint: fn(&P) -> Option<u32>,
}

/// The pages of a listing, fetched one at a time as the stream is polled. From a listing's
/// `.pages()`.
///
/// It ends after an empty page, or after a page shorter than the page size asked for, unless the
/// API says there is a next page (v5's `next_page`): never because a page count says so. A failed
/// page is one [`PageError`] item, then the stream ends; [`resume_from`](Self::resume_from) its
/// page to go on. Pages are fetched only when polled, through the transport (paced, and retried
/// on a 429 per the retry rules).
///
/// `Unpin`, `Send`, `'static`: poll it with `StreamExt::next` from `futures` or `tokio-stream`,
/// or with `std::future::poll_fn`.
#[must_use = "a stream does nothing until polled"]
pub struct Pages<P> {
    fetch: Fetch<P>,
    shape: PageShape<P>,
    per: u32,
    next_page: Option<u32>,
    in_flight: Option<(u32, PageFuture<P>)>,
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("per", &self.per)
            .field("next_page", &self.next_page)
            .field("in_flight", &self.in_flight.as_ref().map(|(page, _)| page))
            .finish_non_exhaustive()
    }
}

impl<P> Pages<P> {
    pub(crate) fn new(fetch: Fetch<P>, shape: PageShape<P>, first: u32, per: u32) -> Self {
        Pages {
            fetch,
            shape,
            per,
            next_page: Some(first),
            in_flight: None,
        }
    }

    /// Continues the listing from `page`: after a [`PageError`], pass its
    /// [`page`](PageError::page). A page being fetched is abandoned.
    pub fn resume_from(&mut self, page: u32) {
        self.in_flight = None;
        self.next_page = Some(page);
    }

    /// The page the stream will request next, if it has not ended.
    pub fn next_page(&self) -> Option<u32> {
        self.in_flight
            .as_ref()
            .map(|(page, _)| *page)
            .or(self.next_page)
    }

    /// The page after `page`, given what it held.
    fn after(&self, page: u32, body: &P) -> Option<u32> {
        let len = (self.shape.len)(body);
        let full = u32::try_from(len).unwrap_or(u32::MAX) >= self.per;
        let hinted = (self.shape.next_page_hint)(body).is_some_and(|next| next > page);
        (len > 0 && (full || hinted)).then(|| page.saturating_add(1))
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<Response<P>, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((page, future)) = &mut this.in_flight {
                let page = *page;
                let Poll::Ready(result) = future.as_mut().poll(cx) else {
                    return Poll::Pending;
                };
                this.in_flight = None;
                return Poll::Ready(Some(match result {
                    Ok(response) => {
                        this.next_page = this.after(page, response.get());
                        Ok(response)
                    }
                    Err(error) => {
                        this.next_page = None;
                        Err(PageError {
                            page,
                            after: None,
                            error,
                        })
                    }
                }));
            }
            let Some(page) = this.next_page.take() else {
                return Poll::Ready(None);
            };
            this.in_flight = Some((page, (this.fetch)(page)));
        }
    }
}

/// An object's key, and the keys yielded so far.
type Once<T> = (fn(&T) -> &str, HashSet<String>);

/// The objects of a listing, one by one, fetched a page at a time as the stream is polled. From a
/// listing's `.items()`; a failed page is one `Err` item (see [`Pages`] and [`CursorPages`], the
/// two kinds of page stream `Src` may be).
#[must_use = "a stream does nothing until polled"]
pub struct Items<P, T, Src = Pages<P>> {
    pages: Src,
    buffer: VecDeque<T>,
    into_items: fn(P) -> Vec<T>,
    /// For a listing that yields each object once: its key, and the keys yielded so far.
    once: Option<Once<T>>,
}

impl<P, T, Src: fmt::Debug> fmt::Debug for Items<P, T, Src> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<P, T, Src> Items<P, T, Src> {
    pub(crate) fn new(pages: Src, into_items: fn(P) -> Vec<T>) -> Self {
        Items {
            pages,
            buffer: VecDeque::new(),
            into_items,
            once: None,
        }
    }

    /// The same stream, yielding each object once: an object whose `key` was already yielded
    /// (a server that hands a page back twice) is skipped.
    pub(crate) fn once_by(mut self, key: fn(&T) -> &str) -> Self {
        self.once = Some((key, HashSet::new()));
        self
    }
}

impl<P, T> Items<P, T, CursorPages<P>> {
    /// Continues a cursor listing after `cursor` (after a [`PageError`], its
    /// [`after`](PageError::after)); objects fetched and not yet yielded are dropped.
    pub fn resume_after(&mut self, cursor: Option<String>) {
        self.buffer.clear();
        self.pages.resume_after(cursor);
    }
}

impl<P, T> Items<P, T> {
    /// Continues the listing from `page` (after a [`PageError`], its page); objects already
    /// fetched and not yet yielded are dropped.
    pub fn resume_from(&mut self, page: u32) {
        self.buffer.clear();
        self.pages.resume_from(page);
    }
}

impl<P, T: Unpin, Src> Stream for Items<P, T, Src>
where
    Src: Stream<Item = Result<Response<P>, PageError>> + Unpin,
{
    type Item = Result<T, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                if let Some((key, seen)) = &mut this.once
                    && !seen.insert(key(&item).to_owned())
                {
                    continue;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    this.buffer = (this.into_items)(page.into_inner()).into();
                }
            }
        }
    }
}
