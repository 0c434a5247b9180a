//! Sliding-window rate limits kept in the database, so that several server
//! processes count together.

use std::time::Duration;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::clock::Clock;
use crate::store::entities::rate_limit_event::{self, Column};

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u64,
    pub window: Duration,
}

/// Operator sign-in: attempts per client address, and failures per email.
pub const SIGN_IN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window: Duration::from_secs(15 * 60),
};
pub const SIGN_IN_FAILURES_PER_EMAIL: Limit = Limit {
    max: 10,
    window: Duration::from_secs(15 * 60),
};

/// Customers' emailed codes (passcode, address check, reset): codes asked
/// for per client address and per address emailed (on top of the 60 s
/// between two codes), and codes entered per client address and per
/// address (each code also allows only 5 tries).
pub const CODE_SENDS_PER_ADDRESS: Limit = Limit {
    max: 20,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_SENDS_PER_EMAIL: Limit = Limit {
    max: 5,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_CHECKS_PER_ADDRESS: Limit = Limit {
    max: 50,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_CHECKS_PER_EMAIL: Limit = Limit {
    max: 25,
    window: Duration::from_secs(15 * 60),
};

/// Customers' password sign-in: the same limits as operators' (attempts per
/// client address, failures per email), and after this many failures in a
/// row the account takes a reset code, however slowly they came.
pub const FAILURES_BEFORE_RESET: i32 = 100;

fn since(clock: &dyn Clock, limit: Limit) -> chrono::DateTime<chrono::Utc> {
    clock.now() - chrono::Duration::from_std(limit.window).unwrap_or(chrono::Duration::hours(1))
}

/// Records an attempt under `key`; `false` when it goes over the limit.
/// Recording first and counting after means concurrent attempts on other
/// processes are counted too.
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    limit: Limit,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    record(db, key, clock).await?;
    Ok(count(db, key, limit, clock).await? <= limit.max)
}

/// Whether `key` is already at its limit, without counting a new attempt.
pub async fn exhausted(
    db: &impl ConnectionTrait,
    key: &str,
    limit: Limit,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    Ok(count(db, key, limit, clock).await? >= limit.max)
}

pub async fn record(db: &impl ConnectionTrait, key: &str, clock: &dyn Clock) -> Result<(), DbErr> {
    let now = clock.now();
    // Old events of this key are of no further use.
    rate_limit_event::Entity::delete_many()
        .filter(Column::Key.eq(key))
        .filter(Column::At.lt(now - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    rate_limit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        key: Set(key.to_owned()),
        at: Set(now),
    }
    .insert(db)
    .await
    .map(|_| ())
}

pub async fn count(
    db: &impl ConnectionTrait,
    key: &str,
    limit: Limit,
    clock: &dyn Clock,
) -> Result<u64, DbErr> {
    rate_limit_event::Entity::find()
        .filter(Column::Key.eq(key))
        .filter(Column::At.gt(since(clock, limit)))
        .count(db)
        .await
}

pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    rate_limit_event::Entity::delete_many()
        .filter(Column::Key.eq(key))
        .exec(db)
        .await
        .map(|_| ())
}
