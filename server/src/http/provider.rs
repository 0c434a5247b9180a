//! Lobby's OpenID provider endpoints for the seller's apps: discovery, the
//! keys, authorize (a browser's page), token and userinfo (called by the
//! apps, with no cookies, so the same-origin check leaves them alone).

use app::fill;
use app::i18n::Locale;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sea_orm::EntityTrait;

use super::replies::{internal, short_page};
use super::AppState;
use crate::auth::session::{self, Visit};
use crate::html;
use crate::html::Html;
use crate::provider::authorize::{self, AppError, Checking, Decision, SignedIn, Unverified};
use crate::provider::claims::amr_of;
use crate::provider::discovery::{issuer_of, metadata, LOGOUT_PATH};
use crate::provider::logout;
use crate::provider::pending;
use crate::provider::token::{self, BasicCredentials, Exchange, Failure};
use crate::store::entities::organization;

fn issuer(state: &AppState) -> String {
    issuer_of(&state.public_url)
}

fn cached_for(seconds: u32, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={seconds}")) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

pub async fn discovery(State(state): State<AppState>) -> Response {
    match metadata(&issuer(&state)) {
        Ok(metadata) => cached_for(300, Json(metadata)),
        Err(e) => {
            tracing::error!(error = %e, "LOBBY_PUBLIC_URL does not make an issuer");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "OpenID provider");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, super::replies::RETRY_AFTER_SECONDS)],
        "service unavailable",
    )
        .into_response()
}

/// The public keys. Apps may cache them for a minute: a new key is
/// published minutes before it signs.
pub async fn jwks(State(state): State<AppState>) -> Response {
    match state
        .signing_keys
        .current(&state.db, state.clock.as_ref())
        .await
    {
        Ok(set) => cached_for(60, Json(set.jwks())),
        Err(e) => unavailable(e),
    }
}

/// Back to the app's verified redirect URI with `parameters`, and `iss`
/// (RFC 9207) so that the app knows who answered.
fn back_to_app(redirect_uri: &str, issuer: &str, parameters: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    url.query_pairs_mut()
        .extend_pairs(parameters)
        .append_pair("iss", issuer);
    Redirect::to(url.as_str()).into_response()
}

fn refused(error: &AppError, issuer: &str) -> Response {
    let mut parameters = vec![
        ("error", error.error),
        ("error_description", error.description),
    ];
    if let Some(state) = &error.state {
        parameters.push(("state", state));
    }
    back_to_app(&error.redirect_uri, issuer, &parameters)
}

fn signed_in(visit: Option<&Visit>) -> Option<SignedIn> {
    let visit = visit?;
    let (method, at) = visit.sign_in()?;
    Some(SignedIn {
        user_id: visit.user_id?,
        auth_time: at,
        amr: amr_of(method),
    })
}

