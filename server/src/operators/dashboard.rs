//! The dashboard's operators page: the list, adding one, the set-password and setup links, the contact address, removing and unlocking.

use app::model::operator::{
    AccessOutcome, AddOperatorForm, AddOperatorOutcome, Admin, ContactOutcome, OperatorRow, Role,
    SetupLink, UserId,
};
use app::ports::{Operators, PortError, PortFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::operators::access;
use crate::store::entities::org_role;

use crate::dashboard::{unavailable, DashboardService};

impl Operators for DashboardService {
    fn operators(&self) -> PortFuture<'_, Result<Vec<OperatorRow>, PortError>> {
        Box::pin(async move {
            let roles = org_role::Entity::find()
                .filter(org_role::Column::OrganizationId.eq(self.organization_id))
                .all(&self.db)
                .await
                .map_err(unavailable)?;
            let ids: Vec<Uuid> = roles.iter().map(|r| r.user_id).collect();
            let users = self.users_by_id(ids).await?;
            let mut rows: Vec<OperatorRow> = roles
                .into_iter()
                .filter_map(|r| {
                    let u = users.get(&r.user_id)?;
                    Some(OperatorRow {
                        email: u.email.clone(),
                        display_name: u.display_name.clone(),
                        role: Role::parse(&r.role)?,
                        has_password: u.password_hash.is_some(),
                        contact_email: u.contact_email.clone(),
                    })
                })
                .collect();
            rows.sort_by(|a, b| a.email.cmp(&b.email));
            Ok(rows)
        })
    }

    fn add_operator(
        &self,
        admin: Admin,
        form: AddOperatorForm,
        locale: String,
    ) -> PortFuture<'_, Result<AddOperatorOutcome, PortError>> {
        Box::pin(async move {
            use crate::operators::{onboarding, CreateOperatorError};
            let (org, actor, _) = self.acting_admin(&admin).await?;
            let role = Role::parse(&form.role).ok_or(PortError::BadRequest)?;
            let locale = app::i18n::Locale::from_code(&locale).unwrap_or_default();
            let name = Some(form.display_name.as_str());
            match onboarding::add_operator(
                &self.db,
                &org,
                actor.id,
                &form.email,
                name,
                role,
                locale,
                &self.public_url,
                self.clock.as_ref(),
            )
            .await
            {
                Ok(added) => Ok(AddOperatorOutcome::Added {
                    email: added.user.email,
                }),
                Err(CreateOperatorError::Email(_)) => Ok(AddOperatorOutcome::InvalidEmail),
                Err(CreateOperatorError::Exists) => Ok(AddOperatorOutcome::Exists),
                Err(e) => Err(unavailable(e)),
            }
        })
    }

    fn set_password_link_is_live(&self, token: String) -> PortFuture<'_, Result<bool, PortError>> {
        Box::pin(async move {
            crate::operators::onboarding::link_is_live(&self.db, &token, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn setup_link(&self, token: String) -> PortFuture<'_, Result<SetupLink, PortError>> {
        Box::pin(async move {
            use crate::operators::first_admin::{link_state, LinkState};
            let state = link_state(&self.db, self.organization_id, &token, self.clock.as_ref())
                .await
                .map_err(unavailable)?;
            Ok(match state {
                LinkState::Live => SetupLink::Live,
                LinkState::Invalid => SetupLink::Invalid,
                LinkState::Gone => SetupLink::Gone,
            })
        })
    }

    fn save_contact_address(
        &self,
        operator: UserId,
        contact: String,
    ) -> PortFuture<'_, Result<ContactOutcome, PortError>> {
        Box::pin(async move {
            let (org, me) = self.org_and_operator(operator).await?;
            crate::operators::contact::save(&self.db, org.id, me, &contact, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }

    fn change_operator_access(
        &self,
        admin: Admin,
        target_email: String,
        remove: bool,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>> {
        Box::pin(async move {
            let (_, _, admin) = self.acting_admin(&admin).await?;
            let clock = self.clock.as_ref();
            if remove {
                access::remove_operator(&self.db, &admin, &target_email, clock).await
            } else {
                access::end_operator_sessions(&self.db, &admin, &target_email, clock).await
            }
            .map_err(unavailable)
        })
    }

    fn unlock_operator(
        &self,
        admin: Admin,
        target_email: String,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>> {
        Box::pin(async move {
            let (_, _, admin) = self.acting_admin(&admin).await?;
            access::unlock_operator(&self.db, &admin, &target_email, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}
