//! The OpenID Connect relying party: the authorization-code flow with PKCE,
//! `state` and `nonce`, and ID tokens checked for signature, `iss`, `aud`,
//! `exp` and `nonce`. Each provider's discovery document and keys are
//! cached, and fetched again after an hour or when a token names a key the
//! cache does not hold (the provider rotated its keys). Every request goes
//! through [`Outbound`]: https to public addresses only, no redirects, and
//! answers of at most 256 KiB.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::model::providers::{any_tenant, TENANT_PLACEHOLDER};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreIdTokenVerifier,
    CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, HttpRequest, IdToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::outbound::{allowed, is_loopback_issuer, Outbound};
use crate::secret::Secret;

/// How long a discovery document is trusted before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How long any request to a provider may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One provider as the flow needs it: its secret opened for this use.
pub struct ProviderClient {
    pub id: Uuid,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
}

/// The claims Microsoft's multi-tenant tokens add: the tenant that signed
/// in, and `xms_edov`, whether that tenant has verified the domain of the
/// user's `email` (Microsoft sends no `email_verified`, and a user may set
/// any address; Microsoft's own answer to "nOAuth").
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TenantClaim {
    #[serde(default)]
    tid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    xms_edov: Option<serde_json::Value>,
}

impl TenantClaim {
    /// `xms_edov` as a yes or no; Microsoft has sent it as `true` and as `1`.
    fn domain_owner_verified(&self) -> Option<bool> {
        match self.xms_edov.as_ref()? {
            serde_json::Value::Bool(yes) => Some(*yes),
            serde_json::Value::Number(n) => Some(n.as_u64() == Some(1)),
            serde_json::Value::String(s) => Some(matches!(s.as_str(), "1" | "true")),
            _ => Some(false),
        }
    }
}

impl AdditionalClaims for TenantClaim {}

type LobbyIdToken = IdToken<
    TenantClaim,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Where to send the browser, and what to keep for its return.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in, from a verified ID token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The provider could not be reached or answered nonsense.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider's answer does not hold up: a refused code, a token
    /// with a bad signature, issuer, audience, expiry or nonce.
    #[error("rejected: {0}")]
    Rejected(String),
}

struct Discovered {
    metadata: CoreProviderMetadata,
    fetched: Instant,
}

/// The relying party, shared by all requests.
pub struct Federation {
    outbound: Outbound,
    redirect_uri: RedirectUrl,
    cache: Mutex<HashMap<Uuid, Arc<Discovered>>>,
}

impl Federation {
    /// `redirect_uri` is Lobby's callback, as registered with every provider.
    pub fn new(redirect_uri: &str) -> Result<Federation, FederationError> {
        let outbound = Outbound::new(REQUEST_TIMEOUT)
            .map_err(|e| FederationError::Unavailable(e.to_string()))?;
        let redirect_uri = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| FederationError::Unavailable(e.to_string()))?;
        Ok(Federation {
            outbound,
            redirect_uri,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The provider's metadata with its keys, from the cache unless stale
    /// or `refresh` is asked for.
    async fn metadata(
        &self,
        provider: &ProviderClient,
        refresh: bool,
    ) -> Result<Arc<Discovered>, FederationError> {
        if !refresh {
            let cached = self
                .cache
                .lock()
                .ok()
                .and_then(|c| c.get(&provider.id).cloned());
            if let Some(found) = cached.filter(|d| d.fetched.elapsed() < METADATA_TTL) {
                return Ok(found);
            }
        }
        let metadata = self.discover(&provider.issuer).await?;
        let discovered = Arc::new(Discovered {
            metadata,
            fetched: Instant::now(),
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(provider.id, discovered.clone());
        }
        Ok(discovered)
    }

    /// Fetches the discovery document and its keys. A multi-tenant issuer
    /// (with `{tenantid}`) publishes its document under the `common` tenant,
    /// with the template as its issuer.
    async fn discover(&self, issuer: &str) -> Result<CoreProviderMetadata, FederationError> {
        let unavailable = |e: String| FederationError::Unavailable(format!("{issuer}: {e}"));
        let http = self.outbound.for_issuer(issuer);
        if !any_tenant(issuer) {
            let url = IssuerUrl::new(issuer.to_owned()).map_err(|e| unavailable(e.to_string()))?;
            return CoreProviderMetadata::discover_async(url, &http)
                .await
                .map_err(|e| unavailable(error_chain(&e)));
        }
        let document = format!(
            "{}/.well-known/openid-configuration",
            issuer.replace(TENANT_PLACEHOLDER, "common")
        );
        let body = self.get(issuer, &document).await.map_err(unavailable)?;
        let metadata: CoreProviderMetadata =
            serde_json::from_slice(&body).map_err(|e| unavailable(e.to_string()))?;
        if metadata.issuer().as_str() != issuer {
            return Err(unavailable(format!(
                "the document names issuer {}",
                metadata.issuer().as_str()
            )));
        }
        let keys = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &http)
            .await
            .map_err(|e| unavailable(error_chain(&e)))?;
        Ok(metadata.set_jwks(keys))
    }

    /// The body of a GET of `url` from the provider at `issuer`.
    async fn get(&self, issuer: &str, url: &str) -> Result<Vec<u8>, String> {
        let request = HttpRequest::new(Vec::new());
        let (mut parts, body) = request.into_parts();
        parts.uri = url.parse().map_err(|_| format!("{url}: not a URL"))?;
        let response = self
            .outbound
            .for_issuer(issuer)
            .call(HttpRequest::from_parts(parts, body))
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("{url}: {}", response.status()));
        }
        Ok(response.into_body())
    }

