//! Delivers the webhook rows: claims due ones, posts each to its endpoint,
//! signed, and records the answer. A 2xx answer delivers it; anything else
//! (another status, a redirect, which is never followed, no answer within
//! the timeout, an address that is not allowed) is tried again with
//! back-off for a day, then marked failed. Claims expire, so the rows of a
//! process that died are delivered by another, or by it once restarted:
//! every event arrives at least once, and receivers drop repeats by their
//! `webhook-id`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use openidconnect::reqwest;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use super::endpoints::secret_of;
use super::{signing, DELIVERED, FAILED, PENDING};
use crate::clock::Clock;
use crate::public_address::PublicAddressesOnly;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::webhook_delivery::{self, Column};
use crate::store::entities::webhook_endpoint;
use crate::store::queue::{keep_working, Claimed, Pass, Queue, RetryPolicy, Worker};

impl Worker for Deliverer {
    const NAME: &'static str = "webhook deliverer";

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

impl Claimed for webhook_delivery::Model {
    fn id(&self) -> Uuid {
        self.id
    }

    fn claimed_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.claimed_until
    }
}

/// The deliveries as a queue of rows to claim.
const DELIVERIES: Queue<webhook_delivery::Entity> = Queue {
    id: Column::Id,
    status: Column::Status,
    next_attempt_at: Column::NextAttemptAt,
    claimed_until: Column::ClaimedUntil,
    claimed_by: Column::ClaimedBy,
};

/// How long Lobby waits for an endpoint's answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The most of an answer Lobby reads (and throws away), so the connection
/// can serve the next delivery.
const MOST_ANSWER_BYTES: usize = 64 * 1024;

/// The two clients: one that connects to public addresses only, and one
/// for endpoints whose admin allowed private ones. Neither follows
/// redirects; both give up after `timeout`.
#[derive(Clone)]
struct Clients {
    public: reqwest::Client,
    any: reqwest::Client,
}

impl Clients {
    fn new(timeout: Duration) -> Result<Clients, reqwest::Error> {
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .user_agent(concat!("Lobby-Webhooks/", env!("CARGO_PKG_VERSION")))
        };
        Ok(Clients {
            public: builder()
                .dns_resolver(Arc::new(PublicAddressesOnly))
                .build()?,
            any: builder().build()?,
        })
    }
}

pub struct Deliverer {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    /// Opens the endpoints' sealed secrets.
    pub key: Arc<Secret<[u8; 32]>>,
    pub policy: RetryPolicy,
    /// Rows claimed per pass.
    pub batch: u64,
    /// Requests in flight at once.
    pub parallel: usize,
    /// How long a claim protects a row from other workers; longer than
    /// `timeout`, so a row is never posted twice at once.
    pub claim_for: Duration,
    pub poll: Duration,
    timeout: Duration,
    clients: Clients,
}

impl Deliverer {
    /// A deliverer whose requests give up after `timeout` ([`TIMEOUT`] in Lobby).
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        key: Arc<Secret<[u8; 32]>>,
        timeout: Duration,
    ) -> Result<Deliverer, reqwest::Error> {
        Ok(Deliverer {
            db,
            clock,
            key,
            policy: RetryPolicy::for_webhooks(),
            batch: 500,
            parallel: 32,
            claim_for: timeout * 3,
            poll: Duration::from_millis(500),
            timeout,
            clients: Clients::new(timeout)?,
        })
    }

    /// Runs until `shutdown` turns true; it then stops between two passes.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        keep_working(self, shutdown).await;
    }

    /// One pass: claims up to `batch` due rows and posts each once, up to
    /// `parallel` at a time ([`Queue::work_off`]). Returns how many were
    /// posted.
    pub async fn deliver_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, DbErr> {
        let now = self.clock.now();
        let claimed = DELIVERIES
            .claim(&self.db, PENDING, now, self.claim_for, self.batch)
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let endpoints = self.endpoints_of(&claimed).await?;
        let pass = Pass {
            parallel: self.parallel,
            limit: self.timeout,
            clock: self.clock.as_ref(),
            stop,
        };
        DELIVERIES
            .work_off(&self.db, claimed, pass, |row| {
                let target = endpoints.get(&row.endpoint_id).cloned();
                let (clients, recorder) = (self.clients.clone(), self.recorder());
                async move {
                    let answer = match target {
                        Some(target) => post(&clients, &target, &row, recorder.clock.now()).await,
                        None => Err(Failure::new(None, "the endpoint's secret does not open")),
                    };
                    recorder.record(row, answer).await
                }
            })
            .await
    }

    /// The endpoints of `rows` whose secret opens, by id.
    async fn endpoints_of(
        &self,
        rows: &[webhook_delivery::Model],
    ) -> Result<HashMap<Uuid, Arc<Target>>, DbErr> {
        let ids: std::collections::HashSet<Uuid> = rows.iter().map(|r| r.endpoint_id).collect();
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(ids))
            .all(&self.db)
            .await?;
        Ok(endpoints
            .into_iter()
            .filter_map(|e| {
                let secret = secret_of(&e, self.key.expose())?;
                let target = Target {
                    url: e.url,
                    allow_private: e.allow_private,
                    secret,
                };
                Some((e.id, Arc::new(target)))
            })
            .collect())
    }

    fn recorder(&self) -> Recorder {
        Recorder {
            db: self.db.clone(),
            clock: self.clock.clone(),
            policy: self.policy,
        }
    }
}