/// The authorization endpoint: a code for a signed-in, onboarded customer;
/// a page saying what to do for anyone else.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Option<Extension<Visit>>,
    RawQuery(query): RawQuery,
    request: Result<Query<authorize::Request>, QueryRejection>,
) -> Response {
    let s = Locale::of_request(&headers).server_strings();
    let page = |status, title, message, link: Option<(&str, &str)>| {
        let mut page = short_page(&headers, status, title, message, link);
        page.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        page
    };
    // A parameter given twice (RFC 6749 3.1) or not text: nobody is verified yet.
    let Ok(Query(request)) = request else {
        return page(
            StatusCode::BAD_REQUEST,
            s.app_link_invalid_title,
            s.app_unknown_client,
            None,
        );
    };
    let checked = match authorize::check(&state.db, &request).await {
        Ok(Checking::Valid(checked)) => checked,
        Ok(Checking::Refused(error)) => return refused(&error, &issuer(&state)),
        Ok(Checking::Unverified(why)) => {
            let message = match why {
                Unverified::UnknownClient => s.app_unknown_client,
                Unverified::RedirectUri => s.app_unregistered_redirect,
            };
            return page(
                StatusCode::BAD_REQUEST,
                s.app_link_invalid_title,
                message,
                None,
            );
        }
        Err(e) => return internal(e),
    };
    let session = signed_in(visit.as_deref());
    let decision =
        authorize::decide(&state.db, &checked, session.as_ref(), state.clock.as_ref()).await;
    let decision = match decision {
        Ok(decision) => decision,
        Err(e) => return internal(e),
    };
    // The app's answers first: on the path to its callback, nothing else is read.
    match decision {
        Decision::Code(code) => {
            if let Some(visit) = visit.as_deref() {
                if let Err(e) = pending::clear(&state.db, visit).await {
                    return internal(e);
                }
            }
            let mut parameters = vec![("code", code.as_str())];
            if let Some(app_state) = &checked.state {
                parameters.push(("state", app_state));
            }
            return back_to_app(&checked.redirect_uri, &issuer(&state), &parameters);
        }
        Decision::Refused(error) => return refused(&error, &issuer(&state)),
        Decision::SignIn | Decision::Unfinished | Decision::NoAccess => {}
    }
    let org = match organization::Entity::find_by_id(checked.app.organization_id)
        .one(&state.db)
        .await
    {
        Ok(Some(org)) => org,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    };
    let sign_in = sign_in_address(&org.slug, checked.login_hint.as_deref());
    let cookie = match decision {
        Decision::SignIn | Decision::Unfinished => {
            let query = query.as_deref().unwrap_or_default();
            match keep_waiting(&state, visit.as_deref(), &checked.app.name, query).await {
                Ok(cookie) => cookie,
                Err(e) => return internal(e),
            }
        }
        _ => None,
    };
    let (status, title, body, link) = match decision {
        Decision::SignIn => (
            StatusCode::OK,
            s.app_sign_in_title,
            fill!(s, app_sign_in_body, org = &org.name),
            true,
        ),
        Decision::Unfinished => (
            StatusCode::OK,
            s.app_unfinished_title,
            fill!(s, app_unfinished_body, org = &org.name),
            true,
        ),
        _ => (
            StatusCode::FORBIDDEN,
            s.app_no_access_title,
            fill!(s, app_no_access_body, org = &org.name),
            false,
        ),
    };
    let link_text = fill!(s, app_sign_in_link, org = &org.name);
    let mut response = page(
        status,
        title,
        &body,
        link.then_some((sign_in.as_str(), link_text.as_str())),
    );
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The organization's sign-in, with the address the app hinted at
/// (`login_hint`) filled in when it is one.
fn sign_in_address(slug: &str, hint: Option<&str>) -> String {
    let page = format!("/t/{slug}/signin");
    match hint.and_then(|h| app::model::email::normalize_email(h).ok()) {
        Some(email) => {
            let email: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
            format!("{page}?email={email}")
        }
        None => page,
    }
}

/// Keeps the app's request in the customer's session (starting one for a
/// browser that has none), which goes with them through sign-in to the
/// welcome page, where the app waits for them; the cookie of a new session.
async fn keep_waiting(
    state: &AppState,
    visit: Option<&Visit>,
    app_name: &str,
    query: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    let (visit, cookie) = match visit {
        Some(visit) => (visit.clone(), None),
        None => {
            let (token, visit) = session::start_visit(&state.db, state.clock.as_ref()).await?;
            (visit, Some(state.cookie.for_customers().set(&token)))
        }
    };
    pending::keep(&state.db, &visit, app_name, query).await?;
    Ok(cookie)
}

/// `client_secret_basic`: the id and secret, each form-urlencoded
/// (RFC 6749 2.3.1), in the Authorization header.
fn basic_credentials(headers: &HeaderMap) -> Option<BasicCredentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some(BasicCredentials {
        client_id: decode(id)?,
        secret: decode(secret)?,
    })
}

/// Token responses are never cached (RFC 6749 5.1).
fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        Json(body),
    )
        .into_response()
}

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Exchange>, FormRejection>,
) -> Response {
    // Not a form, or a parameter twice: an OAuth error like any other.
    let Ok(Form(form)) = form else {
        return no_store(
            StatusCode::BAD_REQUEST,
            serde_json::json!({
                "error": "invalid_request",
                "error_description": "the request must be a form (application/x-www-form-urlencoded), each parameter once",
            }),
        );
    };
    let basic = basic_credentials(&headers);
    let used_basic = basic.is_some();
    let answer = token::exchange(
        &state.db,
        &state.signing_keys,
        &issuer(&state),
        form,
        basic,
        state.clock.as_ref(),
    )
    .await;
    match answer {
        Ok(Ok(issued)) => no_store(
            StatusCode::OK,
            serde_json::to_value(issued).unwrap_or_default(),
        ),
        Ok(Err(error)) => {
            let status = if error.is_client_error() {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            let mut response = no_store(
                status,
                serde_json::json!({
                    "error": error.error,
                    "error_description": error.description,
                }),
            );
            if error.is_client_error() && used_basic {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"lobby\""),
                );
            }
            response
        }
        Err(Failure::Database(e)) => internal(e),
        Err(e) => unavailable(e),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The customer's claims for a live access token (OpenID Connect Core 5.3).
pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let invalid = || {
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Bearer error=\"invalid_token\", error_description=\"the access token is not valid\"",
            )],
        )
            .into_response()
    };
    let Some(presented) = bearer(&headers) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    };
    let set = match state
        .signing_keys
        .current(&state.db, state.clock.as_ref())
        .await
    {
        Ok(set) => set,
        Err(e) => return unavailable(e),
    };
    let now = state.clock.now();
    let Some(claims) = token::verified_access_token(&set, &issuer(&state), presented, now) else {
        return invalid();
    };
    match token::userinfo(&state.db, &claims).await {
        Ok(Some(body)) => no_store(StatusCode::OK, body),
        Ok(None) => invalid(),
        Err(e) => internal(e),
    }
}

