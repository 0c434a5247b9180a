//! The server's side of the dashboard port: what the dashboard's server
//! functions read, from the database.

use std::collections::HashMap;
use std::sync::Arc;

use app::model::bulk::{ConfirmOutcome, ImportSummary, ImportView};
use app::model::company::CompanyField;
use app::model::discovery::{Method, SignInSettings};
use app::model::domains::DomainKind;
use app::model::invitation::{
    InvitationActionOutcome, InvitationDetail, InvitationPage, InvitationRow, NewInvitationForm,
    NewInvitationOutcome, TimelineEvent,
};
use app::model::journey::{Privacy, WelcomeLink};
use app::model::operator::{
    AccessOutcome, AddOperatorForm, AddOperatorOutcome, Admin, ContactOutcome, EndSessionsOutcome,
    OperatorRow, Role, SessionRow, SetupLink, TokenOutcome, TokenRow,
};
use app::model::providers::{NewProvider, ProviderProblem, ProvidersView};
use app::model::terms::TermsView;
use app::ports::{Dashboard, PortError, PortFuture};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::clock::{minutes, Clock};
use crate::federation::providers;
use crate::invitations::bulk;
use crate::invitations::manage::{self, ListQuery, ManageError};
use crate::invitations::request::{validate, NewInvitation, Reset};
use crate::invitations::{status_at, InvitationStatus};
use crate::operators::access;
use crate::redemption::step::stored_order;
use crate::redemption::{consents, settings};
use crate::store::entities::{api_token, audit_event, invitation, org_role, organization, user};

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

fn unavailable(e: impl std::fmt::Display) -> PortError {
    tracing::error!(error = %e, "dashboard: storage failed");
    PortError::Unavailable
}

/// The invitation the dashboard's form asks for; it lands on the portal.
fn new_invitation(form: NewInvitationForm, portal: &url::Url) -> NewInvitation {
    let company: Vec<(CompanyField, String)> = CompanyField::ALL
        .into_iter()
        .filter(|f| !form.company_value(*f).trim().is_empty())
        .map(|f| (f, form.company_value(f).to_owned()))
        .collect();
    let reset = (!form.reset_user_id.is_empty()).then_some(form.reset_user_id);
    NewInvitation {
        email: Some(form.email),
        redirect_url: Some(portal.to_string()),
        display_name: Some(form.display_name),
        message: Some(form.message),
        language: Some(form.language),
        company: (!company.is_empty()).then_some(company),
        send_email: form.send_email,
        reset: Reset {
            requested: reset.is_some(),
            user_id: reset,
        },
        ..NewInvitation::default()
    }
}

const PAGE_SIZE: u64 = 25;

impl DashboardService {
    /// The organization this dashboard runs.
    async fn org(&self) -> Result<organization::Model, PortError> {
        organization::Entity::find_by_id(self.organization_id)
            .one(&self.db)
            .await
            .map_err(unavailable)?
            .ok_or(PortError::Unavailable)
    }

    /// The organization, and the signed-in operator acting in it.
    async fn org_and_operator(
        &self,
        email: &str,
    ) -> Result<(organization::Model, user::Model), PortError> {
        let org = self.org().await?;
        let operator = crate::operators::find_operator(&self.db, org.id, email)
            .await
            .map_err(unavailable)?
            .ok_or(PortError::BadRequest)?;
        Ok((org, operator))
    }

    /// The organization, and the admin acting in it as their stored role
    /// says again (the session layer checked it for this request).
    async fn acting_admin(
        &self,
        admin: &Admin,
    ) -> Result<(organization::Model, user::Model, access::Admin), PortError> {
        let (org, me) = self.org_and_operator(admin.email()).await?;
        let checked = access::Admin::check(&self.db, org.id, me.id, admin.session().to_owned())
            .await
            .map_err(unavailable)?
            .ok_or(PortError::BadRequest)?;
        Ok((org, me, checked))
    }
}

