//! Faults from outside: a server killed with SIGKILL while it sends, and its
//! database going away under load.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use lobby::mail::outbox::{queued, OutgoingEmail};
use lobby::store::entities::email_outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::db;
use crate::support::process::{lobby, output_of, Server, TempDir};
use crate::support::smtp::{Received, SmtpSink};

const EMAILS: usize = 10_000;

fn unique_ids(got: &[Received]) -> HashSet<String> {
    got.iter().filter_map(|m| m.header("Message-ID")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_sending_delivers_every_email_after_a_restart() {
    let dir = TempDir::new();
    output_of(lobby(&dir).arg("migrate"));
    let db = lobby::store::connect(&dir.db_url()).await.unwrap();
    let now = chrono::Utc::now();
    let rows: Vec<_> = (0..EMAILS)
        .map(|i| {
            let email = OutgoingEmail {
                to: format!("guest{i}@customer.example"),
                cc: None,
                subject: format!("message {i}"),
                text: "You are invited.".into(),
                html: None,
            };
            queued(email, now)
        })
        .collect();
    for chunk in rows.chunks(500) {
        email_outbox::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    let sink = SmtpSink::start().await;
    let serve = || {
        let mut cmd = lobby(&dir);
        cmd.env("LOBBY_SMTP_URL", sink.url());
        cmd
    };

    let first = Server::start(serve(), dir.0.join("first.log"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // Not at a multiple of the 500 a pass claims: in the middle of one.
    while sink.count() < 2_750 {
        assert!(tokio::time::Instant::now() < deadline, "sending is stuck");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill();
    let at_kill = sink.count();
    assert!(at_kill < EMAILS, "killed in the middle: {at_kill} arrived");

    // Restarted, it sends the rest; rows claimed by the dead process wait for
    // their claim (a minute) to run out.
    let second = Server::start(serve(), dir.0.join("second.log"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(150);
    loop {
        let got = sink.received.lock().unwrap().clone();
        if unique_ids(&got).len() == EMAILS {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {EMAILS} arrived",
            unique_ids(&got).len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = sink.received.lock().unwrap().clone();
    let duplicates = got.len() - unique_ids(&got).len();
    eprintln!(
        "crash: SIGKILL after {at_kill} of {EMAILS} emails; after the restart all arrived, {duplicates} twice ({:.2} %)",
        duplicates as f64 * 100.0 / EMAILS as f64
    );
    assert!(duplicates <= EMAILS / 1000, "{duplicates} duplicates");
    let sent = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq("sent"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(sent as usize, EMAILS);
    assert!(second.terminate().0);
}

// Going and back are the moments the database is being switched off and
// on: an answer then may be either.
const BEFORE: u8 = 0;
const GOING: u8 = 1;
const AWAY: u8 = 2;
const BACK: u8 = 3;
const DONE: u8 = 4;

/// What one request got while the database came and went.
#[derive(Debug)]
struct Seen {
    path: &'static str,
    /// The phase when it was asked and when it was answered.
    phases: (u8, u8),
    status: StatusCode,
    retry_after: Option<String>,
    body: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_get_503_while_postgres_is_away_and_lobby_recovers_by_itself() {
    let Some(pg) = db::postgres("requests_get_503_while_postgres_is_away").await else {
        return;
    };
    let dir = TempDir::new();
    let command = || {
        let mut cmd = lobby(&dir);
        cmd.env("DATABASE_URL", pg.url())
            .env("LOBBY_PUBLIC_URL", "http://lobby.test");
        cmd
    };
    output_of(
        command()
            .env("LOBBY_ADMIN_PASSWORD", "a calm lake at dawn")
            .args(["admin", "create", "--email", "ada@gfms.example"]),
    );
    let token = output_of(command().args([
        "token",
        "create",
        "--email",
        "ada@gfms.example",
        "--name",
        "CI",
    ]));
    let token = token.trim().to_owned();
    let server = Server::start(command(), dir.0.join("lobby.log"));
    let http = reqwest::Client::new();
    let created: serde_json::Value = http
        .post(server.url("/v1.0/invitations"))
        .bearer_auth(&token)
        .json(&json!({
            "invitedUserEmailAddress": "jiwoo@customer.example",
            "inviteRedirectUrl": "http://lobby.test/welcome",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = created["inviteRedeemUrl"].as_str().unwrap();
    let invitation_page: &'static str =
        format!("/invite/{}", link.split("invitationId=").nth(1).unwrap()).leak();

    // Visitors and an API client keep asking, before, during and after.
    let phase = Arc::new(AtomicU8::new(BEFORE));
    let mut load = tokio::task::JoinSet::new();
    for path in [invitation_page, "/v1.0/invitations", "/healthz"] {
        let (http, url, token) = (http.clone(), server.url(path), token.clone());
        let phase = phase.clone();
        load.spawn(async move {
            let mut seen = Vec::new();
            while phase.load(Ordering::Relaxed) != DONE {
                let asked = phase.load(Ordering::Relaxed);
                let response = http
                    .get(&url)
                    .bearer_auth(&token)
                    .header(header::ACCEPT_LANGUAGE, "ko")
                    .timeout(Duration::from_secs(15))
                    .send()
                    .await
                    .expect("an answer within 15 s");
                seen.push(Seen {
                    path,
                    phases: (asked, phase.load(Ordering::Relaxed)),
                    status: response.status(),
                    retry_after: response
                        .headers()
                        .get(header::RETRY_AFTER)
                        .map(|v| v.to_str().unwrap().to_owned()),
                    body: response.text().await.unwrap(),
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        });
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    phase.store(GOING, Ordering::Relaxed);
    pg.refuse_connections(true).await;
    phase.store(AWAY, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(4)).await;
    phase.store(BACK, Ordering::Relaxed);
    pg.refuse_connections(false).await;

    // Back by itself: no restart, each path answers 200 again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for path in [invitation_page, "/v1.0/invitations", "/healthz"] {
        loop {
            let status = http
                .get(server.url(path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status();
            if status == StatusCode::OK {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{path} still answers {status}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    phase.store(DONE, Ordering::Relaxed);
    let mut seen = Vec::new();
    while let Some(done) = load.join_next().await {
        seen.extend(done.unwrap());
    }
    let before: Vec<_> = seen
        .iter()
        .filter(|s| s.phases == (BEFORE, BEFORE))
        .collect();
    assert!(!before.is_empty());
    assert!(
        before.iter().all(|s| s.status == StatusCode::OK),
        "{before:?}"
    );
    // Whatever was asked while the database went or came is one or the other.
    let odd: Vec<_> = seen
        .iter()
        .filter(|s| ![StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE].contains(&s.status))
        .collect();
    assert!(odd.is_empty(), "{odd:?}");
    let during: Vec<_> = seen.iter().filter(|s| s.phases == (AWAY, AWAY)).collect();

    for path in [invitation_page, "/v1.0/invitations", "/healthz"] {
        assert!(
            during
                .iter()
                .any(|s| s.path == path && s.status == StatusCode::SERVICE_UNAVAILABLE),
            "{path} answered 503 while the database was away"
        );
    }
    for seen in during.iter() {
        assert_eq!(seen.status, StatusCode::SERVICE_UNAVAILABLE, "{seen:?}");
        assert!(seen.retry_after.is_some(), "{seen:?}");
        if seen.path == invitation_page {
            assert!(
                seen.body.contains("<h1>") && seen.body.contains("role=\"alert\""),
                "a page: {seen:?}"
            );
            assert!(
                seen.body.contains("잠시 후"),
                "in the visitor's language: {seen:?}"
            );
        }
        if seen.path == "/v1.0/invitations" {
            let error: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
            assert_eq!(error["error"]["code"], "ServiceNotAvailable", "{seen:?}");
        }
    }
    eprintln!(
        "database away for 4 s: {} answers, all 503 with Retry-After",
        during.len()
    );
    assert!(server.terminate().0);
}
