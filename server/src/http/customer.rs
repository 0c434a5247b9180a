//! The invitee's sign-in forms under `/invite/{ticket}/`, as plain posts
//! that lead back to a page (303), and the layer that puts the customer's
//! session into each request. A browser gets its session at its first form,
//! since the emailed codes are bound to it; signing in replaces it.

use std::convert::Infallible;

use app::fill;
use app::i18n::Locale;
use app::model::sign_in::Visitor;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::client_address::client_address;
use super::redemption::page_of;
use super::replies::{internal, short_page, too_many};
use super::AppState;
use crate::auth::codes::Purpose;
use crate::auth::session::{self, Visit};
use crate::metrics::SignInOutcome;
use crate::redemption::admin_approval::{self, Answer, Ask};
use crate::redemption::federated::{self, Begin, Callback, Completed};
use crate::redemption::finish::{Context, Outcome};
use crate::redemption::journey::{self, CompanyOutcome, Decided, Decision};
use crate::redemption::sign_in::{self, StepForm};
use crate::secret::Secret;
use app::model::journey::Stage;

/// Puts the customer's live session, if any, into the request: as [`Visit`]
/// for these handlers and as [`Visitor`] for the pages.
pub async fn load_visitor(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookie = state.cookie.for_customers();
    if let Some(token) = cookie.token_in(request.headers()) {
        match session::resume_visit(&state.db, &token, state.clock.as_ref()).await {
            Ok(Some(visit)) => {
                let address = client_address(request.extensions());
                request.extensions_mut().insert(Visitor {
                    session_id: visit.id.clone(),
                    user_id: visit.user_id.map(|id| id.to_string()),
                    address,
                });
                request.extensions_mut().insert(visit);
            }
            Ok(None) => {}
            Err(e) => return internal(e),
        }
    }
    next.run(request).await
}

/// Who is asking: their address (for the rate limits), language (for the
/// emails) and session.
pub struct Client {
    pub(super) address: String,
    pub(super) locale: Locale,
    pub(super) headers: HeaderMap,
    visit: Option<Visit>,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Client {
            address: client_address(&parts.extensions),
            locale: Locale::of_request(&parts.headers),
            headers: parts.headers.clone(),
            visit: parts.extensions.get::<Visit>().cloned(),
        })
    }
}

/// A missing field reads as empty, which the rules then answer in words.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

pub async fn send_passcode(s: State<AppState>, t: Path<String>, c: Client) -> Response {
    run(s, t, c, StepForm::SendCode(Purpose::SignIn)).await
}

pub async fn enter_passcode(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<CodeForm>,
) -> Response {
    run(s, t, c, StepForm::Passcode(f.code)).await
}

pub async fn create_account(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<PasswordForm>,
) -> Response {
    run(s, t, c, StepForm::CreateAccount(Secret::new(f.password))).await
}

pub async fn resend_verification(s: State<AppState>, t: Path<String>, c: Client) -> Response {
    run(s, t, c, StepForm::SendCode(Purpose::VerifyEmail)).await
}

pub async fn verify_account(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<CodeForm>,
) -> Response {
    run(s, t, c, StepForm::VerifyAccount(f.code)).await
}

pub async fn enter_password(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<PasswordForm>,
) -> Response {
    run(s, t, c, StepForm::Password(Secret::new(f.password))).await
}

pub async fn forgot_password(s: State<AppState>, t: Path<String>, c: Client) -> Response {
    run(s, t, c, StepForm::SendCode(Purpose::ResetPassword)).await
}

pub async fn reset_password(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<ResetForm>,
) -> Response {
    run(s, t, c, StepForm::Reset(f.code, Secret::new(f.password))).await
}

#[derive(Deserialize)]
pub struct ChooseForm {
    #[serde(default)]
    method: String,
}

/// "Sign in another way" after the provider did not sign the invitee in.
pub async fn choose_method(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<ChooseForm>,
) -> Response {
    run(s, t, c, StepForm::Choose(f.method)).await
}

#[derive(Deserialize)]
pub struct AskAdminForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    note: String,
}

/// "Email the link to them": the approval link to the IT administrator.
pub async fn ask_admin(
    s: State<AppState>,
    t: Path<String>,
    c: Client,
    Form(f): Form<AskAdminForm>,
) -> Response {
    let ask = Ask {
        admin_email: f.email,
        note: f.note,
    };
    run(s, t, c, StepForm::AskAdmin(ask)).await
}

/// The browser's session; its first form starts one (with the new token
/// to set), but only for a link that names an invitation, so made-up links
/// store nothing. `None` for such a link.
async fn visit_of(
    state: &AppState,
    client: &Client,
    ticket: &str,
) -> Result<Option<(Visit, Option<String>)>, sea_orm::DbErr> {
    if let Some(visit) = client.visit.clone() {
        return Ok(Some((visit, None)));
    }
    if !crate::redemption::landing::names_an_invitation(&state.db, ticket).await? {
        return Ok(None);
    }
    let (token, visit) = session::start_visit(&state.db, state.clock.as_ref()).await?;
    Ok(Some((visit, Some(token))))
}

