//! Creating checked invitations: one, or a batch in one transaction, each
//! with its invited user, ticket, email and audit event.

use std::collections::HashMap;

use app::model::invitation::InvitationField;
use app::model::locale::Locale;
use app::model::progress::ProgressStep;
use chrono::SubsecRound;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

pub use super::request::{FieldError, Valid};
use super::ticket::{redeem_url, InvitationTicket};
use super::{status_at, InvitationStatus};
use crate::clock::Clock;
use crate::mail::templates::{invitation as invitation_email, InvitationEmail};
use crate::mail::{outbox, OutgoingEmail};
use crate::operators::Role;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{
    audit_event, company, email_outbox, invitation, invitation_ticket, membership, org_role,
    organization, user,
};
use crate::webhooks::{self, Event};

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("some fields are invalid")]
    Invalid(Vec<FieldError>),
    #[error("this email address already has a pending invitation")]
    PendingInvitation { invitation_id: Uuid },
    #[error("this email address already belongs to an account in the organization")]
    ExistingUser { user_id: Uuid },
    /// The address, or the user whose redemption would be reset, is an
    /// operator's or admin's account: those are managed on the operators
    /// page, and a reset would move their account (and role) to another address.
    #[error("this account belongs to an operator or admin")]
    OperatorAccount,
    /// Resetting a redemption moves an account to a new address: admins only.
    #[error("only admins can reset a redemption")]
    ResetNeedsAdmin,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// The result: the stored invitation, and the redeem URL (known only now).
pub struct Created {
    pub invitation: invitation::Model,
    pub redeem_url: String,
}

pub struct Inviter {
    pub user_id: Uuid,
    pub name: String,
    /// The address invitees may write to (see [`crate::operators::contact`]).
    pub contact: String,
    /// Only an admin may reset a redemption; false unless [`Inviter::with_role`]
    /// says otherwise, so a caller that forgets to look the role up is refused.
    pub admin: bool,
}

impl Inviter {
    /// An operator's name as invitees see it: their name, else their address.
    pub fn name_of(display_name: Option<&str>, email: &str) -> String {
        display_name.unwrap_or(email).to_owned()
    }

    /// The operator as invitees see them: by name, else by address.
    pub fn from_user(operator: &user::Model) -> Inviter {
        Inviter {
            user_id: operator.id,
            name: Inviter::name_of(operator.display_name.as_deref(), &operator.email),
            contact: crate::operators::contact::shown_address(operator).to_owned(),
            admin: false,
        }
    }

    /// The inviter with the role they hold in the organization.
    pub fn with_role(self, role: Option<Role>) -> Inviter {
        Inviter {
            admin: role == Some(Role::Admin),
            ..self
        }
    }
}

