//! Delivers the outbox: claims due rows, sends them, and reschedules failures
//! with exponential back-off. Claims expire, so rows held by a process that
//! died are taken up again; several processes can share one database.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set, UpdateMany,
};
use tokio::sync::watch;
use uuid::Uuid;

use super::outbox::{FAILED, PENDING, SENT};
use super::transport::{MailTransport, Undelivered};
use crate::clock::Clock;
use crate::store::entities::email_outbox::{self, Column};
pub use crate::store::queue::RetryPolicy;
use crate::store::queue::{keep_working, Claimed, Pass, Queue, Worker};
use app::model::progress::ProgressStep;

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
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        keep_working(self, shutdown).await;
    }

    /// One pass: claims up to `batch` due rows and tries each once, up to
    /// `parallel` at a time ([`Queue::work_off`]). Returns how many were
    /// attempted.
    pub async fn deliver_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, DbErr> {
        let claimed = self.claim().await?;
        let pass = Pass {
            parallel: self.parallel,
            limit: self.send_limit,
            clock: self.clock.as_ref(),
            stop,
        };
        OUTBOX
            .work_off(&self.db, claimed, pass, |row| {
                let (transport, from) = (self.transport.clone(), self.from.clone());
                let (limit, recorder) = (self.send_limit, self.recorder());
                async move {
                    let sent = tokio::time::timeout(limit, transport.send(&from, &row)).await;
                    let result = sent.unwrap_or_else(|_| {
                        let took = limit.as_secs_f32();
                        Err(Undelivered::for_now(format!(
                            "sending took longer than {took} s"
                        )))
                    });
                    match result {
                        Ok(()) => recorder.sent(row.id, row.invitation_id).await,
                        Err(error) => recorder.failed(row, error).await,
                    }
                }
            })
            .await
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
    async fn sent(&self, id: Uuid, invitation: Option<Uuid>) -> Result<(), DbErr> {
        let now = self.clock.now();
        if let Some(invitation) = invitation {
            let delivered = ProgressStep::EmailDelivered;
            crate::progress::advance(&self.db, invitation, delivered, now).await?;
            mail_failed(&self.db, invitation, None).await?;
        }
        unclaim(vec![id])
            .col_expr(Column::Status, Expr::value(SENT))
            .col_expr(Column::BodyText, Expr::value(""))
            .col_expr(Column::BodyHtml, Expr::value(Option::<String>::None))
            .col_expr(Column::SentAt, Expr::value(now))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .exec(&self.db)
            .await?;
        tracing::debug!(%id, "mail sent");
        Ok(())
    }

    /// Schedules the next try of a message that was not sent, or gives up:
    /// after the policy's last attempt, or at once when the server refused
    /// it for good (5xx: another try would be refused again).
    async fn failed(&self, row: email_outbox::Model, why: Undelivered) -> Result<(), DbErr> {
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        let (id, invitation) = (row.id, row.invitation_id);
        let mut active = row.into_active_model();
        active.attempts = Set(attempts);
        active.claimed_until = Set(None);
        active.claimed_by = Set(None);
        let error: String = why.reason.chars().take(2000).collect();
        if why.permanent || attempts >= self.policy.max_attempts {
            active.status = Set(FAILED.to_owned());
            // No retry will need the body any more.
            active.body_text = Set(String::new());
            active.body_html = Set(None);
            tracing::error!(%id, attempts, %error, "mail failed for good");
            if let Some(invitation) = invitation {
                mail_failed(&self.db, invitation, Some(now)).await?;
            }
        } else {
            let delay = self.policy.delay_after(attempts);
            active.next_attempt_at = Set(now + delay);
            tracing::warn!(%id, attempts, %error, retry_in = ?delay, "mail not sent; will retry");
        }
        active.last_error = Set(Some(error));
        active.update(&self.db).await.map(|_| ())
    }
}

/// Marks the invitation's latest email as refused for good (`Some`), or
/// as delivered (`None`): the overview's and the list's failed emails.
async fn mail_failed(
    db: &DatabaseConnection,
    invitation: Uuid,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), DbErr> {
    use crate::store::entities::invitation::{Column, Entity};
    Entity::update_many()
        .col_expr(Column::MailFailedAt, Expr::value(at))
        .filter(Column::Id.eq(invitation))
        .exec(db)
        .await
        .map(|_| ())
}

impl Worker for OutboxWorker {
    const NAME: &'static str = "outbox worker";

    fn poll(&self) -> Duration {
        self.poll
    }

    fn pass(
        &self,
        stop: &watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = Result<usize, DbErr>> + Send {
        self.deliver_due(stop)
    }
}

impl Claimed for email_outbox::Model {
    fn id(&self) -> Uuid {
        self.id
    }

    fn claimed_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.claimed_until
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
