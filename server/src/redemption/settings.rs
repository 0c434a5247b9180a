//! An organization's sign-in settings (architecture.md §3.2): the order in which
//! discovery tries the methods, and whether emailed passcodes are offered;
//! the privacy statement invitees accept; its own domains and the trusted
//! domains whose invitees skip that step; and the links its customers find
//! on their welcome page.

use app::model::discovery::Method;
use app::model::domains::DomainKind;
use app::model::journey::{Privacy, WelcomeLink};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::step::stored_order;
use crate::clock::Clock;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::organization;

fn codes(order: &[Method]) -> Vec<&'static str> {
    order.iter().map(|m| m.code()).collect()
}

/// Who changes which organization, and what the audit trail calls it.
struct Change<'a> {
    pub organization_id: Uuid,
    pub admin_id: Uuid,
    pub action: &'static str,
    pub clock: &'a dyn Clock,
}

/// Changes the organization with `apply` (which returns the before and
/// after for the audit event) and records the event, in one transaction
/// with the row locked.
async fn change(
    db: &DatabaseConnection,
    who: Change<'_>,
    apply: impl FnOnce(&mut organization::ActiveModel, &organization::Model) -> (Value, Value),
) -> Result<(), DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let org = organization::Entity::find_by_id(who.organization_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("organization".into()))?;
    let mut row = org.clone().into_active_model();
    let (before, after) = apply(&mut row, &org);
    row.update(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(who.organization_id),
        actor_id: Some(who.admin_id),
        action: who.action,
        target_type: "organization",
        target_id: who.organization_id.to_string(),
        details: json!({ "before": before, "after": after }),
    };
    audit::record(&txn, entry, who.clock).await?;
    txn.commit().await
}

/// Saves `order` (already checked to name every method once) and the
/// passcode switch, with an audit event that holds the before and after.
pub async fn save(
    db: &DatabaseConnection,
    organization_id: Uuid,
    admin_id: Uuid,
    order: &[Method],
    passcode_enabled: bool,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let who = Change {
        organization_id,
        admin_id,
        action: "organization.sign_in_settings_changed",
        clock,
    };
    change(db, who, |row, org| {
        row.redemption_order = Set(json!(codes(order)));
        row.email_otp_enabled = Set(passcode_enabled);
        (
            json!({ "order": codes(&stored_order(org)), "emailOtpEnabled": org.email_otp_enabled }),
            json!({ "order": codes(order), "emailOtpEnabled": passcode_enabled }),
        )
    })
    .await
}

/// Saves the links of the customers' welcome page (already checked), with
/// an audit event that holds the before and after.
pub async fn save_welcome_links(
    db: &DatabaseConnection,
    organization_id: Uuid,
    admin_id: Uuid,
    links: &[WelcomeLink],
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let who = Change {
        organization_id,
        admin_id,
        action: "organization.welcome_links_changed",
        clock,
    };
    change(db, who, |row, org| {
        let after = json!(links);
        row.welcome_links = Set(after.clone());
        (org.welcome_links.clone(), after)
    })
    .await
}

/// Saves the privacy statement's address and version (already checked),
/// with an audit event that holds the before and after. Consents name the
/// version, so a new one asks every invitee again.
pub async fn save_privacy(
    db: &DatabaseConnection,
    organization_id: Uuid,
    admin_id: Uuid,
    privacy: &Privacy,
    clock: &dyn Clock,
) -> Result<(), DbErr> {
    let who = Change {
        organization_id,
        admin_id,
        action: "organization.privacy_statement_changed",
        clock,
    };
    change(db, who, |row, org| {
        row.privacy_url = Set(privacy.url.clone());
        row.privacy_version = Set(privacy.version.clone());
        (
            json!({ "url": org.privacy_url, "version": org.privacy_version }),
            json!({ "url": privacy.url, "version": privacy.version }),
        )
    })
    .await
}

/// The organization's own or trusted domains.
pub fn domains(org: &organization::Model, kind: DomainKind) -> Vec<String> {
    let list = match kind {
        DomainKind::Own => &org.verified_domains,
        DomainKind::Trusted => &org.trusted_domains,
    };
    serde_json::from_value(list.clone()).unwrap_or_default()
}

/// Saves a list of domains (already checked), with an audit event that
/// holds the before and after. An own domain belongs to one organization:
/// one that another has is returned and nothing changes.
pub async fn save_domains(
    db: &DatabaseConnection,
    (organization_id, admin_id): (Uuid, Uuid),
    kind: DomainKind,
    list: &[String],
    clock: &dyn Clock,
) -> Result<Result<(), String>, DbErr> {
    if kind == DomainKind::Own {
        let others = organization::Entity::find()
            .filter(organization::Column::Id.ne(organization_id))
            .all(db)
            .await?;
        let taken = list
            .iter()
            .find(|d| others.iter().any(|o| domains(o, kind).contains(d)));
        if let Some(taken) = taken {
            return Ok(Err(taken.clone()));
        }
    }
    let who = Change {
        organization_id,
        admin_id,
        action: match kind {
            DomainKind::Own => "organization.domains_changed",
            DomainKind::Trusted => "organization.trusted_domains_changed",
        },
        clock,
    };
    change(db, who, |row, org| {
        let after = json!(list);
        let before = json!(domains(org, kind));
        match kind {
            DomainKind::Own => row.verified_domains = Set(after.clone()),
            DomainKind::Trusted => row.trusted_domains = Set(after.clone()),
        }
        (before, after)
    })
    .await
    .map(Ok)
}
