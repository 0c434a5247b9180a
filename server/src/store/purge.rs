//! Nothing grows without bound: sessions, codes, rate-limit events, apps'
//! grants that can no longer be used, and webhook deliveries that are done
//! with (after a month) are removed on a schedule. Each removal is one
//! idempotent `DELETE`, so instances that purge at the same time only
//! share the work.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use tokio::sync::watch;

use crate::auth::session::IDLE_TIMEOUT;
use crate::clock::Clock;
use crate::store::entities::{
    authorization_grant, rate_limit_event, session, verification_code, webhook_delivery,
};

/// How often an instance purges.
pub const EVERY: Duration = Duration::from_secs(10 * 60);
/// Rate-limit windows are 15 minutes; a day keeps every one whole.
const RATE_LIMIT_EVENTS_KEPT: chrono::Duration = chrono::Duration::days(1);
/// An app's grant matters while its code may be exchanged (60 s) and its
/// tokens live (10 minutes) after that; an hour keeps every one whole.
const GRANTS_KEPT: chrono::Duration = chrono::Duration::hours(1);
/// A delivered or failed webhook stays listed (and can be resent) for a month.
pub const DELIVERIES_KEPT: chrono::Duration = chrono::Duration::days(30);

/// How many rows one purge removed, by kind.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub codes: u64,
    pub rate_limit_events: u64,
    pub grants: u64,
    pub webhook_deliveries: u64,
}

/// Removes the rows that have outlived their use as of `clock`'s now.
pub async fn purge(db: &impl ConnectionTrait, clock: &dyn Clock) -> Result<Purged, DbErr> {
    let now = clock.now();
    let idle = chrono::Duration::from_std(IDLE_TIMEOUT).unwrap_or(chrono::Duration::hours(1));
    let sessions = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - idle)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let codes = verification_code::Entity::delete_many()
        .filter(verification_code::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    let rate_limit_events = rate_limit_event::Entity::delete_many()
        .filter(rate_limit_event::Column::At.lt(now - RATE_LIMIT_EVENTS_KEPT))
        .exec(db)
        .await?
        .rows_affected;
    let grants = authorization_grant::Entity::delete_many()
        .filter(authorization_grant::Column::CreatedAt.lt(now - GRANTS_KEPT))
        .exec(db)
        .await?
        .rows_affected;
    let done = [crate::webhooks::DELIVERED, crate::webhooks::FAILED];
    let webhook_deliveries = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.is_in(done))
        .filter(webhook_delivery::Column::CreatedAt.lt(now - DELIVERIES_KEPT))
        .exec(db)
        .await?
        .rows_affected;
    Ok(Purged {
        sessions,
        codes,
        rate_limit_events,
        grants,
        webhook_deliveries,
    })
}

/// Purges every [`EVERY`] until `shutdown` turns true.
pub async fn run(
    db: sea_orm::DatabaseConnection,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        match purge(&db, clock.as_ref()).await {
            Ok(purged) if purged != Purged::default() => tracing::info!(?purged, "purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purge failed; trying again later"),
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
}