/// Where one delivery goes, and its key.
struct Target {
    url: String,
    allow_private: bool,
    secret: Secret<String>,
}

/// Why a delivery did not succeed: the status of the answer, if any, and
/// what went wrong.
#[derive(Debug)]
struct Failure {
    status: Option<u16>,
    error: String,
}

impl Failure {
    fn new(status: Option<u16>, error: impl Into<String>) -> Failure {
        Failure {
            status,
            error: error.into(),
        }
    }
}

/// Posts `row` to `target`, signed at `now`; the answer's status when 2xx.
async fn post(
    clients: &Clients,
    target: &Target,
    row: &webhook_delivery::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u16, Failure> {
    let id = signing::message_id(row.event_id);
    let timestamp = now.timestamp();
    let signature = signing::signature(&target.secret, &id, timestamp, &row.payload)
        .ok_or_else(|| Failure::new(None, "the endpoint's secret is not base64"))?;
    let client = match target.allow_private {
        true => &clients.any,
        false => &clients.public,
    };
    let answer = client
        .post(&target.url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(row.payload.clone())
        .send()
        .await;
    let mut answer = answer.map_err(|e| Failure::new(None, described(&e)))?;
    let status = answer.status();
    // Read (a little of) the answer, so the connection serves the next one.
    let mut read = 0;
    while let Ok(Some(chunk)) = answer.chunk().await {
        read += chunk.len();
        if read > MOST_ANSWER_BYTES {
            break;
        }
    }
    let code = status.as_u16();
    match status {
        s if s.is_success() => Ok(code),
        s if s.is_redirection() => Err(Failure::new(
            Some(code),
            format!("answered {code}: Lobby follows no redirects"),
        )),
        _ => Err(Failure::new(Some(code), format!("answered {code}"))),
    }
}

/// A request error with its causes (the refused address, the timeout).
fn described(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "no answer within the timeout".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Writes down what became of one delivery, from the task that posted it.
struct Recorder {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl Recorder {
    async fn record(
        &self,
        row: webhook_delivery::Model,
        answer: Result<u16, Failure>,
    ) -> Result<(), DbErr> {
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        let update = DELIVERIES
            .unclaim(vec![row.id])
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1));
        let update = match answer {
            Ok(status) => update
                .col_expr(Column::Status, Expr::value(DELIVERED))
                .col_expr(Column::DeliveredAt, Expr::value(now))
                .col_expr(Column::LastStatus, Expr::value(i32::from(status)))
                .col_expr(Column::LastError, Expr::value(Option::<String>::None)),
            Err(failure) => {
                let error: String = failure.error.chars().take(1000).collect();
                let update = update
                    .col_expr(
                        Column::LastStatus,
                        Expr::value(failure.status.map(i32::from)),
                    )
                    .col_expr(Column::LastError, Expr::value(error.clone()));
                if attempts >= self.policy.max_attempts {
                    tracing::error!(id = %row.id, attempts, %error, "webhook failed for good");
                    update.col_expr(Column::Status, Expr::value(FAILED))
                } else {
                    let delay = self.policy.delay_after(attempts);
                    tracing::warn!(id = %row.id, attempts, %error, retry_in = ?delay, "webhook not delivered; will retry");
                    update.col_expr(Column::NextAttemptAt, Expr::value(now + delay))
                }
            }
        };
        update.exec(&self.db).await.map(|_| ())
    }
}

/// Makes delivery `id` of the organization due again now, as new (same
/// `webhook-id`, so a receiver that had it drops the repeat); `false` when
/// there is no such delivery.
pub async fn resend(
    db: &DatabaseConnection,
    organization_id: Uuid,
    id: Uuid,
    actor: Option<Uuid>,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    let again = DELIVERIES
        .unclaim(vec![id])
        .col_expr(Column::Status, Expr::value(PENDING))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .filter(Column::OrganizationId.eq(organization_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if again == 0 {
        return Ok(false);
    }
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: actor,
        action: "webhook.resent",
        target_type: "webhook_delivery",
        target_id: id.to_string(),
        details: json!({}),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(true)
}
