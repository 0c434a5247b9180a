//! The server's side of the dashboard port: what the dashboard's server
//! functions read, from the database.

use std::collections::HashMap;
use std::sync::Arc;

use app::model::invitation::{InvitationPage, InvitationRow};
use app::ports::{Dashboard, PortError, PortFuture};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::clock::Clock;
use crate::invitations::manage::{self, ListQuery, ManageError};
use crate::invitations::status_at;
use crate::store::entities::user;

pub struct DashboardService {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub organization_id: Uuid,
}

const PAGE_SIZE: u64 = 25;

fn minutes(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

impl Dashboard for DashboardService {
    fn invitations(
        &self,
        status: Option<String>,
        cursor: Option<String>,
    ) -> PortFuture<'_, Result<InvitationPage, PortError>> {
        Box::pin(async move {
            let query = ListQuery {
                status,
                email: None,
                top: PAGE_SIZE,
                cursor,
            };
            let page = manage::list(&self.db, self.organization_id, query, self.clock.as_ref())
                .await
                .map_err(|e| match e {
                    ManageError::BadQuery(_) => PortError::BadRequest,
                    other => {
                        tracing::error!(error = %other, "dashboard: listing invitations failed");
                        PortError::Unavailable
                    }
                })?;
            let inviter_ids: Vec<Uuid> = page.rows.iter().filter_map(|r| r.inviter_id).collect();
            let inviters: HashMap<Uuid, String> = user::Entity::find()
                .filter(user::Column::Id.is_in(inviter_ids))
                .all(&self.db)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "dashboard: reading inviters failed");
                    PortError::Unavailable
                })?
                .into_iter()
                .map(|u| (u.id, u.display_name.unwrap_or(u.email)))
                .collect();
            let now = self.clock.now();
            let rows = page
                .rows
                .iter()
                .map(|r| InvitationRow {
                    id: r.id.to_string(),
                    email: r.invited_email.clone(),
                    display_name: r.invited_display_name.clone(),
                    status: status_at(r, now).to_owned(),
                    inviter: r.inviter_id.and_then(|id| inviters.get(&id).cloned()),
                    created_at: minutes(r.created_at),
                    expires_at: minutes(r.expires_at),
                })
                .collect();
            Ok(InvitationPage {
                rows,
                next: page.next,
            })
        })
    }
}
