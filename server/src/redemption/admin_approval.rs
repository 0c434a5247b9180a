//! When a customer's Microsoft tenant needs its administrator (the
//! customer-acceptance guide's first case: "your IT administrator must
//! approve our application as trusted"). Microsoft's refusal makes a
//! request bound to the invitation and to the tenant of the invited
//! address's domain; the invitee sees its approval link and may email it to
//! their administrator; the administrator's answer comes back to Lobby's
//! callback with the request's `state`, is recorded for that tenant, and
//! tells the invitee to go on. The invitation stays pending throughout.

use app::fill;
use app::i18n::Locale;
use app::model::email::normalize_email;
use app::model::providers::domain_of;
use app::model::sign_in::{Notice, ADMIN_NOTE_MAX};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

use super::finish::{Context, Outcome};
use super::landing::Link;
use crate::auth::rate_limit::{self, Limit};
use crate::auth::session::{self, Visit};
use crate::clock::Clock;
use crate::federation::oidc::Federation;
use crate::invitations::ticket::{redeem_url, InvitationTicket};
use crate::mail::{enqueue, OutgoingEmail};
use crate::sealed;
use crate::secret::{random_token, token_digest as digest, Secret};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{admin_approval, identity_provider, invitation, organization};

/// How long an administrator has to answer.
const VALID_DAYS: i64 = 14;
/// The tenant asked for when the invited domain names none: any work or
/// school tenant, whichever the administrator signs in to.
pub const ANY_ORGANIZATION: &str = "organizations";
/// The request under way in this browser: its link, id and address.
const PENDING: &str = "admin_approval";
/// Emails to administrators, per invitation and per client address.
pub const ASKS_PER_INVITATION: Limit = Limit {
    max: 5,
    window: Duration::from_secs(3600),
};
pub const ASKS_PER_ADDRESS: Limit = Limit {
    max: 20,
    window: Duration::from_secs(3600),
};

/// After the provider said the invitee's organization must approve the
/// seller's application first: a request bound to the link's invitation,
/// kept in `visit` (whose data is stored whole) for the page to show.
pub(super) async fn request(
    ctx: &Context<'_>,
    federation: &Federation,
    visit: &Visit,
    raw: &str,
    link: &Link,
    provider: &identity_provider::Model,
) -> Result<(), DbErr> {
    let domain = domain_of(&link.invitation.invited_email).unwrap_or_default();
    let tenant = federation
        .tenant_of(&provider.issuer, domain)
        .await
        .unwrap_or_else(|| ANY_ORGANIZATION.to_owned());
    let state = random_token();
    let Some(url) =
        federation.admin_consent_url(&provider.issuer, &tenant, &provider.client_id, &state)
    else {
        return Ok(());
    };
    let id = Uuid::new_v4();
    let ticket = sealed::seal(ctx.key, &id.to_string(), &Secret::new(raw.to_owned()))
        .ok_or_else(|| DbErr::Custom("cannot seal the link".into()))?;
    let now = ctx.clock.now();
    admin_approval::ActiveModel {
        id: Set(id),
        organization_id: Set(link.org.id),
        invitation_id: Set(link.invitation.id),
        provider_id: Set(provider.id),
        state_hash: Set(digest(&state)),
        tenant: Set(tenant),
        ticket_sealed: Set(ticket),
        locale: Set(ctx.locale.code().to_owned()),
        admin_email: Set(None),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(VALID_DAYS)),
        approved_tenant: Set(None),
        approved_at: Set(None),
    }
    .insert(ctx.db)
    .await?;
    let pending = json!({ "ticket": raw, "id": id.to_string(), "url": url });
    session::set_visit_value(ctx.db, visit, PENDING, pending).await
}

/// This browser's request for the link `raw`: its id and approval address.
fn pending(visit: &Visit, raw: &str) -> Option<(Uuid, String)> {
    let pending = &visit.data[PENDING];
    if pending["ticket"].as_str() != Some(raw) {
        return None;
    }
    let id = pending["id"].as_str()?.parse().ok()?;
    Some((id, pending["url"].as_str()?.to_owned()))
}

/// The approval address for the page of the link `raw`, while this
/// browser's request waits for its answer.
pub async fn waiting(
    conn: &impl ConnectionTrait,
    visit: &Visit,
    raw: &str,
    clock: &dyn Clock,
) -> Result<Option<String>, DbErr> {
    let Some((id, url)) = pending(visit, raw) else {
        return Ok(None);
    };
    let open = admin_approval::Entity::find_by_id(id)
        .filter(admin_approval::Column::ApprovedAt.is_null())
        .filter(admin_approval::Column::ExpiresAt.gt(clock.now()))
        .one(conn)
        .await?;
    Ok(open.map(|_| url))
}

/// What the invitee typed to ask their IT administrator.
pub struct Ask {
    pub admin_email: String,
    pub note: String,
}

