//! The organization's terms of use, published by admins as numbered
//! versions, and the consents invitees gave, exported as CSV for the
//! seller's records.

use app::model::terms::{PublishedTerms, TermsView};
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
        current: current.map(|t| PublishedTerms {
            version: t.version,
            published_at: shown(t.published_at),
            html: super::terms::render(&t.body_markdown),
            markdown: t.body_markdown,
        }),
        consents,
    })
}

/// Publishes `markdown` (already checked) as the next version; its number.
pub async fn publish(
    db: &DatabaseConnection,
    org_id: Uuid,
    admin_id: Uuid,
    markdown: String,
    clock: &dyn Clock,
) -> Result<i32, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let latest = terms_version::Entity::find()
        .filter(terms_version::Column::OrganizationId.eq(org_id))
        .order_by_desc(terms_version::Column::Version)
        .one(&txn)
        .await?;
    let version = latest.map_or(1, |t| t.version + 1);
    terms_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(org_id),
        version: Set(version),
        body_markdown: Set(markdown),
        published_by: Set(Some(admin_id)),
        published_at: Set(clock.now()),
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
    Ok(version)
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
            c.privacy_version.clone(),
            c.terms_version.to_string(),
            c.automatic.to_string(),
            c.client_address.clone().unwrap_or_default(),
            c.user_agent.clone().unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    out.finish().map_err(failed)
}
