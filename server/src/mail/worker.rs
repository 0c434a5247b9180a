//! Delivers the outbox: claims due rows, sends them, and reschedules failures
//! with exponential back-off. Claims expire, so rows held by a process that
//! died are taken up again; several processes can share one database.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, IntoActiveModel, Set, UpdateMany};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::outbox::{FAILED, PENDING, SENT};
use super::transport::MailTransport;
use crate::clock::Clock;
use crate::store::entities::email_outbox::{self, Column};
use crate::store::queue::Queue;
pub use crate::store::queue::RetryPolicy;

pub struct OutboxWorker {
    pub db: DatabaseConnection,
    pub transport: Arc<MailTransport>,
    pub from: Mailbox,
    pub clock: Arc<dyn Clock>,
    pub policy: RetryPolicy,
    /// Rows claimed per pass.
    pub batch: u64,
    /// Messages in flight at once (one per pooled SMTP connection).
    pub parallel: usize,
    /// How long a claim protects a row from other workers.
    pub claim_for: Duration,
    /// The longest one message may take; a slower send counts as failed. A
    /// message starts only while its claim outlasts this, so no other worker
    /// can take it up while it is still being sent.
    pub send_limit: Duration,
    /// Pause between passes when nothing is due.
    pub poll: Duration,
}

impl OutboxWorker {
    pub fn new(
        db: DatabaseConnection,
        transport: MailTransport,
        from: Mailbox,
        clock: Arc<dyn Clock>,
    ) -> Self {
        OutboxWorker {
            db,
            transport: Arc::new(transport),
            from,
            clock,
            policy: RetryPolicy::for_mail(),
            // Large batches keep the database's share of each message small.
            batch: 500,
            parallel: super::transport::CONNECTIONS as usize,
            // Short, so that the rows of a process that died are sent by
            // another (or by it, restarted) within a minute.
            claim_for: Duration::from_secs(60),
            send_limit: Duration::from_secs(30),
            poll: Duration::from_millis(500),
        }
    }

    /// Runs until `shutdown` turns true; it then stops between two messages.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("outbox worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.deliver_due(&shutdown).await {
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox pass failed; retrying"),
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// One pass: claims up to `batch` due rows and tries each once, up to
    /// `parallel` at a time. Each outcome is recorded as soon as it is known,
    /// so a process killed in the middle sends again at most the messages it
    /// had in flight. Rows not started before `stop`, or too late to finish
    /// within their claim, are released. Returns how many were attempted.
    pub async fn deliver_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, DbErr> {
        let claimed = self.claim().await?;
        let slots = Arc::new(Semaphore::new(self.parallel.max(1)));
        let mut sending = JoinSet::new();
        let mut released = Vec::new();
        for row in claimed {
            let slot = slots.clone().acquire_owned().await;
            let too_late = row
                .claimed_until
                .is_none_or(|until| self.clock.now() + self.send_limit > until);
            if *stop.borrow() || slot.is_err() || too_late {
                released.push(row.id);
                continue;
            }
            let (transport, from) = (self.transport.clone(), self.from.clone());
            let (limit, recorder) = (self.send_limit, self.recorder());
            sending.spawn(async move {
                let result = match tokio::time::timeout(limit, transport.send(&from, &row)).await {
                    Ok(result) => result,
                    Err(_) => Err(format!(
                        "sending took longer than {} s",
                        limit.as_secs_f32()
                    )),
                };
                let recorded = match result {
                    Ok(()) => recorder.sent(row.id).await,
                    Err(error) => recorder.failed(row, error).await,
                };
                drop(slot);
                recorded
            });
        }
        let mut attempted = 0;
        let mut first_error = None;
        while let Some(done) = sending.join_next().await {
            attempted += 1;
            match done {
                Ok(Ok(())) => {}
                // The row keeps its claim and is taken up again when it expires.
                Ok(Err(e)) => first_error = first_error.or(Some(e)),
                Err(e) => tracing::error!(error = %e, "sending a message failed unexpectedly"),
            }
        }
        if !released.is_empty() {
            unclaim(released).exec(&self.db).await?;
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(attempted),
        }
    }

    fn recorder(&self) -> Recorder {
        Recorder {
            db: self.db.clone(),
            clock: self.clock.clone(),
            policy: self.policy,
        }
    }

    async fn claim(&self) -> Result<Vec<email_outbox::Model>, DbErr> {
        let now = self.clock.now();
        OUTBOX
            .claim(&self.db, PENDING, now, self.claim_for, self.batch)
            .await
    }
}

/// Writes down what became of one message, from the task that sent it.
struct Recorder {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl Recorder {
    /// The server accepted the message. Its body (a live link or code,
    /// often) is of no further use and is not kept.
    async fn sent(&self, id: Uuid) -> Result<(), DbErr> {
        unclaim(vec![id])
            .col_expr(Column::Status, Expr::value(SENT))
            .col_expr(Column::BodyText, Expr::value(""))
            .col_expr(Column::BodyHtml, Expr::value(Option::<String>::None))
            .col_expr(Column::SentAt, Expr::value(self.clock.now()))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .exec(&self.db)
            .await?;
        tracing::debug!(%id, "mail sent");
        Ok(())
    }

    /// Schedules the next try of a message that was not sent, or gives up.
    async fn failed(&self, row: email_outbox::Model, error: String) -> Result<(), DbErr> {
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        let id = row.id;
        let mut active = row.into_active_model();
        active.attempts = Set(attempts);
        active.claimed_until = Set(None);
        active.claimed_by = Set(None);
        let error: String = error.chars().take(2000).collect();
        if attempts >= self.policy.max_attempts {
            active.status = Set(FAILED.to_owned());
            // No retry will need the body any more.
            active.body_text = Set(String::new());
            active.body_html = Set(None);
            tracing::error!(%id, attempts, %error, "mail failed for good");
        } else {
            let delay = self.policy.delay_after(attempts);
            active.next_attempt_at = Set(now + delay);
            tracing::warn!(%id, attempts, %error, retry_in = ?delay, "mail not sent; will retry");
        }
        active.last_error = Set(Some(error));
        active.update(&self.db).await.map(|_| ())
    }
}

/// The outbox as a queue of rows to claim.
const OUTBOX: Queue<email_outbox::Entity> = Queue {
    id: Column::Id,
    status: Column::Status,
    next_attempt_at: Column::NextAttemptAt,
    claimed_until: Column::ClaimedUntil,
    claimed_by: Column::ClaimedBy,
};

/// An update of the rows `ids` that gives up their claim.
fn unclaim(ids: Vec<Uuid>) -> UpdateMany<email_outbox::Entity> {
    OUTBOX.unclaim(ids)
}
