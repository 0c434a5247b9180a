//! The authorization endpoint's rules (OpenID Connect Core 3.1.2, RFC 6749
//! 4.1, RFC 7636, RFC 9207): the code flow only, PKCE S256 for every app,
//! exact redirect URIs. Errors are sent back to the app only once its
//! client id and redirect URI are known to be its own; before that, the
//! browser gets an error page and goes nowhere.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Deserialize;
use uuid::Uuid;

use super::apps;
use super::claims::{standing, Standing};
use super::CODE_LIFETIME;
use crate::clock::Clock;
use crate::store::entities::{authorization_grant, client_app};

/// The request's parameters as the app sent them (query or form).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Request {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
    pub response_mode: Option<String>,
}

/// Why no app is told anything: the browser stays with Lobby.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unverified {
    UnknownClient,
    /// Missing, or not exactly one of the app's.
    RedirectUri,
}

/// An error for the app, sent to its verified redirect URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppError {
    pub redirect_uri: String,
    pub error: &'static str,
    pub description: &'static str,
    pub state: Option<String>,
}

/// What the customer is asked to do before the app gets a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Sign in if need be.
    Default,
    /// Never show a page: answer at once.
    None,
    /// Sign in again even when signed in.
    Login,
}

/// A request whose app, redirect URI and parameters are in order.
#[derive(Clone, Debug)]
pub struct Checked {
    pub app: client_app::Model,
    pub redirect_uri: String,
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
}

impl Checked {
    pub fn refuse(&self, error: &'static str, description: &'static str) -> AppError {
        AppError {
            redirect_uri: self.redirect_uri.clone(),
            error,
            description,
            state: self.state.clone(),
        }
    }
}

pub enum Checking {
    Valid(Box<Checked>),
    Unverified(Unverified),
    Refused(AppError),
}

fn is_challenge(value: &str) -> bool {
    // BASE64URL(SHA-256(verifier)) without padding: 43 characters.
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks an authorization request, in the order that decides who hears
/// of a problem: the app, its redirect URI, then the rest.
pub async fn check(db: &impl ConnectionTrait, request: &Request) -> Result<Checking, DbErr> {
    let Some(client_id) = request.client_id.as_deref() else {
        return Ok(Checking::Unverified(Unverified::UnknownClient));
    };
    let Some(app) = apps::by_client_id(db, client_id).await? else {
        return Ok(Checking::Unverified(Unverified::UnknownClient));
    };
    let Some(redirect_uri) = request
        .redirect_uri
        .as_deref()
        .filter(|uri| apps::redirect_uris(&app).iter().any(|r| r == *uri))
    else {
        return Ok(Checking::Unverified(Unverified::RedirectUri));
    };
    let refuse = |error, description| {
        Ok(Checking::Refused(AppError {
            redirect_uri: redirect_uri.to_owned(),
            error,
            description,
            state: request.state.clone(),
        }))
    };
    if request.request.is_some() {
        return refuse("request_not_supported", "request objects are not supported");
    }
    if request.request_uri.is_some() {
        return refuse("request_uri_not_supported", "request_uri is not supported");
    }
    if request
        .response_mode
        .as_deref()
        .is_some_and(|m| m != "query")
    {
        return refuse("invalid_request", "only response_mode=query is supported");
    }
    match request.response_type.as_deref() {
        Some("code") => {}
        None => return refuse("invalid_request", "response_type is missing"),
        Some(_) => {
            return refuse(
                "unsupported_response_type",
                "only the authorization code flow (response_type=code) is supported",
            )
        }
    }
    let scope: Vec<String> = request
        .scope
        .as_deref()
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if !scope.iter().any(|s| s == "openid") {
        return refuse("invalid_scope", "the scope must include openid");
    }
    let allowed = apps::scopes(&app);
    if scope.iter().any(|s| !allowed.contains(s)) {
        return refuse("invalid_scope", "a scope the app may not ask for");
    }
    let Some(challenge) = request.code_challenge.as_deref() else {
        return refuse(
            "invalid_request",
            "PKCE is required: code_challenge is missing",
        );
    };
    if request.code_challenge_method.as_deref() != Some("S256") {
        return refuse(
            "invalid_request",
            "PKCE: code_challenge_method must be S256",
        );
    }
    if !is_challenge(challenge) {
        return refuse(
            "invalid_request",
            "PKCE: code_challenge is not an S256 challenge",
        );
    }
    let prompt = match request.prompt.as_deref() {
        None | Some("") => Prompt::Default,
        Some("none") => Prompt::None,
        Some("login") => Prompt::Login,
        Some(_) => return refuse("invalid_request", "prompt must be none or login"),
    };
    let max_age = match request.max_age.as_deref() {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => return refuse("invalid_request", "max_age must be a number of seconds"),
        },
    };
    Ok(Checking::Valid(Box::new(Checked {
        redirect_uri: redirect_uri.to_owned(),
        app,
        scope,
        state: request.state.clone(),
        nonce: request.nonce.clone(),
        code_challenge: challenge.to_owned(),
        prompt,
        max_age,
        login_hint: request.login_hint.clone(),
    })))
}

