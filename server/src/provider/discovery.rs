//! What `/.well-known/openid-configuration` says (OpenID Connect
//! Discovery 1.0, RFC 8414): where each endpoint is, and that Lobby does
//! the code flow with PKCE S256 only, signs with RS256, and names itself
//! in authorization responses (RFC 9207).

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthUrl, IssuerUrl, JsonWebKeySetUrl, ProviderMetadata,
    ResponseTypes, Scope, TokenUrl, UserInfoUrl,
};
use serde::{Deserialize, Serialize};

use super::apps::SCOPES;

pub const AUTHORIZE_PATH: &str = "/oidc/authorize";
pub const TOKEN_PATH: &str = "/oidc/token";
pub const USERINFO_PATH: &str = "/oidc/userinfo";
pub const JWKS_PATH: &str = "/oidc/jwks";
pub const LOGOUT_PATH: &str = "/oidc/logout";

/// Claims beyond OpenID Connect's that the tokens carry.
pub const LOBBY_CLAIMS: [&str; 6] = [
    "org_id",
    "org_slug",
    "company_id",
    "company_name",
    "company_role",
    "terms_version",
];

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Extra {
    pub end_session_endpoint: String,
    pub code_challenge_methods_supported: Vec<String>,
    pub authorization_response_iss_parameter_supported: bool,
}

impl AdditionalProviderMetadata for Extra {}

pub type Metadata = ProviderMetadata<
    Extra,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The issuer of `public_url`: the URL without its trailing slash.
pub fn issuer_of(public_url: &url::Url) -> String {
    public_url.as_str().trim_end_matches('/').to_owned()
}

/// The provider's metadata for the issuer `issuer`.
pub fn metadata(issuer: &str) -> Result<Metadata, url::ParseError> {
    let at = |path: &str| format!("{issuer}{path}");
    let standard = [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "amr",
        "azp",
        "email",
        "email_verified",
        "name",
        "locale",
    ];
    let claims = standard
        .iter()
        .chain(LOBBY_CLAIMS.iter())
        .map(|c| CoreClaimName::new((*c).to_owned()))
        .collect();
    let extra = Extra {
        end_session_endpoint: at(LOGOUT_PATH),
        code_challenge_methods_supported: vec!["S256".into()],
        authorization_response_iss_parameter_supported: true,
    };
    Ok(Metadata::new(
        IssuerUrl::new(issuer.to_owned())?,
        AuthUrl::new(at(AUTHORIZE_PATH))?,
        JsonWebKeySetUrl::new(at(JWKS_PATH))?,
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        extra,
    )
    .set_token_endpoint(Some(TokenUrl::new(at(TOKEN_PATH))?))
    .set_userinfo_endpoint(Some(UserInfoUrl::new(at(USERINFO_PATH))?))
    .set_scopes_supported(Some(
        SCOPES.iter().map(|s| Scope::new((*s).to_owned())).collect(),
    ))
    .set_response_modes_supported(Some(vec![CoreResponseMode::Query]))
    .set_grant_types_supported(Some(vec![CoreGrantType::AuthorizationCode]))
    .set_token_endpoint_auth_methods_supported(Some(vec![
        CoreClientAuthMethod::ClientSecretBasic,
        CoreClientAuthMethod::ClientSecretPost,
        CoreClientAuthMethod::None,
    ]))
    .set_claims_supported(Some(claims))
    .set_request_parameter_supported(Some(false))
    .set_request_uri_parameter_supported(Some(false)))
}
