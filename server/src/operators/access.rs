//! Who may still come in: an admin removes an operator or ends someone's
//! sessions (ASVS 7.4.2, 7.4.5), and an operator ends their own other
//! sessions after giving their password again (ASVS 7.5.2). Every change
//! and its audit entry commit together.

use app::model::email::normalize_email;
use app::model::operator::{AccessOutcome, EndSessionsOutcome};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::onboarding;
use crate::auth::password_attempts::Before;
use crate::auth::{password, session};
use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{api_token, invitation, org_role, user, verification_code};

/// The admin acting, and the organization they act in. Only [`Admin::check`]
/// makes one, so every function here is reached by an admin only.
pub struct Admin {
    organization_id: Uuid,
    user_id: Uuid,
    /// Their session, which "sign everyone out" keeps.
    session: String,
}

impl Admin {
    /// The user `user_id` acting as admin of `organization_id` in their
    /// session `session`; `None` unless they hold the admin role there.
    pub async fn check(
        db: &DatabaseConnection,
        organization_id: Uuid,
        user_id: Uuid,
        session: String,
    ) -> Result<Option<Admin>, DbErr> {
        let role = super::role_in(db, organization_id, user_id).await?;
        Ok((role == Some(super::Role::Admin)).then_some(Admin {
            organization_id,
            user_id,
            session,
        }))
    }

    fn audit(
        &self,
        action: &'static str,
        target: (&'static str, String),
        details: serde_json::Value,
    ) -> AuditEntry<'static> {
        AuditEntry {
            organization_id: Some(self.organization_id),
            actor_id: Some(self.user_id),
            action,
            target_type: target.0,
            target_id: target.1,
            details,
        }
    }
}

/// The operator of the organization with `email`, other than the admin.
async fn other_operator(
    db: &DatabaseConnection,
    admin: &Admin,
    email: &str,
) -> Result<Result<user::Model, AccessOutcome>, DbErr> {
    let Ok(email) = normalize_email(email) else {
        return Ok(Err(AccessOutcome::NotFound));
    };
    let Some(found) = super::find_operator(db, admin.organization_id, &email).await? else {
        return Ok(Err(AccessOutcome::NotFound));
    };
    if found.id == admin.user_id {
        // An admin never locks themself out, so an organization keeps an admin.
        return Ok(Err(AccessOutcome::NotYourself));
    }
    Ok(Ok(found))
}

/// Removes the operator with `email`: their role, API tokens, unused
/// set-password link and sessions all end at once.
pub async fn remove_operator(
    db: &DatabaseConnection,
    admin: &Admin,
    email: &str,
    clock: &dyn Clock,
) -> Result<AccessOutcome, DbErr> {
    let target = match other_operator(db, admin, email).await? {
        Ok(target) => target,
        Err(outcome) => return Ok(outcome),
    };
    let txn = crate::store::begin_write(db).await?;
    org_role::Entity::delete_many()
        .filter(org_role::Column::UserId.eq(target.id))
        .filter(org_role::Column::OrganizationId.eq(admin.organization_id))
        .exec(&txn)
        .await?;
    let tokens = api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(target.id))
        .filter(api_token::Column::OrganizationId.eq(admin.organization_id))
        .exec(&txn)
        .await?
        .rows_affected;
    verification_code::Entity::delete_many()
        .filter(verification_code::Column::Purpose.eq(onboarding::PURPOSE))
        .filter(verification_code::Column::Email.eq(target.email.as_str()))
        .exec(&txn)
        .await?;
    let sessions = session::end_all_for(&txn, target.id).await?;
    let details = json!({ "email": target.email, "sessions": sessions, "tokens": tokens });
    let entry = admin.audit("operator.removed", ("user", target.id.to_string()), details);
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AccessOutcome::Removed {
        email: target.email,
    })
}

/// Unlocks the sign-in of the operator with `email`: the wrong passwords
/// counted at their address, from every client, are forgotten, so one who
/// shares a client address with someone guessing gets in again.
pub async fn unlock_operator(
    db: &DatabaseConnection,
    admin: &Admin,
    email: &str,
    clock: &dyn Clock,
) -> Result<AccessOutcome, DbErr> {
    let target = match other_operator(db, admin, email).await? {
        Ok(target) => target,
        Err(outcome) => return Ok(outcome),
    };
    let txn = crate::store::begin_write(db).await?;
    super::forget_failures(&txn, &target.email).await?;
    let details = json!({ "email": target.email });
    let entry = admin.audit(
        "operator.unlocked",
        ("user", target.id.to_string()),
        details,
    );
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AccessOutcome::Unlocked {
        email: target.email,
    })
}

