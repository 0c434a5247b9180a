//! After sign-in (architecture.md §3.4–3.6): the invitee accepts the
//! organization's privacy statement and current terms of use, which
//! accepts the invitation (Graph's `Accepted`); then the company; then the
//! welcome page. The server decides the step, so no later step is reached
//! before an earlier one (ASVS 5.0 2.3.1).

use app::i18n::Locale;
use app::model::company::{CompanyField, CompanyProblem, CompanyRole};
use app::model::journey::{
    check_company, CompanyPage, CompanyView, ConsentPage, ConsentView, Stage, WelcomeLink,
};
use app::model::progress::ProgressStep;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::automatic;
use super::finish::Context;
use super::landing::{find, link_state, Link};
use crate::auth::session::Visit;
use crate::invitations::InvitationStatus;
use crate::progress;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{company, consent, invitation, membership, user};

use crate::documents::Documents;
use crate::webhooks::{self, Event};

/// A signed-in invitee's place in the journey of their link.
pub(crate) enum Place {
    /// Not (or no longer) this browser's to continue: the sign-in step
    /// says what applies.
    SignIn,
    At {
        link: Box<Link>,
        user: user::Model,
        stage: Stage,
        /// What the organization asks its customers to accept.
        documents: Box<Documents>,
    },
}

/// Where the browser's invitee stands on the link `raw`. An invitee who
/// accepted these terms before (for another invitation of the same
/// organization) is not asked again: the invitation is accepted here.
pub(crate) async fn place(
    ctx: &Context<'_>,
    raw: &str,
    visit: Option<&Visit>,
) -> Result<Option<Place>, DbErr> {
    let Some(link) = find(ctx.db, raw, false).await? else {
        return Ok(None);
    };
    let Some(user_id) = visit.and_then(|v| v.user_id) else {
        return Ok(Some(Place::SignIn));
    };
    let Some(user) = user::Entity::find_by_id(user_id).one(ctx.db).await? else {
        return Ok(Some(Place::SignIn));
    };
    let state = link_state(&link.invitation, &link.ticket, ctx.clock.now());
    let theirs = user.email == link.invitation.invited_email
        && match state {
            app::model::landing::LinkState::Pending => true,
            app::model::landing::LinkState::Accepted => {
                link.invitation.redeemed_by == Some(user.id)
            }
            _ => false,
        };
    if !theirs {
        return Ok(Some(Place::SignIn));
    }
    let documents = Documents::current(ctx.db, &link.org).await?;
    // Nothing to accept: no terms step, and no consent recorded.
    let nothing = documents.is_empty();
    let given = nothing || documents.accepted_by(ctx.db, link.org.id, user.id).await?;
    let automatic = !given && automatic::applies(&link.org, &user.email);
    let stage = if !given && !automatic {
        Stage::Consent
    } else {
        if link.invitation.status == InvitationStatus::PendingAcceptance.code() || automatic {
            let txn = crate::store::begin_write(ctx.db).await?;
            // Locked, so that two requests record one automatic consent.
            find(&txn, raw, true).await?;
            let accepted = documents.accepted_by(&txn, link.org.id, user.id).await?;
            let consent = if nothing {
                Consent::NothingToAccept
            } else if automatic && !accepted {
                automatic::consent(&txn, ctx, &link, &user, &documents).await?;
                Consent::Automatic
            } else {
                Consent::GivenBefore
            };
            accept_invitation(&txn, ctx, &link, user.id, consent).await?;
            txn.commit().await?;
        }
        if link.invitation.company_id.is_some() {
            Stage::Welcome
        } else {
            Stage::Company
        }
    };
    Ok(Some(Place::At {
        link: Box::new(link),
        user,
        stage,
        documents: Box::new(documents),
    }))
}

/// The terms step of the link `raw` for this browser; `None` for an
/// unknown link.
pub async fn consent_view(
    ctx: &Context<'_>,
    raw: &str,
    visit: Option<&Visit>,
) -> Result<Option<ConsentView>, DbErr> {
    Ok(match place(ctx, raw, visit).await? {
        None => None,
        Some(Place::SignIn) => Some(ConsentView::Elsewhere(Stage::SignIn)),
        Some(Place::At { stage, .. }) if stage != Stage::Consent => {
            Some(ConsentView::Elsewhere(stage))
        }
        Some(Place::At {
            link, documents, ..
        }) => Some(ConsentView::Show(ConsentPage {
            org_name: link.org.name.clone(),
            invited_email: link.invitation.invited_email.clone(),
            privacy_url: documents.privacy.as_ref().and(link.org.privacy_url.clone()),
            privacy_version: documents.privacy.clone(),
            terms_version: documents.terms_version(),
            terms: documents
                .terms
                .as_ref()
                .map(|t| {
                    crate::documents::texts(t)
                        .into_iter()
                        .map(|(locale, text)| (locale, super::terms::render(&text)))
                        .collect()
                })
                .unwrap_or_default(),
        })),
    })
}

