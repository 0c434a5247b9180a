//! Benchmark (not a test): imports a 50 000-row CSV into a fresh SQLite
//! database and delivers every invitation email to an SMTP server on
//! 127.0.0.1, with the same job runner and outbox worker `lobby serve` runs.
//! Prints rows/s, mails/s and the total. Run it with `bench/bulk_import.sh`.
// A benchmark stops at its first failure, with the reason: it is a
// measuring tool run by hand, not part of Lobby.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/bench_db.rs"]
#[allow(dead_code)]
mod bench_db;
#[path = "../tests/it/support/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::bulk::ConfirmOutcome;
use lobby::clock::{Clock, SystemClock};
use lobby::invitations::bulk::job::{confirm, BulkRunner};
use lobby::invitations::bulk::preview::{preview, Upload};
use lobby::mail::{MailTransport, OutboxWorker};
use lobby::secret::Secret;
use lobby::store::entities::{bulk_import, email_outbox};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let bench_db::BenchDb {
        dir,
        db,
        org,
        operator,
        ..
    } = bench_db::fresh("bench", clock.as_ref()).await;
    let public_url: url::Url = "http://127.0.0.1:3000/".parse().expect("url");

    let mut file = String::from("email,display_name,language,message\n");
    for i in 0..rows {
        let lang = if i % 3 == 0 { "ko" } else { "en" };
        file.push_str(&format!(
            "customer{i}@bench.example,Customer {i},{lang},Welcome aboard\n"
        ));
    }
    println!("file: {rows} rows, {} bytes", file.len());

    let sink = smtp::SmtpSink::start().await;
    let smtp_url = Secret::new(format!("smtp://127.0.0.1:{}", sink.port));
    let transport = MailTransport::smtp(&smtp_url).expect("smtp transport");
    let from = "GFMS <noreply@gfms.example>".parse().expect("from");
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let worker = OutboxWorker::new(db.clone(), transport, from, clock.clone());
    let worker = tokio::spawn(worker.run(stop.clone()));
    let mut runner = BulkRunner::new(db.clone(), clock.clone(), public_url.clone());
    runner.poll = Duration::from_millis(100);
    let runner = tokio::spawn(runner.run(stop));

    let start = Instant::now();
    let upload = Upload {
        file_name: "bench.csv",
        bytes: file.as_bytes(),
    };
    let id = preview(&db, &org, operator.id, upload, &public_url, clock.as_ref())
        .await
        .expect("dry run");
    let judged = start.elapsed();
    let outcome = confirm(&db, org.id, id, operator.id, clock.as_ref())
        .await
        .expect("confirm");
    assert_eq!(outcome, ConfirmOutcome::Queued);

    let mut imported = None;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if imported.is_none() {
            let job = bulk_import::Entity::find_by_id(id)
                .one(&db)
                .await
                .expect("job")
                .expect("job row");
            if job.status == "done" {
                assert_eq!(job.created_count as usize, rows, "every row created");
                imported = Some(start.elapsed());
            }
        }
        let delivered = sink.received.lock().expect("sink").len();
        if imported.is_some() && delivered >= rows {
            break;
        }
    }
    let total = start.elapsed();
    let _ = stop_tx.send(true);
    let _ = worker.await;
    let _ = runner.await;
    let sent = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq("sent"))
        .count(&db)
        .await
        .expect("count");
    let imported = imported.unwrap_or(total);
    let secs = |d: Duration| d.as_secs_f64();
    println!(
        "dry run: {:.1} s ({:.0} rows/s)",
        secs(judged),
        rows as f64 / secs(judged)
    );
    println!(
        "stored:  {:.1} s from upload to the last invitation ({:.0} rows/s)",
        secs(imported),
        rows as f64 / secs(imported)
    );
    println!(
        "mailed:  {sent} sent, {} received by the SMTP server ({:.0} mails/s over the whole run)",
        sink.received.lock().expect("sink").len(),
        rows as f64 / secs(total)
    );
    println!(
        "total:   {:.1} s for {rows} rows stored and delivered",
        secs(total)
    );
    db.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}
