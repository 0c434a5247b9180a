//! The seller's apps that sign customers in through Lobby: registered with
//! exact redirect URIs, public (PKCE only) or confidential (a client secret
//! shown once and stored as a SHA-256 hash: it carries 256 random bits).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::clock::Clock;
use crate::secret::{token_digest as digest, Secret};
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::client_app;
use app::model::apps::{AppProblem, AppRow, NewApp, UriProblem};

pub use app::model::apps::SCOPES;

/// An app to register, for the organization, by whom.
pub struct Registration {
    pub organization_id: Uuid,
    pub app: NewApp,
    /// Who registers it; `None` from the command line.
    pub actor: Option<Uuid>,
}

#[derive(Debug)]
pub struct CreatedApp {
    pub client_id: String,
    /// A confidential app's secret, shown once and never stored.
    pub secret: Option<Secret<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the app is refused: {0:?}")]
    Invalid(Vec<AppProblem>),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Why `raw` cannot be an app's redirect, post-logout or launch address,
/// if it cannot: it is absolute, https (http only on loopback, for
/// development and native apps), without credentials or fragment.
pub fn refusal_of_uri(raw: &str) -> Option<UriProblem> {
    let Ok(url) = url::Url::parse(raw) else {
        return Some(UriProblem::NotAbsolute);
    };
    if !matches!(url.scheme(), "https" | "http") {
        return Some(UriProblem::Scheme);
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Some(UriProblem::NotAbsolute),
    };
    if url.scheme() == "http" && !loopback {
        return Some(UriProblem::PlainHttp);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some(UriProblem::Credentials);
    }
    if url.fragment().is_some() {
        return Some(UriProblem::Fragment);
    }
    None
}

/// Everything wrong with `app`, its addresses included.
pub fn problems(app: &NewApp) -> Vec<AppProblem> {
    let mut problems = app.shape_problems();
    let addresses = app
        .redirect_uris
        .iter()
        .chain(&app.post_logout_uris)
        .chain(&app.launch_url);
    for uri in addresses {
        if let Some(problem) = refusal_of_uri(uri) {
            problems.push(AppProblem::Uri {
                uri: uri.clone(),
                problem,
            });
        }
    }
    problems
}

/// Registers an app; its client id and, for a confidential one, its secret.
pub async fn create(
    db: &DatabaseConnection,
    registration: Registration,
    clock: &dyn Clock,
) -> Result<CreatedApp, AppError> {
    let Registration {
        organization_id,
        app: new,
        actor,
    } = registration;
    let refused = problems(&new);
    if !refused.is_empty() {
        return Err(AppError::Invalid(refused));
    }
    let client_id = hex::encode(rand::random::<[u8; 16]>());
    let secret = (!new.public).then(|| Secret::new(crate::secret::random_token()));
    let now = clock.now();
    let txn = crate::store::begin_write(db).await?;
    client_app::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(organization_id),
        client_id: Set(client_id.clone()),
        name: Set(new.name.clone()),
        redirect_uris: Set(json!(new.redirect_uris)),
        post_logout_uris: Set(json!(new.post_logout_uris)),
        secret_hash: Set(secret.as_ref().map(|s| digest(s.expose()))),
        scopes: Set(json!(new.scopes)),
        launch_url: Set(new.launch_url.clone()),
        company_admins_only: Set(new.company_admins_only),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        organization_id: Some(organization_id),
        actor_id: actor,
        action: "app.created",
        target_type: "app",
        target_id: client_id.clone(),
        details: json!({
            "name": new.name,
            "redirect_uris": new.redirect_uris,
            "post_logout_uris": new.post_logout_uris,
            "public": new.public,
            "launch_url": new.launch_url,
            "company_admins_only": new.company_admins_only,
            "scopes": new.scopes,
        }),
    };
    audit::record(&txn, entry, clock).await?;
    txn.commit().await?;
    Ok(CreatedApp { client_id, secret })
}

/// The app as the dashboard lists it.
pub fn row(app: &client_app::Model) -> AppRow {
    AppRow {
        client_id: app.client_id.clone(),
        name: app.name.clone(),
        public: is_public(app),
        redirect_uris: redirect_uris(app),
        post_logout_uris: post_logout_uris(app),
        launch_url: app.launch_url.clone(),
        company_admins_only: app.company_admins_only,
        scopes: scopes(app),
    }
}

/// The organization's apps, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: Uuid) -> Result<Vec<client_app::Model>, DbErr> {
    client_app::Entity::find()
        .filter(client_app::Column::OrganizationId.eq(org))
        .order_by_asc(client_app::Column::CreatedAt)
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
    let removed = client_app::Entity::delete_many()
        .filter(client_app::Column::OrganizationId.eq(org))
        .filter(client_app::Column::ClientId.eq(client_id))
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
) -> Result<Option<client_app::Model>, DbErr> {
    client_app::Entity::find()
        .filter(client_app::Column::ClientId.eq(client_id))
        .one(db)
        .await
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// Its redirect URIs, exactly as registered.
pub fn redirect_uris(app: &client_app::Model) -> Vec<String> {
    strings(&app.redirect_uris)
}

/// Where it may send customers after signing out, exactly as registered.
pub fn post_logout_uris(app: &client_app::Model) -> Vec<String> {
    strings(&app.post_logout_uris)
}

pub fn scopes(app: &client_app::Model) -> Vec<String> {
    strings(&app.scopes)
}

pub fn is_public(app: &client_app::Model) -> bool {
    app.secret_hash.is_none()
}

/// Whether `presented` is the app's secret (compared as digests, in time
/// that does not depend on where they differ).
pub fn secret_matches(app: &client_app::Model, presented: &str) -> bool {
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
    use app::model::apps::UriProblem;

    #[test]
    fn redirect_uris_are_https_or_loopback_http() {
        assert_eq!(refusal_of_uri("https://shop.example/callback"), None);
        assert_eq!(refusal_of_uri("http://127.0.0.1:8080/cb"), None);
        assert_eq!(refusal_of_uri("http://[::1]/cb"), None);
        assert_eq!(refusal_of_uri("http://localhost:3000/cb"), None);
        let refused = [
            ("http://shop.example/cb", UriProblem::PlainHttp),
            ("/callback", UriProblem::NotAbsolute),
            ("javascript:alert(1)", UriProblem::Scheme),
            ("https://user:pw@shop.example/cb", UriProblem::Credentials),
            ("https://shop.example/cb#frag", UriProblem::Fragment),
        ];
        for (uri, problem) in refused {
            assert_eq!(refusal_of_uri(uri), Some(problem), "{uri}");
        }
    }
}
