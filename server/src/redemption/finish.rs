//! Finishing a sign-in, whichever way the invitee proved the address: the
//! account takes what the proof brings, the identity a provider vouched for
//! is linked, and the browser's session starts anew, in one transaction.

use app::fill;
use app::i18n::Locale;
use app::model::progress::SignInMethod;
use app::model::providers::ProviderKind;
use app::model::sign_in::Notice;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::landing::Link;
use crate::auth::session::{self, Visit};
use crate::clock::Clock;
use crate::federation::oidc::VerifiedIdentity;
use crate::federation::providers;
use crate::invitations::InvitationStatus;
use crate::mail::{enqueue, OutgoingEmail};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{identity, identity_provider, invitation, user};

/// What a sign-in form needs besides its own fields.
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    /// Keys the codes' HMACs.
    pub key: &'a [u8; 32],
    pub clock: &'a dyn Clock,
    /// The client's IP address, for the rate limits.
    pub address: &'a str,
    /// The page's language, for the emails.
    pub locale: Locale,
}

/// What a sign-in form did.
#[derive(Debug)]
pub enum Outcome {
    /// Back to the step, saying this.
    Notice(Notice),
    /// Signed in: this token replaces the browser's session cookie.
    SignedIn {
        token: String,
    },
    /// The link is no invitation's.
    NotFound,
    /// The form does not fit the step (any more): back to the step.
    Start,
    RateLimited,
    /// Too many passwords wait to be hashed: try again in a moment (503).
    Busy,
}

/// The account at `email`, if any.
pub(super) async fn user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await
}

/// The user whose redemption the invitation resets, if it resets one: that
/// user signs in anew, so their account's sign-in is not offered.
pub(super) fn reset_user(invitation: &invitation::Model) -> Option<Uuid> {
    let resetting = invitation.reset_redemption
        && invitation.status == InvitationStatus::PendingAcceptance.code();
    resetting.then_some(invitation.invited_user_id).flatten()
}

/// How the invitee proved the address.
pub(super) enum Proof {
    Passcode,
    Password,
    NewAccount {
        hash: String,
    },
    Reset {
        hash: String,
    },
    /// A provider's verified identity; linked to the account unless it is already.
    Provider {
        provider_id: Uuid,
        identity: VerifiedIdentity,
    },
}

impl Proof {
    fn method(&self) -> &'static str {
        match self {
            Proof::Passcode => "email_otp",
            Proof::Password => "password",
            Proof::NewAccount { .. } => "new_account",
            Proof::Reset { .. } => "password_reset",
            Proof::Provider { .. } => "federated",
        }
    }
}

impl Proof {
    /// How the customer signed in, as the dashboard tells it, and through
    /// what: the organization provider's name, or Microsoft's tenant.
    async fn sign_in_method(
        &self,
        conn: &impl ConnectionTrait,
    ) -> Result<(SignInMethod, Option<String>), DbErr> {
        let Proof::Provider {
            provider_id,
            identity,
        } = self
        else {
            return Ok((
                match self {
                    Proof::Passcode => SignInMethod::EmailPasscode,
                    Proof::NewAccount { .. } => SignInMethod::NewAccount,
                    _ => SignInMethod::Password,
                },
                None,
            ));
        };
        let provider = identity_provider::Entity::find_by_id(*provider_id)
            .one(conn)
            .await?;
        Ok(match provider {
            Some(p) => match providers::kind_of(&p) {
                ProviderKind::Google => (SignInMethod::Google, None),
                ProviderKind::Microsoft => (
                    SignInMethod::Microsoft,
                    tenant_of(&p.issuer, &identity.issuer),
                ),
                ProviderKind::Oidc => (SignInMethod::OrganizationIdp, Some(p.display_name)),
            },
            None => (SignInMethod::OrganizationIdp, None),
        })
    }
}

/// The tenant a multi-tenant `template`'s `issuer` names.
fn tenant_of(template: &str, issuer: &str) -> Option<String> {
    let (prefix, suffix) = template.split_once(app::model::providers::TENANT_PLACEHOLDER)?;
    let tenant = issuer.strip_prefix(prefix)?.strip_suffix(suffix)?;
    Some(tenant.to_owned())
}

