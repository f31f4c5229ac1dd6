//! Your own tower layers around the default transport, and a client type that names the result.
//!
//! [`ClientBuilder::layer`] wraps the transport the builder makes in a tower `Layer` of yours
//! (a header, metrics, a concurrency limit, ...) and gives a [`BoxClient`]: a client over a
//! boxed, cloneable service, so its type can be written down and stored in a struct.
//!
//! # Where your layer sits
//!
//! **Outermost**, around the whole default transport: it sees each call **once** (retries happen
//! inside it), as the client built it:
//!
//! - the URI is a path relative to the API root (`/v2/memberships/mem_1/cancel`); the base URL is
//!   put in front inside the transport;
//! - the extensions hold the [`Endpoint`](whop_transport::Endpoint) (route name, API family,
//!   retry safety: `request.extensions().get::<Endpoint>()`) and, for a client made with
//!   [`Client::with_token`], its [`Token`](whop_transport::Token);
//! - there is no `Authorization` header yet (the transport adds it inside, for the base URL's
//!   origin only); a header your layer sets goes out with every attempt, and an `Authorization`
//!   your layer sets replaces the transport's credential for that request;
//! - it gets the final response (after retries), or the transport's error: keep a
//!   [`whop_transport::Error`] as it is, so [`Error`] can still say whether the request was sent.
//!
//! ```
//! use bytes::Bytes;
//! use tower::util::MapRequestLayer;
//! use whop_client::{BoxClient, Client, Token};
//!
//! struct Billing {
//!     whop: BoxClient, // a nameable type, whatever the layers
//! }
//!
//! # fn main() -> Result<(), whop_client::Error> {
//! let token = Token::new("sk_live_xxx")?;
//! let whop = Client::builder()
//!     .transport(|t| t.token(token))
//!     .layer(MapRequestLayer::new(|mut request: http::Request<Bytes>| {
//!         let source = http::HeaderValue::from_static("billing");
//!         request.headers_mut().insert("x-request-source", source);
//!         request
//!     }))
//!     .build()?;
//! let billing = Billing { whop };
//! # let _ = billing.whop;
//! # Ok(())
//! # }
//! ```

use std::fmt;

use bytes::Bytes;
use http::Request;
use tower::util::BoxCloneSyncService;
use tower::{Layer, ServiceExt};
use whop_transport::TransportBuilder;

use crate::client::{Client, ClientBuilder, HttpService};
use crate::error::{BoxError, Error};

/// A boxed, cloneable, shareable transport: any [`HttpService`], its error boxed.
pub type BoxHttpService = BoxCloneSyncService<Request<Bytes>, http::Response<Bytes>, BoxError>;

/// A client over a [`BoxHttpService`]: what [`LayeredClientBuilder::build`] and
/// [`Client::boxed`] give, a type to name in a struct field.
pub type BoxClient = Client<BoxHttpService>;

/// Wraps a boxed service in one layer.
type Wrap = Box<dyn FnOnce(BoxHttpService) -> BoxHttpService + Send>;

/// Boxes `service`, its error boxed too.
fn boxed<S: HttpService>(service: S) -> BoxHttpService {
    BoxCloneSyncService::new(service.map_err(|e: S::Error| -> BoxError { e.into() }))
}

impl<S: HttpService> Client<S> {
    /// The same client over its transport boxed: a [`BoxClient`], whose type does not depend on
    /// the transport's (to store clients of different transports in one field).
    pub fn boxed(self) -> BoxClient {
        self.map_service(boxed)
    }
}

impl ClientBuilder {
    /// Wraps the transport in `layer`, outermost: see [the module docs](crate::layered) for what
    /// it sees. More calls of [`layer`](LayeredClientBuilder::layer) add layers inside this one
    /// (the first added is the outermost, as with `tower::ServiceBuilder`). The client is then a
    /// [`BoxClient`].
    pub fn layer<L>(self, layer: L) -> LayeredClientBuilder
    where
        L: Layer<BoxHttpService> + Send + 'static,
        L::Service: HttpService,
    {
        LayeredClientBuilder {
            builder: self,
            layers: Vec::new(),
        }
        .layer(layer)
    }
}

/// A [`ClientBuilder`] with layers of yours around the transport, from [`ClientBuilder::layer`].
/// Builds a [`BoxClient`].
#[must_use]
pub struct LayeredClientBuilder {
    builder: ClientBuilder,
    /// Outermost first.
    layers: Vec<Wrap>,
}

impl fmt::Debug for LayeredClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayeredClientBuilder")
            .field("builder", &self.builder)
            .field("layers", &self.layers.len())
            .finish()
    }
}

impl LayeredClientBuilder {
    /// Adds `layer` inside the layers added before it.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<BoxHttpService> + Send + 'static,
        L::Service: HttpService,
    {
        self.layers
            .push(Box::new(move |inner| boxed(layer.layer(inner))));
        self
    }

    /// Configures the transport, as [`ClientBuilder::transport`].
    pub fn transport(
        mut self,
        configure: impl FnOnce(TransportBuilder) -> TransportBuilder,
    ) -> Self {
        self.builder = self.builder.transport(configure);
        self
    }

    /// Builds the transport, wraps it in the layers, and gives the client.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`]: a refused base URL or transport settings.
    pub fn build(self) -> Result<BoxClient, Error> {
        let client = self.builder.build()?;
        let layers = self.layers;
        Ok(client.map_service(|transport| {
            layers
                .into_iter()
                .rev()
                .fold(boxed(transport), |inner, wrap| wrap(inner))
        }))
    }
}