impl Dashboard for DashboardService {
    fn sign_in_settings(&self) -> PortFuture<'_, Result<SignInSettings, PortError>> {
        Box::pin(async move {
            let org = self.org().await?;
            Ok(SignInSettings {
                order: stored_order(&org),
                passcode_enabled: org.email_otp_enabled,
            })
        })
    }

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

    fn invitations(
        &self,
        status: Option<InvitationStatus>,
        search: Option<String>,
        cursor: Option<String>,
    ) -> PortFuture<'_, Result<InvitationPage, PortError>> {
        Box::pin(async move {
            let query = ListQuery {
                status: status.map(|s| s.code().to_owned()),
                email: None,
                search,
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
                    status: status_at(r, now),
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

    fn create_invitation(
        &self,
        inviter_email: String,
        form: NewInvitationForm,
    ) -> PortFuture<'_, Result<NewInvitationOutcome, PortError>> {
        Box::pin(async move {
            use crate::invitations::create::{self, CreateError, FieldError, Inviter};
            let (org, inviter) = self.org_and_operator(&inviter_email).await?;
            let refused = |errors: Vec<FieldError>| NewInvitationOutcome::Invalid {
                fields: errors.iter().map(|e| e.field).collect(),
            };
            let request = new_invitation(form, &self.public_url);
            let valid = match validate(request, &[self.public_url.to_string()]) {
                Ok(valid) => valid,
                Err(errors) => return Ok(refused(errors)),
            };
            let role = crate::operators::role_in(&self.db, org.id, inviter.id)
                .await
                .map_err(unavailable)?;
            let inviter = Inviter::from_user(&inviter).with_role(role);
            match create::create(
                &self.db,
                &org,
                &inviter,
                valid,
                &self.public_url,
                self.clock.as_ref(),
            )
            .await
            {
                Ok(created) => Ok(NewInvitationOutcome::Created {
                    id: created.invitation.id.to_string(),
                    email: created.invitation.invited_email.clone(),
                    redeem_url: created.redeem_url,
                    sent: created.invitation.send_count > 0,
                }),
                Err(CreateError::Invalid(errors)) => Ok(refused(errors)),
                Err(CreateError::PendingInvitation { invitation_id }) => {
                    Ok(NewInvitationOutcome::PendingExists {
                        invitation_id: invitation_id.to_string(),
                    })
                }
                Err(CreateError::ExistingUser { user_id }) => {
                    Ok(NewInvitationOutcome::AccountExists {
                        user_id: user_id.to_string(),
                    })
                }
                Err(CreateError::OperatorAccount) => Ok(NewInvitationOutcome::OperatorAccount),
                Err(CreateError::ResetNeedsAdmin) => Ok(NewInvitationOutcome::ResetNeedsAdmin),
                Err(CreateError::Database(e)) => Err(unavailable(e)),
            }
        })
    }

    fn invitation_detail(
        &self,
        id: String,
    ) -> PortFuture<'_, Result<Option<InvitationDetail>, PortError>> {
        Box::pin(async move {
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(None);
            };
            let Some(row) = invitation::Entity::find_by_id(id)
                .one(&self.db)
                .await
                .map_err(unavailable)?
                .filter(|i| i.organization_id == self.organization_id)
            else {
                return Ok(None);
            };
            let events = audit_event::Entity::find()
                .filter(audit_event::Column::TargetType.eq("invitation"))
                .filter(audit_event::Column::TargetId.eq(id.to_string()))
                .order_by_asc(audit_event::Column::CreatedAt)
                .all(&self.db)
                .await
                .map_err(unavailable)?;
            let people: Vec<Uuid> = events
                .iter()
                .filter_map(|e| e.actor_id)
                .chain(row.inviter_id)
                .collect();
            let names: HashMap<Uuid, String> = user::Entity::find()
                .filter(user::Column::Id.is_in(people))
                .all(&self.db)
                .await
                .map_err(unavailable)?
                .into_iter()
                .map(|u| (u.id, u.display_name.unwrap_or(u.email)))
                .collect();
            let now = self.clock.now();
            Ok(Some(InvitationDetail {
                row: InvitationRow {
                    id: row.id.to_string(),
                    email: row.invited_email.clone(),
                    display_name: row.invited_display_name.clone(),
                    status: status_at(&row, now),
                    inviter: row.inviter_id.and_then(|i| names.get(&i).cloned()),
                    created_at: minutes(row.created_at),
                    expires_at: minutes(row.expires_at),
                },
                send_count: row.send_count,
                timeline: events
                    .into_iter()
                    .map(|e| TimelineEvent {
                        at: minutes(e.created_at),
                        action: e.action,
                        actor: e.actor_id.and_then(|a| names.get(&a).cloned()),
                    })
                    .collect(),
            }))
        })
    }

    fn act_on_invitation(
        &self,
        operator_email: String,
        id: String,
        resend: bool,
    ) -> PortFuture<'_, Result<InvitationActionOutcome, PortError>> {
        Box::pin(async move {
            use crate::invitations::create::Inviter;
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(InvitationActionOutcome::NotFound);
            };
            let (org, operator) = self.org_and_operator(&operator_email).await?;
            let result = if resend {
                let inviter = Inviter::from_user(&operator);
                manage::resend(
                    &self.db,
                    &org,
                    &inviter,
                    id,
                    &self.public_url,
                    self.clock.as_ref(),
                )
                .await
                .map(|r| InvitationActionOutcome::Resent {
                    redeem_url: r.redeem_url,
                })
            } else {
                manage::revoke(&self.db, org.id, operator.id, id, self.clock.as_ref())
                    .await
                    .map(|_| InvitationActionOutcome::Revoked)
            };
            match result {
                Ok(outcome) => Ok(outcome),
                Err(ManageError::NotFound) => Ok(InvitationActionOutcome::NotFound),
                Err(ManageError::Conflict(_)) => Ok(InvitationActionOutcome::NotPossible),
                Err(ManageError::BadQuery(_)) => Err(PortError::BadRequest),
                Err(ManageError::Database(e)) => Err(unavailable(e)),
            }
        })
    }

    fn operators(&self) -> PortFuture<'_, Result<Vec<OperatorRow>, PortError>> {
        Box::pin(async move {
            let roles = org_role::Entity::find()
                .filter(org_role::Column::OrganizationId.eq(self.organization_id))
                .all(&self.db)
                .await
                .map_err(unavailable)?;
            let ids: Vec<Uuid> = roles.iter().map(|r| r.user_id).collect();
            let users: HashMap<Uuid, user::Model> = user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .all(&self.db)
                .await
                .map_err(unavailable)?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
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

    fn save_contact_address(
        &self,
        operator_email: String,
        contact: String,
    ) -> PortFuture<'_, Result<ContactOutcome, PortError>> {
        Box::pin(async move {
            let (org, me) = self.org_and_operator(&operator_email).await?;
            crate::operators::contact::save(&self.db, org.id, me, &contact, self.clock.as_ref())
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

    fn end_sessions(
        &self,
        admin: Admin,
        id: Option<String>,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>> {
        Box::pin(async move {
            let (_, _, admin) = self.acting_admin(&admin).await?;
            let clock = self.clock.as_ref();
            match id {
                Some(id) => access::end_invitee_sessions(&self.db, &admin, &id, clock).await,
                None => access::end_every_session(&self.db, &admin, clock).await,
            }
            .map_err(unavailable)
        })
    }

    fn own_sessions(
        &self,
        owner_email: String,
        session: String,
    ) -> PortFuture<'_, Result<Vec<SessionRow>, PortError>> {
        Box::pin(async move {
            let (_, me) = self.org_and_operator(&owner_email).await?;
            let live = crate::auth::session::live_of(&self.db, me.id, self.clock.as_ref())
                .await
                .map_err(unavailable)?;
            Ok(live
                .into_iter()
                .map(|s| SessionRow {
                    current: s.id == session,
                    // The current session ends with "Sign out"; its id stays here.
                    id: if s.id == session { String::new() } else { s.id },
                    started: minutes(s.created_at),
                    last_seen: minutes(s.last_seen_at),
                    agent: s.agent,
                    address: s.address,
                })
                .collect())
        })
    }

    fn end_own_sessions(
        &self,
        owner_email: String,
        session: String,
        password: String,
        which: Option<String>,
    ) -> PortFuture<'_, Result<EndSessionsOutcome, PortError>> {
        Box::pin(async move {
            let (_, me) = self.org_and_operator(&owner_email).await?;
            let which = which.map_or(access::Which::AllOthers, access::Which::One);
            let password = crate::secret::Secret::new(password);
            access::end_own_sessions(
                &self.db,
                &me,
                &session,
                password,
                which,
                self.clock.as_ref(),
            )
            .await
            .map_err(unavailable)
        })
    }

    fn tokens(&self, owner_email: String) -> PortFuture<'_, Result<Vec<TokenRow>, PortError>> {
        Box::pin(async move {
            let owner =
                crate::operators::find_operator(&self.db, self.organization_id, &owner_email)
                    .await
                    .map_err(unavailable)?
                    .ok_or(PortError::BadRequest)?;
            let rows = api_token::Entity::find()
                .filter(api_token::Column::UserId.eq(owner.id))
                .filter(api_token::Column::OrganizationId.eq(self.organization_id))
                .order_by_desc(api_token::Column::CreatedAt)
                .all(&self.db)
                .await
                .map_err(unavailable)?;
            Ok(rows
                .into_iter()
                .map(|t| TokenRow {
                    id: t.id.to_string(),
                    name: t.name,
                    prefix: t.prefix,
                    created_at: minutes(t.created_at),
                    last_used_at: t.last_used_at.map(minutes),
                    revoked: t.revoked_at.is_some(),
                })
                .collect())
        })
    }

    fn change_token(
        &self,
        owner_email: String,
        name: String,
        revoke_id: Option<String>,
    ) -> PortFuture<'_, Result<TokenOutcome, PortError>> {
        Box::pin(async move {
            use crate::api_tokens::{self, TokenError};
            let owner =
                crate::operators::find_operator(&self.db, self.organization_id, &owner_email)
                    .await
                    .map_err(unavailable)?
                    .ok_or(PortError::BadRequest)?;
            let Some(raw_id) = revoke_id else {
                return match api_tokens::create(
                    &self.db,
                    owner.id,
                    self.organization_id,
                    &name,
                    self.clock.as_ref(),
                )
                .await
                {
                    Ok(created) => Ok(TokenOutcome::Created {
                        token: created.token.expose().clone(),
                    }),
                    Err(TokenError::Name) => Ok(TokenOutcome::InvalidName),
                    Err(TokenError::Database(e)) => Err(unavailable(e)),
                };
            };
            // Only the owner's own tokens can be revoked here.
            let Some(token) = Uuid::try_parse(&raw_id).ok() else {
                return Ok(TokenOutcome::NotFound);
            };
            let owned = api_token::Entity::find_by_id(token)
                .one(&self.db)
                .await
                .map_err(unavailable)?
                .is_some_and(|t| t.user_id == owner.id);
            if !owned {
                return Ok(TokenOutcome::NotFound);
            }
            match api_tokens::revoke(&self.db, token, Some(owner.id), self.clock.as_ref()).await {
                Ok(true) => Ok(TokenOutcome::Revoked),
                Ok(false) => Ok(TokenOutcome::NotFound),
                Err(e) => Err(unavailable(e)),
            }
        })
    }

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
        operator_email: String,
        id: String,
    ) -> PortFuture<'_, Result<ConfirmOutcome, PortError>> {
        Box::pin(async move {
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(ConfirmOutcome::NotFound);
            };
            let (org, operator) = self.org_and_operator(&operator_email).await?;
            bulk::job::confirm(&self.db, org.id, id, operator.id, self.clock.as_ref())
                .await
                .map_err(unavailable)
        })
    }
}

/// `GET /admin/consents.csv`: every consent given to the organization, for
/// operators (the admin area's layer admits only them).
pub async fn consents_csv(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    match consents::csv(&state.db, state.organization_id).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"consents.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            // The byte order mark makes spreadsheets read the file as UTF-8.
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(e) => super::replies::internal(e),
    }
}
