//! An organization's sign-in settings (DESIGN §5.2): the order in which
//! discovery tries the methods, and whether emailed passcodes are offered;
//! the privacy statement invitees accept; and the links its customers find
//! on their welcome page.

use app::model::discovery::Method;
use app::model::journey::{Privacy, WelcomeLink};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::sign_in::stored_order;
use crate::clock::Clock;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::organization;

fn codes(order: &[Method]) -> Vec<&'static str> {
    order.iter().map(|m| m.code()).collect()
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
    let txn = crate::store::begin_write(db).await?;
    let org = organization::Entity::find_by_id(organization_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("organization".into()))?;
    let before = json!({
        "order": codes(&stored_order(&org)),
        "emailOtpEnabled": org.email_otp_enabled,
    });
    let mut row = org.into_active_model();
    row.redemption_order = Set(json!(codes(order)));
    row.email_otp_enabled = Set(passcode_enabled);
    row.update(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: Some(admin_id),
        action: "organization.sign_in_settings_changed",
        target_type: "organization",
        target_id: organization_id.to_string(),
        details: json!({
            "before": before,
            "after": { "order": codes(order), "emailOtpEnabled": passcode_enabled },
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await
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
    let txn = crate::store::begin_write(db).await?;
    let org = organization::Entity::find_by_id(organization_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("organization".into()))?;
    let before = org.welcome_links.clone();
    let after = json!(links);
    let mut row = org.into_active_model();
    row.welcome_links = Set(after.clone());
    row.update(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: Some(admin_id),
        action: "organization.welcome_links_changed",
        target_type: "organization",
        target_id: organization_id.to_string(),
        details: json!({ "before": before, "after": after }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await
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
    let txn = crate::store::begin_write(db).await?;
    let org = organization::Entity::find_by_id(organization_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("organization".into()))?;
    let before = json!({ "url": org.privacy_url, "version": org.privacy_version });
    let mut row = org.into_active_model();
    row.privacy_url = Set(privacy.url.clone());
    row.privacy_version = Set(privacy.version.clone());
    row.update(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: Some(admin_id),
        action: "organization.privacy_statement_changed",
        target_type: "organization",
        target_id: organization_id.to_string(),
        details: json!({
            "before": before,
            "after": { "url": privacy.url, "version": privacy.version },
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await
}
