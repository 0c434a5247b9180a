//! Benchmark (not a test): imports a 10 000-row CSV into a fresh SQLite
//! database with one webhook endpoint for `invitation.created` and
//! `import.finished`, and delivers every event to a receiver on 127.0.0.1
//! that checks each signature, with the same job runner and deliverer
//! `lobby serve` runs. Prints deliveries/s. Run it with `bench/webhooks.sh`.
// A benchmark stops at its first failure, with the reason: it is a
// measuring tool run by hand, not part of Lobby.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/bench_db.rs"]
#[allow(dead_code)]
mod bench_db;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::model::webhooks::{Event, NewWebhook};
use lobby::clock::{Clock, SystemClock};
use lobby::invitations::bulk::job::{confirm, BulkRunner};
use lobby::invitations::bulk::preview::{preview, Upload};
use lobby::secret::Secret;
use lobby::webhooks::endpoints::{self, Registration};
use lobby::webhooks::{signing, Deliverer};

/// What the receiver saw: each webhook-id, and when the first and the last came.
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    requests: usize,
    bad_signatures: usize,
    first: Option<Instant>,
    last: Option<Instant>,
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let bench_db::BenchDb {
        dir,
        db,
        org,
        operator,
        ..
    } = bench_db::fresh("webhooks-bench", clock.as_ref()).await;
    let public_url: url::Url = "http://127.0.0.1:3000/".parse().expect("url");
    let key = [9u8; 32];

    // The receiver, checking each signature as a seller's system would.
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let secret: Arc<Mutex<Option<Secret<String>>>> = Arc::default();
    let (record, known) = (seen.clone(), secret.clone());
    let receiver =
        axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
            let (record, known) = (record.clone(), known.clone());
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                let (id, at) = (header("webhook-id"), header("webhook-timestamp"));
                let expected = known
                    .lock()
                    .unwrap()
                    .as_ref()
                    .and_then(|s| signing::signature(s, &id, at.parse().unwrap_or(0), &body));
                let mut seen = record.lock().unwrap();
                let now = Instant::now();
                seen.first.get_or_insert(now);
                seen.last = Some(now);
                seen.requests += 1;
                if expected.as_deref() != Some(header("webhook-signature").as_str()) {
                    seen.bad_signatures += 1;
                }
                seen.ids.insert(id);
                axum::http::StatusCode::NO_CONTENT
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let registration = Registration {
        organization_id: org.id,
        webhook: NewWebhook {
            url: hook,
            events: vec![Event::InvitationCreated, Event::ImportFinished],
            allow_private: true,
        },
        actor: None,
    };
    let created = endpoints::create(&db, &key, registration, clock.as_ref())
        .await
        .expect("endpoint");
    *secret.lock().unwrap() = Some(created.secret);

    let mut file = String::from("email,display_name,language\n");
    for i in 0..rows {
        file.push_str(&format!("customer{i}@bench.example,Customer {i},en\n"));
    }
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut deliverer = Deliverer::new(
        db.clone(),
        clock.clone(),
        Arc::new(Secret::new(key)),
        lobby::webhooks::delivery::TIMEOUT,
    )
    .expect("deliverer");
    deliverer.poll = Duration::from_millis(100);
    let deliverer = tokio::spawn(deliverer.run(stop.clone()));
    let mut runner = BulkRunner::new(db.clone(), clock.clone(), public_url.clone());
    runner.poll = Duration::from_millis(100);
    let runner = tokio::spawn(runner.run(stop));

    let upload = Upload {
        file_name: "bench.csv",
        bytes: file.as_bytes(),
    };
    let id = preview(&db, &org, operator.id, upload, &public_url, clock.as_ref())
        .await
        .expect("dry run");
    let start = Instant::now();
    confirm(&db, org.id, id, operator.id, clock.as_ref())
        .await
        .expect("confirm");
    let events = rows + 1;
    let deadline = start + Duration::from_secs(600);
    while seen.lock().unwrap().ids.len() < events {
        assert!(Instant::now() < deadline, "not every event arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let total = start.elapsed();
    let _ = stop_tx.send(true);
    let _ = deliverer.await;
    let _ = runner.await;
    {
        let seen = seen.lock().unwrap();
        let spread = seen
            .last
            .zip(seen.first)
            .map(|(l, f)| l - f)
            .unwrap_or_default();
        println!(
            "events:     {events} ({rows} invitation.created, 1 import.finished), {} requests, {} bad signatures",
            seen.requests, seen.bad_signatures
        );
        println!(
            "delivered:  {:.0} deliveries/s from the first to the last arrival ({:.1} s)",
            events as f64 / spread.as_secs_f64(),
            spread.as_secs_f64()
        );
        println!(
            "end to end: {:.1} s from confirming the import to the last event received ({:.0} events/s, import included)",
            total.as_secs_f64(),
            events as f64 / total.as_secs_f64()
        );
    }
    db.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}
