//! The provider, as discovered at startup: the authorization URL (with `state`, `nonce` and
//! a PKCE S256 challenge), the code exchange, ID token validation and the sign-out URL.
//!
//! ID tokens are validated by openidconnect: the signature against the provider's keys (its
//! JWKS, fetched at discovery and fetched again when a token names a key id not among them,
//! as when the provider rotates its keys; at most once every [`KEY_REFETCH_SECS`]), the
//! algorithm against the allow-list, `iss`, `aud` (this client; any other audience refused),
//! `exp` and `nonce`.

use super::http::{self, HttpError};
use super::identity::{Identity, OtherClaims};
use super::login_state::{LIFETIME_SECS, LoginState, SealKey};
use super::{OidcError, OidcSettings};
use jiff::Timestamp;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IdToken,
    IdTokenVerifier, IssuerUrl, JsonWebKeySet, LogoutRequest, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};
use std::sync::{Mutex, RwLock};
use std::time::Instant;

/// The shortest time between two fetches of the provider's keys for an unknown key id.
pub const KEY_REFETCH_SECS: u64 = 10;

/// An ID token, with the claims Pledge reads by configured name.
pub type PledgeIdToken = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The force's identity provider, discovered.
pub struct Provider {
    settings: OidcSettings,
    metadata: ProviderMetadataWithLogout,
    keys: RwLock<JsonWebKeySet<CoreJsonWebKey>>,
    last_key_fetch: Mutex<Option<Instant>>,
    http: reqwest::Client,
    seal: SealKey,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .finish_non_exhaustive()
    }
}

/// A sign-in started: where to send the browser, and the sealed state for its cookie.
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The sealed [`LoginState`].
    pub sealed: String,
}

/// A sign-in the provider sent back, validated.
pub struct Returned {
    /// Who signed in.
    pub identity: Identity,
    /// The ID token as received (kept with the session for the provider's sign-out).
    pub id_token: String,
    /// Where to go next.
    pub next: Option<String>,
}

fn provider_error(what: &str) -> impl Fn(String) -> OidcError + '_ {
    move |e| OidcError::Provider(format!("{what}: {e}"))
}

