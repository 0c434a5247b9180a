//! What an invitation link shows, and "Send me a new link". A link is found
//! by its ticket's hash only; anything else about the invitation stays
//! behind a ticket that is not found.

use app::fill;
use app::i18n::Locale;
use app::model::landing::{Landing, LinkState, NewLinkOutcome, NEW_LINK_PAUSE_MINUTES};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, QueryTrait, RelationTrait,
    Statement,
};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::invitations::create::{queue_email, Inviter};
use crate::invitations::manage::reissue;
use crate::invitations::ticket::InvitationTicket;
use crate::invitations::{status_at, status_of, InvitationStatus};
use crate::mail::{enqueue, OutgoingEmail};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{invitation, invitation_ticket, organization, user};

/// The state a link tells: an ended invitation before a replaced link, so
/// an old link of an accepted or revoked invitation says so.
pub fn link_state(
    invitation: &invitation::Model,
    ticket: &invitation_ticket::Model,
    now: DateTime<Utc>,
) -> LinkState {
    state_of(status_at(invitation, now), ticket.replaced_at.is_some())
}

fn state_of(status: InvitationStatus, replaced: bool) -> LinkState {
    match status {
        InvitationStatus::Accepted => LinkState::Accepted,
        InvitationStatus::Revoked => LinkState::Revoked,
        _ if replaced => LinkState::Replaced,
        InvitationStatus::Expired => LinkState::Expired,
        _ => LinkState::Pending,
    }
}

/// An invitation as its link finds it.
pub(crate) struct Link {
    pub invitation: invitation::Model,
    pub ticket: invitation_ticket::Model,
    pub org: organization::Model,
    /// `None` when the inviting operator no longer exists.
    pub inviter: Option<user::Model>,
}

/// Whether `raw` is the ticket of an invitation (current or replaced).
pub async fn names_an_invitation(conn: &impl ConnectionTrait, raw: &str) -> Result<bool, DbErr> {
    let Some(ticket) = InvitationTicket::parse(raw) else {
        return Ok(false);
    };
    Ok(invitation_ticket::Entity::find_by_id(ticket.hash())
        .one(conn)
        .await?
        .is_some())
}

/// The invitation behind `raw` (as written in the link), with its
/// organization and inviter, in one query; `lock` holds the invitation for
/// the caller's transaction. The landing page reads through
/// [`super::link_reader`] instead, which joins its concurrent readers.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    raw: &str,
    lock: bool,
) -> Result<Option<Link>, DbErr> {
    let Some(ticket) = InvitationTicket::parse(raw) else {
        return Ok(None);
    };
    let row = invitation_ticket::Entity::find_by_id(ticket.hash())
        .find_also_related(invitation::Entity)
        .and_also_related(organization::Entity)
        .find_also(invitation::Entity, user::Entity)
        .one(conn)
        .await?;
    // A ticket outlives no invitation (the foreign key cascades).
    let Some((ticket, Some(invitation), org, inviter)) = row else {
        return Ok(None);
    };
    let org = org.ok_or_else(|| DbErr::RecordNotFound("the invitation's organization".into()))?;
    let link = Link {
        invitation,
        ticket,
        org,
        inviter,
    };
    if !lock {
        return Ok(Some(link));
    }
    // Locked, it is read again: PostgreSQL locks no row on the nullable
    // side of an outer join, and what the caller checks is the locked row.
    let locked = invitation::Entity::find_by_id(link.invitation.id).lock_exclusive();
    Ok(locked
        .one(conn)
        .await?
        .map(|invitation| Link { invitation, ..link }))
}

/// What the landing page shows of a link and decides by: only these
/// columns of the four joined rows (decoding the whole rows was a sixth of
/// the page's time under load, perf).
#[derive(Debug, FromQueryResult)]
pub struct LinkFacts {
    pub invitation_id: Uuid,
    pub organization_id: Uuid,
    pub last_opened_at: Option<DateTime<Utc>>,
    pub ticket_hash: String,
    pub replaced_at: Option<DateTime<Utc>>,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<Uuid>,
    pub invited_email: String,
    pub invited_display_name: Option<String>,
    pub message: Option<String>,
    pub org_name: String,
    /// The inviting operator's; `None` when they no longer exist.
    pub inviter_display_name: Option<String>,
    pub inviter_email: Option<String>,
}

/// The query of the facts of the links whose tickets hash to `hashes`.
pub(crate) fn facts_of(backend: DbBackend, hashes: Vec<String>) -> Statement {
    use invitation::Column as I;
    invitation_ticket::Entity::find()
        .select_only()
        .column(invitation_ticket::Column::TicketHash)
        .column(invitation_ticket::Column::ReplacedAt)
        .column_as(I::Id, "invitation_id")
        .column(I::OrganizationId)
        .column(I::LastOpenedAt)
        .columns([I::Status, I::ExpiresAt, I::RedeemedAt, I::RedeemedBy])
        .columns([I::InvitedEmail, I::InvitedDisplayName, I::Message])
        .column_as(organization::Column::Name, "org_name")
        .column_as(user::Column::DisplayName, "inviter_display_name")
        .column_as(user::Column::Email, "inviter_email")
        .join(
            JoinType::InnerJoin,
            invitation_ticket::Relation::Invitation.def(),
        )
        .join(
            JoinType::InnerJoin,
            invitation::Relation::Organization.def(),
        )
        .join(JoinType::LeftJoin, invitation::Relation::Inviter.def())
        .filter(invitation_ticket::Column::TicketHash.is_in(hashes))
        .build(backend)
}