/// Signs the invitee in as the invited address's account: the account
/// takes what the proof brings, the browser's session is replaced by a new
/// one (a new id at sign-in), and an audit event is written, all at once.
pub(super) async fn finish(
    ctx: &Context<'_>,
    link: &Link,
    visit: &Visit,
    proof: Proof,
) -> Result<Outcome, DbErr> {
    let now = ctx.clock.now();
    let email = &link.invitation.invited_email;
    let txn = crate::store::begin_write(ctx.db).await?;
    let reset = reset_user(&link.invitation);
    if let Some(id) = reset {
        // The new address may have become another account's since the
        // invitation went out: that account stays as it is.
        let holder = user_by_email(&txn, email).await?;
        if holder.is_some_and(|other| other.id != id) {
            return Ok(Outcome::Notice(Notice::AddressTaken));
        }
    }
    let found = match reset {
        Some(id) => user::Entity::find_by_id(id).one(&txn).await?,
        None => user_by_email(&txn, email).await?,
    };
    let user = match found {
        Some(user) => user,
        // Inviting creates the user; this is for one removed since.
        None => {
            user::ActiveModel {
                id: Set(Uuid::new_v4()),
                email: Set(email.clone()),
                email_verified: Set(false),
                display_name: Set(link.invitation.invited_display_name.clone()),
                locale: Set(None),
                password_hash: Set(None),
                failed_sign_ins: Set(0),
                contact_email: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    let user_id = user.id;
    let earlier_email = user.email.clone();
    let user_locale = user.locale.as_deref().and_then(Locale::from_code);
    let mut account = user.into_active_model();
    account.email_verified = Set(true);
    account.updated_at = Set(now);
    if reset.is_some() {
        // A reset binds what proved the address now, and only that: the
        // account's earlier password and identities no longer sign it in.
        account.email = Set(email.clone());
        account.password_hash = Set(None);
        identity::Entity::delete_many()
            .filter(identity::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
    }
    match &proof {
        Proof::NewAccount { hash } | Proof::Reset { hash } => {
            account.password_hash = Set(Some(hash.clone()));
            account.failed_sign_ins = Set(0);
        }
        Proof::Password => account.failed_sign_ins = Set(0),
        Proof::Passcode => {}
        Proof::Provider { .. } => {}
    }
    account.update(&txn).await?;
    if let Proof::Provider {
        provider_id,
        identity,
    } = &proof
    {
        link_identity(&txn, user_id, *provider_id, identity, ctx.clock).await?;
    }
    if reset.is_some() || matches!(proof, Proof::Reset { .. }) {
        session::end_all_for(&txn, user_id).await?;
    }
    if reset.is_some() && earlier_email != *email {
        // The earlier address hears that its account moved, in case it was
        // not its owner's wish.
        let moved = MovedEmail {
            locale: user_locale
                .or_else(|| Locale::from_code(&link.org.default_locale))
                .unwrap_or_default(),
            to: &earlier_email,
            org: &link.org.name,
            new_email: email,
        };
        enqueue(&txn, moved.render(), ctx.clock).await?;
    }
    session::end_visit(&txn, &visit.id).await?;
    // An app's sign-in waiting for this one goes on with the new session.
    let carried = crate::provider::pending::carried(visit);
    let token =
        session::start_signed_in_visit(&txn, user_id, proof.method(), carried, ctx.clock).await?;
    let (how, source) = proof.sign_in_method(&txn).await?;
    crate::progress::signed_in(&txn, link.invitation.id, how, source, now).await?;
    let entry = AuditEntry {
        organization_id: Some(link.org.id),
        actor_id: Some(user_id),
        action: "customer.signed_in",
        target_type: "invitation",
        target_id: link.invitation.id.to_string(),
        details: json!({
            "method": proof.method(),
            "address": ctx.address,
            "reset_from": reset.map(|_| earlier_email),
        }),
    };
    audit::record(&txn, entry, ctx.clock).await?;
    txn.commit().await?;
    Ok(Outcome::SignedIn { token })
}

/// Tells an account's earlier address that a reset redemption moved the
/// account to another one.
struct MovedEmail<'a> {
    locale: Locale,
    to: &'a str,
    org: &'a str,
    new_email: &'a str,
}

impl MovedEmail<'_> {
    fn render(&self) -> OutgoingEmail {
        let s = self.locale.server_strings();
        let subject = fill!(s, email_moved_subject, org = self.org);
        let body = fill!(s, email_moved_body, org = self.org, email = self.new_email);
        let footer = fill!(s, email_automatic_footer, org = self.org);
        let html = crate::html!("<p>{body}</p><p>{footer}</p>", body = body, footer = footer);
        let text = format!("{body}\n\n{footer}\n");
        OutgoingEmail::notice(self.locale, self.to, subject, text, html)
    }
}

/// Links a provider's identity to the user, unless it is linked already.
pub(super) async fn link_identity(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    provider_id: Uuid,
    verified: &VerifiedIdentity,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let linked = identity::Entity::find()
        .filter(identity::Column::Issuer.eq(verified.issuer.as_str()))
        .filter(identity::Column::Subject.eq(verified.subject.as_str()))
        .one(conn)
        .await?;
    if linked.is_some() {
        return Ok(());
    }
    identity::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        provider: Set(provider_id.to_string()),
        issuer: Set(verified.issuer.clone()),
        subject: Set(verified.subject.clone()),
        email: Set(verified.email.clone()),
        created_at: Set(clock.now()),
    }
    .insert(conn)
    .await
    .map(|_| ())
}
