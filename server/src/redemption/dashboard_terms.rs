//! The dashboard's terms of use page: the current terms, the consents, publishing.

use app::model::operator::Admin;
use app::model::terms::TermsView;
use app::ports::{PortError, PortFuture, Terms};

use crate::redemption::consents;

use crate::dashboard::{unavailable, DashboardService};

impl Terms for DashboardService {
    fn terms(&self) -> PortFuture<'_, Result<TermsView, PortError>> {
        Box::pin(async move {
            consents::view(&self.db, self.organization_id)
                .await
                .map_err(unavailable)
        })
    }

    fn publish_terms(
        &self,
        admin: Admin,
        markdown: String,
    ) -> PortFuture<'_, Result<i32, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            consents::publish(&self.db, org.id, admin.id, markdown, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}
