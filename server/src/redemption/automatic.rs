//! Automatic redemption (architecture.md §3.4): an invitee whose address is at
//! one of the organization's trusted domains is not shown the terms step.
//! The consent is recorded as automatic, naming the versions in force, and
//! the invitee is emailed what applies instead.

use app::fill;
use app::model::domains::{is_at, DomainKind};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

use super::finish::Context;
use super::landing::Link;
use crate::documents::Documents;
use crate::html;
use crate::html::Html;
use crate::mail::{enqueue, OutgoingEmail};
use crate::store::entities::{consent, organization, user};
use crate::webhooks::{self, Event};

/// Whether the invitee at `email` is redeemed without the terms step.
pub(super) fn applies(org: &organization::Model, email: &str) -> bool {
    is_at(&super::settings::domains(org, DomainKind::Trusted), email)
}

/// Records the automatic consent of `user` to the current versions and
/// queues the email that tells them, in the caller's transaction.
pub(super) async fn consent(
    conn: &impl ConnectionTrait,
    ctx: &Context<'_>,
    link: &Link,
    user: &user::Model,
    documents: &Documents,
) -> Result<(), DbErr> {
    // The terms in the invitee's language when written in it.
    let terms = documents
        .terms
        .as_ref()
        .map(|t| (t.version, crate::documents::text_in(t, ctx.locale)));
    consent::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        organization_id: Set(link.org.id),
        privacy_version: Set(documents.privacy.clone()),
        terms_version: Set(documents.terms_version()),
        terms_language: Set(terms.as_ref().map(|(_, (l, _))| l.code().to_owned())),
        automatic: Set(true),
        client_address: Set(Some(ctx.address.to_owned())),
        user_agent: Set(None),
        accepted_at: Set(ctx.clock.now()),
    }
    .insert(conn)
    .await?;
    let data = webhooks::events::consent_data(
        &link.invitation,
        user,
        documents.privacy.as_deref(),
        documents.terms_version(),
        true,
    );
    webhooks::emit(conn, link.org.id, Event::ConsentGiven, data, ctx.clock).await?;
    let terms = terms.map(|(version, (_, text))| (version, text));
    enqueue(
        conn,
        notification(ctx, &link.org, &user.email, documents, terms),
        ctx.clock,
    )
    .await
    .map(|_| ())
}

/// The email that replaces the terms step: what was accepted on the
/// invitee's behalf, with the terms' text.
fn notification(
    ctx: &Context<'_>,
    org: &organization::Model,
    to: &str,
    documents: &Documents,
    terms: Option<(i32, String)>,
) -> OutgoingEmail {
    let s = ctx.locale.server_strings();
    let subject = fill!(s, email_automatic_subject, org = org.name);
    let intro = fill!(s, email_automatic_intro, org = org.name);
    let footer = fill!(s, email_automatic_footer, org = org.name);
    let mut text = format!("{intro}\n");
    let mut parts = vec![html!("<p>{intro}</p>", intro = intro)];
    if let (Some(version), Some(url)) = (&documents.privacy, &org.privacy_url) {
        let privacy = fill!(s, email_automatic_privacy, version = version.as_str());
        text.push_str(&format!("\n{privacy}\n{url}\n"));
        parts.push(html!(
            "<p>{privacy}<br><a href=\"{url}\">{url}</a></p>",
            privacy = privacy,
            url = url,
        ));
    }
    if let Some((version, markdown)) = terms {
        let heading = fill!(s, email_automatic_terms, version = version.to_string());
        text.push_str(&format!("\n{heading}\n\n{markdown}\n"));
        parts.push(html!(
            "<p>{heading}</p><div>{terms}</div>",
            heading = heading,
            terms = super::terms::render_html(&markdown),
        ));
    }
    text.push_str(&format!("\n{footer}\n"));
    parts.push(html!("<p>{footer}</p>", footer = footer));
    OutgoingEmail::notice(ctx.locale, to, subject, text, Html::concat(parts))
}
