//! The HTTP surface: Leptos pages, static files, and plain routes, behind the
//! security headers and request tracing.

mod assets;
pub mod body_limit;
mod bulk_import;
pub mod client_address;
mod compression;
mod customer;
mod dashboard;
mod dev_mail;
mod direct;
pub mod graph;
mod health;
mod language;
pub mod metrics;
mod operator_session;
mod origin_check;
pub(crate) mod outage;
mod page;
mod provider;
mod redemption;
mod replies;
mod security_headers;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use app::branding::Branding;
use app::ports::RedemptionPort;
use app::{landing_shell, shell, App};
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;
use uuid::Uuid;

use crate::auth::session::SessionCookie;
use crate::clock::Clock;
use crate::provider::discovery::{
    AUTHORIZE_PATH, JWKS_PATH, LOGOUT_PATH, TOKEN_PATH, USERINFO_PATH,
};
use crate::secret::Secret;

/// What every request's handlers share. Cloned for every layer of every
/// request (axum hands each its own copy), so it is one `Arc`: a clone is a
/// counter, not a dozen allocations (measured: they were most of a landing
/// page's time in malloc).
#[derive(Clone)]
pub struct AppState(Arc<State>);

impl AppState {
    pub fn new(state: State) -> AppState {
        AppState(Arc::new(state))
    }
}

