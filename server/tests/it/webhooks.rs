//! Signed webhooks: each event is written with the change that causes it,
//! posted to a receiver on loopback signed per Standard Webhooks, retried
//! with back-off for a day, never redirected, timed out, kept off private
//! addresses unless allowed, resent from the dashboard, and delivered at
//! least once even when Lobby is killed in the middle.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use lobby::clock::Clock;
use lobby::secret::Secret;
use lobby::store::entities::{audit_event, webhook_delivery, webhook_endpoint};
use lobby::webhooks::endpoints::{self, Registration};
use lobby::webhooks::{Deliverer, Event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::watch;

use crate::support::api::{admin_token, call, create_invitation, setup, setup_on, Api};
use crate::support::browser::{invite, sign_in_with_passcode, Browser};
use crate::support::operator::admin_session;

/// The server key of the test router (`support::router`).
const KEY: [u8; 32] = [7; 32];

/// How the receiver answers its `n`th request (from 0).
#[derive(Clone, Copy)]
enum Reply {
    Ok,
    Status(u16),
    /// 302 to `/elsewhere` on the same receiver.
    Redirect,
    /// 200, after this long.
    Slow(Duration),
}

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    path: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// A webhook receiver on loopback that records every request.
struct Receiver {
    base: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    async fn start(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Receiver {
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let seen = Arc::new(AtomicUsize::new(0));
        let reply = Arc::new(reply);
        let record = got.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: String| {
                let (record, seen, reply) = (record.clone(), seen.clone(), reply.clone());
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    record.lock().unwrap().push(Got {
                        path: uri.path().to_owned(),
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body,
                    });
                    let n = seen.fetch_add(1, Ordering::SeqCst);
                    match reply(n) {
                        Reply::Ok => (StatusCode::OK, [("location", "")]),
                        Reply::Status(code) => {
                            (StatusCode::from_u16(code).unwrap(), [("location", "")])
                        }
                        Reply::Redirect => (StatusCode::FOUND, [("location", "/elsewhere")]),
                        Reply::Slow(wait) => {
                            tokio::time::sleep(wait).await;
                            (StatusCode::OK, [("location", "")])
                        }
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { base, got }
    }

    fn url(&self) -> String {
        format!("{}/hook", self.base)
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

/// Whether `got` carries a valid Standard Webhooks signature with `secret`,
/// computed here from the specification, not with Lobby's code.
fn signed_with(got: &Got, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", got.id, got.timestamp, got.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    got.signature.split(' ').any(|s| s == expected)
}

/// Registers an endpoint for `events` at `url`; its secret.
async fn register(api: &Api, url: &str, events: &[Event], allow_private: bool) -> String {
    let registration = Registration {
        organization_id: api.org,
        webhook: app::model::webhooks::NewWebhook {
            url: url.to_owned(),
            events: events.to_vec(),
            allow_private,
        },
        actor: None,
    };
    let created = endpoints::create(&api.db, &KEY, registration, &api.clock)
        .await
        .unwrap();
    created.secret.expose().clone()
}

fn deliverer(db: &DatabaseConnection, api: &Api, timeout: Duration) -> Deliverer {
    let clock = Arc::new(api.clock.clone());
    let key = Arc::new(Secret::new(KEY));
    Deliverer::new(db.clone(), clock, key, timeout).unwrap()
}

fn running() -> watch::Receiver<bool> {
    // The sender is leaked on purpose: "never stop" for a single pass.
    let (tx, rx) = watch::channel(false);
    std::mem::forget(tx);
    rx
}

async fn deliveries(db: &DatabaseConnection) -> Vec<webhook_delivery::Model> {
    webhook_delivery::Entity::find()
        .order_by_asc(webhook_delivery::Column::CreatedAt)
        .all(db)
        .await
        .unwrap()
}

const ALL: [Event; 7] = [
    Event::InvitationCreated,
    Event::InvitationAccepted,
    Event::InvitationRevoked,
    Event::CompanyCreated,
    Event::ConsentGiven,
    Event::UserDeleted,
    Event::ImportFinished,
];

const JIWOO: &str = "jiwoo.kim@customer.example";

#[tokio::test]
async fn every_event_is_recorded_with_its_change_and_arrives_signed() {
    every_event_recorded_and_signed(setup().await).await;
}

#[tokio::test]
async fn postgres_every_event_is_recorded_with_its_change_and_arrives_signed() {
    let test = "every_event_is_recorded_with_its_change_and_arrives_signed";
    if let Some(pg) = crate::support::db::postgres(test).await {
        every_event_recorded_and_signed(setup_on(pg.db.clone()).await).await;
    }
}

async fn every_event_recorded_and_signed(api: Api) {
    let receiver = Receiver::start(|_| Reply::Ok).await;
    let secret = register(&api, &receiver.url(), &ALL, true).await;

    // invitation.created, then consent.given and invitation.accepted on the
    // terms step, then company.created.
    let ticket = invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", ""),
    ];
    browser
        .post(&format!("/invite/{ticket}/consent"), &accept)
        .await;
    let company = [
        ("legal_name", "Customer AG"),
        ("street", "Bahnhofstrasse 1"),
        ("postal_code", "8001"),
        ("city", "Zürich"),
        ("country", "CH"),
        ("tax_id", ""),
        ("phone", ""),
        ("website", ""),
    ];
    browser
        .post(&format!("/invite/{ticket}/company"), &company)
        .await;
    // invitation.revoked
    let other = create_invitation(&api, json!({ "invitedUserEmailAddress": "bo@customer.example", "inviteRedirectUrl": "http://lobby.test/" })).await;
    let revoke = format!("/v1.0/invitations/{}/revoke", other["id"].as_str().unwrap());
    let (status, _, _) = call(&api.app, "POST", &revoke, Some(&api.token), None).await;
    assert_eq!(status, StatusCode::OK);
    // user.deleted
    let jiwoo = crate::support::browser::account(&api, JIWOO).await;
    let (_, admin) = admin_token(&api, "ada@gfms.example").await;
    let delete = format!("/v1.0/users/{}", jiwoo.id);
    let (status, _, _) = call(&api.app, "DELETE", &delete, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // import.finished
    let import = import_one(&api, "cy@customer.example").await;

    let posted = deliverer(&api.db, &api, Duration::from_secs(5))
        .deliver_due(&running())
        .await
        .unwrap();
    let got = receiver.got();
    assert_eq!(posted, got.len());
    let types: Vec<String> = got
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for event in ALL {
        assert!(
            types.contains(&event.name().to_owned()),
            "{event:?} in {types:?}"
        );
    }
    assert_eq!(
        types.iter().filter(|t| *t == "invitation.created").count(),
        3,
        "{types:?}"
    );
    for g in &got {
        assert!(signed_with(g, &secret), "{g:?}");
        assert!(g.id.starts_with("msg_"), "{g:?}");
        let sent_at: i64 = g.timestamp.parse().unwrap();
        assert!((sent_at - api.clock.now().timestamp()).abs() < 5);
    }
    let body_of = |kind: &str| -> Value {
        let g = got
            .iter()
            .find(|g| g.body.contains(&format!("\"type\":\"{kind}\"")))
            .unwrap();
        serde_json::from_str(&g.body).unwrap()
    };
    let created = body_of("company.created");
    assert_eq!(created["data"]["legalName"], "Customer AG");
    assert_eq!(created["data"]["postalCode"], "8001");
    assert_eq!(created["data"]["createdBy"]["mail"], JIWOO);
    let accepted = body_of("invitation.accepted");
    assert_eq!(accepted["data"]["status"], "Accepted");
    assert_eq!(accepted["data"]["invitedUser"]["id"], json!(jiwoo.id));
    assert_eq!(body_of("consent.given")["data"]["automatic"], false);
    assert_eq!(body_of("user.deleted")["data"]["mail"], JIWOO);
    assert_eq!(body_of("invitation.revoked")["data"]["status"], "Revoked");
    let finished = body_of("import.finished");
    assert_eq!(finished["data"]["id"], json!(import));
    assert_eq!(finished["data"]["created"], 1);
    // A redeem link is the invitee's alone: no event carries it.
    assert!(got.iter().all(|g| !g.body.contains("/invite/")));
    assert!(deliveries(&api.db)
        .await
        .iter()
        .all(|d| d.status == "delivered" && d.attempts == 1));
}

/// Imports one address through the bulk job; the import's id.
async fn import_one(api: &Api, email: &str) -> uuid::Uuid {
    use lobby::invitations::bulk::job::{confirm, BulkRunner};
    use lobby::invitations::bulk::preview::{preview, Upload};
    let org = lobby::store::entities::organization::Entity::find_by_id(api.org)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let file = format!("email\n{email}\n");
    let upload = Upload {
        file_name: "customers.csv",
        bytes: file.as_bytes(),
    };
    let url: url::Url = "http://lobby.test/".parse().unwrap();
    let id = preview(&api.db, &org, api.operator, upload, &url, &api.clock)
        .await
        .unwrap();
    confirm(&api.db, api.org, id, api.operator, &api.clock)
        .await
        .unwrap();
    let runner = BulkRunner::new(api.db.clone(), Arc::new(api.clock.clone()), url);
    while runner.work(&running()).await.unwrap() {}
    id
}

#[tokio::test]
async fn no_event_is_recorded_for_a_change_that_is_not() {
    let api = setup().await;
    register(&api, "http://127.0.0.1:9/hook", &ALL, true).await;
    invite(&api, "ann@customer.example").await;
    assert_eq!(deliveries(&api.db).await.len(), 1);

    // Refused (a pending invitation exists): no event.
    let (status, _, _) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(json!({ "invitedUserEmailAddress": "ann@customer.example", "inviteRedirectUrl": "http://lobby.test/" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Rolled back: the event goes with the invitation.
    let org = lobby::store::entities::organization::Entity::find_by_id(api.org)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let inviter = lobby::invitations::create::Inviter {
        user_id: api.operator,
        name: "Ops".into(),
        contact: "ops@gfms.example".into(),
        admin: false,
    };
    let request = lobby::invitations::request::NewInvitation {
        email: Some("bo@customer.example".into()),
        redirect_url: Some("http://lobby.test/".into()),
        ..Default::default()
    };
    let allowed = ["http://lobby.test/".to_owned()];
    let valid = lobby::invitations::request::validate(request, &allowed).unwrap();
    let txn = api.db.begin().await.unwrap();
    let url = "http://lobby.test/".parse().unwrap();
    lobby::invitations::create::create_in(&txn, &org, &inviter, valid, &url, &api.clock)
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(deliveries(&api.db).await.len(), 1);
    // An endpoint hears only of the events it chose.
    let receiver = Receiver::start(|_| Reply::Ok).await;
    register(&api, &receiver.url(), &[Event::InvitationRevoked], true).await;
    invite(&api, "cy@customer.example").await;
    let rows = deliveries(&api.db).await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|d| d.event_type == "invitation.created"));
}

#[tokio::test]
async fn failures_are_retried_with_back_off_for_a_day_then_marked_failed() {
    let api = setup().await;
    // Two failures, then the endpoint answers.
    let flaky = Receiver::start(|n| if n < 2 { Reply::Status(503) } else { Reply::Ok }).await;
    register(&api, &flaky.url(), &[Event::InvitationCreated], true).await;
    invite(&api, "ann@customer.example").await;
    let worker = deliverer(&api.db, &api, Duration::from_secs(5));
    let pass = || async { worker.deliver_due(&running()).await.unwrap() };
    assert_eq!(pass().await, 1);
    let row = &deliveries(&api.db).await[0];
    assert_eq!(
        (row.status.as_str(), row.attempts, row.last_status),
        ("pending", 1, Some(503))
    );
    assert_eq!(
        row.next_attempt_at,
        api.clock.now() + chrono::Duration::seconds(10)
    );
    // Not before it is due.
    assert_eq!(pass().await, 0);
    api.clock.advance(chrono::Duration::seconds(10));
    assert_eq!(pass().await, 1);
    let row = &deliveries(&api.db).await[0];
    assert_eq!(
        row.next_attempt_at,
        api.clock.now() + chrono::Duration::seconds(20)
    );
    api.clock.advance(chrono::Duration::seconds(20));
    assert_eq!(pass().await, 1);
    let row = &deliveries(&api.db).await[0];
    assert_eq!(
        (row.status.as_str(), row.attempts, row.last_status),
        ("delivered", 3, Some(200))
    );
    let got = flaky.got();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|g| g.id == got[0].id),
        "every attempt has the same webhook-id"
    );

    // An endpoint that never answers 2xx: tried for a day, then failed.
    let api = setup().await;
    let down = Receiver::start(|_| Reply::Status(500)).await;
    register(&api, &down.url(), &[Event::InvitationCreated], true).await;
    invite(&api, "bo@customer.example").await;
    let worker = deliverer(&api.db, &api, Duration::from_secs(5));
    let first = api.clock.now();
    let mut last_attempt = first;
    for _ in 0..100 {
        if worker.deliver_due(&running()).await.unwrap() > 0 {
            last_attempt = api.clock.now();
        }
        let row = &deliveries(&api.db).await[0];
        if row.status != "pending" {
            break;
        }
        api.clock.advance(row.next_attempt_at - api.clock.now());
    }
    let row = &deliveries(&api.db).await[0];
    assert_eq!(row.status, "failed");
    assert_eq!(row.attempts, 22);
    assert_eq!(row.last_error.as_deref(), Some("answered 500"));
    let tried_for = (last_attempt - first).num_minutes() as f64 / 60.0;
    assert!((24.0..26.0).contains(&tried_for), "{tried_for} h");
    assert_eq!(down.got().len(), 22);
}

#[tokio::test]
async fn redirects_are_not_followed_and_a_silent_endpoint_times_out() {
    let api = setup().await;
    let redirecting = Receiver::start(|_| Reply::Redirect).await;
    register(&api, &redirecting.url(), &[Event::InvitationCreated], true).await;
    invite(&api, "ann@customer.example").await;
    deliverer(&api.db, &api, Duration::from_secs(5))
        .deliver_due(&running())
        .await
        .unwrap();
    let got = redirecting.got();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].path, "/hook");
    let row = &deliveries(&api.db).await[0];
    assert_eq!(row.status, "pending");
    assert_eq!(row.last_status, Some(302));
    assert_eq!(
        row.last_error.as_deref(),
        Some("answered 302: Lobby follows no redirects")
    );

    let api = setup().await;
    let silent = Receiver::start(|_| Reply::Slow(Duration::from_secs(5))).await;
    register(&api, &silent.url(), &[Event::InvitationCreated], true).await;
    invite(&api, "bo@customer.example").await;
    deliverer(&api.db, &api, Duration::from_millis(500))
        .deliver_due(&running())
        .await
        .unwrap();
    let row = &deliveries(&api.db).await[0];
    assert_eq!(row.status, "pending");
    assert_eq!(row.last_status, None);
    let error = row.last_error.clone().unwrap();
    assert!(error.starts_with("no answer within the timeout"), "{error}");
}

#[tokio::test]
async fn private_addresses_are_refused_after_resolution_unless_allowed() {
    let api = setup().await;
    let receiver = Receiver::start(|_| Reply::Ok).await;
    // By name: "localhost" is judged by the address it resolves to.
    let port = receiver.base.rsplit(':').next().unwrap().to_owned();
    let by_name = format!("http://localhost:{port}/hook");
    register(&api, &by_name, &[Event::InvitationCreated], true).await;
    // Allowed at registration; then the admin's allowance is withdrawn (as
    // if the name had been pointed at a private address since).
    let endpoint = webhook_endpoint::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = endpoint.into_active_model();
    active.allow_private = Set(false);
    active.update(&api.db).await.unwrap();
    invite(&api, "ann@customer.example").await;
    let worker = deliverer(&api.db, &api, Duration::from_secs(5));
    worker.deliver_due(&running()).await.unwrap();
    assert!(receiver.got().is_empty());
    let row = &deliveries(&api.db).await[0];
    assert_eq!(row.status, "pending");
    let error = row.last_error.clone().unwrap();
    assert!(error.contains("localhost: not a public address"), "{error}");
    // An address given as such is refused as well.
    let literal = format!("http://127.0.0.1:{port}/hook");
    let refused = endpoints::refusal(&literal, false).await;
    assert!(
        matches!(&refused, Some(app::model::webhooks::WebhookProblem::PrivateAddress { address, .. }) if address == "127.0.0.1"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn admins_register_remove_and_resend_from_the_dashboard() {
    let api = setup().await;
    let receiver = Receiver::start(|_| Reply::Ok).await;
    let admin = admin_session(&api).await;
    let register = |fields: Vec<(&'static str, String)>| {
        let (admin, api) = (&admin, &api);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let body = admin.call(api, "/api/register_webhook", &fields).await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    // Refused by name: plain http off loopback, credentials, a private
    // address not allowed, an unknown event, no event.
    let refused = register(vec![
        ("form[url]", "http://hooks.example.com/x".into()),
        ("form[events][invitation.created]", "on".into()),
    ])
    .await;
    assert_eq!(refused, json!({ "Invalid": [{ "Url": "PlainHttp" }] }));
    let refused = register(vec![
        ("form[url]", "https://me:pw@hooks.example.com/x".into()),
        ("form[events][invitation.created]", "on".into()),
    ])
    .await;
    assert_eq!(refused, json!({ "Invalid": [{ "Url": "Credentials" }] }));
    let refused = register(vec![
        ("form[url]", receiver.url()),
        ("form[events][invitation.created]", "on".into()),
    ])
    .await;
    assert_eq!(
        refused,
        json!({ "Invalid": [{ "PrivateAddress": { "host": "127.0.0.1", "address": "127.0.0.1" } }] })
    );
    let refused = register(vec![
        ("form[url]", receiver.url()),
        ("form[events][invitation.updated]", "on".into()),
    ])
    .await;
    assert_eq!(
        refused,
        json!({ "Invalid": [{ "UnknownEvent": "invitation.updated" }] })
    );
    let refused = register(vec![("form[url]", receiver.url())]).await;
    assert_eq!(refused, json!({ "Invalid": ["NoEvents"] }));
    assert_eq!(
        webhook_endpoint::Entity::find()
            .count(&api.db)
            .await
            .unwrap(),
        0
    );

    let created = register(vec![
        ("form[url]", receiver.url()),
        ("form[events][invitation.created]", "on".into()),
        ("form[events][invitation.revoked]", "on".into()),
        ("form[allow_private]", "on".into()),
    ])
    .await;
    let secret = created["Created"]["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let stored = webhook_endpoint::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.secret_sealed.contains(&secret[6..]),
        "the secret is stored sealed"
    );
    assert_eq!(
        stored.events,
        json!(["invitation.created", "invitation.revoked"])
    );
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("webhook.created"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(audit, 1);

    invite(&api, "ann@customer.example").await;
    let worker = deliverer(&api.db, &api, Duration::from_secs(5));
    worker.deliver_due(&running()).await.unwrap();
    let listed: Value =
        serde_json::from_str(&admin.call(&api, "/api/webhooks", &[]).await).unwrap();
    let delivery = &listed["endpoints"][0]["deliveries"][0];
    assert_eq!(delivery["state"], "Delivered");
    assert_eq!(delivery["event"], "invitation.created");
    let id = delivery["id"].as_str().unwrap();

    // Resent: the same webhook-id again, so the receiver can drop it.
    let resent = admin
        .call(&api, "/api/resend_delivery", &[("id", id)])
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&resent).unwrap(),
        json!("Resent")
    );
    worker.deliver_due(&running()).await.unwrap();
    let got = receiver.got();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id);
    assert!(got.iter().all(|g| signed_with(g, &secret)));
    let unknown = admin
        .call(
            &api,
            "/api/resend_delivery",
            &[("id", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&unknown).unwrap(),
        json!("NotFound")
    );

    // Operators see; only admins change.
    let operator = crate::support::operator::operator_session(&api).await;
    let denied = operator
        .call(&api, "/api/resend_delivery", &[("id", id)])
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&denied).unwrap(),
        json!("NotAdmin")
    );

    let endpoint_id = listed["endpoints"][0]["id"].as_str().unwrap();
    let removed = admin
        .call(&api, "/api/remove_webhook", &[("id", endpoint_id)])
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&removed).unwrap(),
        json!("Removed")
    );
    assert_eq!(
        deliveries(&api.db).await.len(),
        0,
        "its deliveries go with it"
    );
}

#[tokio::test]
async fn deliveries_done_with_are_purged_after_a_month() {
    use lobby::store::purge::{purge, DELIVERIES_KEPT};
    let api = setup().await;
    let down = Receiver::start(|_| Reply::Status(500)).await;
    register(&api, &down.url(), &[Event::InvitationCreated], true).await;
    for email in [
        "ann@customer.example",
        "bo@customer.example",
        "cy@customer.example",
    ] {
        invite(&api, email).await;
    }
    let rows = deliveries(&api.db).await;
    for (row, status) in rows.into_iter().zip(["delivered", "failed", "pending"]) {
        let mut active = row.into_active_model();
        active.status = Set(status.into());
        active.update(&api.db).await.unwrap();
    }
    api.clock
        .advance(DELIVERIES_KEPT - chrono::Duration::minutes(1));
    assert_eq!(
        purge(&api.db, &api.clock).await.unwrap().webhook_deliveries,
        0
    );
    api.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        purge(&api.db, &api.clock).await.unwrap().webhook_deliveries,
        2
    );
    let left = deliveries(&api.db).await;
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].status, "pending",
        "a delivery still being tried stays"
    );
}

