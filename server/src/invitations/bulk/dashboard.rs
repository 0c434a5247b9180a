//! The dashboard's bulk invitations: the imports, one import's rows, confirming one.

use app::model::bulk::{ConfirmOutcome, ImportSummary, ImportView};
use app::model::operator::UserId;
use app::ports::{Imports, PortError, PortFuture};
use uuid::Uuid;

use crate::invitations::bulk;

use crate::dashboard::{unavailable, DashboardService};

impl Imports for DashboardService {
    fn imports(&self) -> PortFuture<'_, Result<Vec<ImportSummary>, PortError>> {
        Box::pin(async move {
            bulk::report::recent(&self.db, self.organization_id)
                .await
                .map_err(unavailable)
        })
    }

    fn import_view(
        &self,
        id: String,
        after: Option<i32>,
    ) -> PortFuture<'_, Result<Option<ImportView>, PortError>> {
        Box::pin(async move {
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(None);
            };
            bulk::report::view(&self.db, self.organization_id, id, after)
                .await
                .map_err(unavailable)
        })
    }

    fn confirm_import(
        &self,
        operator: UserId,
        id: String,
    ) -> PortFuture<'_, Result<ConfirmOutcome, PortError>> {
        Box::pin(async move {
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(ConfirmOutcome::NotFound);
            };
            let (org, operator) = self.org_and_operator(operator).await?;
            bulk::job::confirm(&self.db, org.id, id, operator.id, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}