    /// The tenant of the multi-tenant `issuer` that `domain` belongs to.
    /// Microsoft serves each tenant's discovery document under any of its
    /// verified domains too, and that document's issuer names the tenant's
    /// id. `None` when the domain is no tenant's or the provider cannot be
    /// reached.
    pub async fn tenant_of(&self, issuer: &str, domain: &str) -> Option<String> {
        let (prefix, suffix) = issuer.split_once(TENANT_PLACEHOLDER)?;
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
        if domain.is_empty() || !domain.chars().all(plain) {
            return None;
        }
        let document = format!("{prefix}{domain}{suffix}/.well-known/openid-configuration");
        let body = match self.get(issuer, &document).await {
            Ok(body) => body,
            Err(e) => {
                tracing::info!(%domain, error = %e, "no tenant found for the domain");
                return None;
            }
        };
        #[derive(Deserialize)]
        struct Named {
            issuer: String,
        }
        let named: Named = serde_json::from_slice(&body).ok()?;
        let tid = named.issuer.strip_prefix(prefix)?.strip_suffix(suffix)?;
        tenant_issuer(issuer, tid).map(|_| tid.to_owned())
    }

    /// Microsoft's admin-consent address for `tenant` (an id, or
    /// `organizations`) of the multi-tenant `issuer`: an administrator there
    /// approves `client_id` once for everyone in their organization, and is
    /// sent back to Lobby's callback with `state`.
    pub fn admin_consent_url(
        &self,
        issuer: &str,
        tenant: &str,
        client_id: &str,
        state: &str,
    ) -> Option<String> {
        let authority = issuer.replace(TENANT_PLACEHOLDER, tenant);
        let authority = authority.strip_suffix("/v2.0").unwrap_or(&authority);
        let mut url = url::Url::parse(&format!("{authority}/adminconsent")).ok()?;
        url.query_pairs_mut()
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", self.redirect_uri.as_str())
            .append_pair("state", state);
        Some(url.into())
    }

    /// Whether people could sign in with a provider at `issuer`: its
    /// discovery document is found and names this issuer, its keys are
    /// published, and its token endpoint is where Lobby may call. When not,
    /// the reason, for the admin who is adding it.
    pub async fn check(&self, issuer: &str) -> Result<(), String> {
        let metadata = self.discover(issuer).await.map_err(|e| match e {
            FederationError::Unavailable(why) | FederationError::Rejected(why) => why,
        })?;
        let token = metadata
            .token_endpoint()
            .ok_or("the discovery document names no token_endpoint")?;
        allowed(token.url(), is_loopback_issuer(issuer)).map_err(|e| e.to_string())?;
        if metadata.jwks().keys().is_empty() {
            return Err(format!("{}: no keys", metadata.jwks_uri().as_str()));
        }
        Ok(())
    }

