//! The /v1.0 API's authentication: personal tokens and Graph-shaped errors.

use axum::http::{header, StatusCode};
use lobby::api_tokens;
use lobby::store::entities::{api_token, org_role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::support::api::{call, setup};

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
