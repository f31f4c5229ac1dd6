//! [`OAuthClient`]: one app's OAuth settings (client ID, redirect URI, client authentication),
//! Whop's endpoints and the HTTP service, shared by every sign-in and refresh.

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RedirectUrl,
    RequestTokenError, RevocationUrl, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use whop_transport::BaseUrl;

use crate::http_service::BodyEncoding;
use crate::http_service::HttpError;
use crate::tokens::WhopTokenFields;
use crate::{Endpoints, Error, HttpService, OAuthErrorCode};

/// The token response: the standard fields and Whop's `id_token`.
pub(crate) type TokenResponse = StandardTokenResponse<WhopTokenFields, BasicTokenType>;

/// `oauth2`'s client with the authorization, token and revocation endpoints set.
pub(crate) type Protocol = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointSet,
>;

/// How the app authenticates at the token and revocation endpoints: Whop's apps are `public`
/// (PKCE alone) or `confidential` (a client secret as well), a setting of the app.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ClientAuth {
    /// None: a public app (a desktop app, a CLI), whose binary holds no secret. The client ID goes
    /// in the body.
    None,
    /// The client secret in the request body (`client_secret_post`).
    SecretInBody(ClientSecret),
    /// The client secret as HTTP Basic (`client_secret_basic`).
    Basic(ClientSecret),
}

/// One Whop app's OAuth client. Cheap to share behind an `Arc`; build it with
/// [`OAuthClient::builder`].
#[derive(Clone, Debug)]
pub struct OAuthClient {
    pub(crate) protocol: Protocol,
    pub(crate) auth: ClientAuth,
    pub(crate) http: HttpService,
    pub(crate) endpoints: Endpoints,
}

impl OAuthClient {
    /// A builder for the app `client_id` (its `app_…` ID), redirecting to `redirect_uri` (sent
    /// exactly as given: Whop compares it with the registered one character for character).
    pub fn builder(
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> OAuthClientBuilder {
        OAuthClientBuilder {
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            auth: ClientAuth::None,
            base_url: None,
            http: None,
            encoding: BodyEncoding::Form,
        }
    }

    /// The app's client ID.
    pub fn client_id(&self) -> &str {
        self.protocol.client_id().as_str()
    }

    /// The endpoints this client talks to.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The HTTP service this client sends through.
    pub fn http(&self) -> &HttpService {
        &self.http
    }
}

/// Builds an [`OAuthClient`].
#[derive(Debug)]
pub struct OAuthClientBuilder {
    client_id: String,
    redirect_uri: String,
    auth: ClientAuth,
    base_url: Option<BaseUrl>,
    http: Option<HttpService>,
    encoding: BodyEncoding,
}

impl OAuthClientBuilder {
    /// How token and revocation request bodies are encoded ([`BodyEncoding::Form`] unless set).
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// How the app authenticates ([`ClientAuth::None`] unless set).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The API's base URL, whose origin serves OAuth (Whop's unless set).
    pub fn base_url(mut self, base_url: BaseUrl) -> Self {
        self.base_url = Some(base_url);
        self
    }

    /// The HTTP service to send through ([`HttpService::whop`] unless set).
    pub fn http(mut self, http: HttpService) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] if the client ID is empty, the redirect URI is not an absolute URL, or
    /// the default HTTP service cannot be built (no root certificates).
    pub fn build(self) -> Result<OAuthClient, Error> {
        if self.client_id.trim().is_empty() {
            return Err(Error::Config("the client ID is empty".to_owned()));
        }
        let redirect = RedirectUrl::new(self.redirect_uri)
            .map_err(|e| Error::Config(format!("the redirect URI is not a URL: {e}")))?;
        let endpoints = match &self.base_url {
            Some(base_url) => Endpoints::for_base_url(base_url)?,
            None => Endpoints::whop(),
        };
        let http = match self.http {
            Some(http) => http,
            None => HttpService::whop()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        }
        .body_encoding(self.encoding);
        let base = oauth2::Client::new(ClientId::new(self.client_id))
            .set_auth_uri(AuthUrl::from_url(endpoints.authorize().clone()))
            .set_token_uri(TokenUrl::from_url(endpoints.token().clone()))
            .set_revocation_url(RevocationUrl::from_url(endpoints.revoke().clone()))
            .set_redirect_uri(redirect);
        let protocol = match self.auth.clone() {
            ClientAuth::None => base,
            ClientAuth::SecretInBody(secret) => base
                .set_client_secret(secret)
                .set_auth_type(AuthType::RequestBody),
            ClientAuth::Basic(secret) => base
                .set_client_secret(secret)
                .set_auth_type(AuthType::BasicAuth),
        };
        Ok(OAuthClient {
            protocol,
            auth: self.auth,
            http,
            endpoints,
        })
    }
}

/// What a failed token or revocation request means, without its body (which may hold a token).
pub(crate) fn request_error<T>(error: RequestTokenError<HttpError, T>) -> Error
where
    T: oauth2::ErrorResponse + 'static + OAuthErrorFields,
{
    match error {
        RequestTokenError::ServerResponse(response) => Error::Endpoint {
            code: OAuthErrorCode::from(response.code()),
            description: response.description().map(str::to_owned),
        },
        RequestTokenError::Request(http) => Error::Http(http),
        RequestTokenError::Parse(e, _body) => Error::Response {
            status: None,
            message: format!(
                "the response did not decode at {}: {:?}",
                e.path(),
                e.inner().classify()
            ),
        },
        RequestTokenError::Other(message) => Error::Response {
            status: None,
            message,
        },
    }
}

/// The `error` and `error_description` of `oauth2`'s error responses, whatever their code type.
pub(crate) trait OAuthErrorFields {
    fn code(&self) -> &str;
    fn description(&self) -> Option<&str>;
}

impl<T: oauth2::ErrorResponseType + AsRef<str>> OAuthErrorFields
    for oauth2::StandardErrorResponse<T>
{
    fn code(&self) -> &str {
        self.error().as_ref()
    }
    fn description(&self) -> Option<&str> {
        self.error_description().map(String::as_str)
    }
}