/// Emails the approval link of this browser's request to the administrator
/// the invitee names, in the invitee's language, and tells the inviter.
/// `link` is the pending invitation of this browser's provider step.
pub(super) async fn ask(
    ctx: &Context<'_>,
    raw: &str,
    visit: &Visit,
    link: &Link,
    ask: Ask,
) -> Result<Outcome, DbErr> {
    let Some((id, url)) = pending(visit, raw) else {
        return Ok(Outcome::Start);
    };
    let Ok(admin) = normalize_email(&ask.admin_email) else {
        return Ok(Outcome::Notice(Notice::AdminEmailInvalid));
    };
    let note = ask.note.trim();
    if note.chars().count() > ADMIN_NOTE_MAX {
        return Ok(Outcome::Notice(Notice::AdminNoteTooLong));
    }
    let invitation = &link.invitation;
    let by_invitation = format!("admin-approval:invitation:{}", invitation.id);
    let by_address = format!("admin-approval:address:{}", ctx.address);
    let within = rate_limit::hit(ctx.db, &by_invitation, ASKS_PER_INVITATION, ctx.clock).await?
        && rate_limit::hit(ctx.db, &by_address, ASKS_PER_ADDRESS, ctx.clock).await?;
    if !within {
        return Ok(Outcome::RateLimited);
    }
    let txn = crate::store::begin_write(ctx.db).await?;
    let updated = admin_approval::Entity::update_many()
        .col_expr(
            admin_approval::Column::AdminEmail,
            Expr::value(admin.clone()),
        )
        .filter(admin_approval::Column::Id.eq(id))
        .filter(admin_approval::Column::InvitationId.eq(invitation.id))
        .filter(admin_approval::Column::ApprovedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(Outcome::Start);
    }
    let invitee = Invitee::of(invitation);
    let org = link.org.name.as_str();
    let email = AdminEmail {
        locale: ctx.locale,
        to: &admin,
        invitee: &invitee,
        org,
        note,
        url: &url,
    };
    enqueue(&txn, email.render(), ctx.clock).await?;
    if let Some(inviter) = &link.inviter {
        let locale = Locale::from_code(inviter.locale.as_deref().unwrap_or_default())
            .unwrap_or_else(|| Locale::from_code(&link.org.default_locale).unwrap_or_default());
        let told = inviter_email(locale, &inviter.email, &invitee, org, &admin);
        enqueue(&txn, told, ctx.clock).await?;
    }
    let entry = AuditEntry {
        organization_id: Some(link.org.id),
        actor_id: invitation.invited_user_id,
        action: "invitation.admin_approval_asked",
        target_type: "invitation",
        target_id: invitation.id.to_string(),
        details: json!({ "admin_email": admin }),
    };
    audit::record(&txn, entry, ctx.clock).await?;
    txn.commit().await?;
    Ok(Outcome::Notice(Notice::AdminAsked))
}

/// What the administrator's return to the callback brought.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Return {
    pub state: Option<String>,
    pub admin_consent: Option<String>,
    pub tenant: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// How the administrator's return ended, for the page they see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// No request of Lobby's has this `state`, or it has expired.
    Unknown,
    /// Approved for another tenant than the invitee's: nothing recorded.
    OtherTenant,
    /// Not approved, with Microsoft's reason.
    Declined(String),
    /// Recorded (now, or before): for the seller `org`.
    Approved { org: String },
}

