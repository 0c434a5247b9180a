//! The seller's apps that sign customers in through Lobby: registered with
//! exact redirect URIs, public (PKCE only) or confidential (a client secret
//! shown once and stored as a SHA-256 hash: it carries 256 random bits).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::app;

/// The scopes an app may ask for unless it is registered with fewer.
pub const SCOPES: [&str; 3] = ["openid", "profile", "email"];

pub struct NewApp {
    pub organization_id: Uuid,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_uris: Vec<String>,
    /// A public app (a browser or native app) has no secret: PKCE alone.
    pub public: bool,
    pub launch_url: Option<String>,
    pub company_admins_only: bool,
    /// Who registers it; `None` from the command line.
    pub actor: Option<Uuid>,
}

pub struct CreatedApp {
    pub client_id: String,
    /// A confidential app's secret, shown once and never stored.
    pub secret: Option<Secret<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the app's name must be 1 to 100 characters")]
    Name,
    #[error("an app needs at least one redirect URI")]
    NoRedirectUri,
    #[error("{uri}: {why}")]
    Uri { uri: String, why: &'static str },
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Why `raw` cannot be an app's redirect, post-logout or launch URI, if it
/// cannot: it is absolute, https (http only on loopback, for development
/// and native apps), without credentials or fragment.
pub fn refusal_of_uri(raw: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(raw) else {
        return Some("not an absolute URL");
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Some("not an absolute URL"),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Some("http is only for loopback addresses; use https"),
        _ => return Some("only https (or http on loopback) is allowed"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("a URL with credentials is refused");
    }
    if url.fragment().is_some() {
        return Some("a redirect URI has no fragment");
    }
    None
}

fn checked(uris: &[String]) -> Result<Vec<String>, AppError> {
    uris.iter()
        .map(|uri| match refusal_of_uri(uri) {
            Some(why) => Err(AppError::Uri {
                uri: uri.clone(),
                why,
            }),
            None => Ok(uri.clone()),
        })
        .collect()
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Registers an app; its client id and, for a confidential one, its secret.
pub async fn create(
    db: &DatabaseConnection,
    new: NewApp,
    clock: &dyn Clock,
) -> Result<CreatedApp, AppError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Name);
    }
    if new.redirect_uris.is_empty() {
        return Err(AppError::NoRedirectUri);
    }
    let redirect_uris = checked(&new.redirect_uris)?;
    let post_logout_uris = checked(&new.post_logout_uris)?;
    let launch_url = checked(new.launch_url.as_slice())?.pop();
    let client_id = hex::encode(rand::random::<[u8; 16]>());
    let secret = (!new.public).then(|| Secret::new(hex::encode(rand::random::<[u8; 32]>())));
    let now = clock.now();
    let id = Uuid::new_v4();
    let txn = crate::store::begin_write(db).await?;
    app::ActiveModel {
        id: Set(id),
        organization_id: Set(new.organization_id),
        client_id: Set(client_id.clone()),
        name: Set(name.to_owned()),
        redirect_uris: Set(json!(redirect_uris)),
        post_logout_uris: Set(json!(post_logout_uris)),
        secret_hash: Set(secret.as_ref().map(|s| digest(s.expose()))),
        scopes: Set(json!(SCOPES)),
        launch_url: Set(launch_url.clone()),
        company_admins_only: Set(new.company_admins_only),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        organization_id: Some(new.organization_id),
        actor_id: new.actor,
        action: "app.created",
        target_type: "app",
        target_id: client_id.clone(),
        details: json!({
            "name": name,
            "redirect_uris": redirect_uris,
            "post_logout_uris": post_logout_uris,
            "public": new.public,
            "launch_url": launch_url,
            "company_admins_only": new.company_admins_only,
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(CreatedApp { client_id, secret })
}

/// The organization's apps, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<app::Model>, DbErr> {
    app::Entity::find()
        .filter(app::Column::OrganizationId.eq(org))
        .order_by_asc(app::Column::CreatedAt)
        .all(db)
        .await
}

/// Removes the organization's app `client_id` (its grants go with it, and
/// so the tokens it holds stop working); whether there was one.
pub async fn delete(
    db: &DatabaseConnection,
    org: Uuid,
    client_id: &str,
    actor: Option<Uuid>,
    clock: &dyn Clock,
) -> Result<bool, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let removed = app::Entity::delete_many()
        .filter(app::Column::OrganizationId.eq(org))
        .filter(app::Column::ClientId.eq(client_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        return Ok(false);
    }
    let entry = AuditEntry {
        organization_id: Some(org),
        actor_id: actor,
        action: "app.deleted",
        target_type: "app",
        target_id: client_id.to_owned(),
        details: json!({}),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(true)
}

pub async fn by_client_id(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<app::Model>, DbErr> {
    app::Entity::find()
        .filter(app::Column::ClientId.eq(client_id))
        .one(db)
        .await
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// Its redirect URIs, exactly as registered.
pub fn redirect_uris(app: &app::Model) -> Vec<String> {
    strings(&app.redirect_uris)
}

/// Where it may send customers after signing out, exactly as registered.
pub fn post_logout_uris(app: &app::Model) -> Vec<String> {
    strings(&app.post_logout_uris)
}

pub fn scopes(app: &app::Model) -> Vec<String> {
    strings(&app.scopes)
}

pub fn is_public(app: &app::Model) -> bool {
    app.secret_hash.is_none()
}

/// Whether `presented` is the app's secret (compared as digests, in time
/// that does not depend on where they differ).
pub fn secret_matches(app: &app::Model, presented: &str) -> bool {
    let Some(stored) = &app.secret_hash else {
        return false;
    };
    let presented = digest(presented);
    stored.len() == presented.len()
        && stored
            .bytes()
            .zip(presented.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::refusal_of_uri;

    #[test]
    fn redirect_uris_are_https_or_loopback_http() {
        assert_eq!(refusal_of_uri("https://shop.example/callback"), None);
        assert_eq!(refusal_of_uri("http://127.0.0.1:8080/cb"), None);
        assert_eq!(refusal_of_uri("http://[::1]/cb"), None);
        assert_eq!(refusal_of_uri("http://localhost:3000/cb"), None);
        assert!(refusal_of_uri("http://shop.example/cb").is_some());
        assert!(refusal_of_uri("/callback").is_some());
        assert!(refusal_of_uri("javascript:alert(1)").is_some());
        assert!(refusal_of_uri("https://user:pw@shop.example/cb").is_some());
        assert!(refusal_of_uri("https://shop.example/cb#frag").is_some());
    }
}