    fn client(
        &self,
        metadata: &CoreProviderMetadata,
        provider: &ProviderClient,
    ) -> openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.expose().clone())),
        )
        .set_redirect_uri(self.redirect_uri.clone())
    }

    /// The provider's authorization URL for a new flow. `login_hint` fills
    /// in the invited address; `ask_again` makes the provider ask who is
    /// signing in instead of reusing its session.
    pub async fn authorize(
        &self,
        provider: &ProviderClient,
        login_hint: &str,
        ask_again: Option<CoreAuthPrompt>,
    ) -> Result<Authorization, FederationError> {
        let discovered = self.metadata(provider, false).await?;
        let client = self.client(&discovered.metadata, provider);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .add_extra_param("login_hint", login_hint)
            .set_pkce_challenge(challenge);
        if let Some(prompt) = ask_again {
            request = request.add_prompt(prompt);
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the returned code and verifies the ID token it brings.
    pub async fn redeem(
        &self,
        provider: &ProviderClient,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, FederationError> {
        let discovered = self.metadata(provider, false).await?;
        let client = self.client(&discovered.metadata, provider);
        let http = self.outbound.for_issuer(&provider.issuer);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| FederationError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&http)
            .await
            .map_err(|e| {
                FederationError::Rejected(format!("token request: {}", error_chain(&e)))
            })?;
        let raw = response
            .id_token()
            .ok_or_else(|| FederationError::Rejected("no ID token".into()))?
            .to_string();
        let token: LobbyIdToken = raw
            .parse()
            .map_err(|e| FederationError::Rejected(format!("ID token: {e}")))?;
        let nonce = Nonce::new(nonce.to_owned());
        match verify(&discovered.metadata, provider, &token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // A key the cache does not know: the provider may have
                // rotated its keys since the cache was filled.
                let fresh = self.metadata(provider, true).await?;
                verify(&fresh.metadata, provider, &token, &nonce)
            }
            checked => checked,
        }
        .map_err(|e| FederationError::Rejected(format!("ID token: {e}")))
    }
}

/// An error with its causes, so the log says why a request was refused.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

/// Only signatures by the provider's published keys count: HMAC with the
/// client secret and `none` are never accepted.
fn asymmetric(alg: &CoreJwsSigningAlgorithm) -> bool {
    !matches!(
        alg,
        CoreJwsSigningAlgorithm::HmacSha256
            | CoreJwsSigningAlgorithm::HmacSha384
            | CoreJwsSigningAlgorithm::HmacSha512
            | CoreJwsSigningAlgorithm::None
    )
}

