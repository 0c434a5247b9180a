//! The token endpoint (RFC 6749 4.1.3, RFC 7636 4.6) and the tokens it
//! issues: an ID token and an access token (a JWT per RFC 9068, its
//! audience the app), both signed with the current key. A code is
//! exchanged once; a second exchange revokes what the first was given.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, Audience, AuthenticationMethodReference, ClientId, IdTokenClaims, IssuerUrl,
    JsonWebKey, Nonce, PrivateSigningKey,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::apps;
use super::authorize::code_digest;
use super::claims::{self, standing, CompanyClaims, Customer, Standing};
use super::keys::{ActiveKey, KeyError, KeySet, SigningKeys};
use super::TOKEN_LIFETIME;
use crate::clock::Clock;
use crate::store::entities::{authorization_grant, client_app};

pub type IdToken = openidconnect::IdToken<
    CompanyClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

const ALG: CoreJwsSigningAlgorithm = CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256;

/// The token request's form fields.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Exchange {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// How the app authenticated: `client_secret_basic` gives these.
pub struct BasicCredentials {
    pub client_id: String,
    pub secret: String,
}

/// An OAuth error of the token endpoint (RFC 6749 5.2).
#[derive(Debug, PartialEq, Eq)]
pub struct TokenError {
    pub error: &'static str,
    pub description: &'static str,
}

impl TokenError {
    fn new(error: &'static str, description: &'static str) -> TokenError {
        TokenError { error, description }
    }

    /// `invalid_client` is answered 401, the others 400.
    pub fn is_client_error(&self) -> bool {
        self.error == "invalid_client"
    }
}