fn context<'a>(state: &'a AppState, client: &'a Client) -> Context<'a> {
    Context {
        db: &state.db,
        key: state.secret_key.expose(),
        clock: state.clock.as_ref(),
        address: &client.address,
        locale: client.locale,
    }
}

async fn run(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    client: Client,
    form: StepForm,
) -> Response {
    let result = async {
        let Some((visit, new_token)) = visit_of(&state, &client, &ticket).await? else {
            return Ok(not_found());
        };
        let ctx = context(&state, &client);
        let method = counted_method(&form);
        let outcome = sign_in::submit(&ctx, &ticket, &visit, form).await?;
        if let (Some(method), Some(counted)) = (method, counted(&outcome)) {
            state.metrics.sign_in(method, counted);
        }
        Ok::<_, sea_orm::DbErr>(respond(&state, &ticket, &client, outcome, new_token))
    }
    .await;
    result.unwrap_or_else(internal)
}

#[derive(Deserialize)]
pub struct FederatedQuery {
    /// Sent by "Use another account": the provider asks who signs in.
    again: Option<String>,
}

/// `GET /invite/{ticket}/federated`, "Continue with …": off to the step's
/// identity provider. A link rather than a form, since pages allow forms
/// to post to this site only; starting a flow only points this browser's
/// session at the provider.
pub async fn begin_federated(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    client: Client,
    Query(form): Query<FederatedQuery>,
) -> Response {
    let result = async {
        let Some((visit, new_token)) = visit_of(&state, &client, &ticket).await? else {
            return Ok(not_found());
        };
        let ctx = context(&state, &client);
        let begun = federated::begin(
            &ctx,
            &state.federation,
            &ticket,
            &visit,
            form.again.is_some(),
        )
        .await?;
        let response = match begun {
            Begin::Redirect(url) => Redirect::to(&url).into_response(),
            Begin::Outcome(outcome) => respond(&state, &ticket, &client, outcome, None),
        };
        Ok::<_, sea_orm::DbErr>(match new_token {
            Some(token) => with_cookie(response, state.cookie.for_customers().set(&token)),
            None => response,
        })
    }
    .await;
    result.unwrap_or_else(internal)
}

/// `GET /auth/callback`: the provider's answer, for the flow this browser
/// started; a page that says so when there is none.
pub async fn federated_callback(
    State(state): State<AppState>,
    client: Client,
    Query(callback): Query<Callback>,
    Query(back): Query<admin_approval::Return>,
) -> Response {
    let key = state.secret_key.expose();
    let clock = state.clock.as_ref();
    match admin_approval::answer(&state.db, key, clock, &state.public_url, &back).await {
        Ok(Some(answer)) => return approval_page(&client.headers, answer),
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    let ctx = context(&state, &client);
    let completed =
        federated::complete(&ctx, &state.federation, client.visit.as_ref(), callback).await;
    match completed {
        Ok(Completed::Done { ticket, outcome }) => {
            if let Some(counted) = counted(&outcome) {
                state.metrics.sign_in("federated", counted);
            }
            respond(&state, &ticket, &client, outcome, None)
        }
        Ok(Completed::NoFlow) => no_flow_page(client.locale),
        Err(e) => internal(e),
    }
}

/// What the IT administrator sees on coming back from Microsoft.
fn approval_page(headers: &HeaderMap, answer: Answer) -> Response {
    let s = Locale::of_request(headers).server_strings();
    let (status, title, message) = match answer {
        Answer::Approved { org } => (
            StatusCode::OK,
            s.approval_done_title,
            fill!(s, approval_done_body, org = org),
        ),
        Answer::Unknown => (
            StatusCode::BAD_REQUEST,
            s.approval_invalid_title,
            s.approval_invalid_body.to_owned(),
        ),
        Answer::OtherTenant => (
            StatusCode::BAD_REQUEST,
            s.approval_invalid_title,
            s.approval_other_tenant_body.to_owned(),
        ),
        Answer::Declined(reason) => (
            StatusCode::OK,
            s.approval_declined_title,
            fill!(s, approval_declined_body, reason = reason),
        ),
    };
    short_page(headers, status, title, &message, None)
}

/// The method a form signs in with, for `lobby_sign_ins_total`; `None`
/// for the forms that only ask for a code or choose a way.
fn counted_method(form: &StepForm) -> Option<&'static str> {
    match form {
        StepForm::Passcode(_) => Some("email_passcode"),
        StepForm::VerifyAccount(_) => Some("new_account"),
        StepForm::Password(_) => Some("password"),
        StepForm::Reset(..) => Some("password_reset"),
        _ => None,
    }
}

/// Whether a sign-in form signed in, was refused or rate-limited.
fn counted(outcome: &Outcome) -> Option<SignInOutcome> {
    match outcome {
        Outcome::SignedIn { .. } => Some(SignInOutcome::SignedIn),
        Outcome::RateLimited => Some(SignInOutcome::RateLimited),
        Outcome::Notice(notice) if notice.is_problem() => Some(SignInOutcome::Refused),
        _ => None,
    }
}

