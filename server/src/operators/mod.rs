//! Operators: the seller's staff who invite customers, and the admins among
//! them who may change settings.

pub mod access;
pub mod contact;
mod dashboard;
mod dashboard_sessions;
mod dashboard_tokens;
pub mod first_admin;
mod links;
pub mod onboarding;

use app::model::email::{normalize_email, EmailProblem};
use app::model::password::PasswordProblem;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::password;
use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{invitation, org_role, user};

pub use app::model::operator::Role;

#[derive(Debug, thiserror::Error)]
pub enum CreateOperatorError {
    #[error("{}", email_message(*.0))]
    Email(EmailProblem),
    #[error("{}", password_message(*.0))]
    Password(PasswordProblem),
    #[error("an account with this email address already exists")]
    Exists,
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

pub fn email_message(problem: EmailProblem) -> &'static str {
    match problem {
        EmailProblem::Empty => "the email address is empty",
        EmailProblem::TooLong => "the email address is longer than 254 characters",
        EmailProblem::Malformed => "this is not an email address (expected name@example.com)",
        EmailProblem::MixedScripts => {
            "the address mixes alphabets (such as Latin and Cyrillic) in one part"
        }
    }
}

pub fn password_message(problem: PasswordProblem) -> String {
    use app::model::password::{MAX_CHARS, MIN_CHARS};
    match problem {
        PasswordProblem::TooShort { chars } => {
            format!("the password has {chars} characters; it needs at least {MIN_CHARS}")
        }
        PasswordProblem::TooLong { chars } => {
            format!("the password has {chars} characters; at most {MAX_CHARS} are allowed")
        }
        PasswordProblem::Common => {
            "the password is too common or too easy to guess; choose another".to_owned()
        }
    }
}

pub struct NewOperator {
    pub organization_id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub password: Secret<String>,
    pub role: Role,
    /// Who creates the operator; `None` for the command line.
    pub actor: Option<Uuid>,
}

/// Creates the user with its role and an audit event, all in one transaction.
pub async fn create_operator(
    db: &DatabaseConnection,
    new: NewOperator,
    clock: &dyn Clock,
) -> Result<user::Model, CreateOperatorError> {
    let email = normalize_email(&new.email).map_err(CreateOperatorError::Email)?;
    let name = new
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let context: Vec<&str> = [email.as_str(), "lobby"].into_iter().chain(name).collect();
    password::acceptable(new.password.expose(), &context).map_err(CreateOperatorError::Password)?;
    let hash = password::hash(new.password).await?;

    let txn = crate::store::begin_write(db).await?;
    let account = Account {
        email: &email,
        display_name: name,
        locale: None,
        password_hash: Some(hash),
    };
    let created = insert_operator(&txn, new.organization_id, account, new.role, clock).await?;
    let entry = AuditEntry {
        organization_id: Some(new.organization_id),
        actor_id: new.actor,
        action: "operator.created",
        target_type: "user",
        target_id: created.id.to_string(),
        details: json!({ "email": email, "role": new.role.as_str() }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(created)
}

/// A new operator's account, before it is stored.
pub(crate) struct Account<'a> {
    pub email: &'a str,
    pub display_name: Option<&'a str>,
    pub locale: Option<&'a str>,
    /// `None` until the operator sets one from the emailed link.
    pub password_hash: Option<String>,
}

/// Stores a user and its role in the organization, on the caller's
/// transaction. An address that already has an account is refused, unless
/// it belongs to a removed operator: that account is taken back, with the
/// new password (or none until the emailed link sets one), so nothing of
/// the old way in survives.
pub(crate) async fn insert_operator(
    txn: &impl sea_orm::ConnectionTrait,
    organization_id: Uuid,
    account: Account<'_>,
    role: Role,
    clock: &dyn Clock,
) -> Result<user::Model, CreateOperatorError> {
    let now = clock.now();
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(account.email))
        .one(txn)
        .await?;
    let created = match existing {
        Some(former) if is_removed_operator(txn, former.id).await? => {
            let mut again = user::ActiveModel::from(former);
            again.email_verified = Set(account.password_hash.is_some());
            again.display_name = Set(account.display_name.map(str::to_owned));
            again.locale = Set(account.locale.map(str::to_owned));
            again.password_hash = Set(account.password_hash);
            again.failed_sign_ins = Set(0);
            again.updated_at = Set(now);
            again.update(txn).await?
        }
        Some(_) => return Err(CreateOperatorError::Exists),
        None => {
            user::ActiveModel {
                id: Set(Uuid::new_v4()),
                email: Set(account.email.to_owned()),
                // An admin-created account is vouched for; an emailed one is proven by the link.
                email_verified: Set(account.password_hash.is_some()),
                display_name: Set(account.display_name.map(str::to_owned)),
                locale: Set(account.locale.map(str::to_owned)),
                password_hash: Set(account.password_hash),
                failed_sign_ins: Set(0),
                contact_email: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?
        }
    };
    org_role::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(organization_id),
        user_id: Set(created.id),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(created)
}

/// An account with no role anywhere and no invitation: an operator whose
/// role was removed. A customer's account is never turned into an operator's.
async fn is_removed_operator(
    txn: &impl sea_orm::ConnectionTrait,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    let role = org_role::Entity::find()
        .filter(org_role::Column::UserId.eq(user_id))
        .count(txn)
        .await?;
    let invited = invitation::Entity::find()
        .filter(invitation::Column::InvitedUserId.eq(user_id))
        .count(txn)
        .await?;
    Ok(role == 0 && invited == 0)
}

/// What operators' password attempts are counted as.
const SIGN_IN: &str = "operator-sign-in";

/// An operator's password attempt at `email` from `client`: the sign-in
/// page and the sessions page count toward the same address-wide delays.
pub fn password_attempt(
    email: &str,
    client: &str,
) -> crate::auth::password_attempts::PasswordAttempt {
    crate::auth::password_attempts::PasswordAttempt::new(SIGN_IN, email, client)
}

/// Forgets the wrong passwords at an operator's address, from every client.
pub async fn forget_failures(db: &impl sea_orm::ConnectionTrait, email: &str) -> Result<(), DbErr> {
    crate::auth::password_attempts::forget(db, SIGN_IN, email).await
}

/// The rate-limit key counting failed passwords at an operator's address
/// from all clients together (what slows attempts down).
pub fn sign_in_failures_key(email: &str) -> String {
    format!("operator-sign-in-failures:{email}")
}

/// The role `user_id` holds in the organization, if any.
pub async fn role_in(
    conn: &impl sea_orm::ConnectionTrait,
    organization_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Role>, DbErr> {
    Ok(org_role::Entity::find()
        .filter(org_role::Column::UserId.eq(user_id))
        .filter(org_role::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?
        .and_then(|r| Role::parse(&r.role)))
}

/// The user `id` if they are an operator (or admin) of the organization.
pub async fn operator_by_id(
    db: &DatabaseConnection,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Option<user::Model>, DbErr> {
    if role_in(db, organization_id, id).await?.is_none() {
        return Ok(None);
    }
    user::Entity::find_by_id(id).one(db).await
}

/// The user with `email` who is an operator (or admin) of the organization.
pub async fn find_operator(
    db: &DatabaseConnection,
    organization_id: Uuid,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    let Ok(email) = normalize_email(email) else {
        return Ok(None);
    };
    let Some(found) = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let is_operator = role_in(db, organization_id, found.id).await?.is_some();
    Ok(is_operator.then_some(found))
}
