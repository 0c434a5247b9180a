//! The dashboard's terms of use page: the current terms, the consents, publishing.

use app::model::operator::Admin;
use app::model::terms::{MissingDocuments, TermsOutcome, TermsView};
use app::ports::{PortError, PortFuture, Terms};

use crate::documents::Documents;
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
        markdown_ko: Option<String>,
    ) -> PortFuture<'_, Result<TermsOutcome, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let texts = consents::Texts {
                en: markdown,
                ko: markdown_ko,
            };
            consents::publish(&self.db, org.id, admin.id, texts, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn missing_documents(&self) -> PortFuture<'_, Result<MissingDocuments, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            let documents = Documents::current(&self.db, &org)
                .await
                .map_err(unavailable)?;
            Ok(MissingDocuments {
                privacy: documents.privacy.is_none(),
                terms: documents.terms.is_none(),
            })
        })
    }
}
