//! The first admin from the browser: the setup link `lobby serve` logs
//! while there is no admin creates one, once, by the password rules; then
//! the page is gone for everyone.

use axum::http::{header, StatusCode};
use lobby::operators::first_admin;
use lobby::store::entities::{audit_event, org_role, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::api::{setup as api_without_admin, Api};
use crate::support::operator::post;
use crate::support::router::{get, ORIGIN};

const ADA: &str = "ada@gfms.example";
const PASSWORD: &str = "a calm lake at dawn";

/// The token of a new setup link, as `lobby serve` would log it.
async fn setup_token(api: &Api) -> Option<String> {
    let public_url: url::Url = format!("{ORIGIN}/").parse().unwrap();
    let link = first_admin::issue_link(&api.db, api.org, &public_url, &api.clock)
        .await
        .unwrap()?;
    assert_eq!(link.path(), "/setup");
    Some(
        link.query()
            .unwrap()
            .strip_prefix("token=")
            .unwrap()
            .to_owned(),
    )
}

/// Sends the setup form; where it leads.
async fn submit(api: &Api, token: &str, email: &str, password: &str) -> String {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("email", email)
        .append_pair("name", "Ada Admin")
        .append_pair("password", password)
        .finish();
    let (status, headers, _) = post(&api.app, "/setup", &form, &[("origin", ORIGIN)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    headers[header::LOCATION].to_str().unwrap().to_owned()
}

async fn admins(api: &Api) -> u64 {
    org_role::Entity::find()
        .filter(org_role::Column::Role.eq("admin"))
        .count(&api.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once_and_then_the_page_is_gone() {
    let api = api_without_admin().await;
    let token = setup_token(&api).await.expect("no admin yet: a link");
    let page = format!("/setup?token={token}");
    let (status, _, body) = get(&api.app, &page, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Create the first admin") && body.contains(r#"action="/setup""#),
        "{body}"
    );

    // Bad input: back to the form, saying what is wrong, and nothing made.
    let back = submit(&api, &token, ADA, "too short").await;
    assert!(
        back.starts_with("/setup?token=") && back.ends_with("&error=short"),
        "{back}"
    );
    let (_, _, body) = get(&api.app, &back, &[]).await;
    assert!(
        body.contains("The password needs at least 15 characters."),
        "{body}"
    );
    assert!(
        body.contains(&format!(r#"value="{ADA}""#)),
        "what was typed stays: {body}"
    );
    let back = submit(&api, &token, "not an address", PASSWORD).await;
    assert!(back.ends_with("&error=email"), "{back}");
    let back = submit(&api, "a-wrong-token", ADA, PASSWORD).await;
    assert!(back.ends_with("&error=link"), "{back}");
    assert_eq!(admins(&api).await, 0);

    assert_eq!(
        submit(&api, &token, " Ada@GFMS.example ", PASSWORD).await,
        "/admin/login?notice=admin_created"
    );
    assert_eq!(admins(&api).await, 1);
    let ada = user::Entity::find()
        .filter(user::Column::Email.eq(ADA))
        .one(&api.db)
        .await
        .unwrap()
        .expect("the admin's account");
    assert_eq!(ada.display_name.as_deref(), Some("Ada Admin"));
    assert!(ada.password_hash.unwrap().starts_with("$argon2id$"));
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("operator.created"))
        .filter(audit_event::Column::ActorId.eq(ada.id))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    let (_, _, body) = get(&api.app, "/admin/login?notice=admin_created", &[]).await;
    assert!(body.contains("Your admin account is ready"), "{body}");
    // The new admin signs in.
    let login = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", ADA)
        .append_pair("password", PASSWORD)
        .finish();
    let (status, headers, _) = post(&api.app, "/admin/login", &login, &[("origin", ORIGIN)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/admin");

    // Used, and an admin exists: no second admin, no page, no new link.
    let back = submit(&api, &token, "eve@gfms.example", PASSWORD).await;
    assert!(back.ends_with("&error=link"), "{back}");
    assert_eq!(admins(&api).await, 1);
    for path in [page.as_str(), "/setup", "/setup?token=a-wrong-token"] {
        let (status, _, _) = get(&api.app, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(setup_token(&api).await, None);
}

#[tokio::test]
async fn a_wrong_or_expired_setup_link_says_so_and_creates_nothing() {
    let api = api_without_admin().await;
    let token = setup_token(&api).await.unwrap();
    let (status, _, body) = get(&api.app, "/setup?token=a-wrong-token", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("This setup link does not work"), "{body}");
    assert!(!body.contains(r#"action="/setup""#));

    api.clock.advance(chrono::Duration::minutes(61));
    let (status, _, body) = get(&api.app, &format!("/setup?token={token}"), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("more than an hour old"), "{body}");
    let back = submit(&api, &token, ADA, PASSWORD).await;
    assert!(back.ends_with("&error=link"), "{back}");
    assert_eq!(admins(&api).await, 0);
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Email.eq(ADA))
            .count(&api.db)
            .await
            .unwrap(),
        0
    );
}
