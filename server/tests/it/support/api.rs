//! An organization with an operator and their API token, and calls to the REST
//! API.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use lobby::api_tokens;
use lobby::clock::ManualClock;
use lobby::operators::{create_operator, NewOperator, Role};
use lobby::secret::Secret;
use serde_json::Value;

use crate::support::router::app_on;

#[derive(Clone)]
pub struct Api {
    pub app: Router,
    pub db: sea_orm::DatabaseConnection,
    pub clock: ManualClock,
    pub org: uuid::Uuid,
    pub operator: uuid::Uuid,
    pub token: String,
}

pub async fn setup() -> Api {
    setup_on(crate::support::db::sqlite().await).await
}

pub async fn setup_on(db: sea_orm::DatabaseConnection) -> Api {
    let clock = ManualClock::new(Utc::now());
    let (app, db, org) = app_on(db, clock.clone()).await;
    let new = NewOperator {
        organization_id: org,
        email: "ops@gfms.example".into(),
        display_name: Some("Ops Bot".into()),
        password: Secret::new("a calm lake at dawn".into()),
        role: Role::Operator,
        actor: None,
    };
    let operator = create_operator(&db, new, &clock).await.unwrap().id;
    let token = api_tokens::create(&db, operator, org, "CI script", &clock)
        .await
        .unwrap();
    Api {
        app,
        db,
        clock,
        org,
        operator,
        token: token.token.expose().clone(),
    }
}

/// Adds an admin (`email`) with a token of their own: `(their id, the token)`.
pub async fn admin_token(api: &Api, email: &str) -> (uuid::Uuid, String) {
    let new = NewOperator {
        organization_id: api.org,
        email: email.into(),
        display_name: None,
        password: Secret::new("a calm lake at dawn".into()),
        role: Role::Admin,
        actor: None,
    };
    let admin = create_operator(&api.db, new, &api.clock).await.unwrap().id;
    let token = api_tokens::create(&api.db, admin, api.org, "admin script", &api.clock)
        .await
        .unwrap();
    (admin, token.token.expose().clone())
}

pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = crate::support::router::answer(app, request.body(body).unwrap()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, headers, json)
}

/// Creates an invitation through the API; it must answer 201.
pub async fn create_invitation(api: &Api, body: Value) -> Value {
    let (status, _, inv) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    inv
}
