//! The operator REST API under `/v1.0`, shaped like Microsoft Graph: bearer
//! tokens, JSON in camelCase, Graph's error envelope.

mod companies;
mod error;
mod invitations;
mod openapi;
pub mod request;
mod users;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use sea_orm::EntityTrait;

pub use error::{Detail, ErrorEnvelope, GraphError};

use super::AppState;
use crate::api_tokens::{self, ApiCaller};
use crate::store::entities::user;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route(
            "/invitations",
            post(invitations::create).get(invitations::list),
        )
        .route("/invitations/{id}", get(invitations::get_one))
        .route("/invitations/{id}/resend", post(invitations::resend))
        .route("/invitations/{id}/revoke", post(invitations::revoke))
        .route("/users", get(users::list))
        .route("/users/{id}", get(users::get_one).delete(users::delete))
        .route("/companies", get(companies::list))
        .route("/companies/{id}", get(companies::get_one))
        .route("/companies/{id}/members", get(companies::members))
        .fallback(|| async { GraphError::not_found("This resource") })
        .layer(from_fn_with_state(state, bearer))
        // Added after the layer: the document needs no token.
        .route("/openapi.json", get(openapi::document))
}

/// A list's `$top`: 1 to 100, 50 when not given.
fn page_size(raw: Option<&str>) -> Result<u64, GraphError> {
    match raw {
        None => Ok(50),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| GraphError::bad_request("$top must be a whole number from 1 to 100")),
    }
}

/// Every `/v1.0` request needs `Authorization: Bearer <token>` of a live token.
async fn bearer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(presented) = presented else {
        return GraphError::unauthenticated().into_response();
    };
    match api_tokens::authenticate(&state.db, presented, state.clock.as_ref()).await {
        Ok(Some(caller)) if caller.organization_id == state.organization_id => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Ok(_) => GraphError::unauthenticated().into_response(),
        Err(e) => GraphError::from(e).into_response(),
    }
}

/// The operator a token belongs to.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: uuid::Uuid,
    pub mail: String,
    pub display_name: Option<String>,
}

/// The operator the token belongs to.
#[utoipa::path(
    get,
    path = "/v1.0/me",
    responses((status = 200, body = Me), (status = 401, body = ErrorEnvelope)),
    security(("bearer" = []))
)]
async fn me(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> Result<Json<Me>, GraphError> {
    let me = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(GraphError::unauthenticated)?;
    Ok(Json(Me {
        id: me.id,
        mail: me.email,
        display_name: me.display_name,
    }))
}
