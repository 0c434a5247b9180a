//! The address invitees see in an operator's invitations. By default it is
//! the address the operator signs in with; an operator may name another
//! (a team mailbox, say), so that the sign-in address is not shown in every
//! invitation email to people outside the seller.

use app::model::email::normalize_email;
use app::model::operator::ContactOutcome;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::user;

/// What invitees see for `operator`: their contact address, else the one
/// they sign in with.
pub fn shown_address(operator: &user::Model) -> &str {
    operator.contact_email.as_deref().unwrap_or(&operator.email)
}

/// Sets `operator`'s contact address in `organization_id` to `raw`, checked
/// by the same rules as every address; blank goes back to the sign-in
/// address. Refused input changes nothing.
pub async fn save(
    db: &DatabaseConnection,
    organization_id: Uuid,
    operator: user::Model,
    raw: &str,
    clock: &dyn Clock,
) -> Result<ContactOutcome, DbErr> {
    let contact = if raw.trim().is_empty() {
        None
    } else {
        match normalize_email(raw) {
            Ok(email) => Some(email).filter(|e| *e != operator.email),
            Err(problem) => return Ok(ContactOutcome::Invalid(problem)),
        }
    };
    let user_id = operator.id;
    let txn = crate::store::begin_write(db).await?;
    let mut row = operator.into_active_model();
    row.contact_email = Set(contact.clone());
    row.updated_at = Set(clock.now());
    let saved = row.update(&txn).await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: Some(user_id),
        action: "operator.contact_changed",
        target_type: "user",
        target_id: user_id.to_string(),
        details: json!({ "contact": contact }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(ContactOutcome::Saved {
        contact: shown_address(&saved).to_owned(),
    })
}
