//! The HTTP surface: Leptos pages, static files, and plain routes, behind the
//! security headers and request tracing.

mod graph;
mod health;
mod language;
mod operator_session;
mod origin_check;
mod security_headers;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use app::branding::Branding;
use app::{shell, App};
use axum::extract::FromRef;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::DatabaseConnection;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use uuid::Uuid;

use crate::auth::session::SessionCookie;
use crate::clock::Clock;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    pub clock: Arc<dyn Clock>,
    /// The organization this server presents (the default one, for now).
    pub organization_id: Uuid,
    pub cookie: SessionCookie,
    /// `LOBBY_PUBLIC_URL`, for links, and its origin, e.g. `https://lobby.example.com`.
    pub public_url: url::Url,
    pub public_origin: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn leptos_options(site_root: &Path, listen: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("lobby")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(listen)
        .build()
}

pub fn router(state: AppState, branding: Branding) -> Router {
    let options = state.leptos_options.clone();
    let pkg_dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let routes = generate_route_list(App);
    let context = move || provide_context(branding.clone());
    let app_shell = {
        let options = options.clone();
        move || shell(options.clone())
    };

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/lang/{code}", get(language::set_language))
        .route("/admin/login", post(operator_session::sign_in))
        .route("/admin/logout", post(operator_session::sign_out))
        .nest("/v1.0", graph::router(state.clone()))
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell.clone())
        .nest_service("/pkg", ServeDir::new(pkg_dir))
        .fallback(leptos_axum::render_app_to_stream_with_context(
            context, app_shell,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            operator_session::load_operator,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            origin_check::same_origin_only,
        ))
        .layer(from_fn(security_headers::add))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
