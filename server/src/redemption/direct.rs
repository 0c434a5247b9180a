//! Direct links (architecture.md §3.7): `/signin` finds an organization by one of its
//! own domains, and `/t/<slug>/signin` is that organization's sign-in. Its
//! form takes an address and, when the address has a live or accepted
//! invitation from the organization, emails it a new link to that
//! invitation, where the invitee signs in as usual. The answer is the same
//! whether or not anything was sent, so the page tells no one which
//! addresses have invitations.

use app::fill;
use app::i18n::Locale;
use app::model::domains::DomainKind;
use app::model::email::normalize_email;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::auth::rate_limit;
use crate::clock::Clock;
use crate::invitations::ticket::{redeem_url, InvitationTicket};
use crate::invitations::{status_at, InvitationStatus};
use crate::mail::{enqueue, OutgoingEmail};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{invitation, invitation_ticket, organization, user};

/// The organization whose sign-in `/t/<slug>/signin` is.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<organization::Model>, DbErr> {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// The organization that has `domain` as one of its own.
pub async fn by_domain(
    db: &DatabaseConnection,
    domain: &str,
) -> Result<Option<organization::Model>, DbErr> {
    let all = organization::Entity::find().all(db).await?;
    Ok(all.into_iter().find(|org| {
        super::settings::domains(org, DomainKind::Own)
            .iter()
            .any(|d| d == domain)
    }))
}

/// What the organization's sign-in form did.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// "If this address has an invitation, a link is on its way", whether
    /// or not one was sent.
    Answered,
    InvalidEmail,
    RateLimited,
}

/// Who asks: anyone may type any address, so the email goes out in the
/// invitee's language, not the asker's.
pub struct Asker<'a> {
    pub address: &'a str,
    pub clock: &'a dyn Clock,
}

/// The invitee's language: the invitation's, else their account's, else the
/// organization's.
async fn invitee_locale(
    conn: &impl ConnectionTrait,
    org: &organization::Model,
    found: &invitation::Model,
) -> Result<Locale, DbErr> {
    if let Some(locale) = found
        .message_language
        .as_deref()
        .and_then(Locale::from_code)
    {
        return Ok(locale);
    }
    let account = match found.redeemed_by.or(found.invited_user_id) {
        Some(id) => user::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(account
        .and_then(|u| u.locale)
        .as_deref()
        .and_then(Locale::from_code)
        .or_else(|| Locale::from_code(&org.default_locale))
        .unwrap_or_default())
}

/// The invitation of `org` that `email` can sign in to: the newest that
/// waits for it, or that its account accepted at that address.
async fn invitation_for(
    conn: &impl ConnectionTrait,
    org: &organization::Model,
    email: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<invitation::Model>, DbErr> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?;
    let mut either = Condition::any()
        .add(invitation::Column::Status.eq(InvitationStatus::PendingAcceptance.code()));
    if let Some(account) = &account {
        either = either.add(
            Condition::all()
                .add(invitation::Column::Status.eq(InvitationStatus::Accepted.code()))
                .add(invitation::Column::RedeemedBy.eq(account.id)),
        );
    }
    let found = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.id))
        .filter(invitation::Column::InvitedEmail.eq(email))
        .filter(either)
        .order_by_desc(invitation::Column::CreatedAt)
        .all(conn)
        .await?;
    Ok(found.into_iter().find(|i| {
        matches!(
            status_at(i, now),
            InvitationStatus::PendingAcceptance | InvitationStatus::Accepted
        )
    }))
}

/// The organization's sign-in form: a new link to the address's
/// invitation, if it has one, within the same limits as the codes.
pub async fn request_link(
    db: &DatabaseConnection,
    org: &organization::Model,
    typed: &str,
    asker: &Asker<'_>,
    public_url: &url::Url,
) -> Result<Requested, DbErr> {
    let Ok(email) = normalize_email(typed) else {
        return Ok(Requested::InvalidEmail);
    };
    let by_address = rate_limit::per_client("direct", asker.address);
    let by_email = format!("direct-to:{email}");
    let address_ok = rate_limit::hit(
        db,
        &by_address,
        rate_limit::CODE_SENDS_PER_ADDRESS,
        asker.clock,
    )
    .await?;
    let email_ok =
        rate_limit::hit(db, &by_email, rate_limit::CODE_SENDS_PER_EMAIL, asker.clock).await?;
    if !(address_ok && email_ok) {
        return Ok(Requested::RateLimited);
    }
    let now = asker.clock.now();
    let txn = crate::store::begin_write(db).await?;
    if let Some(found) = invitation_for(&txn, org, &email, now).await? {
        // Another link to the same invitation: the first still works, and
        // a resend replaces both.
        let ticket = InvitationTicket::generate();
        invitation_ticket::ActiveModel {
            ticket_hash: Set(ticket.hash()),
            invitation_id: Set(found.id),
            created_at: Set(now),
            replaced_at: Set(None),
        }
        .insert(&txn)
        .await?;
        let url = redeem_url(public_url, &ticket);
        let locale = invitee_locale(&txn, org, &found).await?;
        enqueue(
            &txn,
            link_email(locale, &org.name, &email, &url),
            asker.clock,
        )
        .await?;
        let entry = AuditEntry {
            organization_id: Some(org.id),
            actor_id: None,
            action: "invitation.sign_in_link_sent",
            target_type: "invitation",
            target_id: found.id.to_string(),
            details: json!({ "address": asker.address }),
        };
        audit::record(&txn, entry, asker.clock).await?;
    }
    txn.commit().await?;
    Ok(Requested::Answered)
}

/// The email with the link to continue, in the page's language.
fn link_email(locale: Locale, org: &str, to: &str, url: &str) -> OutgoingEmail {
    let s = locale.server_strings();
    let subject = fill!(s, email_direct_subject, org = org);
    let intro = fill!(s, email_direct_intro, org = org);
    let html = crate::html!(
        "<p>{intro}</p><p><a href=\"{url}\">{button}</a></p><p>{footer}</p>",
        intro = intro,
        url = url,
        button = s.email_direct_button,
        footer = s.email_direct_footer,
    );
    let text = format!("{intro}\n\n{url}\n\n{}\n", s.email_direct_footer);
    OutgoingEmail::notice(locale, to, subject, text, html)
}