/// The organization a sign-out page speaks for: the app's, else the one
/// this server presents.
async fn organization_name(
    state: &AppState,
    org: Option<uuid::Uuid>,
) -> Result<String, sea_orm::DbErr> {
    let id = org.unwrap_or(state.organization_id);
    Ok(organization::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Signs the browser's customer out of Lobby, then back to the app when it
/// registered where, else a page that says so.
async fn signed_out(
    state: &AppState,
    headers: &HeaderMap,
    visit: Option<&Visit>,
    decided: &logout::Decided,
) -> Response {
    if let Some(visit) = visit {
        if let Err(e) = session::end_visit(&state.db, &visit.id).await {
            return internal(e);
        }
    }
    let mut response = match &decided.back_to {
        Some(to) => Redirect::to(to).into_response(),
        None => {
            let org = match organization_name(state, decided.organization_id).await {
                Ok(org) => org,
                Err(e) => return internal(e),
            };
            let s = Locale::of_request(headers).server_strings();
            let body = fill!(s, app_signed_out_body, org = org);
            short_page(headers, StatusCode::OK, s.app_signed_out_title, &body, None)
        }
    };
    let cookie = state.cookie.for_customers().clear();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn decide_logout(
    state: &AppState,
    visit: Option<&Visit>,
    request: &logout::Request,
) -> Result<logout::Decided, Response> {
    let keys = state
        .signing_keys
        .current(&state.db, state.clock.as_ref())
        .await
        .map_err(unavailable)?;
    let user = visit.and_then(|v| v.user_id);
    logout::decide(&state.db, &keys, &issuer(state), request, user)
        .await
        .map_err(internal)
}

/// `GET /oidc/logout`: signs out at once for an app's hint naming this
/// customer; otherwise asks first (a form that posts the same request).
pub async fn logout_asked(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Option<Extension<Visit>>,
    request: Result<Query<logout::Request>, QueryRejection>,
) -> Response {
    // A parameter given twice, or not text: nothing is decided on it.
    let Ok(Query(request)) = request else {
        let s = Locale::of_request(&headers).server_strings();
        let (title, message) = (s.app_sign_out_title, s.app_sign_out_invalid);
        return short_page(&headers, StatusCode::BAD_REQUEST, title, message, None);
    };
    let decided = match decide_logout(&state, visit.as_deref(), &request).await {
        Ok(decided) => decided,
        Err(response) => return response,
    };
    if decided.confirmed {
        return signed_out(&state, &headers, visit.as_deref(), &decided).await;
    }
    let org = match organization_name(&state, decided.organization_id).await {
        Ok(org) => org,
        Err(e) => return internal(e),
    };
    let s = Locale::of_request(&headers).server_strings();
    let hidden = [
        ("id_token_hint", &request.id_token_hint),
        ("client_id", &request.client_id),
        (
            "post_logout_redirect_uri",
            &request.post_logout_redirect_uri,
        ),
        ("state", &request.state),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref()?;
        Some(html!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{value}\">",
            name = name,
            value = value
        ))
    });
    let section = html!(
        "<section class=\"card narrow\"><h1>{title}</h1><p>{question}</p><form method=\"post\" action=\"{action}\">{hidden}<button type=\"submit\" class=\"primary\">{button}</button></form></section>",
        title = s.app_sign_out_title,
        question = fill!(s, app_sign_out_question, org = org),
        action = LOGOUT_PATH,
        hidden = Html::concat(hidden),
        button = s.app_sign_out_button,
    );
    let body = super::replies::document(&headers, s.app_sign_out_title, section);
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; form-action 'self'; object-src 'none'; \
                 base-uri 'none'; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}

/// `POST /oidc/logout`: the customer confirmed (the same-origin check
/// makes sure the form was Lobby's).
pub async fn logout_confirmed(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Option<Extension<Visit>>,
    Form(request): Form<logout::Request>,
) -> Response {
    match decide_logout(&state, visit.as_deref(), &request).await {
        Ok(decided) => signed_out(&state, &headers, visit.as_deref(), &decided).await,
        Err(response) => response,
    }
}
