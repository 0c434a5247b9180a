//! Creating an invitation from an API request.

use std::collections::HashMap;

use app::i18n::{company_problem_message, Locale};
use app::model::company::{check_field, CompanyField, Completeness};
use app::model::email::{normalize_email, EmailProblem};
use chrono::SubsecRound;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::ticket::{redeem_url, InvitationTicket};
use super::{status_at, InvitationStatus};
use crate::clock::Clock;
use crate::mail::templates::{invitation as invitation_email, InvitationEmail};
use crate::mail::{enqueue, outbox, OutgoingEmail};
use crate::operators::{email_message, Role};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{
    audit_event, company, email_outbox, invitation, invitation_ticket, membership, org_role,
    organization, user,
};

/// The body of `POST /v1.0/invitations`, as Graph names its fields, plus
/// Lobby's `company`, `companyId` and `expiresInDays`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "invitedUserEmailAddress": "jun@customer.example",
    "invitedUserDisplayName": "Jun Park",
    "inviteRedirectUrl": "https://lobby.example/welcome",
    "sendInvitationMessage": true,
    "invitedUserMessageInfo": {"messageLanguage": "ko"},
    "company": {"legalName": "Customer Co., Ltd.", "country": "KR"}
}))]
pub struct CreateRequest {
    /// Required. The invitee's address.
    // Optional in Rust so that a missing field gets its own "is required"
    // detail next to the others, rather than serde's first-error message.
    #[schema(required = true, value_type = String, format = Email, max_length = 254)]
    pub invited_user_email_address: Option<String>,
    /// Required. Where the invitee lands after redemption; must lie under one of
    /// the organization's allowed redirect prefixes.
    #[schema(required = true, value_type = String, pattern = "^https?://")]
    pub invite_redirect_url: Option<String>,
    pub invited_user_display_name: Option<String>,
    /// Queue the invitation email (default false, as in Graph).
    #[serde(default)]
    pub send_invitation_message: bool,
    pub invited_user_message_info: Option<MessageInfo>,
    /// `Guest` (default) or `Member`.
    pub invited_user_type: Option<String>,
    /// A company draft: legalName, street, postalCode, city, country, taxId, phone, website (all text).
    #[schema(value_type = Option<Object>)]
    pub company: Option<Map<String, Value>>,
    /// An existing company of the organization to join (instead of `company`).
    pub company_id: Option<String>,
    /// 1 to 90, default 30.
    #[schema(minimum = 1, maximum = 90)]
    pub expires_in_days: Option<i64>,
    /// Invite again someone who already redeemed: their next redemption binds
    /// a new identity (and this email) to the same user. Needs `invitedUser.id`.
    #[serde(default)]
    pub reset_redemption: bool,
    /// With `resetRedemption`: the user to invite again.
    pub invited_user: Option<InvitedUserRef>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitedUserRef {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageInfo {
    /// At most 2000 characters; shown as text, never as markup.
    pub customized_message_body: Option<String>,
    /// `en` or `ko` (region tags such as `ko-KR` are accepted).
    pub message_language: Option<String>,
    /// At most one recipient of a copy.
    #[serde(default)]
    pub cc_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: RecipientAddress,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecipientAddress {
    pub address: String,
    pub name: Option<String>,
}

/// One invalid field: `target` is the request's field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub target: String,
    /// What is wrong, for translation (`i18n::problem_message`).
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    /// The field's name in the dashboard's form and in CSV files.
    pub fn form_name(&self) -> &str {
        match self.target.as_str() {
            "invitedUserEmailAddress" => "email",
            "invitedUserDisplayName" => "display_name",
            "invitedUserMessageInfo.messageLanguage" => "language",
            "invitedUserMessageInfo.customizedMessageBody" => "message",
            other => other
                .strip_prefix("company.")
                .and_then(CompanyField::from_api_name)
                .map_or(other, |f| f.form_name()),
        }
    }
}

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

/// A request that passed validation.
pub struct Valid {
    email: String,
    redirect_url: String,
    display_name: Option<String>,
    send: bool,
    message: Option<String>,
    language: Option<Locale>,
    cc: Option<String>,
    user_type: &'static str,
    company: Option<Value>,
    company_id: Option<Uuid>,
    expires_in_days: i64,
    /// The bulk import that asked for it, if any (for the audit trail).
    import_id: Option<Uuid>,
    /// The user whose redemption this invitation resets.
    reset_user: Option<Uuid>,
}

impl Valid {
    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn from_import(self, import_id: Uuid) -> Valid {
        Valid {
            import_id: Some(import_id),
            ..self
        }
    }
}

/// Checks every field and reports each invalid one, not only the first.
pub fn validate(
    req: CreateRequest,
    allowed_redirects: &[String],
) -> Result<Valid, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad = |target: &str, code: &'static str, message: String| {
        errors.push(FieldError {
            target: target.into(),
            code,
            message,
        })
    };

