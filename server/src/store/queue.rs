//! A table of work items that workers claim, shared by the email outbox and
//! the webhook deliveries: a due row is claimed by one worker for a while,
//! and taken up again by any worker once that claim has expired (its worker
//! died), so several processes can share one database.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, UpdateMany,
};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::clock::Clock;

/// A claimed row, as the pass that works it off sees it.
pub trait Claimed: Send + 'static {
    fn id(&self) -> Uuid;
    fn claimed_until(&self) -> Option<DateTime<Utc>>;
}

/// How a pass works off its rows.
pub struct Pass<'a> {
    /// Rows worked on at once.
    pub parallel: usize,
    /// The longest one row may take: a row starts only while its claim
    /// outlasts this, so no other worker takes it up while it is worked on.
    pub limit: Duration,
    pub clock: &'a dyn Clock,
    /// Turns true when the worker is to stop: rows not started are released.
    pub stop: &'a watch::Receiver<bool>,
}

/// The columns of a claimable table.
pub struct Queue<E: EntityTrait> {
    pub id: E::Column,
    pub status: E::Column,
    pub next_attempt_at: E::Column,
    pub claimed_until: E::Column,
    pub claimed_by: E::Column,
}

impl<E: EntityTrait> Queue<E> {
    /// Claims up to `batch` rows in state `pending` that are due at `now`,
    /// for `claim_for`; returns them, the earliest due first.
    pub async fn claim(
        &self,
        db: &impl ConnectionTrait,
        pending: &str,
        now: DateTime<Utc>,
        claim_for: Duration,
        batch: u64,
    ) -> Result<Vec<E::Model>, DbErr> {
        let token = Uuid::new_v4();
        let until = now + claim_for;
        let claimable = Condition::all()
            .add(self.status.eq(pending))
            .add(self.next_attempt_at.lte(now))
            .add(
                Condition::any()
                    .add(self.claimed_until.is_null())
                    .add(self.claimed_until.lt(now)),
            );
        let due: Vec<Uuid> = E::find()
            .select_only()
            .column(self.id)
            .filter(claimable.clone())
            .order_by_asc(self.next_attempt_at)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        // A row another worker claimed meanwhile no longer matches
        // `claimable` and is skipped. Rows are found by id, not by scanning
        // for the claim token.
        E::update_many()
            .col_expr(self.claimed_until, Expr::value(until))
            .col_expr(self.claimed_by, Expr::value(token))
            .filter(self.id.is_in(due.clone()))
            .filter(claimable)
            .exec(db)
            .await?;
        E::find()
            .filter(self.id.is_in(due))
            .filter(self.claimed_by.eq(token))
            .order_by_asc(self.next_attempt_at)
            .all(db)
            .await
    }

