//! How far each customer got (issue 23, point 3): an invitation moves on
//! to a later step and never back, in the transaction of what made it move,
//! and keeps the facts of each step that nothing else keeps.

use app::model::progress::{ProgressStep, SignInMethod};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::entities::invitation::{self, Column};

/// How long a link's "last opened" may lag: the landing page writes it at
/// most this often, so that a link opened again and again stays a read.
pub const OPENED_EVERY_MINUTES: i64 = 10;

/// Moves the invitation `id` on to `step` at `now`, unless it is there or
/// further already.
pub async fn advance(
    conn: &impl ConnectionTrait,
    id: Uuid,
    step: ProgressStep,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let earlier: Vec<&str> = step.earlier().map(ProgressStep::code).collect();
    invitation::Entity::update_many()
        .col_expr(Column::Progress, Expr::value(step.code()))
        .col_expr(Column::ProgressAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Progress.is_in(earlier))
        .exec(conn)
        .await
        .map(|_| ())
}

/// The customer opened the link; `last_opened` is what the landing page
/// read. Written only when it is older than [`OPENED_EVERY_MINUTES`].
pub async fn opened(
    conn: &impl ConnectionTrait,
    id: Uuid,
    last_opened: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let fresh = last_opened
        .is_some_and(|last| now - last < chrono::Duration::minutes(OPENED_EVERY_MINUTES));
    if fresh {
        return Ok(());
    }
    let mut update =
        invitation::Entity::update_many().col_expr(Column::LastOpenedAt, Expr::value(now));
    if last_opened.is_none() {
        update = update.col_expr(Column::FirstOpenedAt, Expr::value(now));
    }
    update.filter(Column::Id.eq(id)).exec(conn).await?;
    advance(conn, id, ProgressStep::LinkOpened, now).await
}

/// The customer signed in, `how` and through what.
pub async fn signed_in(
    conn: &impl ConnectionTrait,
    id: Uuid,
    how: SignInMethod,
    source: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    invitation::Entity::update_many()
        .col_expr(Column::SignedInAt, Expr::value(now))
        .col_expr(Column::SignInMethod, Expr::value(how.code()))
        .col_expr(Column::SignInSource, Expr::value(source))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    advance(conn, id, ProgressStep::SignedIn, now).await
}

/// The customer reached the welcome page: the first time counts.
pub async fn welcomed(
    conn: &impl ConnectionTrait,
    invitation: &invitation::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if invitation.welcomed_at.is_some() {
        return Ok(());
    }
    invitation::Entity::update_many()
        .col_expr(Column::WelcomedAt, Expr::value(now))
        .filter(Column::Id.eq(invitation.id))
        .filter(Column::WelcomedAt.is_null())
        .exec(conn)
        .await?;
    advance(conn, invitation.id, ProgressStep::Welcomed, now).await
}
