//! `/v1.0/users` and `/v1.0/companies`: the seller's systems read the
//! customers the invitations made, in Graph's guest-user shape, and the
//! companies they created; an admin's token removes a customer, which ends
//! their sessions and the tokens the seller's apps hold for them.

use axum::http::StatusCode;
use lobby::store::entities::{audit_event, session, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::provider::{issued_for_jiwoo, userinfo_status};
use crate::support::api::{admin_token, call, create_invitation, setup, setup_on, Api};
use crate::support::browser::JIWOO;

const MINA: &str = "mina.park@customer.example";

async fn get(api: &Api, path: &str) -> (StatusCode, Value) {
    let (status, _, body) = call(&api.app, "GET", path, Some(&api.token), None).await;
    (status, body)
}

fn query(filter: &str) -> String {
    url::form_urlencoded::byte_serialize(filter.as_bytes()).collect()
}

/// The path and query of a `@odata.nextLink`.
fn local(link: &Value) -> String {
    let url = url::Url::parse(link.as_str().unwrap()).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap())
}

#[tokio::test]
async fn sqlite_the_organizations_customers_read_as_graph_guest_users_with_their_state() {
    customers_read_as_guest_users(setup().await).await;
}

#[tokio::test]
async fn postgres_the_organizations_customers_read_as_graph_guest_users_with_their_state() {
    if let Some(pg) = crate::support::db::postgres("the_organizations_customers_read…").await {
        customers_read_as_guest_users(setup_on(pg.db.clone()).await).await;
    }
}

