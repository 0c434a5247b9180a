//! Personal API tokens: created for an operator, shown once, stored as a
//! SHA-256 hash (they carry 256 random bits, so a fast hash suffices),
//! revocable, and their last use recorded.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::{token_digest as digest, Secret};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{api_token, org_role};

const PREFIX: &str = "lobby_";

/// The operator a request with a valid token acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub token_id: Uuid,
}

pub struct CreatedToken {
    pub id: Uuid,
    /// Shown to the operator once, never stored.
    pub token: Secret<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token name must be 1 to 100 characters")]
    Name,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

pub async fn create(
    db: &DatabaseConnection,
    user_id: Uuid,
    organization_id: Uuid,
    name: &str,
    clock: &dyn Clock,
) -> Result<CreatedToken, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(TokenError::Name);
    }
    let token = format!("{PREFIX}{}", hex::encode(rand::random::<[u8; 32]>()));
    let id = Uuid::new_v4();
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    api_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        name: Set(name.to_owned()),
        token_hash: Set(digest(&token)),
        prefix: Set(token.chars().take(PREFIX.len() + 6).collect()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit(
        &txn,
        organization_id,
        user_id,
        "api_token.created",
        id,
        json!({ "name": name }),
        clock,
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedToken {
        id,
        token: Secret::new(token),
    })
}

/// Revokes a token; `false` when there is no such live token.
pub async fn revoke(
    db: &DatabaseConnection,
    token_id: Uuid,
    actor: Option<Uuid>,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let Some(row) = api_token::Entity::find_by_id(token_id).one(&txn).await? else {
        return Ok(false);
    };
    if row.revoked_at.is_some() {
        return Ok(false);
    }
    let (org, owner) = (row.organization_id, row.user_id);
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(clock.now()));
    active.update(&txn).await?;
    audit(
        &txn,
        org,
        actor.unwrap_or(owner),
        "api_token.revoked",
        token_id,
        json!({}),
        clock,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The caller behind a presented token: it must exist, be live, and belong
/// to someone who is still an operator of its organization.
pub async fn authenticate(
    db: &DatabaseConnection,
    presented: &str,
    clock: &dyn Clock,
) -> Result<Option<ApiCaller>, DbErr> {
    if !presented.starts_with(PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest(presented)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let still_operator = org_role::Entity::find()
        .filter(org_role::Column::UserId.eq(row.user_id))
        .filter(org_role::Column::OrganizationId.eq(row.organization_id))
        .one(db)
        .await?
        .is_some();
    if !still_operator {
        return Ok(None);
    }
    let caller = ApiCaller {
        user_id: row.user_id,
        organization_id: row.organization_id,
        token_id: row.id,
    };
    let now = clock.now();
    // Recorded to the minute: a write per request would be waste.
    if row
        .last_used_at
        .is_none_or(|t| now - t > chrono::Duration::seconds(60))
    {
        let mut active = row.into_active_model();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    Ok(Some(caller))
}

async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    organization_id: Uuid,
    actor: Uuid,
    action: &str,
    token_id: Uuid,
    details: serde_json::Value,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: Some(actor),
        action,
        target_type: "api_token",
        target_id: token_id.to_string(),
        details,
    };
    audit::record(db, entry, clock).await
}
