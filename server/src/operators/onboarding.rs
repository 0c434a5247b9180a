//! New operators added by an admin: the account is created without a
//! password, and a single-use link valid for 24 hours lets its owner set one.

use app::fill;
use app::i18n::Locale;
use app::model::email::normalize_email;
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{insert_operator, links, password_message, Account, CreateOperatorError, Role};
use crate::auth::{password, session};
use crate::clock::Clock;
use crate::html;
use crate::mail::{enqueue, OutgoingEmail};
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{organization, user};

pub const PURPOSE: &str = "operator_set_password";
pub const LINK_VALIDITY: Duration = Duration::hours(24);

pub struct AddedOperator {
    pub user: user::Model,
}

/// Adds an operator and queues the set-password email, in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn add_operator(
    db: &DatabaseConnection,
    org: &organization::Model,
    actor: Uuid,
    email: &str,
    name: Option<&str>,
    role: Role,
    locale: Locale,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<AddedOperator, CreateOperatorError> {
    let email = normalize_email(email).map_err(CreateOperatorError::Email)?;
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let txn = crate::store::begin_write(db).await?;
    let account = Account {
        email: &email,
        display_name: name.as_deref(),
        locale: Some(locale.code()),
        password_hash: None,
    };
    let created = insert_operator(&txn, org.id, account, role, clock).await?;
    let token = links::issue(&txn, PURPOSE, &email, LINK_VALIDITY, clock).await?;
    let mut link = public_url
        .join("/admin/set-password")
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    link.set_query(Some(&format!("token={token}")));
    enqueue(
        &txn,
        set_password_email(locale, &email, &org.name, link.as_str()),
        clock,
    )
    .await?;
    let entry = AuditEntry {
        organization_id: Some(org.id),
        actor_id: Some(actor),
        action: "operator.added",
        target_type: "user",
        target_id: created.id.to_string(),
        details: json!({ "email": email, "role": role.as_str() }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(AddedOperator { user: created })
}

fn set_password_email(locale: Locale, to: &str, org: &str, link: &str) -> OutgoingEmail {
    let s = locale.server_strings();
    let subject = fill!(s, operator_email_subject, org = org);
    let body = fill!(s, operator_email_body, org = org);
    let text = format!("{body}\n\n{link}\n\n{}\n", s.operator_email_expiry);
    let html = html!(
        "<p>{body}</p><p><a href=\"{link}\">{button}</a></p><p>{expiry}</p><p style=\"word-break:break-all\">{link}</p>",
        body = body,
        button = s.operator_email_button,
        expiry = s.operator_email_expiry,
        link = link,
    );
    OutgoingEmail::notice(locale, to, subject, text, html)
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error("the link is unknown, used or expired")]
    InvalidLink,
    #[error("{}", password_message(*.0))]
    Password(app::model::password::PasswordProblem),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Whether `token` is a live set-password link (for showing the form).
pub async fn link_is_live(
    db: &DatabaseConnection,
    token: &str,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    Ok(links::live(db, PURPOSE, token, clock).await?.is_some())
}

/// Sets the password for the link's account, uses the link up, and ends
/// every session the account had.
pub async fn set_password(
    db: &DatabaseConnection,
    token: &str,
    new_password: Secret<String>,
    clock: &dyn Clock,
) -> Result<(), SetPasswordError> {
    let code = links::live(db, PURPOSE, token, clock)
        .await?
        .ok_or(SetPasswordError::InvalidLink)?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(&code.email))
        .one(db)
        .await?
        .ok_or(SetPasswordError::InvalidLink)?;
    let name = account.display_name.clone().unwrap_or_default();
    password::acceptable(
        new_password.expose(),
        &[account.email.as_str(), name.as_str(), "lobby"],
    )
    .map_err(SetPasswordError::Password)?;
    let hash = password::hash(new_password).await?;

    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    // Single use, even against a second request racing this one.
    if !links::use_up(&txn, &code, clock).await? {
        return Err(SetPasswordError::InvalidLink);
    }
    let user_id = account.id;
    let mut active = account.into_active_model();
    active.password_hash = Set(Some(hash));
    active.email_verified = Set(true);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    session::end_all_for(&txn, user_id).await?;
    let entry = AuditEntry {
        organization_id: None,
        actor_id: Some(user_id),
        action: "operator.password_set",
        target_type: "user",
        target_id: user_id.to_string(),
        details: json!({}),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(())
}