/// The browser's signed-in customer, as their session says.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user_id: Uuid,
    pub auth_time: DateTime<Utc>,
    /// How they signed in (`amr` values).
    pub amr: Vec<String>,
}

/// What the authorization endpoint does with a valid request.
pub enum Decision {
    /// Back to the app with this code.
    Code(String),
    /// Back to the app with this error.
    Refused(AppError),
    /// The customer must sign in (again) first.
    SignIn,
    /// Signed in, but with an invitation of the organization still to finish.
    Unfinished,
    /// Signed in, but this app is not for them.
    NoAccess,
}

/// The code's row key: a code carries 256 random bits, so SHA-256 suffices.
pub(super) fn code_digest(code: &str) -> String {
    crate::secret::token_digest(code)
}

/// Decides a checked request for the browser's customer, if any; issues
/// the code when they may have one.
pub async fn decide(
    db: &impl ConnectionTrait,
    request: &Checked,
    signed_in: Option<&SignedIn>,
    clock: &dyn Clock,
) -> Result<Decision, DbErr> {
    let now = clock.now();
    let fresh = signed_in.filter(|s| match request.max_age {
        Some(max) => (now - s.auth_time).num_seconds() <= max,
        None => true,
    });
    let session = match (request.prompt, fresh) {
        (Prompt::Login, _) | (_, None) => None,
        (_, Some(s)) => Some(s),
    };
    let Some(session) = session else {
        return Ok(match request.prompt {
            Prompt::None => Decision::Refused(
                request.refuse("login_required", "the customer is not signed in to Lobby"),
            ),
            _ => Decision::SignIn,
        });
    };
    let customer = match standing(db, session.user_id, request.app.organization_id).await? {
        Standing::Onboarded(customer) => customer,
        Standing::Unfinished if request.prompt != Prompt::None => return Ok(Decision::Unfinished),
        Standing::Unfinished => {
            return Ok(Decision::Refused(request.refuse(
                "interaction_required",
                "the customer has steps to finish at Lobby",
            )))
        }
        Standing::Stranger if request.prompt != Prompt::None => return Ok(Decision::NoAccess),
        Standing::Stranger => {
            return Ok(Decision::Refused(
                request.refuse("access_denied", "the customer has no invitation"),
            ))
        }
    };
    let admin = customer.company.company_role == "company_admin";
    if request.app.company_admins_only && !admin {
        return Ok(match request.prompt {
            Prompt::None => Decision::Refused(
                request.refuse("access_denied", "the app is for company admins only"),
            ),
            _ => Decision::NoAccess,
        });
    }
    let code = crate::secret::random_token();
    authorization_grant::ActiveModel {
        id: Set(Uuid::new_v4()),
        code_hash: Set(code_digest(&code)),
        app_id: Set(request.app.id),
        user_id: Set(session.user_id),
        organization_id: Set(request.app.organization_id),
        redirect_uri: Set(request.redirect_uri.clone()),
        code_challenge: Set(request.code_challenge.clone()),
        nonce: Set(request.nonce.clone()),
        scope: Set(request.scope.join(" ")),
        auth_time: Set(session.auth_time),
        amr: Set(serde_json::json!(session.amr)),
        created_at: Set(now),
        code_expires_at: Set(now + chrono::Duration::from_std(CODE_LIFETIME).unwrap_or_default()),
        redeemed_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(Decision::Code(code))
}
