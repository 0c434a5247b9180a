//! Lobby's server: configuration, storage, email and HTTP, wired together by [`run`].

pub mod api_tokens;
pub mod auth;
pub mod clock;
pub mod config;
pub mod customers;
pub mod dashboard;
pub mod documents;
pub mod federation;
pub mod html;
pub mod http;
pub mod invitations;
pub mod mail;
pub mod metrics;
pub mod operators;
pub mod progress;
pub mod provider;
pub mod public_address;
pub mod redemption;
pub mod sealed;
pub mod secret;
pub mod spreadsheet;
pub mod store;
pub mod webhooks;

use std::future::Future;
use std::sync::Arc;

use app::branding::Branding;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::invitations::bulk::job::BulkRunner;
use crate::mail::{MailTransport, OutboxWorker};

/// What can stop Lobby from starting or make it stop.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("LOBBY_SMTP_URL: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("server: {0}")]
    Serve(std::io::Error),
    /// A command refused its input; the message says why.
    #[error("{0}")]
    Refused(String),
}

/// Serves Lobby on `config.listen` until `shutdown` completes.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
    run_on(listener, config, shutdown).await
}

/// Serves Lobby on `listener` until `shutdown` completes: then in-flight
/// requests finish, the outbox worker stops between two messages, the
/// webhook deliverer between two passes, the bulk import runner between two
/// chunks, and it returns.
pub async fn run_on(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (db, org) = store::open(&config, clock.as_ref()).await?;

    let transport = match &config.smtp_url {
        Some(url) => MailTransport::smtp(url)?,
        None => {
            tracing::info!(dir = %config.dev_mail_dir().display(), "no LOBBY_SMTP_URL: dev mail is stored as .eml files");
            MailTransport::dev(config.dev_mail_dir())
        }
    };
    let (stop_worker, worker_stop) = watch::channel(false);
    let worker = OutboxWorker::new(
        db.clone(),
        transport,
        config.mail_from.clone(),
        clock.clone(),
    );
    let runner = BulkRunner::new(db.clone(), clock.clone(), config.public_url.clone());
    let runner = tokio::spawn(runner.run(worker_stop.clone()));
    let purger = tokio::spawn(store::purge::run(
        db.clone(),
        clock.clone(),
        worker_stop.clone(),
    ));
    let secret_key = Arc::new(config.secret_key.0.clone());
    let deliverer = webhooks::Deliverer::new(
        db.clone(),
        clock.clone(),
        secret_key.clone(),
        webhooks::delivery::TIMEOUT,
    )
    .map_err(|e| StartError::Refused(format!("webhooks: {e}")))?;
    let deliverer = tokio::spawn(deliverer.run(worker_stop.clone()));
    let worker_stop_for_metrics = worker_stop.clone();
    let worker = tokio::spawn(worker.run(worker_stop));

    let callback = config
        .public_url
        .join(http::CALLBACK_PATH)
        .map_err(|e| StartError::Refused(format!("LOBBY_PUBLIC_URL: {e}")))?;
    let federation = federation::oidc::Federation::new(callback.as_str())
        .map_err(|e| StartError::Refused(e.to_string()))?;
    provider::keys::ensure(&db, secret_key.expose(), clock.as_ref())
        .await
        .map_err(|e| StartError::Refused(e.to_string()))?;
    let state = http::AppState::new(http::State {
        signing_keys: Arc::new(provider::keys::SigningKeys::new(secret_key.clone())),
        federation: Arc::new(federation),
        leptos_options: http::leptos_options(&config.site_root, config.listen),
        db: db.clone(),
        clock: clock.clone(),
        organization_id: org.id,
        cookie: auth::session::SessionCookie::operator(config.public_url.scheme() == "https"),
        secret_key,
        public_origin: config.public_url.origin().ascii_serialization(),
        public_url: config.public_url.clone(),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        dev_mailbox: config.smtp_url.is_none().then(|| config.dev_mail_dir()),
        metrics: Arc::new(metrics::Metrics::new()),
        metrics_token: config.metrics_token.clone(),
    });
    let branding = Branding {
        org_name: org.name.clone(),
        product_name: org.portal_name().to_owned(),
        accent_color: org.accent_color.clone(),
    };
    let metrics_server = match config.metrics_listen {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|source| StartError::Listen { addr, source })?;
            let bound = listener.local_addr().unwrap_or(addr);
            tracing::info!(metrics = %bound, "metrics at /metrics");
            let mut stop = worker_stop_for_metrics.clone();
            let stopped = async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            };
            Some(tokio::spawn(serve(
                listener,
                http::metrics::router(state.clone()),
                stopped,
            )))
        }
        None => None,
    };
    let router = http::router(state, branding);
    let listen = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.listen,
        source,
    })?;
    tracing::info!(url = %config.public_url, %listen, "Lobby is listening");
    let setup = operators::first_admin::issue_link(&db, org.id, &config.public_url, clock.as_ref());
    if let Some(link) = setup.await? {
        tracing::warn!(%link, "no admin yet: open this link within an hour to create the first admin (it works once)");
    }

    let served = serve(listener, router, shutdown).await;

    let _ = stop_worker.send(true);
    if let Some(metrics_server) = metrics_server {
        let _ = metrics_server.await;
    }
    let _ = worker.await;
    let _ = deliverer.await;
    let _ = runner.await;
    let _ = purger.await;
    db.close().await?;
    tracing::info!("Lobby stopped");
    served.map_err(StartError::Serve)
}

/// Serves `router` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when
/// this is called, before anything listens, so an early signal is not lost.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).ok();
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(terminate.take()) => {},
                _ = wait(interrupt.take()) => {},
            }
            tracing::info!("shutting down: finishing requests in flight");
        }
    }
    #[cfg(not(unix))]
    async move {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}
