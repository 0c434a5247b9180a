//! How far each customer got (issue 23, point 3): an invitation moves on
//! to a later step and never back, in the transaction of what made it move,
//! and keeps the facts of each step that nothing else keeps.

use app::model::progress::{ProgressStep, SignInMethod};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::audit::{self, AuditEntry};
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
    let mut update = invitation::Entity::update_many()
        .col_expr(Column::Progress, Expr::value(step.code()))
        .col_expr(Column::ProgressAt, Expr::value(now));
    // The overview's median time from invitation to company.
    if step == ProgressStep::CompanyCreated {
        update = update.col_expr(Column::CompanyAt, Expr::value(now));
    }
    update
        .filter(Column::Id.eq(id))
        .filter(Column::Progress.is_in(earlier))
        .exec(conn)
        .await
        .map(|_| ())
}

/// A link the customer opened: its invitation, and when it was last
/// opened before, as the landing page read it.
pub struct Opened {
    pub organization_id: Uuid,
    pub invitation_id: Uuid,
    pub last: Option<DateTime<Utc>>,
}

/// The customer opened the link. Written only when it was last opened
/// more than [`OPENED_EVERY_MINUTES`] ago; the first time is audited.
pub async fn opened(
    conn: &impl ConnectionTrait,
    link: Opened,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let fresh = link
        .last
        .is_some_and(|last| now - last < chrono::Duration::minutes(OPENED_EVERY_MINUTES));
    if fresh {
        return Ok(());
    }
    let id = link.invitation_id;
    let mut update =
        invitation::Entity::update_many().col_expr(Column::LastOpenedAt, Expr::value(now));
    if link.last.is_none() {
        update = update.col_expr(Column::FirstOpenedAt, Expr::value(now));
        // Who opened it is not known: a link may be forwarded.
        let entry = AuditEntry {
            organization_id: Some(link.organization_id),
            actor_id: None,
            action: "invitation.link_opened",
            target_type: "invitation",
            target_id: id.to_string(),
            details: serde_json::json!({}),
        };
        audit::event(entry, now).insert(conn).await?;
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
    let first = invitation::Entity::update_many()
        .col_expr(Column::WelcomedAt, Expr::value(now))
        .filter(Column::Id.eq(invitation.id))
        .filter(Column::WelcomedAt.is_null())
        .exec(conn)
        .await?;
    if first.rows_affected == 0 {
        return Ok(());
    }
    let entry = AuditEntry {
        organization_id: Some(invitation.organization_id),
        actor_id: invitation.redeemed_by,
        action: "invitation.finished",
        target_type: "invitation",
        target_id: invitation.id.to_string(),
        details: serde_json::json!({}),
    };
    audit::event(entry, now).insert(conn).await?;
    advance(conn, invitation.id, ProgressStep::Welcomed, now).await
}
