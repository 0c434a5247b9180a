//! The endpoints an organization's admins register: an https URL (http on
//! loopback only) that is, and resolves to, a public address unless the
//! admin allowed private ones for it; the events it receives; and its
//! signing secret, shown once and kept sealed (Lobby signs with it).

use std::net::IpAddr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde_json::json;
use url::{Host, Url};
use uuid::Uuid;

use super::signing;
use crate::clock::Clock;
use crate::provider::apps::refusal_of_uri;
use crate::public_address::is_public;
use crate::sealed;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::webhook_endpoint;
use app::model::webhooks::{NewWebhook, WebhookProblem};

/// An endpoint to register, for the organization, by whom.
pub struct Registration {
    pub organization_id: Uuid,
    pub webhook: NewWebhook,
    /// Who registers it; `None` from the command line.
    pub actor: Option<Uuid>,
}

#[derive(Debug)]
pub struct Created {
    pub id: Uuid,
    /// Shown once; Lobby keeps it sealed.
    pub secret: Secret<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("the endpoint is refused: {0:?}")]
    Invalid(Vec<WebhookProblem>),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// What is wrong with `url` as an endpoint, if anything: its shape (as an
/// app's addresses: https, or http on loopback; no credentials, no
/// fragment), then where its host leads. A name must resolve, and without
/// `allow_private` to public addresses only. Delivery checks the addresses
/// again as it connects, since a name can be pointed elsewhere later.
pub async fn refusal(url: &str, allow_private: bool) -> Option<WebhookProblem> {
    if let Some(problem) = refusal_of_uri(url) {
        return Some(WebhookProblem::Url(problem));
    }
    let url = Url::parse(url).ok()?;
    let port = url.port_or_known_default().unwrap_or(443);
    let (host, addresses): (String, Vec<IpAddr>) = match url.host()? {
        Host::Ipv4(ip) => (ip.to_string(), vec![IpAddr::V4(ip)]),
        Host::Ipv6(ip) => (ip.to_string(), vec![IpAddr::V6(ip)]),
        Host::Domain(name) => {
            let found = tokio::net::lookup_host((name, port)).await;
            let found = found.map(|a| a.map(|s| s.ip()).collect());
            (name.to_owned(), found.unwrap_or_default())
        }
    };
    if addresses.is_empty() {
        return Some(WebhookProblem::Unresolved(host));
    }
    let private = addresses.into_iter().find(|ip| !is_public(*ip));
    match private {
        Some(address) if !allow_private => Some(WebhookProblem::PrivateAddress {
            host,
            address: address.to_string(),
        }),
        _ => None,
    }
}

/// The value the secret of endpoint `id` is sealed for.
fn sealed_for(id: Uuid) -> String {
    format!("webhook:{id}")
}

/// Registers an endpoint; its id and secret.
pub async fn create(
    db: &DatabaseConnection,
    key: &[u8; 32],
    registration: Registration,
    clock: &dyn Clock,
) -> Result<Created, WebhookError> {
    let Registration {
        organization_id,
        webhook,
        actor,
    } = registration;
    if let Some(problem) = refusal(&webhook.url, webhook.allow_private).await {
        return Err(WebhookError::Invalid(vec![problem]));
    }
    let id = Uuid::new_v4();
    let secret = signing::new_secret();
    let sealed = sealed::seal(key, &sealed_for(id), &secret)
        .ok_or_else(|| DbErr::Custom("cannot seal the webhook secret".into()))?;
    let events: Vec<&str> = webhook.events.iter().map(|e| e.name()).collect();
    let txn = crate::store::begin_write(db).await?;
    webhook_endpoint::ActiveModel {
        id: Set(id),
        organization_id: Set(organization_id),
        url: Set(webhook.url.clone()),
        events: Set(json!(events)),
        secret_sealed: Set(sealed),
        allow_private: Set(webhook.allow_private),
        created_by: Set(actor),
        created_at: Set(clock.now()),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: actor,
        action: "webhook.created",
        target_type: "webhook_endpoint",
        target_id: id.to_string(),
        details: json!({
            "url": webhook.url,
            "events": events,
            "allow_private": webhook.allow_private,
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(Created { id, secret })
}

/// The organization's endpoints, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    organization_id: Uuid,
) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganizationId.eq(organization_id))
        .order_by_asc(webhook_endpoint::Column::CreatedAt)
        .all(db)
        .await
}

/// Removes endpoint `id` of the organization with its deliveries; `false`
/// when there is none.
pub async fn delete(
    db: &DatabaseConnection,
    organization_id: Uuid,
    id: Uuid,
    actor: Option<Uuid>,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let removed = webhook_endpoint::Entity::delete_many()
        .filter(webhook_endpoint::Column::Id.eq(id))
        .filter(webhook_endpoint::Column::OrganizationId.eq(organization_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        return Ok(false);
    }
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: actor,
        action: "webhook.deleted",
        target_type: "webhook_endpoint",
        target_id: id.to_string(),
        details: json!({}),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(true)
}

/// The secret of `endpoint`, if it opens with this server key.
pub fn secret_of(endpoint: &webhook_endpoint::Model, key: &[u8; 32]) -> Option<Secret<String>> {
    sealed::open(key, &sealed_for(endpoint.id), &endpoint.secret_sealed)
}

/// Whether `endpoint` receives `event`.
pub fn receives(endpoint: &webhook_endpoint::Model, event: super::Event) -> bool {
    endpoint
        .events
        .as_array()
        .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(event.name())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::apps::UriProblem;

    #[tokio::test]
    async fn addresses_are_refused_by_name() {
        let refused = |url: &'static str, allow| async move { refusal(url, allow).await };
        assert_eq!(
            refused("http://hooks.example.com/x", false).await,
            Some(WebhookProblem::Url(UriProblem::PlainHttp))
        );
        assert_eq!(
            refused("https://user:pw@hooks.example.com/x", false).await,
            Some(WebhookProblem::Url(UriProblem::Credentials))
        );
        assert_eq!(
            refused("ftp://hooks.example.com/x", false).await,
            Some(WebhookProblem::Url(UriProblem::Scheme))
        );
        assert_eq!(
            refused("https://169.254.169.254/latest", false).await,
            Some(WebhookProblem::PrivateAddress {
                host: "169.254.169.254".into(),
                address: "169.254.169.254".into()
            })
        );
        // A name is judged by what it resolves to.
        let localhost = refused("http://localhost:9/hook", false).await;
        assert!(
            matches!(&localhost, Some(WebhookProblem::PrivateAddress { host, address })
                if host == "localhost" && (address == "127.0.0.1" || address == "::1")),
            "{localhost:?}"
        );
        assert_eq!(refused("http://127.0.0.1:9/hook", true).await, None);
        assert_eq!(
            refused("https://no-such-host.invalid/hook", true).await,
            Some(WebhookProblem::Unresolved("no-such-host.invalid".into()))
        );
    }
}
