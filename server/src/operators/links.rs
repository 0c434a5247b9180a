//! Single-use links for operators (the set-password link, the first-admin
//! setup link): a random token in the URL, only its SHA-256 stored as a
//! `verification_code` row of the link's purpose.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::{random_token, token_digest as digest};
use crate::store::entities::verification_code;

/// Stores a new link of `purpose` for `email` (empty when it names nobody
/// yet), valid for `validity`; the token for the URL.
pub(crate) async fn issue(
    conn: &impl ConnectionTrait,
    purpose: &str,
    email: &str,
    validity: chrono::Duration,
    clock: &dyn Clock,
) -> Result<String, DbErr> {
    let token = random_token();
    let now = clock.now();
    verification_code::ActiveModel {
        id: Set(Uuid::new_v4()),
        purpose: Set(purpose.to_owned()),
        email: Set(email.to_owned()),
        code_hash: Set(digest(&token)),
        session_id: Set(None),
        attempts_left: Set(1),
        expires_at: Set(now + validity),
        consumed_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// The unused, unexpired link of `purpose` that `token` opens.
pub(crate) async fn live(
    conn: &impl ConnectionTrait,
    purpose: &str,
    token: &str,
    clock: &dyn Clock,
) -> Result<Option<verification_code::Model>, DbErr> {
    Ok(verification_code::Entity::find()
        .filter(verification_code::Column::CodeHash.eq(digest(token)))
        .filter(verification_code::Column::Purpose.eq(purpose))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .one(conn)
        .await?
        .filter(|c| clock.now() < c.expires_at))
}

/// Uses the link up; `false` when another request used it first.
pub(crate) async fn use_up(
    conn: &impl ConnectionTrait,
    link: &verification_code::Model,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let used = verification_code::Entity::update_many()
        .col_expr(
            verification_code::Column::ConsumedAt,
            Expr::value(clock.now()),
        )
        .filter(verification_code::Column::Id.eq(link.id))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(conn)
        .await?;
    Ok(used.rows_affected == 1)
}
