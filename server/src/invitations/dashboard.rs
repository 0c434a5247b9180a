//! The dashboard's invitation pages: the list, the form, one invitation with its timeline, resend and revoke.

use app::model::company::CompanyField;
use app::model::invitation::{
    InvitationActionOutcome, InvitationDetail, InvitationPage, InvitationRow, ListFilter,
    MailState, NewInvitationForm, NewInvitationOutcome, RemindOutcome, TimelineEvent,
};
use app::model::operator::UserId;
use app::model::overview::{OverviewOutcome, Scope};
use app::model::progress::{CompanyDetail, CompanyRef, ProgressStep, SignInMethod};
use app::ports::{Invitations, PortError, PortFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

use crate::clock::minutes;
use crate::invitations::manage::{self, ListQuery, ManageError};
use crate::invitations::request::{validate, NewInvitation, Reset};
use crate::invitations::standing::{company_detail, progress_of};
use crate::invitations::status_at;
use crate::store::entities::{audit_event, invitation};

use crate::dashboard::{unavailable, DashboardService};
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

impl Invitations for DashboardService {
    fn invitations(
        &self,
        filter: ListFilter,
        cursor: Option<String>,
    ) -> PortFuture<'_, Result<InvitationPage, PortError>> {
        Box::pin(async move {
            let today = self.clock.now().date_naive();
            let query = ListQuery {
                cursor,
                ..ListQuery::of_filter(&filter, today, PAGE_SIZE)
            };
            let page = manage::list(
                &self.db,
                self.organization_id,
                query.clone(),
                self.clock.as_ref(),
            )
            .await
            .map_err(|e| match e {
                ManageError::BadQuery(_) => PortError::BadRequest,
                other => {
                    tracing::error!(error = %other, "dashboard: listing invitations failed");
                    PortError::Unavailable
                }
            })?;
            let counts =
                manage::counts(&self.db, self.organization_id, &query, self.clock.as_ref())
                    .await
                    .map_err(unavailable)?;
            let inviter_ids: Vec<Uuid> = page.rows.iter().filter_map(|r| r.inviter_id).collect();
            let inviters = self.names_by_id(inviter_ids).await?;
            let company_ids = page.rows.iter().filter_map(|r| r.company_id);
            let companies = company_names(&self.db, company_ids)
                .await
                .map_err(unavailable)?;
            let ids = page.rows.iter().map(|r| r.id).collect();
            let mails = mail_states(&self.db, ids).await.map_err(unavailable)?;
            let now = self.clock.now();
            let rows = page
                .rows
                .iter()
                .map(|r| {
                    let inviter = r.inviter_id.and_then(|id| inviters.get(&id).cloned());
                    let company = r.company_id.and_then(|id| {
                        companies.get(&id).map(|name| CompanyRef {
                            id: id.to_string(),
                            name: name.clone(),
                        })
                    });
                    row_of(r, inviter, company, mails.get(&r.id).cloned(), now)
                })
                .collect();
            Ok(InvitationPage {
                rows,
                next: page.next,
                counts,
            })
        })
    }

    fn create_invitation(
        &self,
        inviter: UserId,
        form: NewInvitationForm,
    ) -> PortFuture<'_, Result<NewInvitationOutcome, PortError>> {
        Box::pin(async move {
            use crate::invitations::create::{self, CreateError, FieldError, Inviter};
            let (org, inviter) = self.org_and_operator(inviter).await?;
            let refused = |errors: Vec<FieldError>| NewInvitationOutcome::Invalid {
                fields: errors.iter().map(|e| e.field).collect(),
            };
            let request = new_invitation(form, &self.public_url);
            let valid = match validate(request, &[self.public_url.to_string()]) {
                Ok(valid) => valid,
                Err(errors) => return Ok(refused(errors)),
            };
            let draft_problems = valid.draft_problems();
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
                    draft_problems,
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
            let names = self.names_by_id(people).await?;
            let mut mails = mail_states(&self.db, vec![row.id])
                .await
                .map_err(unavailable)?;
            let now = self.clock.now();
            let mail = mails.remove(&row.id);
            let progress = progress_of(&self.db, &row).await.map_err(unavailable)?;
            let inviter = row.inviter_id.and_then(|i| names.get(&i).cloned());
            let company = progress.facts.company.clone();
            Ok(Some(InvitationDetail {
                row: row_of(&row, inviter, company, mail, now),
                send_count: row.send_count,
                steps: progress.steps,
                facts: progress.facts,
                message: row.message.clone(),
                language: row.message_language.clone(),
                cc: row.cc_email.clone(),
                draft: crate::invitations::request::stored_draft(&row),
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

    fn company_detail(
        &self,
        id: String,
    ) -> PortFuture<'_, Result<Option<CompanyDetail>, PortError>> {
        Box::pin(async move {
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(None);
            };
            company_detail(&self.db, self.organization_id, id)
                .await
                .map_err(unavailable)
        })
    }

    fn remind(
        &self,
        operator: UserId,
        filter: ListFilter,
    ) -> PortFuture<'_, Result<RemindOutcome, PortError>> {
        Box::pin(async move {
            use crate::invitations::create::Inviter;
            let (org, operator) = self.org_and_operator(operator).await?;
            let today = self.clock.now().date_naive();
            let query = ListQuery::of_filter(&filter, today, 500);
            let inviter = Inviter::from_user(&operator);
            let clock = self.clock.as_ref();
            match manage::remind(&self.db, &org, &inviter, query, &self.public_url, clock).await {
                Ok(done) => Ok(RemindOutcome {
                    sent: done.sent,
                    recent: done.recent,
                }),
                Err(ManageError::BadQuery(_)) => Err(PortError::BadRequest),
                Err(e) => {
                    tracing::error!(error = %e, "dashboard: reminding failed");
                    Err(PortError::Unavailable)
                }
            }
        })
    }

    fn overview(&self, scope: Scope) -> PortFuture<'_, Result<OverviewOutcome, PortError>> {
        Box::pin(async move {
            let now = self.clock.now();
            crate::invitations::funnel::overview(&self.db, self.organization_id, &scope, now)
                .await
                .map_err(unavailable)
        })
    }

    fn act_on_invitation(
        &self,
        operator: UserId,
        id: String,
        resend: bool,
    ) -> PortFuture<'_, Result<InvitationActionOutcome, PortError>> {
        Box::pin(async move {
            use crate::invitations::create::Inviter;
            let Ok(id) = Uuid::try_parse(&id) else {
                return Ok(InvitationActionOutcome::NotFound);
            };
            let (org, operator) = self.org_and_operator(operator).await?;
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
}

/// The list's row of an invitation.
fn row_of(
    r: &invitation::Model,
    inviter: Option<String>,
    company: Option<CompanyRef>,
    mail: Option<MailState>,
    now: chrono::DateTime<chrono::Utc>,
) -> InvitationRow {
    let progress_at = r.progress_at.unwrap_or(r.created_at);
    let draft_name = crate::invitations::request::stored_draft(r)
        .into_iter()
        .find(|(field, _)| *field == CompanyField::LegalName)
        .map(|(_, name)| name);
    InvitationRow {
        id: r.id.to_string(),
        email: r.invited_email.clone(),
        display_name: r.invited_display_name.clone(),
        status: status_at(r, now),
        inviter,
        created_at: minutes(r.created_at),
        expires_at: minutes(r.expires_at),
        mail,
        progress: ProgressStep::from_code(&r.progress).unwrap_or(ProgressStep::Invited),
        progress_at: minutes(progress_at),
        company_draft: if company.is_none() { draft_name } else { None },
        company,
        sign_in_method: r
            .sign_in_method
            .as_deref()
            .and_then(SignInMethod::from_code),
        sign_in_source: r.sign_in_source.clone(),
        last_activity: minutes(r.last_opened_at.map_or(progress_at, |o| o.max(progress_at))),
    }
}

/// The legal names of the companies `ids`, by id.
async fn company_names(
    db: &sea_orm::DatabaseConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, sea_orm::DbErr> {
    use crate::store::entities::company;
    let ids: Vec<Uuid> = ids.into_iter().collect();
    Ok(company::Entity::find()
        .filter(company::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.legal_name))
        .collect())
}

/// Where the latest email of each of the invitations `ids` stands.
async fn mail_states(
    db: &sea_orm::DatabaseConnection,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, MailState>, sea_orm::DbErr> {
    use crate::mail::outbox::{FAILED, SENT};
    use crate::store::entities::email_outbox;
    let rows = email_outbox::Entity::find()
        .filter(email_outbox::Column::InvitationId.is_in(ids))
        .order_by_asc(email_outbox::Column::CreatedAt)
        .all(db)
        .await?;
    // Oldest first: the latest email of each invitation is the one kept.
    let mut states = HashMap::new();
    for mail in rows {
        let Some(invitation) = mail.invitation_id else {
            continue;
        };
        let state = match mail.status.as_str() {
            SENT => MailState::Delivered {
                at: mail.sent_at.map(minutes).unwrap_or_default(),
            },
            FAILED => MailState::Failed {
                error: mail.last_error.unwrap_or_default(),
            },
            _ => MailState::Queued {
                retry_at: (mail.attempts > 0).then(|| minutes(mail.next_attempt_at)),
                last_error: mail.last_error,
            },
        };
        states.insert(invitation, state);
    }
    Ok(states)
}
