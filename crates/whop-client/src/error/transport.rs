//! A failure below HTTP, with the transport's own error kept as it came.

use std::error::Error as StdError;

use whop_transport::RequestSent;

use super::BoxError;

/// A failure below HTTP: the connection, TLS, a timeout, a body too large.
#[derive(Debug)]
pub struct TransportError {
    pub(super) source: Source,
    pub(super) side_effect: bool,
}

/// The transport's error, kept as it came.
#[derive(Debug)]
pub(super) enum Source {
    /// From whop-transport (the default transport, or its layers): it says whether it was sent.
    /// Boxed as it came from the service, which keeps [`Error`] small.
    Transport(Box<whop_transport::Error>),
    /// From another transport: nothing is known of it.
    Other(BoxError),
}

impl TransportError {
    /// Whether the request may have reached the server: what [`whop_transport`] said, or
    /// [`RequestSent::MaybeSent`] for an error from another transport.
    pub fn request_sent(&self) -> RequestSent {
        match &self.source {
            Source::Transport(e) => e.request_sent(),
            Source::Other(_) => RequestSent::MaybeSent,
        }
    }

    /// The [`whop_transport::Error`], with its [`kind`](whop_transport::Error::kind), when the
    /// failure came from whop-transport (always, with the default transport).
    pub fn transport_error(&self) -> Option<&whop_transport::Error> {
        match &self.source {
            Source::Transport(e) => Some(e),
            Source::Other(_) => None,
        }
    }

    /// The transport's own error, whichever transport it came from.
    pub fn source_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        match &self.source {
            Source::Transport(e) => &**e,
            Source::Other(e) => &**e,
        }
    }
}
