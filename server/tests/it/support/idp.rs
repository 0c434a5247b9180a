//! Identity providers' discovery documents and keys, served by a real HTTP
//! server on loopback: what Lobby reads when an admin saves a provider.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::Json;
use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::{json, Value};

/// A key made for tests only.
const TEST_KEY: &str = include_str!("../../../src/federation/test-signing-key.pem");

/// The documents a provider publishes at `issuer`: discovery, pointing at
/// the token endpoint and key set below the issuer.
pub fn document(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

/// The key set with one public RSA key.
pub fn keys() -> Value {
    let key =
        CoreRsaPrivateSigningKey::from_pem(TEST_KEY, Some(JsonWebKeyId::new("k1".into()))).unwrap();
    json!({ "keys": [key.as_verification_key()] })
}

/// Serves JSON documents by path until dropped.
pub struct Documents {
    pub origin: String,
    server: tokio::task::JoinHandle<()>,
}

impl Documents {
    /// `documents(origin)` names the path and body of each document; the
    /// origin is known only once the listener is bound.
    pub async fn serve(documents: impl FnOnce(&str) -> Vec<(String, Value)>) -> Documents {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let by_path: Arc<HashMap<String, Value>> =
            Arc::new(documents(&origin).into_iter().collect());
        let app = axum::Router::new()
            .fallback(
                |State(by_path): State<Arc<HashMap<String, Value>>>,
                 OriginalUri(uri): OriginalUri| async move {
                    match by_path.get(uri.path()) {
                        Some(body) => Ok(Json(body.clone())),
                        None => Err(StatusCode::NOT_FOUND),
                    }
                },
            )
            .with_state(by_path);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Documents { origin, server }
    }
}

impl Drop for Documents {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A provider at `{origin}{path}` with its discovery document and keys.
pub fn provider(origin: &str, path: &str) -> Vec<(String, Value)> {
    let issuer = format!("{origin}{path}");
    vec![
        (
            format!("{path}/.well-known/openid-configuration"),
            document(&issuer),
        ),
        (format!("{path}/jwks"), keys()),
    ]
}

/// Adds an identity provider (`kind`, the name invitees see, its issuer and
/// email domains) to the API's organization, as an admin would.
pub async fn add_provider(
    api: &crate::support::api::Api,
    kind: &str,
    name: &str,
    issuer: &str,
    domains: &str,
) {
    let form = app::model::providers::ProviderForm {
        kind: kind.into(),
        display_name: name.into(),
        issuer: issuer.into(),
        client_id: "lobby".into(),
        client_secret: "secret".into(),
        domains: domains.into(),
        authoritative: None,
    };
    lobby::federation::providers::add(
        &api.db,
        &[7; 32],
        &api.clock,
        api.org,
        api.operator,
        form.check().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
}
