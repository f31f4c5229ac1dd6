//! One declaration per endpoint, and the one way a request is built from it.
//!
//! An endpoint is declared once with [`endpoint!`]: its method and route template, its API
//! family, and whether it is safe to repeat. Everything else follows from that declaration: the
//! request's path (each `{param}` of the template filled, in order, through the one segment
//! encoder, [`push_segment`]), the [`whop_transport::Endpoint`] extension the transport's layers
//! read (the tracing span's route name, the pacing family, retry safety), and whether a failure
//! may have changed anything ([`Route::has_side_effect`]).
//!
//! ```text
//! endpoint!(CANCEL = POST "/v2/memberships/{id}/cancel", V2, retry_safe);
//! let request = CANCEL.call(&[("membership ID", id)]).expand(&expand).build()?;
//! ```

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::uri::PathAndQuery;
use http::{HeaderValue, Method, Request, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use whop_models::ExpandSet;
use whop_transport::Endpoint;

use crate::error::InvalidInput;
use crate::path::push_segment;

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Declares an endpoint: `endpoint!(NAME = METHOD "template", FAMILY[, retry_safe][; successor
/// "Client::call"]);`. A legacy v2 endpoint names its Current API successor, which the error for
/// a retired route gives.
macro_rules! endpoint {
    ($(#[$meta:meta])* $name:ident = $method:ident $template:literal, $family:ident $(, $safe:ident)? $(; successor $successor:literal)?) => {
        $(#[$meta])*
        pub(crate) static $name: $crate::endpoint::Route = $crate::endpoint::Route::new(
            ::http::Method::$method,
            $template,
            ::whop_transport::Endpoint::new(
                concat!(stringify!($method), " ", $template),
                ::whop_transport::ApiFamily::$family,
            )$(.$safe())?,
        )$(.successor($successor))?;
    };
}
pub(crate) use endpoint;

/// `expand` and `expand_all` for a request builder with an `expand: ExpandSet` field: the one
/// way every endpoint that answers a v2 membership takes its `expand[]` choices.
macro_rules! expand_methods {
    ($builder:ident) => {
        impl<'a, S: $crate::client::HttpService> $builder<'a, S> {
            /// Asks for `field` expanded into an object in the returned membership (repeatable;
            /// duplicates are sent once).
            pub fn expand(mut self, field: ::whop_models::Expand) -> Self {
                self.expand.insert(field);
                self
            }

            /// Asks for each of `fields` expanded.
            pub fn expand_all(
                mut self,
                fields: impl IntoIterator<Item = ::whop_models::Expand>,
            ) -> Self {
                for field in fields {
                    self.expand.insert(field);
                }
                self
            }
        }
    };
}
pub(crate) use expand_methods;

/// `IntoFuture` for a request builder whose `async fn send` gives `Result<$output, Error>`, so
/// that `.await` on the builder sends it.
macro_rules! into_future {
    ($builder:ident => $output:ty) => {
        impl<'a, S: $crate::client::HttpService> ::std::future::IntoFuture for $builder<'a, S> {
            type Output = ::std::result::Result<$output, $crate::error::Error>;
            type IntoFuture = ::std::pin::Pin<
                ::std::boxed::Box<
                    dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + 'a,
                >,
            >;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    };
}
pub(crate) use into_future;

/// What a lookup's `optional()` gives: `Ok(None)` for "no such resource" (a 404 that
/// [`Error::is_not_found`](crate::Error::is_not_found) accepts), anything else as it is.
pub(crate) fn found<T>(result: Result<T, crate::Error>) -> Result<Option<T>, crate::Error> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A request body as JSON. Our request types always encode.
pub(crate) fn body<T: serde::Serialize>(value: T) -> Bytes {
    Bytes::from(whop_models::encode(&value).expect("request bodies always encode"))
}

/// An endpoint of Whop's API, declared with [`endpoint!`].
#[derive(Debug)]
pub(crate) struct Route {
    method: Method,
    /// The path relative to the API root, with `{name}` for each path parameter.
    template: &'static str,
    endpoint: Endpoint,
    /// For a legacy v2 endpoint: the Current API call that replaces it.
    successor: Option<&'static str>,
}

impl Route {
    pub(crate) const fn new(method: Method, template: &'static str, endpoint: Endpoint) -> Self {
        Route {
            method,
            template,
            endpoint,
            successor: None,
        }
    }

    /// The same endpoint, retired: `successor` (`"Client::membership"`) replaces it.
    pub(crate) const fn successor(mut self, successor: &'static str) -> Self {
        self.successor = Some(successor);
        self
    }

    /// The API family the endpoint is in.
    pub(crate) fn family(&self) -> whop_transport::ApiFamily {
        self.endpoint.family()
    }

    /// The Current API call that replaces this retired (legacy v2) endpoint.
    pub(crate) fn successor_call(&self) -> Option<&'static str> {
        self.successor
    }

    /// `METHOD <base><template>`, e.g. `GET https://api.whop.com/api/v5/me/memberships/{id}`: the
    /// request named without its parameters (a parameter may be a license key).
    pub(crate) fn describe(&self, base: &str) -> String {
        format!("{} {base}{}", self.method, self.template)
    }

    /// `false` for a read (GET or HEAD): nothing can have changed, whatever the outcome.
    pub(crate) fn has_side_effect(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD)
    }

    /// A call of this endpoint with its path parameters, in template order: `(what, value)`, where
    /// `what` names the parameter in errors (`"membership ID"`). An empty or dot-segment value is
    /// refused when the call is built.
    pub(crate) fn call(&'static self, params: &[(&'static str, &str)]) -> Call {
        Call {
            route: self,
            path: self.path(params),
            body: None,
        }
    }

    fn path(&self, params: &[(&'static str, &str)]) -> Result<String, InvalidInput> {
        let values: usize = params.iter().map(|(_, value)| value.len() * 3).sum();
        let mut path = String::with_capacity(self.template.len() + values + 32);
        let mut params = params.iter();
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            let Some(&(what, value)) = params.next() else {
                return Err(InvalidInput::new("path", "is missing a parameter (a bug)"));
            };
            push_segment(&mut path, what, value)?;
            rest = &rest[close..];
        }
        path.push_str(rest);
        Ok(path)
    }
}

/// One request being built: the path (or why it was refused), then the query and the body.
#[derive(Debug)]
pub(crate) struct Call {
    route: &'static Route,
    path: Result<String, InvalidInput>,
    body: Option<Bytes>,
}

impl Call {
    /// The endpoint this call is of.
    pub(crate) fn route(&self) -> &'static Route {
        self.route
    }

    /// Appends `key=value` to the query, the value percent-encoded.
    pub(crate) fn query(mut self, key: &str, value: &str) -> Self {
        if let Ok(path) = &mut self.path {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(key);
            path.push('=');
            path.extend(utf8_percent_encode(value, QUERY_VALUE));
        }
        self
    }

    /// Appends `expand[]=field` for each field of `expand` (the Rails array form Whop's v2 reads).
    pub(crate) fn expand(self, expand: &ExpandSet) -> Self {
        expand
            .iter()
            .fold(self, |call, field| call.query("expand[]", field.as_str()))
    }

    /// Sends `body` as JSON.
    pub(crate) fn json(mut self, body: Bytes) -> Self {
        self.body = Some(body);
        self
    }

    /// Refuses the call, when built, with `refusal` (the first refusal wins): for input checked
    /// outside the path, such as a page size or a metadata object.
    pub(crate) fn refuse_if(mut self, refusal: Option<InvalidInput>) -> Self {
        if let (Ok(_), Some(refusal)) = (&self.path, refusal) {
            self.path = Err(refusal);
        }
        self
    }

    /// The request, with the route's [`Endpoint`] extension. Its URI is the path relative to the
    /// API root (the transport's [`BaseUrlLayer`](whop_transport::BaseUrlLayer) puts the root in
    /// front).
    ///
    /// # Errors
    /// [`InvalidInput`] for a refused path parameter.
    pub(crate) fn build(self) -> Result<Request<Bytes>, InvalidInput> {
        let path = PathAndQuery::from_maybe_shared(Bytes::from(self.path?))
            .map_err(|e| InvalidInput::new("request path", format!("could not be built: {e}")))?;
        let mut request = Request::new(self.body.clone().unwrap_or_default());
        *request.method_mut() = self.route.method.clone();
        *request.uri_mut() = Uri::from(path);
        let headers = request.headers_mut();
        headers.insert(ACCEPT, APPLICATION_JSON);
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        }
        request.extensions_mut().insert(self.route.endpoint);
        Ok(request)
    }
}

