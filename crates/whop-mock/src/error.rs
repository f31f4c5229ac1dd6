//! [`MockError`]: why the mock gave no response.

use std::fmt;

/// Why the mock gave no response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockError {
    /// An injected [`Fault::DropConnection`](crate::Fault::DropConnection): over HTTP the socket
    /// is closed without a response; as a Service this error is returned.
    ConnectionDropped,
    /// Over HTTP, the request body could not be read (too large or the connection failed).
    RequestBody(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConnectionDropped => {
                f.write_str("whop-mock dropped the connection (injected fault)")
            }
            Self::RequestBody(reason) => {
                write!(f, "whop-mock could not read the request body: {reason}")
            }
        }
    }
}

impl std::error::Error for MockError {}
