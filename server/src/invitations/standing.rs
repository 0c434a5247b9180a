//! Where one customer stands, as the dashboard and the API tell it: each
//! step of the way in with its time, how they signed in, what they
//! accepted, and their company with its members.

use app::model::company::{CompanyField, CompanyRole};
use app::model::progress::{
    CompanyDetail, CompanyMember, CompanyRef, ConsentFact, ProgressFacts, ProgressStep,
    SignInMethod, StepReached,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::clock::minutes;
use crate::store::entities::{company, consent, email_outbox, invitation, membership, user};

/// Each step with its time, and the facts behind them.
pub struct Progress {
    pub steps: Vec<StepReached>,
    pub facts: ProgressFacts,
}

/// The progress of `row`.
pub async fn progress_of(
    conn: &impl ConnectionTrait,
    row: &invitation::Model,
) -> Result<Progress, DbErr> {
    let redeemer = row.redeemed_by;
    let consent = match redeemer {
        Some(user_id) => {
            consent::Entity::find()
                .filter(consent::Column::UserId.eq(user_id))
                .filter(consent::Column::OrganizationId.eq(row.organization_id))
                .order_by_desc(consent::Column::AcceptedAt)
                .one(conn)
                .await?
        }
        None => None,
    };
    let company = match row.company_id {
        Some(id) => company::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    // The company step is the customer's membership: made or joined.
    let member_since = match (row.company_id, redeemer) {
        (Some(company_id), Some(user_id)) => membership::Entity::find()
            .filter(membership::Column::CompanyId.eq(company_id))
            .filter(membership::Column::UserId.eq(user_id))
            .one(conn)
            .await?
            .map(|m| m.created_at),
        _ => None,
    };
    // The first email the mail server took (a later one may be queued).
    let delivered = email_outbox::Entity::find()
        .filter(email_outbox::Column::InvitationId.eq(row.id))
        .filter(email_outbox::Column::Status.eq(crate::mail::outbox::SENT))
        .order_by_asc(email_outbox::Column::SentAt)
        .one(conn)
        .await?
        .and_then(|m| m.sent_at)
        .map(minutes);
    let reached = ProgressStep::from_code(&row.progress).unwrap_or(ProgressStep::Invited);
    // Steps reached before this kept no time of their own (older rows).
    let or_progress = |step: ProgressStep, at: Option<String>| {
        at.or_else(|| (step <= reached).then(|| minutes(row.progress_at.unwrap_or(row.created_at))))
    };
    let steps = ProgressStep::ALL
        .iter()
        .map(|&step| {
            let at = match step {
                ProgressStep::Invited => Some(minutes(row.created_at)),
                ProgressStep::EmailDelivered => delivered.clone(),
                ProgressStep::LinkOpened => row.first_opened_at.map(minutes),
                ProgressStep::SignedIn => row.signed_in_at.map(minutes),
                ProgressStep::TermsAccepted => row.redeemed_at.map(minutes),
                ProgressStep::CompanyCreated => member_since.map(minutes),
                ProgressStep::Welcomed => row.welcomed_at.map(minutes),
            };
            let at = match step {
                // A delivery is known only from the outbox.
                ProgressStep::EmailDelivered => at,
                _ => or_progress(step, at),
            };
            StepReached { step, at }
        })
        .collect();
    let facts = ProgressFacts {
        first_opened: row.first_opened_at.map(minutes),
        last_opened: row.last_opened_at.map(minutes),
        sign_in_method: row
            .sign_in_method
            .as_deref()
            .and_then(SignInMethod::from_code),
        sign_in_source: row.sign_in_source.clone(),
        consent: consent.map(|c| ConsentFact {
            terms_version: c.terms_version,
            privacy_version: c.privacy_version,
            terms_language: c.terms_language,
            automatic: c.automatic,
        }),
        company: company.map(|c| CompanyRef {
            id: c.id.to_string(),
            name: c.legal_name,
        }),
    };
    Ok(Progress { steps, facts })
}

/// The company `id` of the organization `org`, with its members.
pub async fn company_detail(
    conn: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<CompanyDetail>, DbErr> {
    let Some(company) = company::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| c.organization_id == org)
    else {
        return Ok(None);
    };
    let memberships = membership::Entity::find()
        .filter(membership::Column::CompanyId.eq(id))
        .order_by_asc(membership::Column::CreatedAt)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = memberships.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    let members = memberships
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?;
            Some(CompanyMember {
                email: u.email.clone(),
                name: u.display_name.clone(),
                role: CompanyRole::from_code(&m.role).unwrap_or_default(),
                since: minutes(m.created_at),
            })
        })
        .collect();
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        (CompanyField::LegalName, company.legal_name.clone()),
        (CompanyField::Street, company.street.clone()),
        (CompanyField::PostalCode, company.postal_code.clone()),
        (CompanyField::City, company.city.clone()),
        (CompanyField::Country, company.country.clone()),
        (CompanyField::TaxId, optional(&company.tax_id)),
        (CompanyField::Phone, optional(&company.phone)),
        (CompanyField::Website, optional(&company.website)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    Ok(Some(CompanyDetail {
        name: company.legal_name,
        fields,
        created_at: minutes(company.created_at),
        members,
    }))
}

/// The invitations of `org` that `query` selects (its `top` is the size of
/// each page read), as CSV: each customer's status and progress, in the
/// list's order. Cells a spreadsheet would run as formulas are defused.
pub async fn csv(
    db: &sea_orm::DatabaseConnection,
    org: Uuid,
    mut query: crate::invitations::manage::ListQuery,
    clock: &dyn crate::clock::Clock,
) -> Result<String, crate::invitations::manage::ManageError> {
    use crate::invitations::manage::{list, ManageError};
    let failed = |e: csv::Error| ManageError::Database(DbErr::Custom(e.to_string()));
    let mut out = crate::spreadsheet::SpreadsheetCsv::default();
    out.row(&[
        "email",
        "name",
        "status",
        "progress",
        "progress_since",
        "created_at",
        "first_opened_at",
        "last_opened_at",
        "signed_in_at",
        "sign_in_method",
        "sign_in_source",
        "terms_accepted_at",
        "company_id",
        "welcomed_at",
    ])
    .map_err(failed)?;
    let time =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let now = clock.now();
    loop {
        let page = list(db, org, query.clone(), clock).await?;
        for r in &page.rows {
            out.row(&[
                r.invited_email.clone(),
                r.invited_display_name.clone().unwrap_or_default(),
                crate::invitations::status_at(r, now).code().to_owned(),
                r.progress.clone(),
                time(r.progress_at),
                r.created_at.to_rfc3339(),
                time(r.first_opened_at),
                time(r.last_opened_at),
                time(r.signed_in_at),
                r.sign_in_method.clone().unwrap_or_default(),
                r.sign_in_source.clone().unwrap_or_default(),
                time(r.redeemed_at),
                r.company_id.map(|c| c.to_string()).unwrap_or_default(),
                time(r.welcomed_at),
            ])
            .map_err(failed)?;
        }
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    out.finish().map_err(failed)
}
