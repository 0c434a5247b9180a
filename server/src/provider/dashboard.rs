//! The dashboard's apps page: the organization's apps for operators;
//! registering and removing them for admins.

use app::model::apps::{AppProblem, AppsView, NewApp, Registered};
use app::model::operator::Admin;
use app::ports::{Apps, PortError, PortFuture};

use super::apps::{self, AppError, Registration};
use super::discovery::issuer_of;
use crate::dashboard::{unavailable, DashboardService};

impl Apps for DashboardService {
    fn apps(&self) -> PortFuture<'_, Result<AppsView, PortError>> {
        Box::pin(async move {
            let rows = apps::list(&self.db, self.organization_id)
                .await
                .map_err(unavailable)?;
            Ok(AppsView {
                apps: rows.iter().map(apps::row).collect(),
                issuer: issuer_of(&self.public_url),
            })
        })
    }

    fn register_app(
        &self,
        admin: Admin,
        app: NewApp,
    ) -> PortFuture<'_, Result<Result<Registered, Vec<AppProblem>>, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let registration = Registration {
                organization_id: org.id,
                app,
                actor: Some(admin.id),
            };
            match apps::create(&self.db, registration, self.clock.as_ref()).await {
                Ok(created) => Ok(Ok(Registered {
                    client_id: created.client_id,
                    secret: created.secret.map(|s| s.expose().clone()),
                })),
                Err(AppError::Invalid(problems)) => Ok(Err(problems)),
                Err(AppError::Database(e)) => Err(unavailable(e)),
            }
        })
    }

    fn remove_app(
        &self,
        admin: Admin,
        client_id: String,
    ) -> PortFuture<'_, Result<bool, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            apps::delete(
                &self.db,
                org.id,
                &client_id,
                Some(admin.id),
                self.clock.as_ref(),
            )
            .await
            .map_err(unavailable)
        })
    }
}
