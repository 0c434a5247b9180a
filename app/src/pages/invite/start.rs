//! `/invite/{ticket}/start`: the one sign-in step that applies to the
//! invited address (architecture.md §3.2), or the page that says this browser is
//! signed in as someone else. Every form is a plain post, so the page works
//! without JavaScript; with it, the password field says live whether the
//! password meets the rules.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::redemption::invitation_start;
use crate::components::step_indicator::StepIndicator;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::{fill, Strings};
use crate::live::{Live, LivePart};
use crate::model::discovery::{AccountSignIn, Method, Step};
use crate::model::journey::Stage;
use crate::model::sign_in::{Notice, Pending, SignInStep, StartPage, ADMIN_NOTE_MAX};
use crate::pages::not_found::NotFound;

#[component]
pub fn InvitationStart() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let ticket = move || use_params_map().read().get("ticket").unwrap_or_default();
    let notice = move || {
        let query = use_query_map().read();
        let number = query.get("wait").or_else(|| query.get("left"));
        query
            .get("notice")
            .and_then(|n| Notice::from_query(&n, number.as_deref()))
    };
    let page = Resource::new(ticket, invitation_start);

    view! {
        <Title text=t().start_title/>
        <Suspense fallback=move || view! { <p>{move || t().loading}</p> }>
            {move || {
                let ticket = ticket();
                let notice = notice();
                Suspend::new(async move {
                    match page.await {
                        Ok(Some(StartPage::Step(step))) => {
                            view! { <StepCard step ticket notice/> }.into_any()
                        }
                        Ok(Some(StartPage::OtherAccount { signed_in_as, invited_email })) => {
                            view! { <OtherAccount ticket signed_in_as invited_email/> }.into_any()
                        }
                        Ok(Some(StartPage::Continue)) => {
                            view! { <Redirect path=format!("/invite/{ticket}/continue")/> }.into_any()
                        }
                        Ok(Some(StartPage::Ended)) => {
                            view! { <Redirect path=format!("/invite/{ticket}")/> }.into_any()
                        }
                        _ => view! { <NotFound/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Signed in with another address: the invitation is not theirs to redeem.
#[component]
fn OtherAccount(ticket: String, signed_in_as: String, invited_email: String) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        view! {
            <section class="card narrow" aria-labelledby="start-heading">
                <h1 id="start-heading">{s.other_account_heading}</h1>
                <p>{fill!(s, other_account_body, current = signed_in_as, email = invited_email)}</p>
                <form method="post" action=format!("/invite/{ticket}/switch")>
                    <button type="submit" class="primary">{s.switch_account_button}</button>
                </form>
            </section>
        }
    }
}

#[component]
fn StepCard(step: SignInStep, ticket: String, notice: Option<Notice>) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let email = step.invited_email.as_str();
        let at = |path: &str| format!("/invite/{ticket}/{path}");
        let (heading, body) = match (step.step, step.pending) {
            (
                Step::EmailPasscode | Step::SignIn(AccountSignIn::Passcode),
                Some(Pending::Passcode),
            ) => (
                s.passcode_heading,
                code_form(s, email, at("passcode/verify"), at("passcode")),
            ),
            (Step::EmailPasscode | Step::SignIn(AccountSignIn::Passcode), _) => (
                s.passcode_heading,
                send_form(
                    fill!(s, passcode_intro, email = email),
                    at("passcode"),
                    s.passcode_send_button,
                ),
            ),
            (Step::NewAccount, Some(Pending::VerifyEmail)) => (
                s.verify_heading,
                code_form(s, email, at("account/verify"), at("account/resend")),
            ),
            (Step::NewAccount, _) => (s.account_heading, new_account_form(s, &step, at("account"))),
            (Step::SignIn(AccountSignIn::Password), Some(Pending::ResetPassword)) => (
                s.reset_heading,
                reset_form(s, &step, at("reset"), at("forgot")),
            ),
            (Step::SignIn(AccountSignIn::Password), _) => (
                s.password_heading,
                password_form(s, at("password"), at("forgot")),
            ),
            (
                Step::OrganizationIdp
                | Step::Google
                | Step::Microsoft
                | Step::SignIn(AccountSignIn::Provider),
                _,
            ) => (
                s.provider_heading,
                provider_form(s, &step, notice, at("federated")),
            ),
        };
        let approval = step
            .admin_approval
            .as_deref()
            .map(|url| admin_approval(s, &step.org_name, url, at("admin-approval")));
        view! {
            <section class="card narrow" aria-labelledby="start-heading">
                <StepIndicator stage=Stage::SignIn/>
                <h1 id="start-heading">{heading}</h1>
                <p>{fill!(s, landing_for, email = email)}</p>
                {notice.map(|n| notice_view(s, n, &step))}
                {body}
                {approval}
                {other_ways(s, &step, notice, at("instead"))}
            </section>
        }
    }
}

fn notice_view(s: &'static Strings, notice: Notice, step: &SignInStep) -> AnyView {
    let email = step.invited_email.as_str();
    let provider = step.provider.as_deref().unwrap_or_default();
    let with_provider = |text: &str| fill(text, &[("provider", provider), ("email", email)]);
    let text = match notice {
        Notice::CodeSent => fill!(s, notice_code_sent, email = email),
        Notice::TooSoon { wait } => fill!(s, notice_too_soon, wait = wait.to_string()),
        Notice::WrongCode { left: 0 } => s.notice_wrong_code_last.to_owned(),
        Notice::WrongCode { left } => fill!(s, notice_wrong_code, left = left.to_string()),
        Notice::MalformedCode => s.notice_malformed_code.to_owned(),
        Notice::NeedNewCode => s.notice_need_new_code.to_owned(),
        Notice::PasswordShort => s.error_password_short.to_owned(),
        Notice::PasswordLong => s.error_password_long.to_owned(),
        Notice::PasswordCommon => s.error_password_common.to_owned(),
        Notice::WrongPassword => s.notice_wrong_password.to_owned(),
        Notice::Locked => s.notice_locked.to_owned(),
        Notice::PasswordChanged => s.notice_password_changed.to_owned(),
        Notice::ProviderOtherAccount => match &step.signed_in_elsewhere {
            Some(current) => fill!(s, notice_provider_other, current = current, email = email),
            None => s.notice_provider_failed.to_owned(),
        },
        Notice::ProviderUnverified => with_provider(s.notice_provider_unverified),
        Notice::ProviderNoEmail => with_provider(s.notice_provider_no_email),
        Notice::ProviderCancelled => s.notice_provider_cancelled.to_owned(),
        Notice::ProviderFailed => s.notice_provider_failed.to_owned(),
        Notice::ProviderUnavailable => with_provider(s.notice_provider_unavailable),
        Notice::ProviderNeedsAdmin => {
            fill!(
                s,
                notice_provider_needs_admin,
                org = step.org_name,
                provider = provider
            )
        }
        Notice::AdminAsked => s.notice_admin_asked.to_owned(),
        Notice::AdminEmailInvalid => s.notice_admin_email_invalid.to_owned(),
        Notice::AdminNoteTooLong => {
            fill!(s, notice_admin_note_long, max = ADMIN_NOTE_MAX.to_string())
        }
        Notice::AddressTaken => fill!(s, notice_address_taken, email = email),
    };
    if notice.is_problem() {
        view! { <p class="notice alert" role="alert">{text}</p> }.into_any()
    } else {
        view! { <p class="notice" role="status">{text}</p> }.into_any()
    }
}

/// "Continue with …" to the step's provider; after it signed in someone
/// else, "Use another … account" makes the provider ask who signs in.
fn provider_form(
    s: &'static Strings,
    step: &SignInStep,
    notice: Option<Notice>,
    action: String,
) -> AnyView {
    let Some(provider) = step.provider.as_deref() else {
        return view! { <p>{s.provider_unavailable}</p> }.into_any();
    };
    let again = notice == Some(Notice::ProviderOtherAccount);
    let retry = step.admin_approval.is_some() || notice.is_some_and(Notice::is_provider_problem);
    let label = if again {
        fill!(s, provider_again_button, provider = provider)
    } else if retry {
        fill!(s, provider_try_again_button, provider = provider)
    } else {
        fill!(s, provider_button, provider = provider)
    };
    // A link, not a form: the page's form-action policy allows only this
    // site, and the answer redirects to the provider. `external` keeps the
    // router from handling it in the page.
    let href = if again {
        format!("{action}?again=1")
    } else {
        action
    };
    view! {
        <p>{fill!(s, provider_intro, provider = provider, email = step.invited_email)}</p>
        <p><a class="button primary" href=href rel="external">{label}</a></p>
    }
    .into_any()
}

/// After the provider said the invitee's organization must approve the
/// seller's application: the approval link for their IT administrator, and
/// a form that emails it to them.
fn admin_approval(s: &'static Strings, org: &str, url: &str, action: String) -> AnyView {
    view! {
        <section class="stack" aria-labelledby="admin-approval-heading">
            <h2 id="admin-approval-heading">{s.admin_approval_heading}</h2>
            <p>{fill!(s, admin_approval_intro, org = org)}</p>
            <p><a href=url.to_owned() rel="external noopener">{s.admin_approval_link}</a></p>
            <label for="admin-approval-url">{s.admin_approval_copy_label}</label>
            <input id="admin-approval-url" type="text" readonly=true value=url.to_owned()/>
            <form method="post" action=action class="stack">
                <label for="admin-email">{s.admin_email_label}</label>
                <input id="admin-email" name="email" type="email" autocomplete="off" required=true/>
                <label for="admin-note">{s.admin_note_label}</label>
                <textarea id="admin-note" name="note" rows="3" maxlength=ADMIN_NOTE_MAX.to_string()></textarea>
                <button type="submit">{s.admin_ask_button}</button>
            </form>
        </section>
    }
    .into_any()
}

/// The other ways in, once the provider did not sign the invitee in (or
/// after they chose one): each a plain post that picks it, and the way
/// back to the provider.
fn other_ways(
    s: &'static Strings,
    step: &SignInStep,
    notice: Option<Notice>,
    action: String,
) -> Option<AnyView> {
    let wanted = step.left_provider.is_some()
        || step.admin_approval.is_some()
        || notice.is_some_and(Notice::is_provider_problem);
    let mut ways: Vec<(&'static str, String)> = step
        .alternatives
        .iter()
        .filter_map(|method| match method {
            Method::EmailPasscode if step.step != Step::EmailPasscode => {
                Some((method.code(), s.alternative_passcode.to_owned()))
            }
            Method::NewAccount if step.step != Step::NewAccount => {
                Some((method.code(), s.alternative_new_account.to_owned()))
            }
            _ => None,
        })
        .collect();
    if let Some(provider) = &step.left_provider {
        ways.insert(
            0,
            ("provider", fill!(s, provider_button, provider = provider)),
        );
    }
    if !wanted || ways.is_empty() {
        return None;
    }
    let ways = ways
        .into_iter()
        .map(|(method, label)| {
            view! {
                <form method="post" action=action.clone()>
                    <input type="hidden" name="method" value=method/>
                    <button type="submit">{label}</button>
                </form>
            }
        })
        .collect_view();
    Some(
        view! {
            <section class="stack" aria-labelledby="other-ways-heading">
                <h2 id="other-ways-heading">{s.alternatives_heading}</h2>
                {ways}
            </section>
        }
        .into_any(),
    )
}

/// One button that asks for a code.
fn send_form(intro: String, action: String, label: &'static str) -> AnyView {
    view! {
        <p>{intro}</p>
        <form method="post" action=action>
            <button type="submit" class="primary">{label}</button>
        </form>
    }
    .into_any()
}

fn code_input(s: &'static Strings, email: &str) -> impl IntoView {
    view! {
        <label for="code">{s.code_label}</label>
        <input
            id="code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength="7"
            required=true
            aria-describedby="code-hint"
        />
        <p id="code-hint" class="hint">{fill!(s, code_hint, email = email)}</p>
    }
}

/// The code that was emailed, and a way to ask for a new one.
fn code_form(s: &'static Strings, email: &str, verify: String, resend: String) -> AnyView {
    view! {
        <form method="post" action=verify class="stack">
            {code_input(s, email)}
            <button type="submit" class="primary">{s.code_submit}</button>
        </form>
        <form method="post" action=resend class="stack">
            <button type="submit">{s.code_resend_button}</button>
        </form>
    }
    .into_any()
}

fn new_account_form(s: &'static Strings, step: &SignInStep, action: String) -> AnyView {
    view! {
        <p>{fill!(s, account_intro, email = step.invited_email)}</p>
        <form method="post" action=action class="stack">
            {new_password(step)}
            <button type="submit" class="primary">{s.account_button}</button>
        </form>
    }
    .into_any()
}

fn password_form(s: &'static Strings, action: String, forgot: String) -> AnyView {
    view! {
        <form method="post" action=action class="stack">
            <label for="password">{s.password_label}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
            <button type="submit" class="primary">{s.sign_in_button}</button>
        </form>
        <form method="post" action=forgot class="stack">
            <button type="submit">{s.forgot_button}</button>
        </form>
    }
    .into_any()
}

fn reset_form(s: &'static Strings, step: &SignInStep, action: String, resend: String) -> AnyView {
    view! {
        <p>{fill!(s, reset_intro, email = step.invited_email)}</p>
        <form method="post" action=action class="stack">
            {code_input(s, &step.invited_email)}
            {new_password(step)}
            <button type="submit" class="primary">{s.reset_button}</button>
        </form>
        <form method="post" action=resend class="stack">
            <button type="submit">{s.code_resend_button}</button>
        </form>
    }
    .into_any()
}

/// The new password's field with its live feedback.
fn new_password(step: &SignInStep) -> impl IntoView {
    let context = vec![step.invited_email.clone(), step.org_name.clone()];
    view! { <Live part=LivePart::NewPassword { context }/> }
}
