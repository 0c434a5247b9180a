//! Operator sign-in and sign-out, and the layer that puts the signed-in
//! operator into each request and keeps everyone else out of `/admin`.

use app::model::email::normalize_email;
use app::model::operator::{same_token, CurrentOperator, Role, SessionId, UserId};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::client_address::client_address;
use super::replies::{busy, in_even_time, internal, too_many};
use super::AppState;
use crate::auth::password_attempts::Before;
use crate::auth::rate_limit::{self, SIGN_IN_PER_ADDRESS};
use crate::auth::{password, session};
use crate::metrics::SignInOutcome;
use crate::operators::role_in;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::user;

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

fn cookie_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    state.cookie.token_in(headers)
}

/// `POST /admin/login`. Unknown addresses and wrong passwords get the same
/// redirect after the same argon2 work, in even time, so neither reveals
/// which it was.
pub async fn sign_in(State(state): State<AppState>, request: Request) -> Response {
    let address = client_address(request.extensions());
    let headers = request.headers().clone();
    let Ok(Form(form)) = Form::<SignInForm>::from_request(request, &state).await else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected the fields email and password",
        )
            .into_response();
    };
    let response = in_even_time(async {
        match try_sign_in(&state, &address, &headers, form).await {
            Ok(response) => response,
            Err(e) => internal(e),
        }
    })
    .await;
    // Signed in: on to the dashboard with a session cookie.
    let outcome = match response.status() {
        StatusCode::TOO_MANY_REQUESTS => Some(SignInOutcome::RateLimited),
        _ if response.headers().contains_key(header::SET_COOKIE) => Some(SignInOutcome::SignedIn),
        StatusCode::SEE_OTHER => Some(SignInOutcome::Refused),
        _ => None,
    };
    if let Some(outcome) = outcome {
        state.metrics.sign_in("operator", outcome);
    }
    response
}

