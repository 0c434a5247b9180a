//! The dashboard's identity providers page.

use app::model::operator::Admin;
use app::model::providers::{NewProvider, ProviderProblem, ProvidersView};
use app::ports::{PortError, PortFuture, Providers};
use uuid::Uuid;

use crate::federation::providers;

use crate::dashboard::{unavailable, DashboardService};

impl Providers for DashboardService {
    fn providers(&self) -> PortFuture<'_, Result<ProvidersView, PortError>> {
        Box::pin(async move {
            let rows = providers::list(&self.db, self.organization_id)
                .await
                .map_err(unavailable)?;
            let redirect_uri = self
                .public_url
                .join(crate::http::CALLBACK_PATH)
                .map_err(unavailable)?;
            Ok(ProvidersView {
                providers: rows.iter().map(providers::row).collect(),
                redirect_uri: redirect_uri.to_string(),
            })
        })
    }

    fn add_provider(
        &self,
        admin: Admin,
        provider: NewProvider,
    ) -> PortFuture<'_, Result<Result<(), Vec<ProviderProblem>>, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            // The stored providers' objections first, then the provider's own
            // documents: one nobody could sign in with is refused, with the
            // reason. [`providers::add`] checks the conflicts again as it writes.
            let conflicts = providers::conflicts(&self.db, org.id, &provider)
                .await
                .map_err(unavailable)?;
            if !conflicts.is_empty() {
                return Ok(Err(conflicts));
            }
            if let Err(why) = self.federation.check(&provider.issuer).await {
                return Ok(Err(vec![ProviderProblem::Discovery(why)]));
            }
            let added = providers::add(
                &self.db,
                self.secret_key.expose(),
                self.clock.as_ref(),
                org.id,
                admin.id,
                provider,
            )
            .await
            .map_err(unavailable)?;
            Ok(added.map(|_| ()))
        })
    }

    fn remove_provider(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let Ok(id) = id.parse::<Uuid>() else {
                return Ok(false);
            };
            providers::remove(&self.db, self.clock.as_ref(), org.id, admin.id, id)
                .await
                .map_err(unavailable)
        })
    }
}
