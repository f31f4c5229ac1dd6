//! Cursor listings (the Current API's `first`/`after`, `page_info`) as an async stream of pages.
//!
//! # When a cursor listing ends
//!
//! `page_info.has_next_page` is a claim, not a guarantee, so it is never the only reason to go on.
//! The stream ends after a page that:
//! - is **empty**;
//! - says `has_next_page: false`;
//! - has **no `end_cursor`** (there is nothing to ask the next page after);
//! - has an `end_cursor` **already seen** in this stream (including the `after` it started from):
//!   a server that hands back a cursor twice would otherwise loop for ever, repeating objects.
//!
//! Each of these costs no further request: the stream never asks for a page it would have to
//! throw away.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::{PageError, PageFuture};
use crate::response::Response;

type Fetch<P> = Arc<dyn Fn(Option<String>) -> PageFuture<P> + Send + Sync>;

/// How a cursor stream reads a page: how many objects it holds, its `end_cursor`, and its
/// `has_next_page`.
pub(crate) struct CursorShape<P> {
    pub(crate) len: fn(&P) -> usize,
    pub(crate) end_cursor: fn(&P) -> Option<&str>,
    pub(crate) has_next_page: fn(&P) -> Option<bool>,
}

/// The pages of a cursor listing (the Current API's), fetched one at a time as the stream is
/// polled. From a listing's `.pages()`.
///
/// It ends after an empty page, a page that says `has_next_page: false`, a page without an
/// `end_cursor`, or a page whose `end_cursor` was already seen in this stream: never on
/// `has_next_page` alone. A failed page is one [`PageError`] item (its
/// [`after`](PageError::after) is the cursor it was asked for after), then the stream ends;
/// [`resume_after`](Self::resume_after) that cursor to go on. Pages are fetched only when polled,
/// through the transport (paced, and retried per the retry rules).
///
/// `Unpin`, `Send`, `'static`: poll it with `StreamExt::next` from `futures` or `tokio-stream`,
/// or with `std::future::poll_fn`.
#[must_use = "a stream does nothing until polled"]
pub struct CursorPages<P> {
    fetch: Fetch<P>,
    shape: CursorShape<P>,
    /// The cursor of the next page (`Some(None)`: the first page), or `None` when ended.
    next: Option<Option<String>>,
    /// Pages asked for so far: the number a failed page is reported under.
    fetched: u32,
    seen: HashSet<String>,
    in_flight: Option<(Option<String>, PageFuture<P>)>,
}

impl<P> fmt::Debug for CursorPages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CursorPages")
            .field("fetched", &self.fetched)
            .field("ended", &(self.next.is_none() && self.in_flight.is_none()))
            .finish_non_exhaustive()
    }
}

impl<P> CursorPages<P> {
    pub(crate) fn new(fetch: Fetch<P>, shape: CursorShape<P>, after: Option<String>) -> Self {
        let mut pages = CursorPages {
            fetch,
            shape,
            next: None,
            fetched: 0,
            seen: HashSet::new(),
            in_flight: None,
        };
        pages.resume_after(after);
        pages
    }

    /// Continues the listing after `cursor` (`None`: from the first page): after a
    /// [`PageError`], pass its [`after`](PageError::after). A page being fetched is abandoned.
    pub fn resume_after(&mut self, cursor: Option<String>) {
        self.in_flight = None;
        if let Some(cursor) = &cursor {
            self.seen.insert(cursor.clone());
        }
        self.next = Some(cursor);
    }

    /// The cursor of the page after `body`, if the listing goes on.
    fn after(&mut self, body: &P) -> Option<Option<String>> {
        if (self.shape.len)(body) == 0 || (self.shape.has_next_page)(body) == Some(false) {
            return None;
        }
        let cursor = (self.shape.end_cursor)(body)?;
        self.seen
            .insert(cursor.to_owned())
            .then(|| Some(cursor.to_owned()))
    }
}

impl<P> Stream for CursorPages<P> {
    type Item = Result<Response<P>, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((after, future)) = &mut this.in_flight {
                let Poll::Ready(result) = future.as_mut().poll(cx) else {
                    return Poll::Pending;
                };
                let after = after.take();
                this.in_flight = None;
                return Poll::Ready(Some(match result {
                    Ok(response) => {
                        this.next = this.after(response.get());
                        Ok(response)
                    }
                    Err(error) => {
                        this.next = None;
                        Err(PageError {
                            page: this.fetched,
                            after,
                            error,
                        })
                    }
                }));
            }
            let Some(after) = this.next.take() else {
                return Poll::Ready(None);
            };
            this.fetched = this.fetched.saturating_add(1);
            let future = (this.fetch)(after.clone());
            this.in_flight = Some((after, future));
        }
    }
}