/// Creates the invitation, the invited user when new, the ticket, the email
/// (when asked for) and the audit event, in one transaction.
pub async fn create(
    db: &DatabaseConnection,
    org: &organization::Model,
    inviter: &Inviter,
    valid: Valid,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Created, CreateError> {
    let txn = crate::store::begin_write(db).await?;
    let created = create_in(&txn, org, inviter, valid, public_url, clock).await?;
    txn.commit().await?;
    Ok(created)
}

/// [`create`] within the caller's transaction. A conflict or refusal returns
/// before anything is written.
pub async fn create_in(
    txn: &DatabaseTransaction,
    org: &organization::Model,
    inviter: &Inviter,
    valid: Valid,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Created, CreateError> {
    let mut outcomes = create_many_in(txn, org, inviter, vec![valid], public_url, clock).await?;
    outcomes
        .pop()
        .unwrap_or_else(|| Err(DbErr::Custom("no outcome for the invitation".into()).into()))
}

/// What is already known about the addresses and users of one batch: live
/// invitations (by address and by user) and accounts (by address). The batch
/// adds the invitations it creates, so a later item for the same address or
/// user is a conflict.
#[derive(Default)]
struct Known {
    pending_by_email: HashMap<String, Uuid>,
    pending_by_user: HashMap<Uuid, Uuid>,
    users: HashMap<String, user::Model>,
}

/// The rows a batch writes, each kind in one statement.
#[derive(Default)]
struct Rows {
    users: Vec<user::ActiveModel>,
    invitations: Vec<invitation::ActiveModel>,
    tickets: Vec<invitation_ticket::ActiveModel>,
    mails: Vec<email_outbox::ActiveModel>,
    events: Vec<audit_event::ActiveModel>,
    webhooks: Vec<(Event, serde_json::Value)>,
}

/// Creates many invitations in the caller's transaction, each with its own
/// outcome (and its email, audit event and webhooks), as [`create`] would one by one: the lookups and each kind of
/// insert are one statement for the lot (what makes bulk imports fast). A
/// refused item writes nothing.
pub async fn create_many_in(
    txn: &DatabaseTransaction,
    org: &organization::Model,
    inviter: &Inviter,
    items: Vec<Valid>,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Vec<Result<Created, CreateError>>, DbErr> {
    // Microseconds, as PostgreSQL keeps them: the returned rows then equal
    // the stored ones.
    let now = clock.now().trunc_subsecs(6);
    // One creator at a time per organization, or two requests for one
    // address would each find no live invitation and both create one.
    crate::store::lock_for(txn, org.id).await?;
    let mut known = known_for(txn, org.id, &items, now).await?;
    let mut rows = Rows::default();
    let mut outcomes = Vec::with_capacity(items.len());
    for mut valid in items {
        let existing = match admit(txn, org.id, inviter, &valid, &known, now).await {
            Ok(existing) => existing,
            Err(CreateError::Database(e)) => return Err(e),
            Err(refused) => {
                outcomes.push(Err(refused));
                continue;
            }
        };
        // A reset keeps the user's company: the redemption joins it again
        // rather than asking for a new one.
        if let (Some(user_id), None, None) = (valid.reset_user, &valid.company, valid.company_id) {
            valid.company_id = company_in(txn, org.id, user_id).await?;
        }
        let invited_user = existing.unwrap_or_else(|| {
            let new = user::Model {
                id: Uuid::new_v4(),
                email: valid.email.clone(),
                email_verified: false,
                display_name: valid.display_name.clone(),
                locale: valid.language.map(|l| l.code().to_owned()),
                password_hash: None,
                failed_sign_ins: 0,
                contact_email: None,
                created_at: now,
                updated_at: now,
            };
            rows.users.push(new.clone().into_active_model());
            new
        });
        let created = invitation_row(
            org,
            inviter,
            valid,
            invited_user.id,
            public_url,
            now,
            &mut rows,
        );
        known.pending_by_email.insert(
            created.invitation.invited_email.clone(),
            created.invitation.id,
        );
        known
            .pending_by_user
            .insert(invited_user.id, created.invitation.id);
        outcomes.push(Ok(created));
    }
    user::Entity::insert_many(rows.users)
        .exec_without_returning(txn)
        .await?;
    invitation::Entity::insert_many(rows.invitations)
        .exec_without_returning(txn)
        .await?;
    invitation_ticket::Entity::insert_many(rows.tickets)
        .exec_without_returning(txn)
        .await?;
    email_outbox::Entity::insert_many(rows.mails)
        .exec_without_returning(txn)
        .await?;
    audit_event::Entity::insert_many(rows.events)
        .exec_without_returning(txn)
        .await?;
    webhooks::events::emit_all(txn, org.id, rows.webhooks, now).await?;
    Ok(outcomes)
}

/// The live invitations and the accounts of the batch's addresses.
async fn known_for(
    txn: &DatabaseTransaction,
    org: Uuid,
    items: &[Valid],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Known, DbErr> {
    let emails: Vec<&str> = items.iter().map(|v| v.email.as_str()).collect();
    let mut known = Known::default();
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(invitation::Column::InvitedEmail.is_in(emails.iter().copied()))
        .filter(invitation::Column::Status.eq(InvitationStatus::PendingAcceptance.code()))
        .all(txn)
        .await?;
    for live in pending
        .iter()
        .filter(|i| status_at(i, now) == InvitationStatus::PendingAcceptance)
    {
        known
            .pending_by_email
            .entry(live.invited_email.clone())
            .or_insert(live.id);
    }
    let users = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(txn)
        .await?;
    known.users = users.into_iter().map(|u| (u.email.clone(), u)).collect();
    Ok(known)
}

/// Whether `valid` may be invited: not while a live invitation waits for the
/// address, nor when it is already an account of the organization, nor for a
/// company of another. Returns the existing user it invites, if any.
async fn admit(
    txn: &DatabaseTransaction,
    org: Uuid,
    inviter: &Inviter,
    valid: &Valid,
    known: &Known,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<user::Model>, CreateError> {
    if let Some(&invitation_id) = known.pending_by_email.get(&valid.email) {
        return Err(CreateError::PendingInvitation { invitation_id });
    }
    let by_email = known.users.get(&valid.email);
    let existing = match valid.reset_user {
        None => by_email.cloned(),
        Some(_) if !inviter.admin => return Err(CreateError::ResetNeedsAdmin),
        Some(id) => Some(reset_target(txn, org, id, by_email, now).await?),
    };
    if let Some(u) = &existing {
        if let Some(&invitation_id) = known.pending_by_user.get(&u.id) {
            return Err(CreateError::PendingInvitation { invitation_id });
        }
        if valid.reset_user.is_none() && is_operator_anywhere(txn, u.id).await? {
            return Err(CreateError::OperatorAccount);
        }
        if valid.reset_user.is_none() && belongs_to(txn, org, u.id).await? {
            return Err(CreateError::ExistingUser { user_id: u.id });
        }
    }
    if let Some(company_id) = valid.company_id {
        let found = company::Entity::find_by_id(company_id).one(txn).await?;
        if found.is_none_or(|c| c.organization_id != org) {
            return Err(CreateError::Invalid(vec![FieldError::new(
                InvitationField::CompanyId,
                "company_unknown",
                "no company of this organization has this id",
            )]));
        }
    }
    Ok(existing)
}

/// The invitation of `valid` for `user_id`, with its ticket, email (when
/// asked for) and audit event added to `rows`.
fn invitation_row(
    org: &organization::Model,
    inviter: &Inviter,
    valid: Valid,
    user_id: Uuid,
    public_url: &url::Url,
    now: chrono::DateTime<chrono::Utc>,
    rows: &mut Rows,
) -> Created {
    let ticket = InvitationTicket::generate();
    let expires_at = now + chrono::Duration::days(valid.expires_in_days);
    let invitation = invitation::Model {
        id: Uuid::new_v4(),
        organization_id: org.id,
        ticket_hash: ticket.hash(),
        invited_email: valid.email.clone(),
        invited_display_name: valid.display_name,
        inviter_id: Some(inviter.user_id),
        message: valid.message,
        message_language: valid.language.map(|l| l.code().to_owned()),
        redirect_url: valid.redirect_url,
        user_type: valid.user_type.code().to_owned(),
        company_draft: valid.company,
        company_id: valid.company_id,
        company_role: valid.company_role.map(|r| r.code().to_owned()),
        status: InvitationStatus::PendingAcceptance.code().to_owned(),
        invited_user_id: Some(user_id),
        send_count: i32::from(valid.send),
        created_at: now,
        sent_at: valid.send.then_some(now),
        expires_at,
        redeemed_at: None,
        redeemed_by: None,
        revoked_at: None,
        cc_email: valid.cc,
        reset_redemption: valid.reset_user.is_some(),
        progress: ProgressStep::Invited.code().to_owned(),
        progress_at: Some(now),
        first_opened_at: None,
        last_opened_at: None,
        signed_in_at: None,
        sign_in_method: None,
        sign_in_source: None,
        welcomed_at: None,
        company_at: None,
        mail_failed_at: None,
    };
    rows.tickets.push(invitation_ticket::ActiveModel {
        ticket_hash: Set(ticket.hash()),
        invitation_id: Set(invitation.id),
        created_at: Set(now),
        replaced_at: Set(None),
    });
    let url = redeem_url(public_url, &ticket);
    if valid.send {
        let mail = invitation_mail(org, inviter, &invitation, &url);
        rows.mails
            .push(outbox::queued_for(mail, invitation.id, now));
    }
    let entry = AuditEntry {
        organization_id: Some(org.id),
        actor_id: Some(inviter.user_id),
        action: "invitation.created",
        target_type: "invitation",
        target_id: invitation.id.to_string(),
        details: json!({
            "email": valid.email,
            "sent": valid.send,
            "expiresAt": expires_at,
            "import": valid.import_id,
            "resetRedemption": valid.reset_user.is_some(),
        }),
    };
    rows.events.push(audit::event(entry, now));
    let data = webhooks::events::invitation_data(&invitation, InvitationStatus::PendingAcceptance);
    rows.webhooks.push((Event::InvitationCreated, data));
    rows.invitations
        .push(invitation.clone().into_active_model());
    Created {
        invitation,
        redeem_url: url,
    }
}

/// The user whose redemption is reset: they must exist, belong to the
/// organization, hold no operator or admin role anywhere (a reset moves the
/// account, role and all, to the new address), have no other live
/// invitation, and the new address must not be another account's.
async fn reset_target(
    txn: &DatabaseTransaction,
    org: Uuid,
    id: Uuid,
    by_email: Option<&user::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<user::Model, CreateError> {
    let unknown = || {
        CreateError::Invalid(vec![FieldError::new(
            InvitationField::ResetUser,
            "user_unknown",
            "no user of this organization has this id",
        )])
    };
    let target = user::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(unknown)?;
    if !belongs_to(txn, org, target.id).await? {
        return Err(unknown());
    }
    if is_operator_anywhere(txn, target.id).await? {
        return Err(CreateError::OperatorAccount);
    }
    if let Some(other) = by_email.filter(|u| u.id != target.id) {
        return Err(CreateError::ExistingUser { user_id: other.id });
    }
    let open = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(invitation::Column::InvitedUserId.eq(target.id))
        .filter(invitation::Column::Status.eq(InvitationStatus::PendingAcceptance.code()))
        .all(txn)
        .await?;
    if let Some(live) = open
        .iter()
        .find(|i| status_at(i, now) == InvitationStatus::PendingAcceptance)
    {
        return Err(CreateError::PendingInvitation {
            invitation_id: live.id,
        });
    }
    Ok(target)
}

/// Queues the invitation email for `row` (and its cc) in the caller's transaction.
pub(crate) async fn queue_email(
    txn: &impl sea_orm::ConnectionTrait,
    org: &organization::Model,
    inviter: &Inviter,
    row: &invitation::Model,
    url: &str,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let mail = invitation_mail(org, inviter, row, url);
    let queued = outbox::queued_for(mail, row.id, clock.now());
    sea_orm::ActiveModelTrait::insert(queued, txn)
        .await
        .map(|_| ())
}

/// The invitation email for `row`, in its language, else the organization's.
fn invitation_mail(
    org: &organization::Model,
    inviter: &Inviter,
    row: &invitation::Model,
    url: &str,
) -> OutgoingEmail {
    let locale = row
        .message_language
        .as_deref()
        .and_then(Locale::from_code)
        .or_else(|| Locale::from_code(&org.default_locale))
        .unwrap_or_default();
    invitation_email(&InvitationEmail {
        locale,
        to: &row.invited_email,
        cc: row.cc_email.as_deref(),
        invitee_name: row.invited_display_name.as_deref(),
        inviter_name: &inviter.name,
        inviter_email: &inviter.contact,
        org_name: &org.name,
        product_name: org.portal_name(),
        accent_color: &org.accent_color,
        message: row.message.as_deref(),
        redeem_url: url,
        expires_at: row.expires_at,
    })
}

/// An account "in the organization": an operator of it, a member of one of
/// its companies, or someone who accepted one of its invitations.
async fn belongs_to(
    txn: &impl sea_orm::ConnectionTrait,
    org: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    if org_role::Entity::find()
        .filter(org_role::Column::OrganizationId.eq(org))
        .filter(org_role::Column::UserId.eq(user_id))
        .one(txn)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    let accepted = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org))
        .filter(
            Condition::any()
                .add(invitation::Column::InvitedUserId.eq(user_id))
                .add(invitation::Column::RedeemedBy.eq(user_id)),
        )
        .filter(invitation::Column::Status.eq(InvitationStatus::Accepted.code()))
        .one(txn)
        .await?
        .is_some();
    if accepted {
        return Ok(true);
    }
    Ok(company_in(txn, org, user_id).await?.is_some())
}

/// Whether the user holds an operator or admin role in any organization.
async fn is_operator_anywhere(
    txn: &impl sea_orm::ConnectionTrait,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(org_role::Entity::find()
        .filter(org_role::Column::UserId.eq(user_id))
        .one(txn)
        .await?
        .is_some())
}

/// A company of the organization that the user is a member of.
async fn company_in(
    txn: &impl sea_orm::ConnectionTrait,
    org: Uuid,
    user_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .all(txn)
        .await?;
    for m in memberships {
        if company::Entity::find_by_id(m.company_id)
            .one(txn)
            .await?
            .is_some_and(|c| c.organization_id == org)
        {
            return Ok(Some(m.company_id));
        }
    }
    Ok(None)
}