/// The invitee's answer on the terms step.
pub struct Decision {
    pub accept: bool,
    /// The versions the page showed (`None` for a document it did not
    /// show); an answer to other versions than the current ones shows the
    /// page again.
    pub privacy_version: Option<String>,
    pub terms_version: Option<i32>,
    /// The language the terms were read in.
    pub terms_language: Option<Locale>,
    pub user_agent: Option<String>,
}

/// What the answer did.
#[derive(Debug, PartialEq, Eq)]
pub enum Decided {
    /// Accepted: on to this step.
    Next(Stage),
    /// Declined: the invitation stays open.
    Declined,
    /// Not the terms step (any more): to this step.
    Elsewhere(Stage),
    NotFound,
}

/// Records the answer of the signed-in invitee on the terms step of `raw`.
pub async fn decide(
    ctx: &Context<'_>,
    raw: &str,
    visit: Option<&Visit>,
    decision: Decision,
) -> Result<Decided, DbErr> {
    let (link, user, documents) = match place(ctx, raw, visit).await? {
        None => return Ok(Decided::NotFound),
        Some(Place::SignIn) => return Ok(Decided::Elsewhere(Stage::SignIn)),
        Some(Place::At { stage, .. }) if stage != Stage::Consent => {
            return Ok(Decided::Elsewhere(stage))
        }
        Some(Place::At {
            link,
            user,
            documents,
            ..
        }) => (link, user, documents),
    };
    let terms = documents.terms_version();
    if decision.privacy_version != documents.privacy || decision.terms_version != terms {
        return Ok(Decided::Elsewhere(Stage::Consent));
    }
    let txn = crate::store::begin_write(ctx.db).await?;
    if !decision.accept {
        let entry = AuditEntry {
            organization_id: Some(link.org.id),
            actor_id: Some(user.id),
            action: "customer.consent_declined",
            target_type: "invitation",
            target_id: link.invitation.id.to_string(),
            details: json!({ "terms_version": terms }),
        };
        audit::record(&txn, entry, ctx.clock).await?;
        txn.commit().await?;
        return Ok(Decided::Declined);
    }
    // The language the page said it showed, if the terms are written in it.
    let language = documents.terms.as_ref().map(|t| {
        let asked = decision.terms_language.unwrap_or_default();
        crate::documents::text_in(t, asked).0
    });
    consent::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        organization_id: Set(link.org.id),
        privacy_version: Set(documents.privacy.clone()),
        terms_version: Set(terms),
        terms_language: Set(language.map(|l| l.code().to_owned())),
        automatic: Set(false),
        client_address: Set(Some(ctx.address.to_owned())),
        user_agent: Set(decision.user_agent.map(|ua| ua.chars().take(512).collect())),
        accepted_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    let data = webhooks::events::consent_data(
        &link.invitation,
        &user,
        documents.privacy.as_deref(),
        terms,
        false,
    );
    webhooks::emit(&txn, link.org.id, Event::ConsentGiven, data, ctx.clock).await?;
    accept_invitation(&txn, ctx, &link, user.id, Consent::Given).await?;
    txn.commit().await?;
    Ok(Decided::Next(if link.invitation.company_id.is_some() {
        Stage::Welcome
    } else {
        Stage::Company
    }))
}

/// The invitee's welcome page: their way in is finished (the first time
/// counts).
pub(crate) async fn reached_welcome(
    conn: &impl ConnectionTrait,
    link: &Link,
    clock: &dyn crate::clock::Clock,
) -> Result<(), DbErr> {
    progress::welcomed(conn, &link.invitation, clock.now()).await
}

/// How the invitee came to accept the current terms, for the audit trail.
#[derive(Clone, Copy)]
enum Consent {
    /// On the terms step, just now.
    Given,
    /// For an earlier invitation of the organization.
    GivenBefore,
    /// On their behalf: their domain is trusted.
    Automatic,
    /// The organization has no privacy statement or terms to accept.
    NothingToAccept,
}

