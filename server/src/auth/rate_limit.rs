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

/// Password sign-in: attempts per client address. Failures per address
/// and client are `password_attempts`' business.
pub const SIGN_IN_PER_ADDRESS: Limit = Limit {
    max: 30,
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

/// New passwords (a new account's, a reset's): hashed only within these,
/// per client address and per address, since each costs 19 MiB and 50 ms.
/// Each needs an emailed code, of which an address gets 5 in 15 minutes.
pub const NEW_PASSWORDS_PER_ADDRESS: Limit = Limit {
    max: 20,
    window: Duration::from_secs(15 * 60),
};
pub const NEW_PASSWORDS_PER_EMAIL: Limit = Limit {
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// Customers' password sign-in: the same limits as operators' (attempts per
/// client address, failures per address and client), and after this many
/// failures in a row the account takes a reset code, however slowly they came.
pub const FAILURES_BEFORE_RESET: i32 = 100;

/// The key counting `what` for the client at `address` ([`client_of`]).
pub fn per_client(what: &str, address: &str) -> String {
    format!("{what}:{}", client_of(address))
}

/// What limits count a client address as: its IPv4 address, or the /64 of
/// its IPv6 address (one subscriber's usual share, all of which they can
/// cycle through).
pub fn client_of(address: &str) -> String {
    use std::net::IpAddr;
    let ip = address.parse::<IpAddr>().ok().map(|ip| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    });
    match ip {
        Some(IpAddr::V6(v6)) => ipnet::Ipv6Net::new(v6, 64)
            .map(|n| n.trunc().to_string())
            .unwrap_or_else(|_| v6.to_string()),
        Some(v4) => v4.to_string(),
        None => address.to_owned(),
    }
}

/// A key of `group` (say, one address's failures) for one `member` (one
/// client): [`clear_group`] clears every member's at once.
pub fn grouped(group: &str, member: &str) -> String {
    format!("{group}{GROUP_END}{member}")
}

const GROUP_END: char = '\u{1f}';

/// Keys are stored as their SHA-256: fixed in size whatever a client sends
/// (an email field, say), and no addresses or emails left readable at rest.
/// A grouped key is half its group's hash and half its own, so that the
/// group can be found by prefix.
fn stored(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = |text: &str| hex::encode(Sha256::digest(text.as_bytes()));
    match key.split_once(GROUP_END) {
        Some((group, _)) => format!("{}{}", &digest(group)[..32], &digest(key)[..32]),
        None => digest(key),
    }
}

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
    let key = stored(key);
    // Old events of this key are of no further use.
    rate_limit_event::Entity::delete_many()
        .filter(Column::Key.eq(&key))
        .filter(Column::At.lt(now - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    rate_limit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        key: Set(key),
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
        .filter(Column::Key.eq(stored(key)))
        .filter(Column::At.gt(since(clock, limit)))
        .count(db)
        .await
}

/// Clears the keys of every member of `group`.
pub async fn clear_group(db: &impl ConnectionTrait, group: &str) -> Result<(), DbErr> {
    let prefix = stored(&grouped(group, ""))[..32].to_owned();
    rate_limit_event::Entity::delete_many()
        .filter(Column::Key.starts_with(prefix))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    rate_limit_event::Entity::delete_many()
        .filter(Column::Key.eq(stored(key)))
        .exec(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let key = |a| per_client("code-send", a);
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "code-send:2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("192.0.2.1"), "code-send:192.0.2.1");
        assert_eq!(key("::ffff:192.0.2.1"), "code-send:192.0.2.1");
        assert_eq!(key("unknown"), "code-send:unknown");
    }

    #[test]
    fn a_grouped_key_starts_with_its_groups_hash() {
        let a = stored(&grouped("failures:ada@gfms.example", "192.0.2.1"));
        let b = stored(&grouped("failures:ada@gfms.example", "192.0.2.2"));
        let other = stored(&grouped("failures:bob@gfms.example", "192.0.2.1"));
        assert_eq!((a.len(), &a[..32]), (64, &b[..32]));
        assert_ne!(a, b);
        assert_ne!(a[..32], other[..32]);
    }

    #[test]
    fn keys_are_stored_hashed_and_bounded() {
        let long = format!("sign-in:{}", "x".repeat(100_000));
        assert_eq!(stored(&long).len(), 64);
        assert!(!stored("code-send:192.0.2.1").contains("192.0.2.1"));
    }
}