/// Lobby killed while deliveries are in flight: after a restart every
/// event arrives, some twice (at least once), and the receiver drops the
/// repeats by their webhook-id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_when_lobby_is_killed_mid_delivery() {
    use crate::support::process::{lobby, output_of, Server, TempDir};
    // Slow answers keep deliveries in flight when Lobby dies.
    let receiver = Receiver::start(|_| Reply::Slow(Duration::from_millis(300))).await;
    let dir = TempDir::new();
    output_of(
        lobby(&dir)
            .env("LOBBY_ADMIN_PASSWORD", "a calm lake at dawn")
            .args(["admin", "create", "--email", "ada@gfms.example"]),
    );
    let token = output_of(lobby(&dir).args([
        "token",
        "create",
        "--email",
        "ada@gfms.example",
        "--name",
        "CI",
    ]));
    let token = token.trim().to_owned();
    let created = output_of(lobby(&dir).args([
        "webhook",
        "create",
        "--url",
        &receiver.url(),
        "--event",
        "invitation.created",
        "--allow-private",
    ]));
    assert!(created.contains("secret: whsec_"), "{created}");
    let log = dir.0.join("lobby.log");
    let public_url = "http://127.0.0.1:3000/";
    let served = || {
        let mut cmd = lobby(&dir);
        cmd.env("LOBBY_PUBLIC_URL", public_url);
        cmd
    };
    let server = Server::start_anywhere(served(), log.clone());
    let client = reqwest::Client::new();
    const EVENTS: usize = 40;
    for i in 0..EVENTS {
        let answer = client
            .post(server.url("/v1.0/invitations"))
            .bearer_auth(&token)
            .json(&json!({
                "invitedUserEmailAddress": format!("customer{i}@customer.example"),
                "inviteRedirectUrl": public_url,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while receiver.got().len() < 3 {
        assert!(std::time::Instant::now() < deadline, "nothing delivered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    let before = receiver.got().len();
    assert!(before < EVENTS, "Lobby died before delivering everything");

    let server = Server::start_anywhere(served(), log);
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    let ids = || {
        let mut count: HashMap<String, usize> = HashMap::new();
        for g in receiver.got() {
            *count.entry(g.id).or_default() += 1;
        }
        count
    };
    while ids().len() < EVENTS {
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {EVENTS} events arrived:\n{}",
            ids().len(),
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let repeats: usize = ids().values().map(|n| n - 1).sum();
    println!(
        "killed after {before} deliveries; all {EVENTS} events arrived, {repeats} of them twice"
    );
    server.terminate();
}
