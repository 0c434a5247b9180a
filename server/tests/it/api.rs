//! The /v1.0 API's authentication: personal tokens and Graph-shaped errors.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use lobby::api_tokens;
use lobby::clock::ManualClock;
use lobby::operators::{create_operator, NewOperator, Role};
use lobby::secret::Secret;
use lobby::store::entities::{api_token, org_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::http::app_on;

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
    let response = crate::http::answer(app, request.body(body).unwrap()).await;
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

fn assert_graph_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert!(body["error"]["details"].is_array());
}

#[tokio::test]
async fn a_token_identifies_its_operator_and_records_its_use() {
    let api = setup().await;
    let (status, _, me) = call(&api.app, "GET", "/v1.0/me", Some(&api.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["mail"], "ops@gfms.example");
    assert_eq!(me["displayName"], "Ops Bot");
    assert_eq!(me["id"], api.operator.to_string());

    let row = api_token::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.last_used_at.is_some(), "last use recorded");
    assert_ne!(row.token_hash, api.token, "only a hash is stored");
    assert!(!row.token_hash.contains(&api.token[6..]));
    assert!(api.token.starts_with(&row.prefix) && row.prefix.len() < 16);
}

#[tokio::test]
async fn requests_without_a_live_token_get_401_in_graphs_envelope() {
    let api = setup().await;
    let (status, headers, body) = call(&api.app, "GET", "/v1.0/me", None, None).await;
    assert_graph_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    let (status, _, body) = call(&api.app, "GET", "/v1.0/me", Some("lobby_0000"), None).await;
    assert_graph_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );

    let id = api_token::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(api_tokens::revoke(&api.db, id, None, &api.clock)
        .await
        .unwrap());
    assert!(
        !api_tokens::revoke(&api.db, id, None, &api.clock)
            .await
            .unwrap(),
        "revoking twice changes nothing"
    );
    let (status, _, body) = call(&api.app, "GET", "/v1.0/me", Some(&api.token), None).await;
    assert_graph_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );
}

#[tokio::test]
async fn a_token_dies_with_its_owners_operator_role() {
    let api = setup().await;
    org_role::Entity::delete_many()
        .filter(org_role::Column::UserId.eq(api.operator))
        .filter(org_role::Column::OrganizationId.eq(api.org))
        .exec(&api.db)
        .await
        .unwrap();
    let (status, _, _) = call(&api.app, "GET", "/v1.0/me", Some(&api.token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_api_paths_answer_404_in_json() {
    let api = setup().await;
    let (status, _, body) = call(
        &api.app,
        "GET",
        "/v1.0/nothing/here",
        Some(&api.token),
        None,
    )
    .await;
    assert_graph_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
    );
}