impl Provider {
    /// Discovers the provider (`<issuer>/.well-known/openid-configuration` and its keys).
    /// Checks the settings first; every problem names its setting or what the provider got
    /// wrong.
    pub async fn discover(settings: OidcSettings) -> Result<Self, OidcError> {
        settings.check()?;
        let http = http::client().map_err(|e| OidcError::Provider(e.to_string()))?;
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::config("--oidc-issuer", e.to_string()))?;
        let client = http.clone();
        let fetch = move |req| http::send(client.clone(), req);
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &fetch)
            .await
            .map_err(|e| {
                OidcError::Provider(format!("discovery at {}: {}", settings.issuer, chain(&e)))
            })?;
        let keys = metadata.jwks().clone();
        tracing::info!(issuer = %settings.issuer, keys = keys.keys().len(),
            end_session = metadata.additional_metadata().end_session_endpoint.is_some(),
            "identity provider discovered");
        let seal = SealKey::from_secret(settings.client_secret.as_deref());
        Ok(Self {
            settings,
            metadata,
            keys: RwLock::new(keys),
            last_key_fetch: Mutex::new(None),
            http,
            seal,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    fn client(
        &self,
    ) -> Result<
        openidconnect::core::CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone())
            .map_err(|e| OidcError::config("--oidc-redirect-url", e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            self.metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: the provider's authorization URL (code flow, PKCE S256, a fresh
    /// `state` and `nonce`, scopes `openid profile email`) and the sealed state for the
    /// browser's cookie. `next` is a local path to go to afterwards.
    pub fn start(&self, next: Option<String>, now: Timestamp) -> Result<Started, OidcError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client()?
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let login = LoginState {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next,
            expires: now.as_second().saturating_add(LIFETIME_SECS),
        };
        Ok(Started {
            url: url.to_string(),
            sealed: self.seal.seal(&login),
        })
    }

    /// Finishes a sign-in: opens the sealed state (refused when altered or expired), checks
    /// the returned `state` against it, exchanges the code (with the PKCE verifier) and
    /// validates the ID token (with the nonce).
    pub async fn finish(
        &self,
        sealed: &str,
        returned_state: &str,
        code: &str,
        now: Timestamp,
    ) -> Result<Returned, OidcError> {
        let login = self.seal.open(sealed, now)?;
        if !crate::accounts::constant_time_eq(&login.state, returned_state) {
            return Err(OidcError::State(
                "the state sent back is not this browser's".to_owned(),
            ));
        }
        let client = self.client()?;
        let http = self.http.clone();
        let fetch = move |req| http::send(http.clone(), req);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Provider(format!("the provider has no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
            .request_async(&fetch)
            .await
            .map_err(|e| OidcError::Provider(format!("exchanging the code: {}", chain(&e))))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::InvalidToken("the provider sent no ID token".to_owned()))?
            .to_string();
        let identity = self.verify(&id_token, &login.nonce).await?;
        Ok(Returned {
            identity,
            id_token,
            next: login.next,
        })
    }

    /// Validates an ID token (signature, algorithm, issuer, audience, expiry, nonce) and
    /// reads who it names. A key id not among the provider's known keys fetches the keys
    /// again (key rotation) and tries once more.
    pub async fn verify(&self, raw: &str, nonce: &str) -> Result<Identity, OidcError> {
        let token: PledgeIdToken = raw
            .parse()
            .map_err(|e| OidcError::InvalidToken(format!("not an ID token: {e}")))?;
        let nonce = Nonce::new(nonce.to_owned());
        match self.check(&token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) if self.refetch_keys().await? => self.check(&token, &nonce),
            other => other,
        }
        .map_err(|e| OidcError::InvalidToken(chain(&e)))?
        .ok_or_else(|| {
            OidcError::InvalidToken(format!(
                "the token has no {} claim",
                self.settings.subject_claim
            ))
        })
    }

    fn check(
        &self,
        token: &PledgeIdToken,
        nonce: &Nonce,
    ) -> Result<Option<Identity>, ClaimsVerificationError> {
        let keys = match self.keys.read() {
            Ok(k) => k.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let client_id = ClientId::new(self.settings.client_id.clone());
        let issuer = self.metadata.issuer().clone();
        let verifier = match &self.settings.client_secret {
            Some(secret) => IdTokenVerifier::new_confidential_client(
                client_id,
                ClientSecret::new(secret.clone()),
                issuer,
                keys,
            ),
            None => IdTokenVerifier::new_public_client(client_id, issuer, keys),
        }
        .set_allowed_algs(self.settings.algorithms.clone());
        let claims = token.claims(&verifier, nonce)?;
        Ok(Identity::read(&self.settings, claims))
    }

    /// Fetches the provider's keys again; false when they were fetched too recently.
    async fn refetch_keys(&self) -> Result<bool, OidcError> {
        {
            let mut last = match self.last_key_fetch.lock() {
                Ok(l) => l,
                Err(poisoned) => poisoned.into_inner(),
            };
            if last.is_some_and(|t| t.elapsed().as_secs() < KEY_REFETCH_SECS) {
                return Ok(false);
            }
            *last = Some(Instant::now());
        }
        let http = self.http.clone();
        let fetch = move |req| http::send(http.clone(), req);
        let keys = JsonWebKeySet::<CoreJsonWebKey>::fetch_async(self.metadata.jwks_uri(), &fetch)
            .await
            .map_err(|e| provider_error("fetching the provider's keys")(chain(&e)))?;
        tracing::info!(issuer = %self.settings.issuer, keys = keys.keys().len(),
            "identity provider's keys fetched again (a token named an unknown key)");
        match self.keys.write() {
            Ok(mut k) => *k = keys,
            Err(poisoned) => *poisoned.into_inner() = keys,
        }
        Ok(true)
    }

    /// The origin (`https://host[:port]`) of the provider's end-session endpoint, if it has
    /// one: where Pledge's sign-out form may lead.
    pub fn end_session_origin(&self) -> Option<String> {
        let endpoint = self
            .metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()?;
        let origin = endpoint.url().origin();
        origin.is_tuple().then(|| origin.ascii_serialization())
    }

    /// The provider's sign-out URL for a session signed in with `id_token`, when the provider
    /// advertises an `end_session_endpoint`: with `id_token_hint`, `client_id` and
    /// `post_logout_redirect_uri`.
    pub fn end_session_url(&self, id_token: &str) -> Option<String> {
        let endpoint = self
            .metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Ok(token) = id_token.parse::<PledgeIdToken>() {
            request = request.set_id_token_hint(&token);
        }
        if let Ok(after) =
            PostLogoutRedirectUrl::new(self.settings.post_logout_redirect_url.clone())
        {
            request = request.set_post_logout_redirect_uri(after);
        }
        Some(request.http_get_url().to_string())
    }
}

/// An error and its causes, in one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut words = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        words.push_str(": ");
        words.push_str(&cause.to_string());
        source = cause.source();
    }
    words
}

impl From<HttpError> for OidcError {
    fn from(e: HttpError) -> Self {
        OidcError::Provider(e.to_string())
    }
}