    /// Works off `rows` (just claimed) as `pass` says: `work` runs for
    /// each, `pass.parallel` at a time, and records the row's outcome as
    /// soon as it is known, so a process killed in the middle does again at
    /// most the rows it had in flight. Rows not started before `pass.stop`,
    /// or too late to finish within their claim, are released. Returns how
    /// many were worked on, or the first error recording an outcome (that
    /// row keeps its claim and is taken up again when it expires).
    pub async fn work_off<F, Fut>(
        &self,
        db: &impl ConnectionTrait,
        rows: Vec<E::Model>,
        pass: Pass<'_>,
        work: F,
    ) -> Result<usize, DbErr>
    where
        E::Model: Claimed,
        F: Fn(E::Model) -> Fut,
        Fut: Future<Output = Result<(), DbErr>> + Send + 'static,
    {
        let slots = Arc::new(Semaphore::new(pass.parallel.max(1)));
        let mut running = JoinSet::new();
        let mut released = Vec::new();
        for row in rows {
            let slot = slots.clone().acquire_owned().await;
            let too_late = row
                .claimed_until()
                .is_none_or(|until| pass.clock.now() + pass.limit > until);
            if *pass.stop.borrow() || slot.is_err() || too_late {
                released.push(row.id());
                continue;
            }
            let worked = work(row);
            running.spawn(async move {
                let recorded = worked.await;
                drop(slot);
                recorded
            });
        }
        let mut done = 0;
        let mut first_error = None;
        while let Some(finished) = running.join_next().await {
            done += 1;
            match finished {
                Ok(Ok(())) => {}
                Ok(Err(e)) => first_error = first_error.or(Some(e)),
                Err(e) => tracing::error!(error = %e, "a queued item failed unexpectedly"),
            }
        }
        if !released.is_empty() {
            self.unclaim(released).exec(db).await?;
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// An update of the rows `ids` that gives up their claim.
    pub fn unclaim(&self, ids: Vec<Uuid>) -> UpdateMany<E> {
        E::update_many()
            .col_expr(
                self.claimed_until,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(self.claimed_by, Expr::value(Option::<Uuid>::None))
            .filter(self.id.is_in(ids))
    }
}

/// A worker that takes its queue's due rows a pass at a time.
pub trait Worker: Sync {
    /// For the logs.
    const NAME: &'static str;
    /// The pause after a pass that found nothing to do.
    fn poll(&self) -> Duration;
    /// One pass; how many rows it worked on. It stops early when `stop`
    /// turns true.
    fn pass(
        &self,
        stop: &watch::Receiver<bool>,
    ) -> impl Future<Output = Result<usize, DbErr>> + Send;
}

/// Runs `worker`'s passes until `shutdown` turns true, stopping between
/// two: at once again after a pass that did something, else after its
/// `poll` (or when told to stop).
pub async fn keep_working<W: Worker>(worker: W, mut shutdown: watch::Receiver<bool>) {
    tracing::info!("{} started", W::NAME);
    loop {
        if *shutdown.borrow() {
            break;
        }
        match worker.pass(&shutdown).await {
            Ok(done) if done > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "{}: a pass failed; retrying", W::NAME),
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(worker.poll()) => {}
        }
    }
    tracing::info!("{} stopped", W::NAME);
}

/// How often, and how long, a failed item is tried again.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Delay after the first failure; doubled after each further one.
    pub base: Duration,
    pub max_delay: Duration,
    /// After this many failed attempts the row is marked failed.
    pub max_attempts: i32,
}

impl RetryPolicy {
    /// Email: 30 s, 1 min, 2 min … capped at 1 h: about 14 hours of trying in all.
    pub fn for_mail() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            max_attempts: 20,
        }
    }

    /// Webhooks: 10 s, 20 s, 40 s … capped at 2 h, for a day: the last of
    /// 22 attempts comes about 25 hours after the first.
    pub fn for_webhooks() -> Self {
        RetryPolicy {
            base: Duration::from_secs(10),
            max_delay: Duration::from_secs(2 * 3600),
            max_attempts: 22,
        }
    }

    /// The wait before the next try, after `attempts` failed ones (≥ 1).
    pub fn delay_after(&self, attempts: i32) -> Duration {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.base
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_delay)
    }

    /// From the first attempt to the last.
    pub fn span(&self) -> Duration {
        (1..self.max_attempts).map(|n| self.delay_after(n)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::RetryPolicy;
    use std::time::Duration;

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        let p = RetryPolicy::for_mail();
        assert_eq!(p.delay_after(1), Duration::from_secs(30));
        assert_eq!(p.delay_after(2), Duration::from_secs(60));
        assert_eq!(p.delay_after(5), Duration::from_secs(480));
        assert_eq!(p.delay_after(8), Duration::from_secs(3600));
        assert_eq!(p.delay_after(40), Duration::from_secs(3600));
    }

    #[test]
    fn webhooks_are_tried_for_a_day() {
        let p = RetryPolicy::for_webhooks();
        assert_eq!(p.delay_after(1), Duration::from_secs(10));
        assert_eq!(p.delay_after(12), Duration::from_secs(7200));
        let hours = p.span().as_secs_f64() / 3600.0;
        assert!((24.0..26.0).contains(&hours), "{hours} h");
    }
}
