//! The app's router as a test drives it: built on a fresh database, asked in
//! memory or served on loopback.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use app::branding::Branding;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use lobby::auth::session::SessionCookie;
use lobby::clock::ManualClock;
use lobby::http::{leptos_options, router, AppState, State};
use tower::ServiceExt;

use crate::support::db;

pub const ORIGIN: &str = "http://lobby.test";
/// The bearer token of `/metrics` on the test servers.
pub const METRICS_TOKEN: &str = "metrics-token-for-the-tests-0123456789";
/// The test organization's privacy statement.
pub const PRIVACY_URL: &str = "https://gfms.example/privacy";

/// The proxy the test router trusts (and 10.8.0.0/16 behind it): requests
/// "from" it may name their client.
pub const TRUSTED_PROXY: &str = "10.9.9.9";

/// The real router on in-memory SQLite, with a clock the test controls.
pub async fn app_with_clock(
    clock: ManualClock,
) -> (Router, sea_orm::DatabaseConnection, uuid::Uuid) {
    app_on(db::sqlite().await, clock).await
}

/// The real router on `db` (already migrated), with a clock the test controls.
pub async fn app_on(
    db: sea_orm::DatabaseConnection,
    clock: ManualClock,
) -> (Router, sea_orm::DatabaseConnection, uuid::Uuid) {
    served_at(db, clock, ORIGIN).await
}

/// The real router as served at `origin` (its public URL).
pub async fn served_at(
    db: sea_orm::DatabaseConnection,
    clock: ManualClock,
    origin: &str,
) -> (Router, sea_orm::DatabaseConnection, uuid::Uuid) {
    served_with(db, clock, origin, None).await
}

/// [`served_at`], with the development mailbox in `dev_mailbox` when given.
pub async fn served_with(
    db: sea_orm::DatabaseConnection,
    clock: ManualClock,
    origin: &str,
    dev_mailbox: Option<std::path::PathBuf>,
) -> (Router, sea_orm::DatabaseConnection, uuid::Uuid) {
    built(db, clock, origin, dev_mailbox, Path::new("target/site")).await
}

/// The real router on in-memory SQLite, serving the browser's files from
/// `site` (its `pkg/`).
pub async fn app_with_site(site: &Path) -> Router {
    let (app, _, _) = built(
        db::sqlite().await,
        ManualClock::new(chrono::Utc::now()),
        ORIGIN,
        None,
        site,
    )
    .await;
    app
}

async fn built(
    db: sea_orm::DatabaseConnection,
    clock: ManualClock,
    origin: &str,
    dev_mailbox: Option<std::path::PathBuf>,
    site: &Path,
) -> (Router, sea_orm::DatabaseConnection, uuid::Uuid) {
    let org = lobby::store::ensure_default_organization(&db, "gfms", "GFMS", "#0a7c3e", &clock)
        .await
        .unwrap();
    // As a seller's organization is set up: with a privacy statement for
    // invitees to accept (tests without one remove it).
    use sea_orm::EntityTrait;
    lobby::store::entities::organization::Entity::update_many()
        .col_expr(
            lobby::store::entities::organization::Column::PrivacyUrl,
            sea_orm::sea_query::Expr::value(PRIVACY_URL),
        )
        .exec(&db)
        .await
        .unwrap();
    let state = AppState::new(State {
        db: db.clone(),
        leptos_options: leptos_options(site, "127.0.0.1:0".parse().unwrap()),
        clock: Arc::new(clock),
        organization_id: org.id,
        cookie: SessionCookie::operator(origin.starts_with("https:")),
        secret_key: Arc::new(lobby::secret::Secret::new([7; 32])),
        signing_keys: Arc::new(lobby::provider::keys::SigningKeys::new(Arc::new(
            lobby::secret::Secret::new([7; 32]),
        ))),
        public_origin: origin.into(),
        public_url: format!("{origin}/").parse().unwrap(),
        federation: Arc::new(
            lobby::federation::oidc::Federation::new(&format!("{origin}/auth/callback")).unwrap(),
        ),
        trusted_proxies: Arc::new(
            lobby::http::client_address::TrustedProxies::parse(&format!(
                "{TRUSTED_PROXY}, 10.8.0.0/16"
            ))
            .unwrap(),
        ),
        dev_mailbox,
        metrics: Arc::new(lobby::metrics::Metrics::new()),
        metrics_token: Some(lobby::secret::Secret::new(METRICS_TOKEN.into())),
    });
    let branding = Branding {
        org_name: "GFMS".into(),
        product_name: "GFMS".into(),
        accent_color: "#0a7c3e".into(),
    };
    (router(state, branding), db, org.id)
}

/// The router's answer to `request`; a request that hangs fails the test
/// (naming itself) instead of stalling the suite.
pub async fn answer(app: &Router, request: Request<Body>) -> axum::response::Response {
    let asked = format!("{} {}", request.method(), request.uri());
    tokio::time::timeout(Duration::from_secs(30), app.clone().oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("no answer within 30 s to {asked}"))
        .unwrap()
}

pub async fn get(
    app: &Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = answer(app, request.body(Body::empty()).unwrap()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}