    let email = match req
        .invited_user_email_address
        .as_deref()
        .map(normalize_email)
    {
        None => {
            bad("invitedUserEmailAddress", "required", "is required".into());
            None
        }
        Some(Err(p)) => {
            bad(
                "invitedUserEmailAddress",
                email_code(p),
                email_message(p).into(),
            );
            None
        }
        Some(Ok(e)) => Some(e),
    };

    let redirect_url = match req.invite_redirect_url.as_deref().map(str::trim) {
        None | Some("") => {
            bad("inviteRedirectUrl", "required", "is required".into());
            None
        }
        Some(raw) => match url::Url::parse(raw) {
            Ok(u)
                if matches!(u.scheme(), "http" | "https")
                    && allowed_redirects
                        .iter()
                        .any(|p| under_prefix(u.as_str(), p)) =>
            {
                Some(u.to_string())
            }
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                bad(
                    "inviteRedirectUrl",
                    "redirect_not_allowed",
                    format!(
                        "must start with one of the organization's allowed addresses: {}",
                        allowed_redirects.join(", ")
                    ),
                );
                None
            }
            _ => {
                bad(
                    "inviteRedirectUrl",
                    "redirect_invalid",
                    "must be an absolute http or https URL".into(),
                );
                None
            }
        },
    };

    let display_name = req
        .invited_user_display_name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if display_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > 256 || n.chars().any(char::is_control))
    {
        bad(
            "invitedUserDisplayName",
            "name_invalid",
            "must be at most 256 characters without control characters".into(),
        );
    }

    let info = req.invited_user_message_info.unwrap_or_default();
    let message = info
        .customized_message_body
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    if message.as_ref().is_some_and(|m| m.chars().count() > 2000) {
        bad(
            "invitedUserMessageInfo.customizedMessageBody",
            "message_too_long",
            "must be at most 2000 characters".into(),
        );
    }
    let language = match info
        .message_language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(code) => match Locale::from_code(code) {
            Some(l) => Some(l),
            None => {
                bad(
                    "invitedUserMessageInfo.messageLanguage",
                    "language_invalid",
                    "must be en or ko (e.g. en-US, ko-KR)".into(),
                );
                None
            }
        },
    };
    let cc = match info.cc_recipients.as_slice() {
        [] => None,
        [one] => match normalize_email(&one.email_address.address) {
            Ok(address) => Some(address),
            Err(p) => {
                bad(
                    "invitedUserMessageInfo.ccRecipients",
                    email_code(p),
                    email_message(p).into(),
                );
                None
            }
        },
        _ => {
            bad(
                "invitedUserMessageInfo.ccRecipients",
                "cc_too_many",
                "at most one recipient is supported".into(),
            );
            None
        }
    };

    let user_type = match req.invited_user_type.as_deref() {
        None | Some("Guest") => "Guest",
        Some("Member") => "Member",
        Some(_) => {
            bad(
                "invitedUserType",
                "user_type_invalid",
                "must be Guest or Member".into(),
            );
            "Guest"
        }
    };

    let expires_in_days = req.expires_in_days.unwrap_or(30);
    if !(1..=90).contains(&expires_in_days) {
        bad(
            "expiresInDays",
            "expiry_invalid",
            "must be a whole number from 1 to 90".into(),
        );
    }

    let company_id = match req.company_id.as_deref() {
        None => None,
        Some(raw) => match Uuid::try_parse(raw) {
            Ok(id) => Some(id),
            Err(_) => {
                bad(
                    "companyId",
                    "company_id_invalid",
                    "must be a company id (a UUID)".into(),
                );
                None
            }
        },
    };
    let company = req.company.map(|draft| {
        // The shared rules of `app`, with blanks allowed: the invitee completes them.
        let country = draft
            .get("country")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut clean = Map::new();
        for (key, value) in &draft {
            let target = format!("company.{key}");
            let field = CompanyField::from_api_name(key);
            if field.is_none() {
                bad(
                    &target,
                    "unknown_field",
                    format!(
                        "is not a company field (expected one of {})",
                        CompanyField::ALL.map(CompanyField::api_name).join(", ")
                    ),
                );
            } else if !value.is_string() && !value.is_null() {
                bad(&target, "not_text", "must be text".into());
            }
            let (Some(field), Some(text)) = (field, value.as_str()) else {
                continue;
            };
            match check_field(field, text, &country, Completeness::Draft) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => {
                    clean.insert(key.clone(), v.into());
                }
                Err(p) => bad(
                    &target,
                    p.code(),
                    company_problem_message(Locale::En.strings(), p).to_owned(),
                ),
            }
        }
        Value::Object(clean)
    });
    if company.is_some() && req.company_id.is_some() {
        bad(
            "company",
            "company_conflict",
            "give either company (a new company) or companyId (an existing one), not both".into(),
        );
    }

    let reset_user = match (req.reset_redemption, req.invited_user.and_then(|u| u.id)) {
        (false, None) => None,
        (false, Some(_)) => {
            bad(
                "invitedUser.id",
                "reset_needed",
                "is only used with resetRedemption: true".into(),
            );
            None
        }
        (true, None) => {
            bad(
                "invitedUser.id",
                "required",
                "is required with resetRedemption: the id of the user to invite again".into(),
            );
            None
        }
        (true, Some(raw)) => match Uuid::try_parse(&raw) {
            Ok(id) => Some(id),
            Err(_) => {
                bad(
                    "invitedUser.id",
                    "user_id_invalid",
                    "must be a user id (a UUID)".into(),
                );
                None
            }
        },
    };

    match (email, redirect_url) {
        (Some(email), Some(redirect_url)) if errors.is_empty() => Ok(Valid {
            email,
            redirect_url,
            display_name,
            send: req.send_invitation_message,
            message,
            language,
            cc,
            user_type,
            company,
            company_id,
            expires_in_days,
            import_id: None,
            reset_user,
        }),
        _ => Err(errors),
    }
}

