//! The first admin, from the browser. While the organization has no admin,
//! `lobby serve` issues a single-use setup link, valid for an hour, and logs
//! it once; `/setup` creates the admin with it, by the same rules as
//! `lobby admin create`. Once an admin exists no link is issued, and none
//! issued before is honoured.

use app::model::email::normalize_email;
use app::model::email::EmailProblem;
use app::model::password::PasswordProblem;
use chrono::Duration;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::{insert_operator, links, Account, CreateOperatorError, Role};
use crate::auth::password;
use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{org_role, user};

const PURPOSE: &str = "first_admin_setup";
pub const LINK_VALIDITY: Duration = Duration::hours(1);
/// The page the link opens.
pub const PATH: &str = "/setup";

/// Whether the organization has an admin.
pub async fn has_admin(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<bool, DbErr> {
    let admins = org_role::Entity::find()
        .filter(org_role::Column::OrganizationId.eq(org_id))
        .filter(org_role::Column::Role.eq(Role::Admin.as_str()))
        .count(conn)
        .await?;
    Ok(admins > 0)
}

/// A new setup link when the organization has no admin; `None` when it has
/// one. Each start of Lobby issues its own; only the token's hash is kept.
pub async fn issue_link(
    db: &DatabaseConnection,
    org_id: Uuid,
    public_url: &url::Url,
    clock: &dyn Clock,
) -> Result<Option<url::Url>, DbErr> {
    if has_admin(db, org_id).await? {
        return Ok(None);
    }
    let token = links::issue(db, PURPOSE, "", LINK_VALIDITY, clock).await?;
    let mut link = public_url
        .join(PATH)
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    link.set_query(Some(&format!("token={token}")));
    Ok(Some(link))
}

/// What `/setup?token=…` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// The form.
    Live,
    /// No admin yet, but this token is wrong, used or expired.
    Invalid,
    /// An admin exists: there is no setup page any more.
    Gone,
}

pub async fn link_state(
    db: &DatabaseConnection,
    org_id: Uuid,
    token: &str,
    clock: &dyn Clock,
) -> Result<LinkState, DbErr> {
    if has_admin(db, org_id).await? {
        return Ok(LinkState::Gone);
    }
    Ok(match links::live(db, PURPOSE, token, clock).await? {
        Some(_) => LinkState::Live,
        None => LinkState::Invalid,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("an admin exists already")]
    Gone,
    #[error("the setup link is wrong, used or expired")]
    InvalidLink,
    #[error("{}", super::email_message(*.0))]
    Email(EmailProblem),
    #[error("{}", super::password_message(*.0))]
    Password(PasswordProblem),
    #[error("an account with this email address already exists")]
    Exists,
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// The admin the setup form asks for.
pub struct FirstAdmin<'a> {
    pub token: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password: Secret<String>,
}

/// Creates the first admin and uses the link up, at once; refused input,
/// a bad link or an existing admin change nothing.
pub async fn complete(
    db: &DatabaseConnection,
    org_id: Uuid,
    form: FirstAdmin<'_>,
    clock: &dyn Clock,
) -> Result<user::Model, SetupError> {
    match link_state(db, org_id, form.token, clock).await? {
        LinkState::Live => {}
        LinkState::Invalid => return Err(SetupError::InvalidLink),
        LinkState::Gone => return Err(SetupError::Gone),
    }
    let email = normalize_email(form.email).map_err(SetupError::Email)?;
    let name = Some(form.name.trim()).filter(|n| !n.is_empty());
    let context: Vec<&str> = [email.as_str(), "lobby"].into_iter().chain(name).collect();
    password::acceptable(form.password.expose(), &context).map_err(SetupError::Password)?;
    let hash = password::hash(form.password).await?;

    let txn = crate::store::begin_write(db).await?;
    // Two forms sent at once: one admin, the other finds the link used.
    crate::store::lock_for(&txn, org_id).await?;
    if has_admin(&txn, org_id).await? {
        return Err(SetupError::Gone);
    }
    let link = links::live(&txn, PURPOSE, form.token, clock).await?;
    let used = match &link {
        Some(link) => links::use_up(&txn, link, clock).await?,
        None => false,
    };
    if !used {
        return Err(SetupError::InvalidLink);
    }
    let account = Account {
        email: &email,
        display_name: name,
        locale: None,
        password_hash: Some(hash),
    };
    let created = match insert_operator(&txn, org_id, account, Role::Admin, clock).await {
        Ok(created) => created,
        Err(CreateOperatorError::Exists) => return Err(SetupError::Exists),
        Err(CreateOperatorError::Database(e)) => return Err(e.into()),
        Err(other) => return Err(DbErr::Custom(other.to_string()).into()),
    };
    let entry = AuditEntry {
        organization_id: Some(org_id),
        actor_id: Some(created.id),
        action: "operator.created",
        target_type: "user",
        target_id: created.id.to_string(),
        details: json!({ "email": email, "role": Role::Admin.as_str(), "by": "setup link" }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(created)
}