/// Sets the invitation to `Accepted`, redeemed by the user, unless it is
/// already; an invitation to an existing company makes the user a member.
async fn accept_invitation(
    conn: &impl ConnectionTrait,
    ctx: &Context<'_>,
    link: &Link,
    user_id: Uuid,
    consent: Consent,
) -> Result<(), DbErr> {
    let now = ctx.clock.now();
    let accepted = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Status,
            sea_orm::sea_query::Expr::value(InvitationStatus::Accepted.code()),
        )
        .col_expr(
            invitation::Column::RedeemedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            invitation::Column::RedeemedBy,
            sea_orm::sea_query::Expr::value(user_id),
        )
        .filter(invitation::Column::Id.eq(link.invitation.id))
        .filter(invitation::Column::Status.eq(InvitationStatus::PendingAcceptance.code()))
        .exec(conn)
        .await?
        .rows_affected;
    if accepted == 0 {
        return Ok(());
    }
    let id = link.invitation.id;
    progress::advance(conn, id, ProgressStep::TermsAccepted, now).await?;
    if let Some(company_id) = link.invitation.company_id {
        // Joining the seller's company is this invitee's company step.
        progress::advance(conn, id, ProgressStep::CompanyCreated, now).await?;
        let role = link.invitation.company_role();
        let member = membership::Entity::find()
            .filter(membership::Column::CompanyId.eq(company_id))
            .filter(membership::Column::UserId.eq(user_id))
            .count(conn)
            .await?;
        if member == 0 {
            membership::ActiveModel {
                id: Set(Uuid::new_v4()),
                company_id: Set(company_id),
                user_id: Set(user_id),
                role: Set(role.code().to_owned()),
                created_at: Set(now),
            }
            .insert(conn)
            .await?;
        }
    }
    let entry = AuditEntry {
        organization_id: Some(link.org.id),
        actor_id: Some(user_id),
        action: "invitation.accepted",
        target_type: "invitation",
        target_id: link.invitation.id.to_string(),
        details: json!({
            "consent": match consent {
                Consent::Given => "given",
                Consent::GivenBefore => "given before",
                Consent::Automatic => "automatic",
                Consent::NothingToAccept => "nothing to accept",
            },
            "privacy_version": link.org.privacy_url.as_ref().map(|_| &link.org.privacy_version),
            "address": ctx.address,
        }),
    };
    audit::record(conn, entry, ctx.clock).await?;
    let mut data = webhooks::events::invitation_data(&link.invitation, InvitationStatus::Accepted);
    data["invitedUser"]["id"] = json!(user_id);
    data["redeemedAt"] = json!(now);
    webhooks::emit(
        conn,
        link.org.id,
        Event::InvitationAccepted,
        data,
        ctx.clock,
    )
    .await
}

/// A company form the server refused, kept in the browser's session so the
/// page shows it again with its messages (for browsers without JavaScript).
const REFUSED_COMPANY: &str = "refused_company";

/// The company step of the link `raw` for this browser; `None` for an
/// unknown link.
pub async fn company_view(
    ctx: &Context<'_>,
    raw: &str,
    visit: Option<&Visit>,
) -> Result<Option<CompanyView>, DbErr> {
    let link = match place(ctx, raw, visit).await? {
        None => return Ok(None),
        Some(Place::SignIn) => return Ok(Some(CompanyView::Elsewhere(Stage::SignIn))),
        Some(Place::At { stage, .. }) if stage != Stage::Company => {
            return Ok(Some(CompanyView::Elsewhere(stage)))
        }
        Some(Place::At { link, .. }) => link,
    };
    let refused = visit
        .map(|v| &v.data[REFUSED_COMPANY])
        .filter(|r| r["ticket"].as_str() == Some(raw));
    let (source, resubmitted) = match refused {
        Some(refused) => (refused["values"].clone(), true),
        None => (
            link.invitation.company_draft.clone().unwrap_or_default(),
            false,
        ),
    };
    let values = CompanyField::ALL
        .into_iter()
        .map(|f| {
            let value = source[f.api_name()].as_str().unwrap_or_default();
            (f, value.to_owned())
        })
        .collect();
    Ok(Some(CompanyView::Show(CompanyPage {
        org_name: link.org.name.clone(),
        values,
        resubmitted,
    })))
}

/// What submitting the company did.
#[derive(Debug, PartialEq, Eq)]
pub enum CompanyOutcome {
    /// Created (or created already by an earlier submit): on to this step.
    Next(Stage),
    /// One problem per field that has one; nothing was written.
    Invalid(Vec<(CompanyField, CompanyProblem)>),
    /// Not the company step (any more, or yet): to this step.
    Elsewhere(Stage),
    NotFound,
}