fn email_code(problem: EmailProblem) -> &'static str {
    match problem {
        EmailProblem::Empty => "required",
        EmailProblem::TooLong => "email_too_long",
        EmailProblem::Malformed => "email_invalid",
        EmailProblem::MixedScripts => "email_mixed_scripts",
    }
}

/// `url` is `prefix` or lies below it (not merely sharing its first characters).
fn under_prefix(url: &str, prefix: &str) -> bool {
    url.strip_prefix(prefix).is_some_and(|rest| {
        prefix.ends_with('/') || rest.is_empty() || rest.starts_with(['/', '?', '#'])
    })
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
    /// The operator as invitees see them: by name, else by address.
    pub fn from_user(operator: &user::Model) -> Inviter {
        Inviter {
            user_id: operator.id,
            name: operator
                .display_name
                .clone()
                .unwrap_or_else(|| operator.email.clone()),
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
}

/// Creates many invitations in the caller's transaction, each with its own
/// outcome, as [`create`] would one by one: the lookups and each kind of
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
            return Err(CreateError::Invalid(vec![FieldError {
                target: "companyId".into(),
                code: "company_unknown",
                message: "no company of this organization has this id".into(),
            }]));
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
        user_type: valid.user_type.to_owned(),
        company_draft: valid.company,
        company_id: valid.company_id,
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
        rows.mails.push(outbox::queued(mail, now));
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
        CreateError::Invalid(vec![FieldError {
            target: "invitedUser.id".into(),
            code: "user_unknown",
            message: "no user of this organization has this id".into(),
        }])
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
    enqueue(txn, mail, clock).await.map(|_| ())
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
