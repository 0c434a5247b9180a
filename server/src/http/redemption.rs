//! The invitee's link: the seed's `/api/InviteUser?invitationId=` form leads
//! to `/invite/{ticket}`; "Send me a new link" is a plain form post. The
//! server's side of the redemption port lives here too.

use std::future::Future;
use std::sync::Arc;

use app::model::journey::{CompanyView, ConsentView, Stage};
use app::model::landing::Landing;
use app::model::sign_in::{SignedIn, StartPage, Visitor};
use app::ports::{PortError, PortFuture, Redemption};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::AppState;
use crate::auth::session::{self, Visit};
use crate::clock::Clock;
use crate::provider::pending;
use crate::redemption::finish::Context;
use crate::redemption::link_reader::LinkReader;
use crate::redemption::{journey, landing, sign_in};

pub struct RedemptionService {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub secret_key: Arc<crate::secret::Secret<[u8; 32]>>,
}

fn unavailable(e: sea_orm::DbErr) -> PortError {
    tracing::error!(error = %e, "redemption: storage failed");
    PortError::Unavailable
}

impl RedemptionService {
    async fn visit(&self, visitor: &Option<Visitor>) -> Result<Option<Visit>, sea_orm::DbErr> {
        match visitor {
            Some(v) => session::visit_by_id(&self.db, &v.session_id).await,
            None => Ok(None),
        }
    }

    fn context<'a>(&'a self, visitor: &'a Option<Visitor>) -> Context<'a> {
        Context {
            db: &self.db,
            key: self.secret_key.expose(),
            clock: self.clock.as_ref(),
            address: visitor.as_ref().map_or("", |v| v.address.as_str()),
            locale: app::i18n::Locale::En,
        }
    }
}

impl Redemption for RedemptionService {
    fn organization_name(&self, slug: String) -> PortFuture<'_, Result<Option<String>, PortError>> {
        Box::pin(async move {
            let org = crate::redemption::direct::by_slug(&self.db, &slug)
                .await
                .map_err(unavailable)?;
            Ok(org.map(|o| o.name))
        })
    }

    fn start(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<StartPage>, PortError>> {
        Box::pin(async move {
            let visit = self.visit(&visitor).await.map_err(unavailable)?;
            sign_in::start_page(&self.db, &ticket, visit.as_ref(), self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn signed_in(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<SignedIn>, PortError>> {
        Box::pin(async move {
            let visit = self.visit(&visitor).await.map_err(unavailable)?;
            let ctx = self.context(&visitor);
            let place = journey::place(&ctx, &ticket, visit.as_ref())
                .await
                .map_err(unavailable)?;
            let Some(journey::Place::At {
                link, user, stage, ..
            }) = place
            else {
                return Ok(None);
            };
            let (company_name, links) = journey::welcome(&self.db, &link)
                .await
                .map_err(unavailable)?;
            let welcome = stage == Stage::Welcome;
            if welcome {
                journey::reached_welcome(&self.db, &link, self.clock.as_ref())
                    .await
                    .map_err(unavailable)?;
            }
            let apps = if welcome {
                pending::tiles(&self.db, link.org.id, user.id)
                    .await
                    .map_err(unavailable)?
            } else {
                Vec::new()
            };
            let continue_to = visit
                .as_ref()
                .filter(|_| welcome)
                .and_then(pending::waiting);
            Ok(Some(SignedIn {
                org_name: link.org.name.clone(),
                email: user.email,
                display_name: user.display_name,
                stage,
                company_name,
                links,
                apps,
                continue_to,
            }))
        })
    }

    fn company(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<CompanyView>, PortError>> {
        Box::pin(async move {
            let visit = self.visit(&visitor).await.map_err(unavailable)?;
            let ctx = self.context(&visitor);
            journey::company_view(&ctx, &ticket, visit.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn consent(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<ConsentView>, PortError>> {
        Box::pin(async move {
            let visit = self.visit(&visitor).await.map_err(unavailable)?;
            let ctx = self.context(&visitor);
            journey::consent_view(&ctx, &ticket, visit.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}

#[derive(Deserialize)]
pub struct InviteUserQuery {
    #[serde(rename = "invitationId")]
    invitation_id: Option<String>,
}

/// The invitation link's page.
pub const LANDING_PATH: &str = "/invite/{ticket}";

/// `GET /invite/{ticket}`, the most opened page: its data is read first
/// (one query, shared with the lookups that arrive at the same time), then
/// `render` renders the page with it in the request
/// (`app::api::from_request`), with no resource to wait for.
pub async fn landing_page<F: Future<Output = Response>>(
    State(state): State<AppState>,
    links: LinkReader,
    Path(ticket): Path<String>,
    mut request: Request,
    render: impl FnOnce(Request) -> F,
) -> Response {
    let read = async {
        match links.read(&ticket).await? {
            Some(link) => landing::landing(&state.db, &link, &ticket, state.clock.now())
                .await
                .map(Some),
            None => Ok(None),
        }
    };
    match read.await {
        Ok(landing) => {
            if let Some(landing) = landing {
                request.extensions_mut().insert::<Landing>(landing);
            }
            render(request).await
        }
        Err(e) => {
            tracing::error!(error = %e, "landing page: storage failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
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
pub(super) fn page_of(ticket: &str) -> String {
    let segment: String = url::form_urlencoded::byte_serialize(ticket.as_bytes()).collect();
    format!("/invite/{segment}")
}
