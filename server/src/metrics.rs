//! `/metrics` in the Prometheus text format, for the monitoring the people
//! who run Lobby already have: requests by route template and status with
//! their latency, sign-ins by method and outcome, rate-limit refusals, and,
//! read from the database at each scrape, invitations by status, the email
//! outbox (depth, oldest message, sent and failed), webhook deliveries
//! waiting and the database pool in use. One registry per server (no global
//! recorder), so servers in one process, as in the tests, count apart.
//!
//! Never open on the public port by accident: it is served on its own
//! address (`LOBBY_METRICS_LISTEN`), or on the public port only behind a
//! bearer token (`LOBBY_METRICS_TOKEN`), or not at all.

use std::sync::atomic::AtomicU64;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use crate::invitations::InvitationStatus;
use crate::store::entities::{email_outbox, invitation, webhook_delivery};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignInLabels {
    method: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

/// What a sign-in form did, for `lobby_sign_ins_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    SignedIn,
    Refused,
    RateLimited,
}

impl SignInOutcome {
    fn label(self) -> &'static str {
        match self {
            SignInOutcome::SignedIn => "signed_in",
            SignInOutcome::Refused => "refused",
            SignInOutcome::RateLimited => "rate_limited",
        }
    }
}

/// One server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    sign_ins: Family<SignInLabels, Counter>,
    rate_limited: Family<RouteLabels, Counter>,
    invitations: Family<StatusLabels, Gauge>,
    outbox: Family<StatusLabels, Gauge>,
    outbox_oldest: Gauge<f64, AtomicU64>,
    webhooks_waiting: Gauge,
    pool: Family<PoolLabels, Gauge>,
}

/// Buckets of 1 ms to 16 s, doubling.
fn new_latency() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The route of a request that matched none: one label, whatever the path.
pub const UNMATCHED: &str = "unmatched";

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("lobby");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            new_latency as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route template",
            latency.clone(),
        );
        let sign_ins = Family::<SignInLabels, Counter>::default();
        registry.register(
            "sign_ins",
            "Sign-in attempts of invitees and operators, by method and outcome",
            sign_ins.clone(),
        );
        let rate_limited = Family::<RouteLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused by a rate limit (429), by route template",
            rate_limited.clone(),
        );
        let invitations = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "invitations",
            "Invitations by status, at the scrape",
            invitations.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Emails in the outbox by status (pending: the depth; sent and failed are kept until purged)",
            outbox.clone(),
        );
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_pending_seconds",
            "Age of the oldest email waiting to go out; 0 when none waits",
            outbox_oldest.clone(),
        );
        let webhooks_waiting = Gauge::default();
        registry.register(
            "webhook_deliveries_pending",
            "Webhook deliveries waiting to go out",
            webhooks_waiting.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of the pool, in use or idle",
            pool.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            sign_ins,
            rate_limited,
            invitations,
            outbox,
            outbox_oldest,
            webhooks_waiting,
            pool,
        }
    }

    /// Counts one answered request.
    pub fn observe(&self, method: &str, route: &str, status: StatusCode, seconds: f64) {
        let route = route.to_owned();
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.clone(),
                status: status.as_u16(),
            })
            .inc();
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.rate_limited
                .get_or_create(&RouteLabels {
                    route: route.clone(),
                })
                .inc();
        }
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(seconds);
    }

    /// Counts a sign-in attempt by `method` (`email_passcode`, `password`,
    /// `new_account`, `password_reset`, `federated`, `operator`).
    pub fn sign_in(&self, method: &str, outcome: SignInOutcome) {
        self.sign_ins
            .get_or_create(&SignInLabels {
                method: method.to_owned(),
                outcome: outcome.label().to_owned(),
            })
            .inc();
    }

    /// The exposition, with the database's figures read now.
    pub async fn render(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<String, DbErr> {
        self.read_database(db, now).await?;
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(text)
    }

    async fn read_database(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let stored: Vec<(String, i64)> = invitation::Entity::find()
            .select_only()
            .column(invitation::Column::Status)
            .column_as(
                Expr::expr(Func::count(Expr::col(invitation::Column::Id))),
                "n",
            )
            .group_by(invitation::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        // A pending invitation past its date is expired: the API's status.
        let pending = InvitationStatus::PendingAcceptance.code();
        let expired = invitation::Entity::find()
            .filter(invitation::Column::Status.eq(pending))
            .filter(invitation::Column::ExpiresAt.lte(now))
            .count(db)
            .await? as i64;
        for status in InvitationStatus::ALL {
            let stored = stored
                .iter()
                .find(|(s, _)| s == status.code())
                .map_or(0, |(_, n)| *n);
            let value = match status {
                InvitationStatus::PendingAcceptance => stored - expired,
                InvitationStatus::Expired => stored + expired,
                _ => stored,
            };
            self.invitations
                .get_or_create(&StatusLabels {
                    status: status.code().to_owned(),
                })
                .set(value);
        }
        let outbox: Vec<(String, i64)> = email_outbox::Entity::find()
            .select_only()
            .column(email_outbox::Column::Status)
            .column_as(
                Expr::expr(Func::count(Expr::col(email_outbox::Column::Id))),
                "n",
            )
            .group_by(email_outbox::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        use crate::mail::outbox::{FAILED, PENDING, SENT};
        for status in [PENDING, SENT, FAILED] {
            let n = outbox
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            self.outbox
                .get_or_create(&StatusLabels {
                    status: status.to_owned(),
                })
                .set(n);
        }
        let oldest: Option<DateTime<Utc>> = email_outbox::Entity::find()
            .select_only()
            .column_as(
                Expr::expr(Func::min(Expr::col(email_outbox::Column::CreatedAt))),
                "oldest",
            )
            .filter(email_outbox::Column::Status.eq(PENDING))
            .into_tuple()
            .one(db)
            .await?
            .flatten();
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
        self.outbox_oldest.set(age);
        let waiting = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(crate::webhooks::PENDING))
            .count(db)
            .await? as i64;
        self.webhooks_waiting.set(waiting);
        let (size, idle) = pool_of(db);
        let state = |s: &str| PoolLabels {
            state: s.to_owned(),
        };
        self.pool.get_or_create(&state("in_use")).set(size - idle);
        self.pool.get_or_create(&state("idle")).set(idle);
        Ok(())
    }
}

/// The pool's connections, open and idle.
fn pool_of(db: &DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}