/// Takes the administrator's return. `None` when it is not one (no request
/// has its `state` and it says nothing of admin consent): the callback is
/// then an invitee's sign-in.
pub async fn answer(
    db: &DatabaseConnection,
    key: &[u8; 32],
    clock: &dyn Clock,
    public_url: &url::Url,
    back: &Return,
) -> Result<Option<Answer>, DbErr> {
    let state = back.state.as_deref().unwrap_or_default();
    let request = match state.is_empty() {
        true => None,
        false => {
            admin_approval::Entity::find()
                .filter(admin_approval::Column::StateHash.eq(digest(state)))
                .one(db)
                .await?
        }
    };
    let Some(request) = request else {
        return Ok(back.admin_consent.is_some().then_some(Answer::Unknown));
    };
    let now = clock.now();
    if request.expires_at < now {
        return Ok(Some(Answer::Unknown));
    }
    if back.error.is_some() || !back.admin_consent.as_deref().is_some_and(is_true) {
        let why = back.error_description.as_deref().or(back.error.as_deref());
        return Ok(Some(Answer::Declined(
            why.unwrap_or_default().chars().take(300).collect(),
        )));
    }
    let tenant = back.tenant.as_deref().unwrap_or_default();
    let asked = request.tenant.as_str();
    if tenant.is_empty() || (asked != ANY_ORGANIZATION && !asked.eq_ignore_ascii_case(tenant)) {
        return Ok(Some(Answer::OtherTenant));
    }
    let org = organization::Entity::find_by_id(request.organization_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    approve(db, key, clock, public_url, &request, tenant).await?;
    Ok(Some(Answer::Approved { org }))
}

/// Microsoft writes `True`.
fn is_true(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

/// Records the approval once, and then only tells the invitee.
async fn approve(
    db: &DatabaseConnection,
    key: &[u8; 32],
    clock: &dyn Clock,
    public_url: &url::Url,
    request: &admin_approval::Model,
    tenant: &str,
) -> Result<(), DbErr> {
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    let first = admin_approval::Entity::update_many()
        .col_expr(admin_approval::Column::ApprovedTenant, Expr::value(tenant))
        .col_expr(admin_approval::Column::ApprovedAt, Expr::value(now))
        .filter(admin_approval::Column::Id.eq(request.id))
        .filter(admin_approval::Column::ApprovedAt.is_null())
        .exec(&txn)
        .await?;
    if first.rows_affected == 0 {
        return Ok(());
    }
    let invitation = invitation::Entity::find_by_id(request.invitation_id)
        .one(&txn)
        .await?;
    let raw = sealed::open(key, &request.id.to_string(), &request.ticket_sealed);
    let ticket = raw.and_then(|raw| InvitationTicket::parse(raw.expose()));
    if let (Some(invitation), Some(ticket)) = (&invitation, ticket) {
        let locale = Locale::from_code(&request.locale).unwrap_or_default();
        let org = organization::Entity::find_by_id(request.organization_id)
            .one(&txn)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let link = redeem_url(public_url, &ticket);
        let email = continue_email(locale, &invitation.invited_email, &org, &link);
        enqueue(&txn, email, clock).await?;
    }
    let entry = AuditEntry {
        organization_id: Some(request.organization_id),
        actor_id: None,
        action: "invitation.admin_approved",
        target_type: "invitation",
        target_id: request.invitation_id.to_string(),
        details: json!({ "tenant": tenant, "admin_email": request.admin_email }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await
}

/// The invitee as the emails name them.
struct Invitee {
    name: String,
    email: String,
}

impl Invitee {
    fn of(invitation: &invitation::Model) -> Invitee {
        let email = invitation.invited_email.clone();
        let name = invitation
            .invited_display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| email.clone());
        Invitee { name, email }
    }
}

/// The approval link for the invitee's IT administrator: who asks, for
/// which seller, what approving grants and what happens after.
struct AdminEmail<'a> {
    locale: Locale,
    to: &'a str,
    invitee: &'a Invitee,
    org: &'a str,
    note: &'a str,
    url: &'a str,
}

impl AdminEmail<'_> {
    fn render(&self) -> OutgoingEmail {
        let s = self.locale.server_strings();
        let (invitee, email, org) = (
            self.invitee.name.as_str(),
            self.invitee.email.as_str(),
            self.org,
        );
        let subject = fill!(s, email_admin_subject, invitee = invitee, org = org);
        let intro = fill!(
            s,
            email_admin_intro,
            invitee = invitee,
            email = email,
            org = org
        );
        let grants = fill!(s, email_admin_grants, org = org);
        let after = fill!(s, email_admin_after, invitee = invitee);
        let note_text = match self.note.is_empty() {
            true => String::new(),
            false => format!("{}\n\n    {}\n\n", s.email_admin_note, self.note),
        };
        let text = format!(
            "{intro}\n\n{note_text}{grants}\n\n{}\n{}\n\n{after}\n\n{}\n",
            s.email_admin_button, self.url, s.email_admin_footer
        );
        let note_html = match self.note.is_empty() {
            true => crate::html::Html::default(),
            false => crate::html!(
                "<p>{label}</p><blockquote style=\"white-space:pre-wrap\">{note}</blockquote>",
                label = s.email_admin_note,
                note = self.note,
            ),
        };
        let html = crate::html!(
            "<p>{intro}</p>{note}<p>{grants}</p><p><a href=\"{url}\">{button}</a></p><p>{after}</p><p style=\"word-break:break-all\">{url}</p><p>{footer}</p>",
            intro = intro,
            note = note_html,
            grants = grants,
            url = self.url,
            button = s.email_admin_button,
            after = after,
            footer = s.email_admin_footer,
        );
        OutgoingEmail::notice(self.locale, self.to, subject, text, html)
    }
}

/// Tells the inviter that their invitee waits for their IT administrator.
fn inviter_email(
    locale: Locale,
    to: &str,
    invitee: &Invitee,
    org: &str,
    admin: &str,
) -> OutgoingEmail {
    let s = locale.server_strings();
    let name = invitee.name.as_str();
    let subject = fill!(s, email_inviter_admin_subject, invitee = name);
    let body = fill!(
        s,
        email_inviter_admin_body,
        invitee = name,
        email = invitee.email,
        org = org,
        admin = admin
    );
    let text = format!("{body}\n");
    let html = crate::html!("<p>{body}</p>", body = body);
    OutgoingEmail::notice(locale, to, subject, text, html)
}

/// Tells the invitee that they can sign in now, with their link.
fn continue_email(locale: Locale, to: &str, org: &str, link: &str) -> OutgoingEmail {
    let s = locale.server_strings();
    let subject = fill!(s, email_continue_subject, org = org);
    let body = fill!(s, email_continue_body, org = org);
    let text = format!("{body}\n\n{link}\n");
    let html = crate::html!(
        "<p>{body}</p><p><a href=\"{link}\">{button}</a></p><p style=\"word-break:break-all\">{link}</p>",
        body = body,
        link = link,
        button = s.email_continue_button,
    );
    OutgoingEmail::notice(locale, to, subject, text, html)
}
