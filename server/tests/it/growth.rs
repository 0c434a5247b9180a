//! Nothing grows without bound: made-up links store nothing, expired rows
//! are purged, and rate-limit keys have a fixed size whatever is sent.

use axum::http::StatusCode;
use chrono::Utc;
use lobby::clock::ManualClock;
use lobby::store::entities::{rate_limit_event, session, verification_code};
use lobby::store::purge::{purge, Purged};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait};
use uuid::Uuid;

use crate::support::db;
use crate::support::operator::post;
use crate::support::router::{get, ORIGIN};

async fn sessions(db: &DatabaseConnection) -> u64 {
    session::Entity::find().count(db).await.unwrap()
}

#[tokio::test]
async fn links_that_name_no_invitation_store_no_session() {
    let api = crate::support::api::setup().await;
    let made_up = Uuid::new_v4();
    let (status, _, _) = get(&api.app, &format!("/invite/{made_up}/federated"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in ["passcode", "account", "password", "forgot"] {
        for ticket in [made_up.to_string(), "not-a-ticket".to_owned()] {
            let (status, _, _) = post(
                &api.app,
                &format!("/invite/{ticket}/{path}"),
                "password=a+calm+lake+at+dawn",
                &[("origin", ORIGIN)],
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
    }
    assert_eq!(sessions(&api.db).await, 0, "nothing was stored");

    // A real link still starts the browser's session at its first form.
    let inv = crate::support::api::create_invitation(
        &api,
        serde_json::json!({
            "invitedUserEmailAddress": "jiwoo@customer.example",
            "inviteRedirectUrl": format!("{ORIGIN}/welcome"),
        }),
    )
    .await;
    let ticket = inv["inviteRedeemUrl"]
        .as_str()
        .unwrap()
        .split("invitationId=")
        .nth(1)
        .unwrap()
        .to_owned();
    let (status, headers, _) = post(
        &api.app,
        &format!("/invite/{ticket}/passcode"),
        "",
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.contains_key("set-cookie"));
    assert_eq!(sessions(&api.db).await, 1);
}

#[tokio::test]
async fn a_huge_sign_in_email_is_counted_under_a_fixed_size_key() {
    let api = crate::support::api::setup().await;
    let huge = "x".repeat(1 << 20);
    let (status, _, _) = post(
        &api.app,
        "/admin/login",
        &format!("email={huge}%40gfms.example&password=wrong"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let keys: Vec<String> = rate_limit_event::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|k| k.len() == 64 && !k.contains("xxxx")),
        "{keys:?}"
    );
}

#[tokio::test]
async fn sqlite_the_purge_removes_only_what_has_outlived_its_use() {
    purge_removes_only_what_outlived_its_use(&db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_the_purge_removes_only_what_has_outlived_its_use() {
    if let Some(pg) = db::postgres("the_purge_removes_only_what_has_outlived_its_use").await {
        purge_removes_only_what_outlived_its_use(&pg.db).await;
    }
}

async fn purge_removes_only_what_outlived_its_use(db: &DatabaseConnection) {
    let now = Utc::now();
    let clock = ManualClock::new(now);
    let ago = |minutes: i64| now - chrono::Duration::minutes(minutes);
    let ahead = |minutes: i64| now + chrono::Duration::minutes(minutes);
    // (last seen, expires): live, idle for 31 minutes, past its 12 hours.
    for (seen, expires) in [(ago(1), ahead(60)), (ago(31), ahead(60)), (ago(1), ago(1))] {
        session::Model {
            id: Uuid::new_v4().to_string(),
            user_id: None,
            data: serde_json::json!({}),
            created_at: ago(120),
            last_seen_at: seen,
            expires_at: expires,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for expires in [ahead(5), ago(1)] {
        verification_code::Model {
            id: Uuid::new_v4(),
            purpose: "sign_in".into(),
            email: "jiwoo@customer.example".into(),
            code_hash: "00".repeat(32),
            session_id: None,
            attempts_left: 5,
            expires_at: expires,
            consumed_at: None,
            created_at: ago(11),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for at in [ago(20), ago(25 * 60)] {
        rate_limit_event::Model {
            id: Uuid::new_v4(),
            key: "ab".repeat(32),
            at,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }

    let purged = purge(db, &clock).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            sessions: 2,
            codes: 1,
            rate_limit_events: 1,
            grants: 0,
            webhook_deliveries: 0,
        }
    );
    assert_eq!(sessions(db).await, 1);
    assert_eq!(
        verification_code::Entity::find().count(db).await.unwrap(),
        1
    );
    assert_eq!(rate_limit_event::Entity::find().count(db).await.unwrap(), 1);
    // Again, as a second instance would: nothing more to do, no error.
    assert_eq!(purge(db, &clock).await.unwrap(), Purged::default());
}