fn verify(
    metadata: &CoreProviderMetadata,
    provider: &ProviderClient,
    token: &LobbyIdToken,
    nonce: &Nonce,
) -> Result<VerifiedIdentity, ClaimsVerificationError> {
    let algs: Vec<CoreJwsSigningAlgorithm> = metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|a| asymmetric(a))
        .cloned()
        .collect();
    let multi_tenant = any_tenant(&provider.issuer);
    let verifier = CoreIdTokenVerifier::new_public_client(
        ClientId::new(provider.client_id.clone()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
    .set_allowed_algs(algs)
    .require_issuer_match(!multi_tenant);
    let claims = token.claims(&verifier, nonce)?;
    let issuer = claims.issuer().as_str().to_owned();
    let mut email_verified = claims.email_verified();
    if multi_tenant {
        let tenant = claims.additional_claims();
        email_verified = email_verified.or(tenant.domain_owner_verified());
        let tid = tenant.tid.as_deref().unwrap_or_default();
        if tenant_issuer(&provider.issuer, tid).as_deref() != Some(issuer.as_str()) {
            return Err(ClaimsVerificationError::InvalidIssuer(format!(
                "{issuer} is not the issuer of tenant {tid:?}"
            )));
        }
    }
    Ok(VerifiedIdentity {
        issuer,
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified,
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
    })
}

/// The issuer a multi-tenant template names for tenant `tid`; none for a
/// tenant id that is not one (Microsoft's are GUIDs).
pub fn tenant_issuer(template: &str, tid: &str) -> Option<String> {
    let plausible = !tid.is_empty()
        && tid.len() <= 64
        && tid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then(|| template.replace(TENANT_PLACEHOLDER, tid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::outbound::tests as outbound_tests;
    use chrono::{Duration, Utc};
    use openidconnect::core::{
        CoreJsonWebKey, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
    };
    use openidconnect::{
        Audience, AuthUrl, EmptyAdditionalProviderMetadata, EndUserEmail, IdTokenClaims,
        JsonWebKeyId, JsonWebKeySetUrl, PrivateSigningKey, ResponseTypes, StandardClaims,
        SubjectIdentifier,
    };
    use serde_json::json;

    /// A key made for these tests only.
    const TEST_KEY: &str = include_str!("test-signing-key.pem");
    const ISSUER: &str = "https://idp.contoso.example";
    const TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

    fn signing_key(kid: &str) -> CoreRsaPrivateSigningKey {
        CoreRsaPrivateSigningKey::from_pem(TEST_KEY, Some(JsonWebKeyId::new(kid.into()))).unwrap()
    }

    /// The provider's published metadata, with its keys.
    fn metadata(issuer: &str, keys: Vec<CoreJsonWebKey>) -> CoreProviderMetadata {
        CoreProviderMetadata::new(
            IssuerUrl::new(issuer.into()).unwrap(),
            AuthUrl::new(format!("{ISSUER}/auth")).unwrap(),
            JsonWebKeySetUrl::new(format!("{ISSUER}/jwks")).unwrap(),
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Public],
            vec![
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                CoreJwsSigningAlgorithm::HmacSha256,
            ],
            EmptyAdditionalProviderMetadata {},
        )
        .set_jwks(CoreJsonWebKeySet::new(keys))
    }

    fn provider(issuer: &str) -> ProviderClient {
        ProviderClient {
            id: Uuid::nil(),
            issuer: issuer.into(),
            client_id: "lobby".into(),
            client_secret: Secret::new("client-secret".into()),
        }
    }

    /// What a token says; each test changes one thing.
    struct Token {
        iss: String,
        aud: String,
        expires_in: Duration,
        nonce: String,
        tid: Option<String>,
        xms_edov: Option<serde_json::Value>,
        kid: &'static str,
    }

    impl Default for Token {
        fn default() -> Self {
            Token {
                iss: ISSUER.into(),
                aud: "lobby".into(),
                expires_in: Duration::minutes(5),
                nonce: "n-0S6_WzA2Mj".into(),
                tid: None,
                xms_edov: None,
                kid: "key-1",
            }
        }
    }

    impl Token {
        fn sign(&self) -> LobbyIdToken {
            let now = Utc::now();
            let claims = IdTokenClaims::new(
                IssuerUrl::new(self.iss.clone()).unwrap(),
                vec![Audience::new(self.aud.clone())],
                now + self.expires_in,
                now - Duration::minutes(1),
                StandardClaims::new(SubjectIdentifier::new("subject-1".into()))
                    .set_email(Some(EndUserEmail::new("ann@contoso.example".into())))
                    .set_email_verified(self.xms_edov.is_none().then_some(true)),
                TenantClaim {
                    tid: self.tid.clone(),
                    xms_edov: self.xms_edov.clone(),
                },
            )
            .set_nonce(Some(Nonce::new(self.nonce.clone())));
            LobbyIdToken::new(
                claims,
                &signing_key(self.kid),
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                None,
                None,
            )
            .unwrap()
        }
    }

    fn check(
        meta: &CoreProviderMetadata,
        p: &ProviderClient,
        token: &Token,
    ) -> Result<VerifiedIdentity, ClaimsVerificationError> {
        verify(meta, p, &token.sign(), &Nonce::new("n-0S6_WzA2Mj".into()))
    }

    #[test]
    fn an_id_token_counts_only_with_its_signature_issuer_audience_expiry_and_nonce() {
        let keys = vec![signing_key("key-1").as_verification_key()];
        let meta = metadata(ISSUER, keys);
        let p = provider(ISSUER);
        let ok = check(&meta, &p, &Token::default()).unwrap();
        assert_eq!(
            (
                ok.issuer.as_str(),
                ok.subject.as_str(),
                ok.email.as_deref(),
                ok.email_verified
            ),
            (ISSUER, "subject-1", Some("ann@contoso.example"), Some(true))
        );

        let wrong = |token: Token| check(&meta, &p, &token).unwrap_err();
        assert!(matches!(
            wrong(Token {
                iss: "https://evil.example".into(),
                ..Token::default()
            }),
            ClaimsVerificationError::InvalidIssuer(_)
        ));
        assert!(matches!(
            wrong(Token {
                aud: "another-client".into(),
                ..Token::default()
            }),
            ClaimsVerificationError::InvalidAudience(_)
        ));
        assert!(matches!(
            wrong(Token {
                expires_in: Duration::minutes(-2),
                ..Token::default()
            }),
            ClaimsVerificationError::Expired(_)
        ));
        assert!(matches!(
            wrong(Token {
                nonce: "another-flow".into(),
                ..Token::default()
            }),
            ClaimsVerificationError::InvalidNonce(_)
        ));
        assert!(matches!(
            wrong(Token {
                kid: "key-2",
                ..Token::default()
            }),
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey
            )
        ));

        // A token signed by another key under the published key's id.
        let token = Token::default().sign().to_string();
        let (head_body, _) = token.rsplit_once('.').unwrap();
        let forged: LobbyIdToken = format!("{head_body}.AAAA").parse().unwrap();
        let nonce = Nonce::new("n-0S6_WzA2Mj".into());
        assert!(matches!(
            verify(&meta, &p, &forged, &nonce),
            Err(ClaimsVerificationError::SignatureVerification(_))
        ));
        // An unsigned token (`alg: none`) with the same claims.
        let body = head_body.split_once('.').unwrap().1;
        let none_header = "eyJhbGciOiJub25lIn0"; // {"alg":"none"}
        let accepted = format!("{none_header}.{body}.")
            .parse::<LobbyIdToken>()
            .ok()
            .and_then(|unsigned| verify(&meta, &p, &unsigned, &nonce).ok());
        assert_eq!(accepted, None);
    }

    #[test]
    fn a_multi_tenant_token_names_the_issuer_of_its_own_tenant() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let keys = vec![signing_key("key-1").as_verification_key()];
        let meta = metadata(template, keys);
        let p = provider(template);
        let tenant_issuer = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
        let ok = check(
            &meta,
            &p,
            &Token {
                iss: tenant_issuer.clone(),
                tid: Some(TENANT.into()),
                ..Token::default()
            },
        )
        .unwrap();
        assert_eq!(ok.issuer, tenant_issuer);
        for (iss, tid) in [
            (tenant_issuer.as_str(), None),
            (
                tenant_issuer.as_str(),
                Some("00000000-0000-0000-0000-000000000001"),
            ),
            ("https://evil.example/v2.0", Some(TENANT)),
        ] {
            let token = Token {
                iss: iss.into(),
                tid: tid.map(str::to_owned),
                ..Token::default()
            };
            assert!(
                matches!(
                    check(&meta, &p, &token),
                    Err(ClaimsVerificationError::InvalidIssuer(_))
                ),
                "{iss} {tid:?}"
            );
        }
    }

    #[test]
    fn a_multi_tenant_address_is_verified_only_when_the_tenant_owns_its_domain() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let meta = metadata(template, vec![signing_key("key-1").as_verification_key()]);
        let p = provider(template);
        let verified = |edov: Option<serde_json::Value>| {
            let token = Token {
                iss: format!("https://login.microsoftonline.com/{TENANT}/v2.0"),
                tid: Some(TENANT.into()),
                xms_edov: edov.clone(),
                ..Token::default()
            };
            check(&meta, &p, &token).unwrap().email_verified
        };
        assert_eq!(verified(Some(json!(true))), Some(true));
        assert_eq!(verified(Some(json!(1))), Some(true));
        assert_eq!(verified(Some(json!("1"))), Some(true));
        assert_eq!(verified(Some(json!(false))), Some(false));
        assert_eq!(verified(Some(json!(0))), Some(false));
        assert_eq!(verified(Some(json!({}))), Some(false));
        assert_eq!(verified(None), Some(true), "email_verified as sent");
    }

    #[test]
    fn a_tenant_fills_in_the_template_only_with_a_tenant_id() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert_eq!(
            tenant_issuer(template, "9188040d-6c67-4c5b-b112-36a304b66dad").as_deref(),
            Some("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0")
        );
        for bad in ["", "../evil", "a/b", "x.example"] {
            assert_eq!(tenant_issuer(template, bad), None, "{bad}");
        }
    }

    #[test]
    fn only_asymmetric_signatures_count() {
        assert!(asymmetric(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256));
        assert!(asymmetric(&CoreJwsSigningAlgorithm::EcdsaP256Sha256));
        assert!(!asymmetric(&CoreJwsSigningAlgorithm::HmacSha256));
        assert!(!asymmetric(&CoreJwsSigningAlgorithm::None));
    }

    /// A provider on loopback whose discovery document sends Lobby's key
    /// request off loopback (to cloud metadata, say) is not followed there.
    #[tokio::test]
    async fn a_discovery_document_cannot_send_lobby_off_the_providers_ground() {
        let federation = Federation::new("http://127.0.0.1:3000/auth/callback").unwrap();
        let document = |base: &str, jwks: &str| {
            serde_json::json!({
                "issuer": base,
                "authorization_endpoint": format!("{base}/auth"),
                "token_endpoint": format!("{base}/token"),
                "jwks_uri": jwks,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })
            .to_string()
        };
        let serving = |jwks: &'static str| {
            move |base: &str| {
                let jwks = jwks.replace("{base}", base);
                vec![
                    ("/.well-known/openid-configuration", document(base, &jwks)),
                    ("/jwks", r#"{"keys":[]}"#.to_owned()),
                ]
            }
        };
        let hostile = outbound_tests::provider(serving("http://169.254.169.254/latest/")).await;
        let refused = federation
            .discover(&hostile)
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("keep every URL on loopback"), "{refused}");
        // The same provider with its keys at home is fine.
        let honest = outbound_tests::provider(serving("{base}/jwks")).await;
        assert!(federation.discover(&honest).await.is_ok());
    }
}
