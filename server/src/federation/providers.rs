//! The identity providers an organization configures: stored with the
//! client secret sealed under the server key, never shown again and never
//! logged; and which of them applies to an invited address.

use app::model::providers::{
    any_tenant, domain_of, NewProvider, ProviderKind, ProviderProblem, ProviderRow,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::oidc::ProviderClient;
use crate::clock::Clock;
use crate::sealed;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::identity_provider::{self, Model as Provider};

pub async fn list(conn: &impl ConnectionTrait, org_id: Uuid) -> Result<Vec<Provider>, DbErr> {
    identity_provider::Entity::find()
        .filter(identity_provider::Column::OrganizationId.eq(org_id))
        .order_by_asc(identity_provider::Column::CreatedAt)
        .all(conn)
        .await
}

pub fn kind_of(provider: &Provider) -> ProviderKind {
    ProviderKind::from_code(&provider.kind).unwrap_or(ProviderKind::Oidc)
}

pub fn domains_of(provider: &Provider) -> Vec<String> {
    serde_json::from_value(provider.domains.clone()).unwrap_or_default()
}

/// The domains whose addresses the provider's word proves without
/// `email_verified`: those of a provider the admin marked as owning them.
/// Never those of the multi-tenant issuer, whose users in any tenant may set
/// any address ("nOAuth"); the form refuses that pairing, and this holds for
/// rows stored before it did.
pub fn owned_domains(provider: &Provider) -> Option<Vec<String>> {
    (provider.authoritative && !any_tenant(&provider.issuer)).then(|| domains_of(provider))
}

/// The dashboard's view of a provider: everything but the secret.
pub fn row(provider: &Provider) -> ProviderRow {
    ProviderRow {
        id: provider.id.to_string(),
        kind: kind_of(provider),
        display_name: provider.display_name.clone(),
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        domains: domains_of(provider),
        authoritative: provider.authoritative,
    }
}

/// The provider with its secret opened, for one flow; `None` when the
/// secret does not open (the server key changed since it was sealed).
pub fn client_of(provider: &Provider, key: &[u8; 32]) -> Option<ProviderClient> {
    let secret = sealed::open(
        key,
        &provider.id.to_string(),
        &provider.client_secret_sealed,
    );
    if secret.is_none() {
        tracing::error!(provider = %provider.id, "the client secret does not open with this server key");
    }
    Some(ProviderClient {
        id: provider.id,
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        client_secret: secret?,
    })
}

/// What the organization's providers leave no room for: a second Google or
/// Microsoft, or a domain another provider signs in.
pub async fn conflicts(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    new: &NewProvider,
) -> Result<Vec<ProviderProblem>, DbErr> {
    let existing = list(conn, org_id).await?;
    if new.kind != ProviderKind::Oidc && existing.iter().any(|p| kind_of(p) == new.kind) {
        // A second Google would repeat Google's domains: one answer is enough.
        return Ok(vec![ProviderProblem::KindTaken(new.kind)]);
    }
    Ok(new
        .domains
        .iter()
        .filter(|domain| existing.iter().any(|p| domains_of(p).contains(domain)))
        .map(|domain| ProviderProblem::DomainTaken(domain.clone()))
        .collect())
}

/// Adds `new` for the organization, unless it [`conflicts`] with the
/// providers there.
pub async fn add(
    db: &DatabaseConnection,
    key: &[u8; 32],
    clock: &dyn Clock,
    org_id: Uuid,
    actor_id: Uuid,
    new: NewProvider,
) -> Result<Result<Uuid, Vec<ProviderProblem>>, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let problems = conflicts(&txn, org_id, &new).await?;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let id = Uuid::new_v4();
    let secret = Secret::new(new.client_secret);
    let sealed = sealed::seal(key, &id.to_string(), &secret)
        .ok_or_else(|| DbErr::Custom("cannot seal the client secret".into()))?;
    identity_provider::ActiveModel {
        id: Set(id),
        organization_id: Set(org_id),
        kind: Set(new.kind.code().to_owned()),
        display_name: Set(new.display_name.clone()),
        issuer: Set(new.issuer.clone()),
        client_id: Set(new.client_id.clone()),
        client_secret_sealed: Set(sealed),
        domains: Set(json!(new.domains)),
        authoritative: Set(new.authoritative),
        created_at: Set(clock.now()),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        organization_id: Some(org_id),
        actor_id: Some(actor_id),
        action: "identity_provider.added",
        target_type: "identity_provider",
        target_id: id.to_string(),
        details: json!({
            "kind": new.kind.code(),
            "name": new.display_name,
            "issuer": new.issuer,
            "client_id": new.client_id,
            "domains": new.domains,
            "authoritative": new.authoritative,
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Removes a provider; `false` when the organization has no such provider.
/// Identities it linked stay, so the accounts keep their users.
pub async fn remove(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    org_id: Uuid,
    actor_id: Uuid,
    id: Uuid,
) -> Result<bool, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let deleted = identity_provider::Entity::delete_many()
        .filter(identity_provider::Column::Id.eq(id))
        .filter(identity_provider::Column::OrganizationId.eq(org_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted == 1 {
        let entry = AuditEntry {
            organization_id: Some(org_id),
            actor_id: Some(actor_id),
            action: "identity_provider.removed",
            target_type: "identity_provider",
            target_id: id.to_string(),
            details: json!({}),
        };
        audit::record(&txn, entry, clock).await?;
    }
    txn.commit().await?;
    Ok(deleted == 1)
}

/// The providers that could sign in an address, by discovery's methods.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    /// A customer organization's provider that lists the address's domain.
    pub organization_idp: Option<Provider>,
    pub google: Option<Provider>,
    /// Microsoft, when configured for the address's domain.
    pub microsoft: Option<Provider>,
}

pub fn candidates(providers: &[Provider], email: &str) -> Candidates {
    let domain = domain_of(email).unwrap_or_default();
    let find = |kind: ProviderKind, by_domain: bool| {
        providers
            .iter()
            .find(|p| {
                kind_of(p) == kind && (!by_domain || domains_of(p).iter().any(|d| d == domain))
            })
            .cloned()
    };
    Candidates {
        organization_idp: find(ProviderKind::Oidc, true),
        google: find(ProviderKind::Google, false),
        microsoft: find(ProviderKind::Microsoft, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(issuer: &str, authoritative: bool) -> Provider {
        Provider {
            id: Uuid::new_v4(),
            organization_id: Uuid::new_v4(),
            kind: "microsoft".into(),
            display_name: "Microsoft".into(),
            issuer: issuer.into(),
            client_id: "lobby".into(),
            client_secret_sealed: String::new(),
            domains: json!(["fabrikam.example"]),
            authoritative,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn only_a_single_tenant_provider_marked_so_owns_its_domains() {
        let one_tenant =
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
        let any_tenant = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert_eq!(
            owned_domains(&provider(one_tenant, true)),
            Some(vec!["fabrikam.example".to_owned()])
        );
        assert_eq!(owned_domains(&provider(one_tenant, false)), None);
        assert_eq!(owned_domains(&provider(any_tenant, true)), None);
    }
}
