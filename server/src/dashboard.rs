//! The dashboard's server side: one service, holding what every page's
//! port needs (the database, the clock, the organization), implements the
//! ports of `app::ports`, each beside the domain it serves
//! (`invitations::dashboard`, `operators::dashboard`, …).

use std::collections::HashMap;
use std::sync::Arc;

use app::model::operator::{Admin, UserId};
use app::ports::{DashboardPort, PortError};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::clock::Clock;
use crate::operators::access;
use crate::store::entities::{organization, user};

pub struct DashboardService {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub organization_id: Uuid,
    pub public_url: url::Url,
    /// Seals identity providers' client secrets.
    pub secret_key: Arc<crate::secret::Secret<[u8; 32]>>,
    /// Reads a provider's discovery document before it is saved.
    pub federation: Arc<crate::federation::oidc::Federation>,
}

pub(crate) fn unavailable(e: impl std::fmt::Display) -> PortError {
    tracing::error!(error = %e, "dashboard: storage failed");
    PortError::Unavailable
}

impl DashboardService {
    /// The organization this dashboard runs.
    pub(crate) async fn org(&self) -> Result<organization::Model, PortError> {
        organization::Entity::find_by_id(self.organization_id)
            .one(&self.db)
            .await
            .map_err(unavailable)?
            .ok_or(PortError::Unavailable)
    }

    /// The signed-in operator acting in the organization: an operator
    /// still, as their stored role says.
    pub(crate) async fn operator(&self, id: UserId) -> Result<user::Model, PortError> {
        crate::operators::operator_by_id(&self.db, self.organization_id, id.0)
            .await
            .map_err(unavailable)?
            .ok_or(PortError::BadRequest)
    }

    /// The organization, and the signed-in operator acting in it.
    pub(crate) async fn org_and_operator(
        &self,
        id: UserId,
    ) -> Result<(organization::Model, user::Model), PortError> {
        Ok((self.org().await?, self.operator(id).await?))
    }

    /// The organization, and the admin acting in it as their stored role
    /// says again (the session layer checked it for this request).
    pub(crate) async fn acting_admin(
        &self,
        admin: &Admin,
    ) -> Result<(organization::Model, user::Model, access::Admin), PortError> {
        let (org, me) = self.org_and_operator(admin.id()).await?;
        let checked = access::Admin::check(&self.db, org.id, me.id, admin.session().0.clone())
            .await
            .map_err(unavailable)?
            .ok_or(PortError::BadRequest)?;
        Ok((org, me, checked))
    }

    /// The users with these ids, by id.
    pub(crate) async fn users_by_id(
        &self,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, user::Model>, PortError> {
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|u| (u.id, u))
            .collect())
    }

    /// How the dashboard names these people: by name, else by address.
    pub(crate) async fn names_by_id(
        &self,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, String>, PortError> {
        Ok(self
            .users_by_id(ids)
            .await?
            .into_iter()
            .map(|(id, u)| (id, u.display_name.unwrap_or(u.email)))
            .collect())
    }
}

impl DashboardService {
    /// Every dashboard port, served by this one service.
    pub fn port(self) -> DashboardPort {
        let service = Arc::new(self);
        DashboardPort {
            invitations: service.clone(),
            operators: service.clone(),
            sessions: service.clone(),
            tokens: service.clone(),
            imports: service.clone(),
            settings: service.clone(),
            providers: service.clone(),
            apps: service.clone(),
            webhooks: service.clone(),
            terms: service,
        }
    }
}