async fn try_sign_in(
    state: &AppState,
    address: &str,
    headers: &HeaderMap,
    form: SignInForm,
) -> Result<Response, DbErr> {
    let clock = state.clock.as_ref();
    let email = normalize_email(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    let attempt = crate::operators::password_attempt(&email, address);
    let address_ok = rate_limit::hit(
        &state.db,
        &rate_limit::per_client("operator-sign-in", address),
        SIGN_IN_PER_ADDRESS,
        clock,
    )
    .await?;
    if !address_ok {
        tracing::warn!(%address, "operator sign-in rate-limited");
        return Ok(too_many(headers, "/admin/login"));
    }
    match attempt.begin(&state.db, clock).await? {
        Before::Refused => {
            tracing::warn!(%address, "operator sign-in refused: this client failed too often");
            return Ok(too_many(headers, "/admin/login"));
        }
        Before::Check(delay) => tokio::time::sleep(delay).await,
    }

    let candidate = operator_by_email(state, &email).await?;
    let stored = candidate
        .as_ref()
        .and_then(|(u, _)| u.password_hash.clone());
    let Ok(verified) = password::verify(Secret::new(form.password), stored).await else {
        return Ok(busy());
    };
    let Some((user, _)) = candidate.filter(|_| verified) else {
        return Ok(Redirect::to("/admin/login?error=credentials").into_response());
    };

    attempt.succeeded(&state.db).await?;
    // A new session id at every sign-in; the one presented before is ended.
    if let Some(old) = cookie_token(state, headers) {
        session::end(&state.db, &old).await?;
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let from = session::StartedFrom {
        agent: agent.to_owned(),
        address: address.to_owned(),
    };
    let token = session::start(&state.db, user.id, from, clock).await?;
    audit(
        state,
        user.id,
        "operator.signed_in",
        json!({ "address": address }),
    )
    .await?;
    let mut response = Redirect::to("/admin").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&state.cookie.set(&token)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /admin/logout`: ends the session on the server. Needs the session's CSRF token.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(token) = cookie_token(&state, &headers) else {
        return Redirect::to("/admin/login").into_response();
    };
    let result = async {
        let Some(active) = session::resume(&state.db, &token, state.clock.as_ref()).await? else {
            return Ok(Redirect::to("/admin/login?notice=expired").into_response());
        };
        if !same_token(&active.csrf, &form.csrf) {
            return Ok((StatusCode::FORBIDDEN, "missing or wrong CSRF token").into_response());
        }
        session::end(&state.db, &token).await?;
        audit(&state, active.user_id, "operator.signed_out", json!({})).await?;
        let mut response = Redirect::to("/admin/login?notice=signed_out").into_response();
        if let Ok(cookie) = HeaderValue::from_str(&state.cookie.clear()) {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }
    .await;
    result.unwrap_or_else(internal)
}

/// Resolves the session cookie into a [`CurrentOperator`] request extension,
/// and sends anyone without one from `/admin` pages to the sign-in page.
pub async fn load_operator(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(token) = cookie_token(&state, request.headers()) {
        match current(&state, &token).await {
            Ok(Some(operator)) => {
                request.extensions_mut().insert(operator);
            }
            Ok(None) => {}
            Err(e) => return internal(e),
        }
    }
    let path = request.uri().path();
    let open = ["/admin/login", "/admin/logout", "/admin/set-password"];
    let protected = (path == "/admin" || path.starts_with("/admin/")) && !open.contains(&path);
    let signed_in = request.extensions().get::<CurrentOperator>().is_some();
    if protected && !signed_in {
        return Redirect::to("/admin/login").into_response();
    }
    let mut response = next.run(request).await;
    if signed_in {
        response
            .extensions_mut()
            .insert(super::compression::CarriesSecrets);
    }
    response
}

async fn current(state: &AppState, token: &str) -> Result<Option<CurrentOperator>, DbErr> {
    let Some(active) = session::resume(&state.db, token, state.clock.as_ref()).await? else {
        return Ok(None);
    };
    let Some(user) = user::Entity::find_by_id(active.user_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let role = role_in(&state.db, state.organization_id, user.id).await?;
    Ok(role.map(|role| CurrentOperator {
        email: user.email,
        display_name: user.display_name,
        role,
        csrf: active.csrf,
        id: UserId(user.id),
        session: SessionId(active.id),
    }))
}

async fn operator_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<(user::Model, Role)>, DbErr> {
    let Some(user) = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let role = role_in(&state.db, state.organization_id, user.id).await?;
    Ok(role.map(|role| (user, role)))
}

async fn audit(
    state: &AppState,
    actor: Uuid,
    action: &str,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    let entry = AuditEntry {
        organization_id: Some(state.organization_id),
        actor_id: Some(actor),
        action,
        target_type: "user",
        target_id: actor.to_string(),
        details,
    };
    audit::record(&state.db, entry, state.clock.as_ref()).await
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    token: String,
    password: String,
}

/// `POST /admin/set-password`: the password from a new operator's link.
pub async fn set_password(
    State(state): State<AppState>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    use crate::operators::onboarding::{self, SetPasswordError};
    use app::model::password::PasswordProblem;
    let again = |error: &str| {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        url.append_pair("token", &form.token)
            .append_pair("error", error);
        Redirect::to(&format!("/admin/set-password?{}", url.finish())).into_response()
    };
    match onboarding::set_password(
        &state.db,
        &form.token,
        Secret::new(form.password.clone()),
        state.clock.as_ref(),
    )
    .await
    {
        Ok(()) => Redirect::to("/admin/login?notice=password_set").into_response(),
        Err(SetPasswordError::InvalidLink) => again("link"),
        Err(SetPasswordError::Password(PasswordProblem::TooShort { .. })) => again("short"),
        Err(SetPasswordError::Password(PasswordProblem::TooLong { .. })) => again("long"),
        Err(SetPasswordError::Password(PasswordProblem::Common)) => again("common"),
        Err(SetPasswordError::Hash(e)) => internal(DbErr::Custom(e.to_string())),
        Err(SetPasswordError::Database(e)) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /setup`: the first admin, from the link `lobby serve` logged. On
/// refusal back to the form, with what was typed but the password.
pub async fn setup(State(state): State<AppState>, Form(form): Form<SetupForm>) -> Response {
    use crate::operators::first_admin::{self, FirstAdmin, SetupError};
    use app::model::email::EmailProblem;
    use app::model::password::PasswordProblem;
    let again = |error: &str| {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        url.append_pair("token", &form.token)
            .append_pair("email", &form.email)
            .append_pair("name", &form.name)
            .append_pair("error", error);
        Redirect::to(&format!("{}?{}", first_admin::PATH, url.finish())).into_response()
    };
    let admin = FirstAdmin {
        token: &form.token,
        email: &form.email,
        name: &form.name,
        password: Secret::new(form.password.clone()),
    };
    match first_admin::complete(
        &state.db,
        state.organization_id,
        admin,
        state.clock.as_ref(),
    )
    .await
    {
        Ok(_) => Redirect::to("/admin/login?notice=admin_created").into_response(),
        // The page says which: a link that does not work, or no page at all.
        Err(SetupError::InvalidLink | SetupError::Gone) => again("link"),
        Err(SetupError::Email(EmailProblem::Empty)) => again("email-empty"),
        Err(SetupError::Email(EmailProblem::TooLong)) => again("email-long"),
        Err(SetupError::Email(EmailProblem::Malformed)) => again("email"),
        Err(SetupError::Email(EmailProblem::MixedScripts)) => again("email-scripts"),
        Err(SetupError::Password(PasswordProblem::TooShort { .. })) => again("short"),
        Err(SetupError::Password(PasswordProblem::TooLong { .. })) => again("long"),
        Err(SetupError::Password(PasswordProblem::Common)) => again("common"),
        Err(SetupError::Exists) => again("exists"),
        Err(SetupError::Hash(e)) => internal(DbErr::Custom(e.to_string())),
        Err(SetupError::Database(e)) => internal(e),
    }
}
