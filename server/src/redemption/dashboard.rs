//! The dashboard's settings: how invitees sign in, the privacy statement, the welcome links, the domains.

use app::model::discovery::{Method, SignInSettings};
use app::model::domains::DomainKind;
use app::model::journey::{Privacy, WelcomeLink};
use app::model::operator::Admin;
use app::ports::{PortError, PortFuture, Settings};

use crate::redemption::settings;
use crate::redemption::step::stored_order;

use crate::dashboard::{unavailable, DashboardService};

impl Settings for DashboardService {
    fn sign_in_settings(&self) -> PortFuture<'_, Result<SignInSettings, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            Ok(SignInSettings {
                order: stored_order(&org),
                passcode_enabled: org.email_otp_enabled,
            })
        })
    }

    fn save_sign_in_settings(
        &self,
        admin: Admin,
        order: Vec<Method>,
        passcode_enabled: bool,
    ) -> PortFuture<'_, Result<(), PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            settings::save(
                &self.db,
                org.id,
                admin.id,
                &order,
                passcode_enabled,
                self.clock.as_ref(),
            )
            .await
            .map_err(unavailable)
        })
    }

    fn privacy(&self) -> PortFuture<'_, Result<Privacy, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            Ok(Privacy {
                url: org.privacy_url,
                version: org.privacy_version,
            })
        })
    }

    fn save_privacy(
        &self,
        admin: Admin,
        privacy: Privacy,
    ) -> PortFuture<'_, Result<(), PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            settings::save_privacy(&self.db, org.id, admin.id, &privacy, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn welcome_links(&self) -> PortFuture<'_, Result<Vec<WelcomeLink>, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            Ok(serde_json::from_value(org.welcome_links).unwrap_or_default())
        })
    }

    fn save_welcome_links(
        &self,
        admin: Admin,
        links: Vec<WelcomeLink>,
    ) -> PortFuture<'_, Result<(), PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            settings::save_welcome_links(&self.db, org.id, admin.id, &links, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn domains(&self, kind: DomainKind) -> PortFuture<'_, Result<Vec<String>, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            Ok(settings::domains(&org, kind))
        })
    }

    fn save_domains(
        &self,
        admin: Admin,
        kind: DomainKind,
        domains: Vec<String>,
    ) -> PortFuture<'_, Result<Result<(), String>, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let who = (org.id, admin.id);
            settings::save_domains(&self.db, who, kind, &domains, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}
