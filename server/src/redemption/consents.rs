//! The organization's terms of use, published by admins as numbered
//! versions, and the consents invitees gave, exported as CSV for the
//! seller's records.

use app::i18n::Locale;
use app::model::terms::{PublishedTerms, TermsOutcome, TermsView};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::spreadsheet::SpreadsheetCsv;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{consent, terms_version, user};

fn shown(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The current terms and the number of consents, for the dashboard.
pub async fn view(db: &DatabaseConnection, org_id: Uuid) -> Result<TermsView, DbErr> {
    let current = terms_version::Entity::find()
        .filter(terms_version::Column::OrganizationId.eq(org_id))
        .order_by_desc(terms_version::Column::Version)
        .one(db)
        .await?;
    let consents = consent::Entity::find()
        .filter(consent::Column::OrganizationId.eq(org_id))
        .count(db)
        .await?;
    Ok(TermsView {
        current: current.map(|t| {
            let korean = crate::documents::texts(&t)
                .into_iter()
                .find(|(l, _)| *l == Locale::Ko)
                .map(|(_, text)| text);
            PublishedTerms {
                version: t.version,
                published_at: shown(t.published_at),
                html: super::terms::render(&t.body_markdown),
                markdown: t.body_markdown,
                html_ko: korean.as_deref().map(super::terms::render),
                markdown_ko: korean,
            }
        }),
        consents,
    })
}

/// The texts of a terms version, each language published together.
pub struct Texts {
    pub en: String,
    pub ko: Option<String>,
}

/// Publishes `texts` (already checked) as the next version, unless they
/// are the current version's: publishing the same again would ask every
/// customer again for nothing.
pub async fn publish(
    db: &DatabaseConnection,
    org_id: Uuid,
    admin_id: Uuid,
    texts: Texts,
    clock: &dyn Clock,
) -> Result<TermsOutcome, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let latest = terms_version::Entity::find()
        .filter(terms_version::Column::OrganizationId.eq(org_id))
        .order_by_desc(terms_version::Column::Version)
        .one(&txn)
        .await?;
    let translations = texts.ko.as_ref().map(|ko| json!({ Locale::Ko.code(): ko }));
    if let Some(latest) = &latest {
        let korean = crate::documents::texts(latest)
            .into_iter()
            .find(|(l, _)| *l == Locale::Ko)
            .map(|(_, text)| text);
        if latest.body_markdown == texts.en && korean == texts.ko {
            return Ok(TermsOutcome::Unchanged {
                version: latest.version,
            });
        }
    }
    let version = latest.map_or(1, |t| t.version + 1);
    terms_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(org_id),
        version: Set(version),
        body_markdown: Set(texts.en),
        published_by: Set(Some(admin_id)),
        published_at: Set(clock.now()),
        translations: Set(translations),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        organization_id: Some(org_id),
        actor_id: Some(admin_id),
        action: "terms.published",
        target_type: "terms_version",
        target_id: version.to_string(),
        details: json!({ "version": version }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(TermsOutcome::Published { version })
}

/// Every consent given to the organization, oldest first, as CSV.
pub async fn csv(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<String, DbErr> {
    let given = consent::Entity::find()
        .filter(consent::Column::OrganizationId.eq(org_id))
        .order_by_asc(consent::Column::AcceptedAt)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = given.iter().map(|c| c.user_id).collect();
    let users: std::collections::HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out = SpreadsheetCsv::default();
    let header = [
        "accepted_at",
        "email",
        "name",
        "privacy_version",
        "terms_version",
        "terms_language",
        "automatic",
        "client_address",
        "user_agent",
    ];
    let failed = |e: csv::Error| DbErr::Custom(e.to_string());
    out.row(&header).map_err(failed)?;
    for c in given {
        let (email, name) = users
            .get(&c.user_id)
            .map(|u| (u.email.clone(), u.display_name.clone().unwrap_or_default()))
            .unwrap_or_default();
        out.row(&[
            c.accepted_at.to_rfc3339(),
            email,
            name,
            c.privacy_version.clone().unwrap_or_default(),
            c.terms_version.map(|v| v.to_string()).unwrap_or_default(),
            c.terms_language.clone().unwrap_or_default(),
            c.automatic.to_string(),
            c.client_address.clone().unwrap_or_default(),
            c.user_agent.clone().unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    out.finish().map_err(failed)
}
