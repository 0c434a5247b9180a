//! `/invite/{ticket}` (and `/api/InviteUser?invitationId={ticket}`, which
//! leads here): who invited whom to what, and "Get started now"; or, for a
//! link that no longer works, what happened and what to do. Rendered on the
//! server; it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::from_request;
use crate::fill;
use crate::i18n::use_locale;
use crate::i18n::{fill, Strings};
use crate::model::landing::{Landing, LinkState, NewLinkOutcome, NEW_LINK_PAUSE_MINUTES};
use crate::pages::not_found::NotFound;

#[component]
pub fn InvitationLanding() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let outcome = new_link_outcome();
    // Read by the server's handler for this page before rendering; absent
    // when the link is no invitation's.
    let page = match from_request::<Landing>() {
        Some(landing) => view! { <LandingCard landing outcome/> }.into_any(),
        None => view! { <NotFound/> }.into_any(),
    };
    view! {
        <Title text=t().landing_title/>
        {page}
    }
}

/// What "Send me a new link" did, from the query string (`?new-link=sent`)
/// of the request: the page renders without the router.
fn new_link_outcome() -> Option<NewLinkOutcome> {
    with_context::<http::request::Parts, _>(|parts| {
        form_urlencoded::parse(parts.uri.query()?.as_bytes())
            .find(|(name, _)| name == "new-link")
            .and_then(|(_, code)| NewLinkOutcome::from_code(&code))
    })
    .flatten()
}

#[component]
fn LandingCard(landing: Landing, outcome: Option<NewLinkOutcome>) -> impl IntoView {
    let locale = use_locale();
    move || {
        let s = locale.get().strings();
        let ended = |heading, body| ended(s, &landing, outcome, heading, body);
        let body = match landing.state {
            LinkState::Pending => pending(s, &landing),
            LinkState::Expired => ended(s.link_expired_heading, s.link_expired_body),
            LinkState::Revoked => ended(s.link_revoked_heading, s.link_revoked_body),
            LinkState::Replaced => ended(s.link_replaced_heading, s.link_replaced_body),
            LinkState::Accepted => ended(s.link_accepted_heading, s.link_accepted_body),
        };
        view! {
            <section class="card narrow" aria-labelledby="landing-heading">
                {body}
            </section>
        }
    }
}

/// The invitation can be redeemed: who invited whom, and the way in.
fn pending(s: &'static Strings, l: &Landing) -> AnyView {
    let ticket = &l.ticket;
    let heading = fill!(s, landing_heading, inviter = l.inviter, org = l.org_name);
    let greeting = l
        .invitee_name
        .as_deref()
        .map(|name| view! { <p>{fill!(s, landing_greeting, name = name)}</p> });
    let email = l.invited_email.clone().unwrap_or_default();
    let message = l.message.clone().map(|m| {
        view! {
            <figure class="message">
                <figcaption>{fill!(s, email_message_label, inviter = l.inviter)}</figcaption>
                <blockquote>{m}</blockquote>
            </figure>
        }
    });
    let valid = l
        .date
        .as_deref()
        .map(|d| view! { <p class="hint">{fill!(s, landing_valid_until, date = d)}</p> });
    view! {
        <h1 id="landing-heading">{heading}</h1>
        {greeting}
        <p>{fill!(s, landing_for, email = email)}</p>
        {message}
        <p>{fill!(s, landing_steps, org = l.org_name)}</p>
        <p>
            <a class="button primary" href=format!("/invite/{ticket}/start")>{s.email_button}</a>
        </p>
        {valid}
    }
    .into_any()
}

/// The link no longer works: what happened (`heading`, `body`), and what
/// the invitee can do.
fn ended(
    s: &'static Strings,
    l: &Landing,
    outcome: Option<NewLinkOutcome>,
    heading: &'static str,
    body: &'static str,
) -> AnyView {
    let ticket = &l.ticket;
    let vars = [
        ("inviter", l.inviter.as_str()),
        ("org", l.org_name.as_str()),
        ("date", l.date.as_deref().unwrap_or("")),
    ];
    let notice = outcome.map(|o| {
        let minutes = NEW_LINK_PAUSE_MINUTES.to_string();
        let text = match o {
            NewLinkOutcome::Sent => s.new_link_sent.to_owned(),
            NewLinkOutcome::SentRecently => fill!(s, new_link_recent, minutes = minutes),
            NewLinkOutcome::NotOffered => s.new_link_not_offered.to_owned(),
        };
        view! { <p class="notice" role="status">{text}</p> }
    });
    // After a request the notice says what happened; no second button.
    let form = (l.state.offers_new_link() && outcome.is_none()).then(|| {
        view! {
            <form method="post" action=format!("/invite/{ticket}/new-link") class="stack">
                <p class="hint" id="new-link-hint">{fill!(s, new_link_hint, inviter = l.inviter)}</p>
                <button type="submit" class="primary" aria-describedby="new-link-hint">
                    {s.new_link_button}
                </button>
            </form>
        }
    });
    let sign_in = l.sign_in.then(|| {
        view! {
            <p>
                <a class="button primary" href=format!("/invite/{ticket}/start")>
                    {s.landing_sign_in_button}
                </a>
            </p>
        }
    });
    view! {
        <h1 id="landing-heading">{heading}</h1>
        <p>{fill(body, &vars)}</p>
        {notice}
        {form}
        {sign_in}
    }
    .into_any()
}