fn shown(date: DateTime<Utc>) -> String {
    date.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The page of the invitation `link`, opened as `ticket`, at `now`.
pub async fn landing(
    db: &DatabaseConnection,
    link: &LinkFacts,
    ticket_as_written: &str,
    now: DateTime<Utc>,
) -> Result<Landing, DbErr> {
    let status = status_of(&link.status, link.expires_at, now);
    let state = state_of(status, link.replaced_at.is_some());
    let pending = state == LinkState::Pending;
    if matches!(state, LinkState::Pending | LinkState::Accepted) {
        let opened = crate::progress::Opened {
            organization_id: link.organization_id,
            invitation_id: link.invitation_id,
            last: link.last_opened_at,
        };
        crate::progress::opened(db, opened, now).await?;
    }
    let sign_in = state == LinkState::Accepted
        && redeemer_at_invited(db, link.redeemed_by, &link.invited_email).await?;
    let date = match state {
        LinkState::Pending | LinkState::Expired => Some(link.expires_at),
        LinkState::Accepted => link.redeemed_at,
        LinkState::Revoked | LinkState::Replaced => None,
    };
    let pending_only = |text: &Option<String>| text.as_ref().filter(|_| pending).cloned();
    // The organization invites when its operator no longer exists.
    let inviter = link.inviter_email.as_deref().map_or_else(
        || link.org_name.clone(),
        |email| Inviter::name_of(link.inviter_display_name.as_deref(), email),
    );
    Ok(Landing {
        ticket: ticket_as_written.to_owned(),
        state,
        inviter,
        org_name: link.org_name.clone(),
        invited_email: pending.then(|| link.invited_email.clone()),
        invitee_name: pending_only(&link.invited_display_name),
        message: pending_only(&link.message),
        date: date.map(shown),
        sign_in,
    })
}

/// Whether the account that redeemed the invitation (`redeemed_by`) is
/// still at the invited address, and so can sign in through the link to
/// go on.
pub(crate) async fn redeemer_at_invited(
    conn: &impl ConnectionTrait,
    redeemed_by: Option<Uuid>,
    invited_email: &str,
) -> Result<bool, DbErr> {
    let Some(id) = redeemed_by else {
        return Ok(false);
    };
    let redeemer = user::Entity::find_by_id(id).one(conn).await?;
    Ok(redeemer.is_some_and(|u| u.email == invited_email))
}

/// "Send me a new link" from the link `raw`: for an expired or replaced
/// invitation, a new link to the invited address only (never elsewhere),
/// and a note to the inviter; at most one per [`NEW_LINK_PAUSE_MINUTES`].
/// `None` when the link is no invitation's.
pub async fn request_new_link(
    db: &DatabaseConnection,
    raw: &str,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Option<NewLinkOutcome>, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let outcome = new_link_in(&txn, raw, public_url, clock).await;
    // Only a link sent writes anything; every other answer rolls back, at
    // once rather than when the transaction is dropped.
    if let Ok(Some(NewLinkOutcome::Sent)) = outcome {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    outcome
}

async fn new_link_in(
    txn: &DatabaseTransaction,
    raw: &str,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Option<NewLinkOutcome>, DbErr> {
    let now = clock.now();
    let Some(Link {
        invitation,
        ticket,
        org,
        inviter,
    }) = find(txn, raw, true).await?
    else {
        return Ok(None);
    };
    let (true, Some(inviter)) = (
        link_state(&invitation, &ticket, now).offers_new_link(),
        inviter,
    ) else {
        return Ok(Some(NewLinkOutcome::NotOffered));
    };
    let pause = chrono::Duration::minutes(NEW_LINK_PAUSE_MINUTES);
    if invitation.sent_at.is_some_and(|sent| now - sent < pause) {
        return Ok(Some(NewLinkOutcome::SentRecently));
    }
    let (updated, url) = reissue(txn, invitation, public_url, now).await?;
    // Only to the invited address: not even the operator's cc.
    let to_invitee = invitation::Model {
        cc_email: None,
        ..updated.clone()
    };
    let as_inviter = Inviter::from_user(&inviter);
    queue_email(txn, &org, &as_inviter, &to_invitee, &url, clock).await?;
    let locale = inviter
        .locale
        .as_deref()
        .and_then(Locale::from_code)
        .or_else(|| Locale::from_code(&org.default_locale))
        .unwrap_or_default();
    let note = NewLinkNote {
        locale,
        to: &inviter.email,
        invitee: updated
            .invited_display_name
            .as_deref()
            .unwrap_or(&updated.invited_email),
        email: &updated.invited_email,
        org: &org.name,
        valid_until: &shown(updated.expires_at),
    };
    enqueue(txn, note.render(), clock).await?;
    let entry = AuditEntry {
        organization_id: Some(org.id),
        actor_id: None,
        action: "invitation.new_link_requested",
        target_type: "invitation",
        target_id: updated.id.to_string(),
        details: json!({ "sendCount": updated.send_count }),
    };
    audit::record(txn, entry, clock).await?;
    Ok(Some(NewLinkOutcome::Sent))
}

/// The inviter's note that their invitee asked for, and got, a new link.
struct NewLinkNote<'a> {
    locale: Locale,
    to: &'a str,
    invitee: &'a str,
    email: &'a str,
    org: &'a str,
    valid_until: &'a str,
}

impl NewLinkNote<'_> {
    fn render(&self) -> OutgoingEmail {
        let s = self.locale.server_strings();
        let subject = fill!(s, email_new_link_subject, invitee = self.invitee);
        let body = fill!(
            s,
            email_new_link_body,
            invitee = self.invitee,
            org = self.org,
            email = self.email,
            date = self.valid_until
        );
        let html = crate::html!("<p>{body}</p>", body = body);
        OutgoingEmail::notice(self.locale, self.to, subject, format!("{body}\n"), html)
    }
}