/// What the app receives.
#[derive(Debug, Serialize)]
pub struct Issued {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub id_token: String,
    pub scope: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    Keys(#[from] KeyError),
    #[error("signing: {0}")]
    Signing(String),
}

/// The app the request authenticates as (RFC 6749 2.3.1): by its secret,
/// in the Authorization header or the form, or, for a public app, by its
/// client id alone (PKCE then proves the rest).
async fn authenticated(
    db: &impl ConnectionTrait,
    form: &Exchange,
    basic: Option<BasicCredentials>,
) -> Result<Result<client_app::Model, TokenError>, DbErr> {
    let invalid = || {
        Ok(Err(TokenError::new(
            "invalid_client",
            "client authentication failed",
        )))
    };
    let (client_id, secret) = match (basic, &form.client_secret) {
        (Some(_), Some(_)) => {
            return Ok(Err(TokenError::new(
                "invalid_request",
                "use one client authentication method, not two",
            )))
        }
        (Some(basic), None) => {
            if form
                .client_id
                .as_ref()
                .is_some_and(|id| *id != basic.client_id)
            {
                return invalid();
            }
            (basic.client_id, Some(basic.secret))
        }
        (None, secret) => match &form.client_id {
            Some(id) => (id.clone(), secret.clone()),
            None => return invalid(),
        },
    };
    let Some(app) = apps::by_client_id(db, &client_id).await? else {
        return invalid();
    };
    let valid = match (apps::is_public(&app), secret) {
        (true, None) => true,
        (false, Some(secret)) => apps::secret_matches(&app, &secret),
        _ => false,
    };
    if valid {
        Ok(Ok(app))
    } else {
        invalid()
    }
}

/// Whether `verifier` is one (RFC 7636 4.1) and hashes to `challenge`.
fn pkce_holds(verifier: &str, challenge: &str) -> bool {
    let shaped = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    shaped && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn after(at: DateTime<Utc>, d: std::time::Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(d).unwrap_or_default()
}

/// Exchanges an authorization code for tokens.
pub async fn exchange(
    db: &DatabaseConnection,
    keys: &SigningKeys,
    issuer: &str,
    form: Exchange,
    basic: Option<BasicCredentials>,
    clock: &dyn Clock,
) -> Result<Result<Issued, TokenError>, Failure> {
    let app = match authenticated(db, &form, basic).await? {
        Ok(app) => app,
        Err(e) => return Ok(Err(e)),
    };
    let refuse = |error, description| Ok(Err(TokenError::new(error, description)));
    match form.grant_type.as_deref() {
        Some("authorization_code") => {}
        None => return refuse("invalid_request", "grant_type is missing"),
        Some(_) => {
            return refuse(
                "unsupported_grant_type",
                "only the authorization_code grant is supported",
            )
        }
    }
    let Some(code) = form.code.as_deref() else {
        return refuse("invalid_request", "code is missing");
    };
    let grant = authorization_grant::Entity::find()
        .filter(authorization_grant::Column::CodeHash.eq(code_digest(code)))
        .one(db)
        .await?;
    let Some(grant) = grant.filter(|g| g.app_id == app.id) else {
        return refuse("invalid_grant", "the code is not valid");
    };
    let now = clock.now();
    if grant.redeemed_at.is_some() || grant.revoked_at.is_some() {
        revoke(db, grant.id, now).await?;
        return refuse(
            "invalid_grant",
            "the code was used before; the tokens issued from it are revoked",
        );
    }
    if now > grant.code_expires_at {
        return refuse("invalid_grant", "the code has expired");
    }
    if form.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return refuse(
            "invalid_grant",
            "redirect_uri differs from the authorization request's",
        );
    }
    let Some(verifier) = form.code_verifier.as_deref() else {
        return refuse("invalid_grant", "PKCE: code_verifier is missing");
    };
    if !pkce_holds(verifier, &grant.code_challenge) {
        return refuse("invalid_grant", "PKCE: the code_verifier does not match");
    }
    // Once only, even for two exchanges in the same instant.
    let redeemed = authorization_grant::Entity::update_many()
        .col_expr(authorization_grant::Column::RedeemedAt, Expr::value(now))
        .filter(authorization_grant::Column::Id.eq(grant.id))
        .filter(authorization_grant::Column::RedeemedAt.is_null())
        .filter(authorization_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if redeemed != 1 {
        revoke(db, grant.id, now).await?;
        return refuse(
            "invalid_grant",
            "the code was used before; the tokens issued from it are revoked",
        );
    }
    let Standing::Onboarded(customer) = standing(db, grant.user_id, grant.organization_id).await?
    else {
        return refuse("invalid_grant", "the customer may no longer sign in");
    };
    let set = keys.current(db, clock).await?;
    let issued = mint(&set.signing, issuer, &app, &grant, &customer, now)?;
    Ok(Ok(issued))
}

async fn revoke(db: &impl ConnectionTrait, grant: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    authorization_grant::Entity::update_many()
        .col_expr(authorization_grant::Column::RevokedAt, Expr::value(now))
        .filter(authorization_grant::Column::Id.eq(grant))
        .filter(authorization_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// The access token's claims (RFC 9068 2.2).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
    /// The grant the token was issued from.
    pub jti: Uuid,
    pub scope: String,
    pub auth_time: i64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    kid: String,
}

const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// One part of a JWT: JSON, base64url-encoded.
fn part<T: Serialize>(value: &T) -> Result<String, Failure> {
    let json = serde_json::to_vec(value).map_err(|e| Failure::Signing(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

fn signed_jwt(key: &ActiveKey, claims: &AccessClaims) -> Result<String, Failure> {
    let header = Header {
        alg: super::keys::ALGORITHM.into(),
        typ: Some(ACCESS_TOKEN_TYPE.into()),
        kid: key.kid.clone(),
    };
    let input = format!("{}.{}", part(&header)?, part(claims)?);
    let signature = key
        .key
        .sign(&ALG, input.as_bytes())
        .map_err(|e| Failure::Signing(e.to_string()))?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

fn mint(
    key: &ActiveKey,
    issuer: &str,
    app: &client_app::Model,
    grant: &authorization_grant::Model,
    customer: &Customer,
    now: DateTime<Utc>,
) -> Result<Issued, Failure> {
    let expires = after(now, TOKEN_LIFETIME);
    let scope: Vec<String> = grant.scope.split(' ').map(str::to_owned).collect();
    let access = AccessClaims {
        iss: issuer.to_owned(),
        sub: customer.user.id.to_string(),
        aud: app.client_id.clone(),
        client_id: app.client_id.clone(),
        exp: expires.timestamp(),
        iat: now.timestamp(),
        jti: grant.id,
        scope: grant.scope.clone(),
        auth_time: grant.auth_time.timestamp(),
    };
    let access_token = signed_jwt(key, &access)?;
    let amr: Vec<String> = serde_json::from_value(grant.amr.clone()).unwrap_or_default();
    let issuer_url =
        IssuerUrl::new(issuer.to_owned()).map_err(|e| Failure::Signing(e.to_string()))?;
    let id_claims = IdTokenClaims::new(
        issuer_url,
        vec![Audience::new(app.client_id.clone())],
        expires,
        now,
        claims::standard(customer, &scope),
        customer.company.clone(),
    )
    .set_nonce(grant.nonce.clone().map(Nonce::new))
    .set_auth_time(Some(grant.auth_time))
    .set_auth_method_refs(Some(
        amr.into_iter()
            .map(AuthenticationMethodReference::new)
            .collect(),
    ))
    .set_authorized_party(Some(ClientId::new(app.client_id.clone())));
    let id_token = IdToken::new(
        id_claims,
        &key.key,
        ALG,
        Some(&AccessToken::new(access_token.clone())),
        None,
    )
    .map_err(|e| Failure::Signing(e.to_string()))?;
    Ok(Issued {
        access_token,
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME.as_secs(),
        id_token: id_token.to_string(),
        scope: grant.scope.clone(),
    })
}

/// The header and payload of `token` if Lobby signed it: RS256 by a key
/// it still publishes (any other `alg`, `none` included, is refused).
fn verified_jws(set: &KeySet, token: &str) -> Option<(Header, Vec<u8>)> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decoded: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if decoded.alg != super::keys::ALGORITHM {
        return None;
    }
    let key = set.verifying(&decoded.kid)?;
    let input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    key.verify_signature(&ALG, input.as_bytes(), &signature)
        .ok()?;
    Some((decoded, URL_SAFE_NO_PAD.decode(payload).ok()?))
}

/// The claims of `token` if it is one of Lobby's live access tokens: its
/// header names RS256, `at+jwt` and a published key, the key's signature
/// holds, and it is this issuer's and unexpired.
pub fn verified_access_token(
    set: &KeySet,
    issuer: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Option<AccessClaims> {
    let (header, payload) = verified_jws(set, token)?;
    if header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
        return None;
    }
    let claims: AccessClaims = serde_json::from_slice(&payload).ok()?;
    (claims.iss == issuer && claims.exp > now.timestamp()).then_some(claims)
}

/// Whom an ID token Lobby issued names, and for which app: `(sub,
/// client id)`. Its expiry does not matter: an app hints at who signs out
/// (`id_token_hint`) with the token it has, however old.
pub fn id_token_hint(set: &KeySet, issuer: &str, token: &str) -> Option<(String, String)> {
    let (header, payload) = verified_jws(set, token)?;
    if header.typ.as_deref() == Some(ACCESS_TOKEN_TYPE) {
        return None;
    }
    let claims: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    if claims["iss"] != issuer {
        return None;
    }
    let audience = match &claims["aud"] {
        serde_json::Value::String(one) => one.clone(),
        serde_json::Value::Array(all) if all.len() == 1 => all[0].as_str()?.to_owned(),
        _ => return None,
    };
    Some((claims["sub"].as_str()?.to_owned(), audience))
}

/// What the userinfo endpoint answers for a verified access token: the
/// customer's claims, while the grant stands and they are still onboarded.
pub async fn userinfo(
    db: &impl ConnectionTrait,
    token: &AccessClaims,
) -> Result<Option<serde_json::Value>, DbErr> {
    let Some(grant) = authorization_grant::Entity::find_by_id(token.jti)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if grant.revoked_at.is_some() || grant.user_id.to_string() != token.sub {
        return Ok(None);
    }
    let Standing::Onboarded(customer) = standing(db, grant.user_id, grant.organization_id).await?
    else {
        return Ok(None);
    };
    let scope: Vec<String> = grant.scope.split(' ').map(str::to_owned).collect();
    let amr: Vec<String> = serde_json::from_value(grant.amr.clone()).unwrap_or_default();
    Ok(serde_json::to_value(claims::userinfo(&customer, &scope, amr)).ok())
}