async fn customers_read_as_guest_users(api: Api) {
    // Jiwoo accepts and creates her company; Mina is only invited.
    let (_access, _rp) = issued_for_jiwoo(&api).await;
    api.clock.advance(chrono::Duration::seconds(1));
    create_invitation(
        &api,
        json!({ "invitedUserEmailAddress": MINA, "invitedUserDisplayName": "Mina Park", "inviteRedirectUrl": "http://lobby.test/welcome" }),
    )
    .await;

    let (status, all) = get(&api, "/v1.0/users").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let users = all["value"].as_array().unwrap();
    let mails: Vec<&str> = users.iter().map(|u| u["mail"].as_str().unwrap()).collect();
    assert_eq!(
        mails,
        [JIWOO, MINA],
        "customers only, oldest first (no operator)"
    );
    let jiwoo = &users[0];
    assert_eq!(jiwoo["userType"], "Guest");
    assert_eq!(jiwoo["creationType"], "Invitation");
    assert_eq!(jiwoo["externalUserState"], "Accepted");
    assert_eq!(jiwoo["displayName"], "Jiwoo Kim");
    assert_eq!(
        jiwoo["identities"],
        json!([{ "signInType": "emailAddress", "issuer": "lobby.test", "issuerAssignedId": JIWOO }])
    );
    assert!(jiwoo["externalUserStateChangeDateTime"].is_string());
    assert_eq!(users[1]["externalUserState"], "PendingAcceptance");

    // $filter on the state and the address, as Graph's.
    let (_, accepted) = get(
        &api,
        &format!(
            "/v1.0/users?$filter={}",
            query("externalUserState eq 'Accepted'")
        ),
    )
    .await;
    assert_eq!(accepted["value"].as_array().unwrap().len(), 1);
    let (_, pending) = get(
        &api,
        &format!(
            "/v1.0/users?$filter={}",
            query("externalUserState eq 'PendingAcceptance'")
        ),
    )
    .await;
    assert_eq!(pending["value"][0]["mail"], MINA);
    let (_, by_mail) = get(
        &api,
        &format!(
            "/v1.0/users?$filter={}",
            query("mail eq 'Mina.Park@Customer.example'")
        ),
    )
    .await;
    assert_eq!(by_mail["value"].as_array().unwrap().len(), 1);
    for bad in [
        "displayName eq 'x'",
        "externalUserState eq 'Expired'",
        "mail eq x",
    ] {
        let (status, body) = get(&api, &format!("/v1.0/users?$filter={}", query(bad))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "BadRequest");
    }

    // Pages of one, linked.
    let (_, first) = get(&api, "/v1.0/users?$top=1").await;
    assert_eq!(first["value"][0]["mail"], JIWOO);
    let (_, second) = get(&api, &local(&first["@odata.nextLink"])).await;
    assert_eq!(second["value"][0]["mail"], MINA);
    assert!(second.get("@odata.nextLink").is_none());
    assert_eq!(
        get(&api, "/v1.0/users?$skiptoken=nonsense").await.0,
        StatusCode::BAD_REQUEST
    );

    // One user; an operator is no customer.
    let id = jiwoo["id"].as_str().unwrap();
    let (status, one_user) = get(&api, &format!("/v1.0/users/{id}")).await;
    assert_eq!((status, &one_user["mail"]), (StatusCode::OK, &json!(JIWOO)));
    let (status, _) = get(&api, &format!("/v1.0/users/{}", api.operator)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&api, "/v1.0/users/not-an-id").await.0,
        StatusCode::NOT_FOUND
    );

    // Her company, with the data she confirmed, and its members.
    let (_, companies) = get(&api, "/v1.0/companies").await;
    let company = &companies["value"][0];
    assert_eq!(company["legalName"], "Customer AG");
    assert_eq!(
        (company["postalCode"].as_str(), company["country"].as_str()),
        (Some("8001"), Some("CH"))
    );
    assert_eq!(company["createdBy"], json!(id));
    let company_id = company["id"].as_str().unwrap();
    let (_, one_company) = get(&api, &format!("/v1.0/companies/{company_id}")).await;
    assert_eq!(one_company["legalName"], "Customer AG");
    let (_, members) = get(&api, &format!("/v1.0/companies/{company_id}/members")).await;
    assert_eq!(
        members["value"],
        json!([{ "id": id, "mail": JIWOO, "displayName": "Jiwoo Kim", "companyRole": "company_admin" }])
    );
    // The OpenAPI document describes exactly the answers' fields.
    let (_, doc) = get(&api, "/v1.0/openapi.json").await;
    for (schema, answer) in [
        ("User", &one_user),
        ("Company", &one_company),
        ("Member", &members["value"][0]),
    ] {
        let mut documented: Vec<&String> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let mut keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
        documented.sort();
        keys.sort();
        assert_eq!(keys, documented, "{schema}");
    }
    assert_eq!(
        get(&api, &format!("/v1.0/companies/{}", uuid::Uuid::new_v4()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(
            &api,
            &format!("/v1.0/companies/{}/members", uuid::Uuid::new_v4())
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_admins_token_removes_a_customer_and_with_her_the_sessions_and_apps_tokens() {
    let api = setup().await;
    let (access, _rp) = issued_for_jiwoo(&api).await;
    assert_eq!(userinfo_status(&api, &access).await, StatusCode::OK);
    let jiwoo = user::Entity::find()
        .filter(user::Column::Email.eq(JIWOO))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/v1.0/users/{}", jiwoo.id);

    // An operator's token may read, not remove.
    let (status, _, body) = call(&api.app, "DELETE", &path, Some(&api.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, admin) = admin_token(&api, "ada@gfms.example").await;
    let (status, _, _) = call(&api.app, "DELETE", &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    assert_eq!(get(&api, &path).await.0, StatusCode::NOT_FOUND);
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(jiwoo.id))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    assert_eq!(
        userinfo_status(&api, &access).await,
        StatusCode::UNAUTHORIZED
    );
    let removed = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("user.deleted"))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(removed.target_id, jiwoo.id.to_string());
    assert_eq!(removed.details["mail"], JIWOO);
    // Her company stays, and the invitation no longer names her.
    assert_eq!(
        get(&api, "/v1.0/companies").await.1["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (status, _, _) = call(&api.app, "DELETE", &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