/// Creates the invitee's company from the submitted fields: the company,
/// the invitee's `company_admin` membership and the invitation's link to it
/// commit together, and a second submit finds the company made by the first.
/// `keep_refused` keeps refused values for the page to show again.
pub async fn create_company(
    ctx: &Context<'_>,
    raw: &str,
    visit: Option<&Visit>,
    submitted: &std::collections::HashMap<String, String>,
    keep_refused: bool,
) -> Result<CompanyOutcome, DbErr> {
    let (link, user) = match place(ctx, raw, visit).await? {
        None => return Ok(CompanyOutcome::NotFound),
        Some(Place::SignIn) => return Ok(CompanyOutcome::Elsewhere(Stage::SignIn)),
        Some(Place::At { stage, .. }) if stage != Stage::Company => {
            return Ok(CompanyOutcome::Elsewhere(stage))
        }
        Some(Place::At { link, user, .. }) => (link, user),
    };
    let value_of = |f: CompanyField| submitted.get(f.form_name()).cloned().unwrap_or_default();
    let values = match check_company(value_of) {
        Ok(values) => values,
        Err(problems) => {
            if let Some(visit) = visit.filter(|_| keep_refused) {
                let kept: serde_json::Map<String, serde_json::Value> = CompanyField::ALL
                    .into_iter()
                    .map(|f| (f.api_name().to_owned(), value_of(f).into()))
                    .collect();
                let refused = json!({ "ticket": raw, "values": kept });
                crate::auth::session::set_visit_value(ctx.db, visit, REFUSED_COMPANY, refused)
                    .await?;
            }
            return Ok(CompanyOutcome::Invalid(problems));
        }
    };
    let value = |f: CompanyField| {
        values
            .iter()
            .find(|(field, _)| *field == f)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let optional = |f: CompanyField| Some(value(f)).filter(|v| !v.is_empty());
    let txn = crate::store::begin_write(ctx.db).await?;
    // The invitation, locked: a second submit waits here, then finds the company.
    let Some(locked) = find(&txn, raw, true).await? else {
        return Ok(CompanyOutcome::NotFound);
    };
    if locked.invitation.company_id.is_some() {
        return Ok(CompanyOutcome::Next(Stage::Welcome));
    }
    let now = ctx.clock.now();
    let company_id = Uuid::new_v4();
    company::ActiveModel {
        id: Set(company_id),
        organization_id: Set(link.org.id),
        legal_name: Set(value(CompanyField::LegalName)),
        street: Set(value(CompanyField::Street)),
        postal_code: Set(value(CompanyField::PostalCode)),
        city: Set(value(CompanyField::City)),
        country: Set(value(CompanyField::Country)),
        tax_id: Set(optional(CompanyField::TaxId)),
        phone: Set(optional(CompanyField::Phone)),
        website: Set(optional(CompanyField::Website)),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    membership::ActiveModel {
        id: Set(Uuid::new_v4()),
        company_id: Set(company_id),
        user_id: Set(user.id),
        role: Set(CompanyRole::CompanyAdmin.code().to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::CompanyId,
            sea_orm::sea_query::Expr::value(company_id),
        )
        .filter(invitation::Column::Id.eq(link.invitation.id))
        .exec(&txn)
        .await?;
    progress::advance(&txn, link.invitation.id, ProgressStep::CompanyCreated, now).await?;
    let entry = AuditEntry {
        organization_id: Some(link.org.id),
        actor_id: Some(user.id),
        action: "company.created",
        target_type: "company",
        target_id: company_id.to_string(),
        details: json!({
            "invitation": link.invitation.id.to_string(),
            "legal_name": value(CompanyField::LegalName),
            "country": value(CompanyField::Country),
        }),
    };
    audit::record(&txn, entry, ctx.clock).await?;
    let data = json!({
        "id": company_id,
        "legalName": value(CompanyField::LegalName),
        "street": value(CompanyField::Street),
        "postalCode": value(CompanyField::PostalCode),
        "city": value(CompanyField::City),
        "country": value(CompanyField::Country),
        "taxId": optional(CompanyField::TaxId),
        "phone": optional(CompanyField::Phone),
        "website": optional(CompanyField::Website),
        "createdBy": { "id": user.id, "mail": user.email },
        "invitationId": link.invitation.id,
    });
    webhooks::emit(&txn, link.org.id, Event::CompanyCreated, data, ctx.clock).await?;
    if let Some(visit) = visit {
        crate::auth::session::set_visit_value(
            &txn,
            visit,
            REFUSED_COMPANY,
            serde_json::Value::Null,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(CompanyOutcome::Next(Stage::Welcome))
}

/// The company the invitation made the invitee a member of, by name, and
/// the organization's links for the welcome page.
pub(crate) async fn welcome(
    conn: &impl ConnectionTrait,
    link: &Link,
) -> Result<(Option<String>, Vec<WelcomeLink>), DbErr> {
    let company = match link.invitation.company_id {
        Some(id) => company::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let links = link
        .org
        .welcome_links
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|l| {
                    Some(WelcomeLink {
                        label: l["label"].as_str()?.to_owned(),
                        url: l["url"].as_str()?.to_owned(),
                        language: l["language"].as_str().and_then(Locale::from_code),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((company.map(|c| c.legal_name), links))
}
