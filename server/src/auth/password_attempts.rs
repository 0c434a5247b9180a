//! Wrong passwords are counted per address-and-client pair: whoever guesses
//! at an address shuts out only themselves (past [`PER_PAIR`] the pair is
//! refused), while the address's owner, from any other client, still signs
//! in. Failures at the address from all clients together only slow each
//! attempt down, by a delay that grows with them ([`delay_after`]); they
//! never refuse the right password. Each attempt counts as a failure
//! before the password is checked, and a success clears the counts, so
//! guesses sent at once cannot all pass a count taken before any of them.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr};

use super::rate_limit::{self, Limit};
use crate::clock::Clock;

/// Failures of one address from one client before that pair is refused.
pub const PER_PAIR: Limit = Limit {
    max: 10,
    window: Duration::from_secs(15 * 60),
};
/// Failures of one address from all clients before attempts slow down.
pub const BEFORE_DELAYS: u64 = 10;
/// The longest an attempt waits, however many failures came before.
pub const LONGEST_DELAY: Duration = Duration::from_secs(8);

/// How long an attempt waits when the address has had `failures` in the
/// window (this one included): nothing up to [`BEFORE_DELAYS`], then 250 ms
/// doubling with each failure, up to [`LONGEST_DELAY`].
pub fn delay_after(failures: u64) -> Duration {
    if failures <= BEFORE_DELAYS {
        return Duration::ZERO;
    }
    let doublings = (failures - BEFORE_DELAYS - 1).min(6) as u32;
    (Duration::from_millis(250) * 2u32.pow(doublings)).min(LONGEST_DELAY)
}

/// One password attempt at `email` from `client` (a client address, or
/// anything else that names where the attempt comes from).
pub struct PasswordAttempt {
    pair: String,
    address: String,
}

fn pair_group(what: &str, email: &str) -> String {
    format!("{what}-failure:{email}")
}

fn address_key(what: &str, email: &str) -> String {
    format!("{what}-failures:{email}")
}

/// Forgets every failure at `email` for the form `what`, from all clients
/// (an admin's "unlock").
pub async fn forget(db: &impl ConnectionTrait, what: &str, email: &str) -> Result<(), DbErr> {
    rate_limit::clear_group(db, &pair_group(what, email)).await?;
    rate_limit::clear(db, &address_key(what, email)).await
}

/// What to do before checking the password.
#[derive(Debug, PartialEq, Eq)]
pub enum Before {
    /// This client has failed too often at this address: refuse (429).
    Refused,
    /// Check it after waiting this long.
    Check(Duration),
}

impl PasswordAttempt {
    /// `what` names the form, e.g. `operator-sign-in`.
    pub fn new(what: &str, email: &str, client: &str) -> PasswordAttempt {
        PasswordAttempt {
            pair: rate_limit::grouped(&pair_group(what, email), &rate_limit::client_of(client)),
            address: address_key(what, email),
        }
    }

    /// Counts the attempt as a failure (until [`Self::succeeded`]), and says
    /// whether and when to check it.
    pub async fn begin(
        &self,
        db: &impl ConnectionTrait,
        clock: &dyn Clock,
    ) -> Result<Before, DbErr> {
        rate_limit::record(db, &self.address, clock).await?;
        if !rate_limit::hit(db, &self.pair, PER_PAIR, clock).await? {
            return Ok(Before::Refused);
        }
        let failures = rate_limit::count(db, &self.address, PER_PAIR, clock).await?;
        Ok(Before::Check(delay_after(failures)))
    }

    /// The password was right: its failures are forgotten.
    pub async fn succeeded(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        rate_limit::clear(db, &self.pair).await?;
        rate_limit::clear(db, &self.address).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_the_failures_and_stop_at_eight_seconds() {
        assert_eq!(delay_after(1), Duration::ZERO);
        assert_eq!(delay_after(BEFORE_DELAYS), Duration::ZERO);
        assert_eq!(delay_after(11), Duration::from_millis(250));
        assert_eq!(delay_after(12), Duration::from_millis(500));
        assert_eq!(delay_after(14), Duration::from_secs(2));
        assert_eq!(delay_after(16), LONGEST_DELAY);
        assert_eq!(delay_after(10_000), LONGEST_DELAY);
    }
}