/// Ends every session of the operator with `email`; they stay an operator
/// and may sign in again.
pub async fn end_operator_sessions(
    db: &DatabaseConnection,
    admin: &Admin,
    email: &str,
    clock: &dyn Clock,
) -> Result<AccessOutcome, DbErr> {
    let target = match other_operator(db, admin, email).await? {
        Ok(target) => target,
        Err(outcome) => return Ok(outcome),
    };
    let txn = crate::store::begin_write(db).await?;
    let count = session::end_all_for(&txn, target.id).await?;
    let details = json!({ "email": target.email, "sessions": count });
    let entry = admin.audit(
        "operator.sessions_ended",
        ("user", target.id.to_string()),
        details,
    );
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AccessOutcome::SessionsEnded { count })
}

/// Ends every session of the person who signed in through invitation `id`.
pub async fn end_invitee_sessions(
    db: &DatabaseConnection,
    admin: &Admin,
    id: &str,
    clock: &dyn Clock,
) -> Result<AccessOutcome, DbErr> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(AccessOutcome::NotFound);
    };
    let found = invitation::Entity::find_by_id(id)
        .filter(invitation::Column::OrganizationId.eq(admin.organization_id))
        .one(db)
        .await?;
    let Some((invitation, user_id)) =
        found.and_then(|i| i.invited_user_id.map(|user_id| (i, user_id)))
    else {
        return Ok(AccessOutcome::NotFound);
    };
    let txn = crate::store::begin_write(db).await?;
    let count = session::end_all_for(&txn, user_id).await?;
    let details = json!({ "email": invitation.invited_email, "sessions": count });
    let target = ("invitation", invitation.id.to_string());
    let entry = admin.audit("invitation.sessions_ended", target, details);
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AccessOutcome::SessionsEnded { count })
}

/// Signs everyone out, operators and customers, but the admin asking.
pub async fn end_every_session(
    db: &DatabaseConnection,
    admin: &Admin,
    clock: &dyn Clock,
) -> Result<AccessOutcome, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let count = session::end_all_but(&txn, &admin.session).await?;
    let target = ("organization", admin.organization_id.to_string());
    let entry = admin.audit("sessions.all_ended", target, json!({ "sessions": count }));
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AccessOutcome::SessionsEnded { count })
}

/// Which of their own sessions an operator ends.
pub enum Which {
    One(String),
    AllOthers,
}

/// Ends the operator's own session(s), never the one asking, once their
/// password is given again. Wrong passwords count toward the sign-in's
/// lockout of the address, so this form is no way around it.
pub async fn end_own_sessions(
    db: &DatabaseConnection,
    me: &user::Model,
    current: &str,
    password: Secret<String>,
    which: Which,
    clock: &dyn Clock,
) -> Result<EndSessionsOutcome, DbErr> {
    // Failures here count for this session as a client of its own, and
    // toward the address's delays like the sign-in's.
    let attempt = super::password_attempt(&me.email, &format!("session {current}"));
    match attempt.begin(db, clock).await? {
        Before::Refused => return Ok(EndSessionsOutcome::TooManyTries),
        Before::Check(delay) => tokio::time::sleep(delay).await,
    }
    let verified = password::verify(password, me.password_hash.clone())
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    if !verified {
        return Ok(EndSessionsOutcome::WrongPassword);
    }
    attempt.succeeded(db).await?;
    // The current session ends with "Sign out", which also clears its cookie.
    if matches!(&which, Which::One(id) if id == current) {
        return Ok(EndSessionsOutcome::NotFound);
    }
    let txn = crate::store::begin_write(db).await?;
    let count = match which {
        Which::One(id) => match session::end_one_of(&txn, me.id, &id).await? {
            true => 1,
            false => return Ok(EndSessionsOutcome::NotFound),
        },
        Which::AllOthers => session::end_others_of(&txn, me.id, current).await?,
    };
    let entry = AuditEntry {
        organization_id: None,
        actor_id: Some(me.id),
        action: "operator.own_sessions_ended",
        target_type: "user",
        target_id: me.id.to_string(),
        details: json!({ "sessions": count }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(EndSessionsOutcome::Ended { count })
}