impl std::ops::Deref for AppState {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

pub struct State {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    pub clock: Arc<dyn Clock>,
    /// The organization this server presents (the default one, for now).
    pub organization_id: Uuid,
    /// The operators' session cookie (`cookie.for_customers()` is the customers').
    pub cookie: SessionCookie,
    /// Keys the emailed codes' HMACs and seals providers' client secrets.
    pub secret_key: Arc<Secret<[u8; 32]>>,
    /// The keys that sign the tokens Lobby issues to the seller's apps.
    pub signing_keys: Arc<crate::provider::keys::SigningKeys>,
    /// The OpenID Connect relying party, with its providers' cached keys.
    pub federation: Arc<crate::federation::oidc::Federation>,
    /// `LOBBY_PUBLIC_URL`, for links, and its origin, e.g. `https://lobby.example.com`.
    pub public_url: url::Url,
    pub public_origin: String,
    /// `LOBBY_TRUSTED_PROXIES`: peers whose forwarding headers name the client.
    pub trusted_proxies: Arc<client_address::TrustedProxies>,
    /// Where the development mail transport keeps its messages; `None` with
    /// SMTP, and then there is no `/dev/mail` at all.
    pub dev_mailbox: Option<std::path::PathBuf>,
    /// This server's metrics (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// `LOBBY_METRICS_TOKEN`: with it, `/metrics` answers on the public
    /// port to requests that bear it; without, not at all there.
    pub metrics_token: Option<Secret<String>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Where identity providers send the browser back; each provider is
/// registered with `<public URL>/auth/callback`.
pub const CALLBACK_PATH: &str = "/auth/callback";

/// The pages link the browser's files under a path with their version
/// (`assets`), so a browser keeps each build's files for good.
pub fn leptos_options(site_root: &Path, listen: SocketAddr) -> LeptosOptions {
    let version = assets::version_of(&site_root.join(assets::DIR));
    LeptosOptions::builder()
        .output_name("lobby")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir(format!("{}/{version}", assets::DIR))
        .site_addr(listen)
        .build()
}

/// Unknown addresses: the 404 page for GET and HEAD, a plain 404 otherwise
/// (rendering pages is for reading them).
fn not_found<F, Fut>(
    render: F,
) -> impl Fn(
    axum::extract::Request,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = axum::response::Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static
where
    F: Fn(axum::extract::Request) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = axum::response::Response> + Send + 'static,
{
    move |request: axum::extract::Request| {
        let render = render.clone();
        Box::pin(async move {
            if matches!(
                *request.method(),
                axum::http::Method::GET | axum::http::Method::HEAD
            ) {
                render(request).await
            } else {
                use axum::response::IntoResponse;
                (axum::http::StatusCode::NOT_FOUND, "not found").into_response()
            }
        })
    }
}

/// The app's routes, listed once per process. Listing them renders the app
/// with resource loading switched off for the whole process, so a page
/// rendered meanwhile (by another router, as in the tests) would wait for
/// its data forever (leptos#4773).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState, branding: Branding) -> Router {
    let options = state.leptos_options.clone();
    let pkg_dir = Path::new(&*options.site_root).join(assets::DIR);
    let leptos_routes = route_list();
    let dashboard = crate::dashboard::DashboardService {
        db: state.db.clone(),
        clock: state.clock.clone(),
        organization_id: state.organization_id,
        public_url: state.public_url.clone(),
        secret_key: state.secret_key.clone(),
        federation: state.federation.clone(),
    }
    .port();
    let redemption = RedemptionPort(Arc::new(redemption::RedemptionService {
        db: state.db.clone(),
        clock: state.clock.clone(),
        secret_key: state.secret_key.clone(),
    }));
    let context = move || {
        provide_context(branding.clone());
        provide_context(dashboard.clone());
        provide_context(redemption.clone());
    };
    let app_shell = {
        let options = options.clone();
        move || shell(options.clone())
    };

    let landing = Arc::new(page::DirectPage {
        context: context.clone(),
        shell: {
            let options = options.clone();
            move || landing_shell(options.clone())
        },
    });
    let links = crate::redemption::link_reader::LinkReader::start(state.db.clone());
    let routes = Router::new()
        .route(
            redemption::LANDING_PATH,
            get(move |state, ticket, request| {
                let landing = landing.clone();
                let render = move |request| async move { landing.render(request).await };
                redemption::landing_page(state, links.clone(), ticket, request, render)
            }),
        )
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::scrape_with_token))
        .route("/livez", get(health::livez))
        .route("/lang/{code}", get(language::set_language))
        .route("/admin/login", post(operator_session::sign_in))
        .route("/admin/logout", post(operator_session::sign_out))
        .route("/admin/set-password", post(operator_session::set_password))
        .route(
            crate::operators::first_admin::PATH,
            post(operator_session::setup),
        )
        .route(
            bulk_import::UPLOAD_PATH,
            post(bulk_import::upload).layer(DefaultBodyLimit::max(bulk_import::BODY_LIMIT)),
        )
        .route("/admin/imports/{id}/result.csv", get(bulk_import::result))
        .route("/admin/imports/template.csv", get(bulk_import::template))
        .route("/admin/consents.csv", get(dashboard::consents_csv))
        .route("/admin/invitations.csv", get(dashboard::invitations_csv))
        .route("/api/InviteUser", get(redemption::invite_user))
        .route("/invite/{ticket}/new-link", post(redemption::new_link))
        .route("/invite/{ticket}/passcode", post(customer::send_passcode))
        .route(
            "/invite/{ticket}/passcode/verify",
            post(customer::enter_passcode),
        )
        .route("/invite/{ticket}/account", post(customer::create_account))
        .route(
            "/invite/{ticket}/account/resend",
            post(customer::resend_verification),
        )
        .route(
            "/invite/{ticket}/account/verify",
            post(customer::verify_account),
        )
        .route("/invite/{ticket}/password", post(customer::enter_password))
        .route("/invite/{ticket}/forgot", post(customer::forgot_password))
        .route("/invite/{ticket}/reset", post(customer::reset_password))
        .route("/invite/{ticket}/switch", post(customer::switch_account))
        .route("/invite/{ticket}/instead", post(customer::choose_method))
        .route("/invite/{ticket}/admin-approval", post(customer::ask_admin))
        .route("/invite/{ticket}/consent", post(customer::decide_consent))
        .route("/invite/{ticket}/company", post(customer::submit_company))
        .route("/invite/{ticket}/federated", get(customer::begin_federated))
        .route(CALLBACK_PATH, get(customer::federated_callback))
        .route("/signout", post(customer::sign_out))
        .route("/signin", post(direct::find_organization))
        .route("/t/{slug}/signin", post(direct::request_link))
        .route(
            "/.well-known/openid-configuration",
            get(provider::discovery),
        )
        .route(JWKS_PATH, get(provider::jwks))
        .route(AUTHORIZE_PATH, get(provider::authorize))
        .route(TOKEN_PATH, post(provider::token))
        .route(
            USERINFO_PATH,
            get(provider::userinfo).post(provider::userinfo),
        )
        .route(
            LOGOUT_PATH,
            get(provider::logout_asked).post(provider::logout_confirmed),
        );
    let routes = match state.dev_mailbox.clone() {
        Some(dir) => routes.merge(dev_mail::routes(dir)),
        None => routes,
    };
    routes
        .nest("/v1.0", graph::router(state.clone()))
        .leptos_routes_with_context(&state, leptos_routes, context.clone(), app_shell.clone())
        .merge(assets::routes(&pkg_dir, &options.site_pkg_dir))
        .fallback(not_found(leptos_axum::render_app_to_stream_with_context(
            context, app_shell,
        )))
        .layer(from_fn_with_state(
            state.clone(),
            operator_session::load_operator,
        ))
        .layer(from_fn_with_state(state.clone(), customer::load_visitor))
        .layer(from_fn_with_state(
            state.clone(),
            origin_check::same_origin_only,
        ))
        .layer(from_fn(outage::explain))
        .layer(from_fn(body_limit::enforce))
        .layer(from_fn_with_state(state.clone(), security_headers::add))
        .layer(from_fn_with_state(state.clone(), client_address::identify))
        .layer(compression::layer())
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
}
