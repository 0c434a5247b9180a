//! The invitee's link: the seed's `/api/InviteUser?invitationId=` form leads
//! to `/invite/{ticket}`; "Send me a new link" is a plain form post. The
//! server's side of the redemption port lives here too.

use std::sync::Arc;

use app::model::landing::Landing;
use app::ports::{PortError, PortFuture, Redemption};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::AppState;
use crate::clock::Clock;
use crate::redemption::landing;

pub struct RedemptionService {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
}

impl Redemption for RedemptionService {
    fn landing(&self, ticket: String) -> PortFuture<'_, Result<Option<Landing>, PortError>> {
        Box::pin(async move {
            landing::landing(&self.db, &ticket, self.clock.now())
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "landing: storage failed");
                    PortError::Unavailable
                })
        })
    }
}

#[derive(Deserialize)]
pub struct InviteUserQuery {
    #[serde(rename = "invitationId")]
    invitation_id: Option<String>,
}

/// `GET /api/InviteUser?invitationId={ticket}`: the same page as `/invite/{ticket}`.
pub async fn invite_user(Query(q): Query<InviteUserQuery>) -> Response {
    let raw = q.invitation_id.unwrap_or_default();
    Redirect::to(&page_of(raw.trim())).into_response()
}

/// `POST /invite/{ticket}/new-link`, then back to the link's page, which
/// says what happened.
pub async fn new_link(State(state): State<AppState>, Path(ticket): Path<String>) -> Response {
    let outcome =
        landing::request_new_link(&state.db, &ticket, &state.public_url, state.clock.as_ref())
            .await;
    match outcome {
        Ok(Some(outcome)) => {
            let page = format!("{}?new-link={}", page_of(&ticket), outcome.code());
            Redirect::to(&page).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "new link: storage failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The page of the link `ticket`, whatever it holds (escaped for the path).
fn page_of(ticket: &str) -> String {
    let segment: String = url::form_urlencoded::byte_serialize(ticket.as_bytes()).collect();
    format!("/invite/{segment}")
}