/// A query value keeps RFC 3986's unreserved characters; everything else is encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    endpoint!(TWO_PARAMS = GET "/v2/a/{x}/b/{y}", V2);
    endpoint!(SAFE_POST = POST "/v2/memberships/{id}/cancel", V2, retry_safe);

    #[test]
    fn each_parameter_fills_its_place_in_the_template_encoded() {
        let request = TWO_PARAMS
            .call(&[("x", "1/2"), ("y", "é")])
            .query("k", "a b&c")
            .build()
            .expect("builds");
        assert_eq!(request.uri(), "/v2/a/1%2F2/b/%C3%A9?k=a%20b%26c");
    }

    #[test]
    fn the_declaration_gives_the_route_name_family_and_retry_safety() {
        let request = SAFE_POST.call(&[("id", "mem_1")]).build().expect("builds");
        let endpoint = request.extensions().get::<Endpoint>().expect("set");
        assert_eq!(endpoint.route(), "POST /v2/memberships/{id}/cancel");
        assert_eq!(endpoint.family(), whop_transport::ApiFamily::V2);
        assert!(whop_transport::is_retry_safe(&request));
        assert_eq!(request.method(), Method::POST);
        assert!(SAFE_POST.has_side_effect());
        assert!(!TWO_PARAMS.has_side_effect());
    }

    #[test]
    fn a_refused_parameter_is_an_error_when_built() {
        let e = TWO_PARAMS
            .call(&[("membership ID", ".."), ("y", "1")])
            .build()
            .expect_err("refused");
        assert_eq!(e.what(), "membership ID");
    }

    #[test]
    fn a_json_body_gets_its_content_type() {
        let request = SAFE_POST
            .call(&[("id", "mem_1")])
            .json(Bytes::from_static(b"{}"))
            .build()
            .expect("builds");
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(request.body().as_ref(), b"{}");
    }
}