/// The callback without a flow: nothing to do but start again from the link.
fn no_flow_page(locale: Locale) -> Response {
    let s = locale.server_strings();
    let page = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head><body><main><h1>{}</h1><p>{}</p></main></body></html>",
        locale.code(),
        s.no_flow_heading,
        s.no_flow_heading,
        s.no_flow_body
    );
    (StatusCode::BAD_REQUEST, Html(page)).into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn with_cookie(mut response: Response, cookie: String) -> Response {
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn respond(
    state: &AppState,
    ticket: &str,
    client: &Client,
    outcome: Outcome,
    new_token: Option<String>,
) -> Response {
    let cookie = state.cookie.for_customers();
    let start = format!("{}/start", page_of(ticket));
    let response = match outcome {
        Outcome::Notice(notice) => {
            Redirect::to(&format!("{start}?{}", notice.query())).into_response()
        }
        Outcome::SignedIn { token } => {
            let next = format!("{}/continue", page_of(ticket));
            return with_cookie(Redirect::to(&next).into_response(), cookie.set(&token));
        }
        Outcome::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
        Outcome::Start => Redirect::to(&start).into_response(),
        Outcome::RateLimited => too_many(&client.headers, &start),
        Outcome::Busy => super::replies::busy(),
    };
    match new_token {
        Some(token) => with_cookie(response, cookie.set(&token)),
        None => response,
    }
}

/// "Sign out and continue" from the page for another account's browser.
pub async fn switch_account(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    client: Client,
) -> Response {
    let start = format!("{}/start", page_of(&ticket));
    sign_out_to(&state, client, &start).await
}

/// `POST /signout`: ends the customer's session on the server.
pub async fn sign_out(State(state): State<AppState>, client: Client) -> Response {
    sign_out_to(&state, client, "/").await
}

async fn sign_out_to(state: &AppState, client: Client, to: &str) -> Response {
    if let Some(visit) = client.visit {
        if let Err(e) = session::end_visit(&state.db, &visit.id).await {
            return internal(e);
        }
    }
    let cookie = state.cookie.for_customers();
    with_cookie(Redirect::to(to).into_response(), cookie.clear())
}

/// The terms step's form: Accept or Decline, with the versions it showed.
#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    decision: String,
    /// Empty for a document the page did not show.
    #[serde(default)]
    privacy_version: String,
    #[serde(default)]
    terms_version: String,
    #[serde(default)]
    terms_language: String,
}

/// `POST /invite/{ticket}/consent`: Accept goes on to the next step;
/// Decline leaves the invitation open and the page says how to come back.
pub async fn decide_consent(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    client: Client,
    Form(form): Form<ConsentForm>,
) -> Response {
    let ctx = context(&state, &client);
    let decision = Decision {
        accept: form.decision == "accept",
        privacy_version: Some(form.privacy_version).filter(|v| !v.is_empty()),
        // Not a number: no version the server would take.
        terms_version: match form.terms_version.as_str() {
            "" => None,
            number => Some(number.parse().unwrap_or(-1)),
        },
        terms_language: Locale::from_code(&form.terms_language),
        user_agent: client
            .headers
            .get(header::USER_AGENT)
            .and_then(|ua| ua.to_str().ok())
            .map(str::to_owned),
    };
    match journey::decide(&ctx, &ticket, client.visit.as_ref(), decision).await {
        Ok(Decided::Next(stage) | Decided::Elsewhere(stage)) => {
            Redirect::to(&stage.path(&ticket)).into_response()
        }
        Ok(Decided::Declined) => {
            Redirect::to(&format!("{}/consent?declined=1", page_of(&ticket))).into_response()
        }
        Ok(Decided::NotFound) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => internal(e),
    }
}

/// `POST /invite/{ticket}/company`: the company as the invitee confirmed it.
/// Invalid data changes nothing and is answered `422` with one message per
/// field; a browser's form is sent back to its page, which shows the
/// messages (so the step works without JavaScript).
pub async fn submit_company(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    client: Client,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Response {
    let ctx = context(&state, &client);
    let from_page = client
        .headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let created =
        journey::create_company(&ctx, &ticket, client.visit.as_ref(), &fields, from_page).await;
    match created {
        Ok(CompanyOutcome::Next(stage) | CompanyOutcome::Elsewhere(stage)) => {
            Redirect::to(&stage.path(&ticket)).into_response()
        }
        Ok(CompanyOutcome::Invalid(_)) if from_page => {
            Redirect::to(&Stage::Company.path(&ticket)).into_response()
        }
        Ok(CompanyOutcome::Invalid(problems)) => {
            let s = client.locale.server_strings();
            let errors: serde_json::Map<String, serde_json::Value> = problems
                .into_iter()
                .map(|(field, problem)| {
                    let message = app::i18n::company_problem_message(s, problem);
                    (field.form_name().to_owned(), message.into())
                })
                .collect();
            let body = serde_json::json!({ "errors": errors });
            (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
        }
        Ok(CompanyOutcome::NotFound) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => internal(e),
    }
}
