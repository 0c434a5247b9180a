//! The outbox and its worker, delivering through a real SMTP listener.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lobby::clock::{Clock, SystemClock};
use lobby::mail::{enqueue, MailTransport, OutboxWorker, OutgoingEmail, RetryPolicy};
use lobby::secret::Secret;
use lobby::store::entities::email_outbox;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};
use tokio::sync::watch;

use crate::support::db;
use crate::support::smtp::SmtpSink;

fn email(to: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.into(),
        cc: None,
        subject: subject.into(),
        text: format!("{subject}\n\nOpen http://127.0.0.1:3000/invite/abc to continue."),
        html: None,
    }
}

fn worker(db: &DatabaseConnection, transport: MailTransport) -> OutboxWorker {
    let from: Mailbox = "GFMS <no-reply@gfms.example>".parse().unwrap();
    let mut w = OutboxWorker::new(db.clone(), transport, from, Arc::new(SystemClock));
    w.policy = RetryPolicy {
        base: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_attempts: 20,
    };
    w.poll = Duration::from_millis(25);
    w
}

fn smtp(sink: &SmtpSink) -> MailTransport {
    MailTransport::smtp(&Secret::new(sink.url())).unwrap()
}

fn running() -> watch::Receiver<bool> {
    // The sender is leaked on purpose: "never stop" for a single pass.
    let (tx, rx) = watch::channel(false);
    std::mem::forget(tx);
    rx
}

async fn rows(db: &DatabaseConnection) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find().all(db).await.unwrap()
}

#[tokio::test]
async fn queued_mail_arrives_over_smtp_with_html_and_cc() {
    let db = db::sqlite().await;
    let sink = SmtpSink::start().await;
    let id = enqueue(
        &db,
        OutgoingEmail {
            to: "jiwoo@customer.example".into(),
            cc: Some("boss@customer.example".into()),
            subject: "You are invited".into(),
            text: "Plain text body".into(),
            html: Some("<p>HTML body</p>".into()),
        },
        &SystemClock,
    )
    .await
    .unwrap();

    let sent = worker(&db, smtp(&sink))
        .deliver_due(&running())
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.from, "no-reply@gfms.example");
    assert_eq!(
        m.to.iter().collect::<HashSet<_>>(),
        [
            "jiwoo@customer.example".to_string(),
            "boss@customer.example".to_string()
        ]
        .iter()
        .collect()
    );
    assert_eq!(m.header("Subject").as_deref(), Some("You are invited"));
    assert_eq!(
        m.header("From").as_deref(),
        Some("GFMS <no-reply@gfms.example>")
    );
    assert_eq!(m.header("Message-ID"), Some(format!("<{id}@lobby>")));
    assert!(m.data.contains("multipart/alternative"));
    assert!(m.data.contains("Plain text body") && m.data.contains("<p>HTML body</p>"));

    let row = &rows(&db).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 1));
    assert!(row.sent_at.is_some() && row.claimed_by.is_none() && row.last_error.is_none());
    // Delivered: the body (often a live link or code) is not kept; who,
    // what about and when are.
    assert_eq!(
        (row.body_text.as_str(), row.body_html.as_deref()),
        ("", None)
    );
    assert_eq!(
        (row.to_address.as_str(), row.subject.as_str()),
        ("jiwoo@customer.example", "You are invited")
    );
}

#[tokio::test]
async fn the_outbox_is_written_in_the_callers_transaction() {
    let db = db::sqlite().await;
    let txn = db.begin().await.unwrap();
    enqueue(
        &txn,
        email("a@customer.example", "rolled back"),
        &SystemClock,
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(email_outbox::Entity::find().count(&db).await.unwrap(), 0);

    let txn = db.begin().await.unwrap();
    enqueue(&txn, email("a@customer.example", "committed"), &SystemClock)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(email_outbox::Entity::find().count(&db).await.unwrap(), 1);
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_arrives_once_after_it_returns() {
    let db = db::sqlite().await;
    let (port, received) = SmtpSink::start().await.stop().await;
    let transport = MailTransport::smtp(&Secret::new(format!("smtp://127.0.0.1:{port}"))).unwrap();
    let w = worker(&db, transport);
    for i in 0..20 {
        enqueue(
            &db,
            email(&format!("guest{i}@customer.example"), "while down"),
            &SystemClock,
        )
        .await
        .unwrap();
    }

    // Three tries while the server is down, each after a wait twice as long.
    for (attempt, wait_ms) in [(1, 100), (2, 200), (3, 400)] {
        let due = rows(&db)
            .await
            .iter()
            .map(|r| r.next_attempt_at)
            .max()
            .unwrap();
        let early = (due - SystemClock.now()).to_std().unwrap_or_default();
        tokio::time::sleep(early).await;
        let before = SystemClock.now();
        assert_eq!(w.deliver_due(&running()).await.unwrap(), 20);
        for row in rows(&db).await {
            assert_eq!((row.status.as_str(), row.attempts), ("pending", attempt));
            assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
            assert!(row.claimed_by.is_none());
            let waits = row.next_attempt_at - before;
            assert!(
                waits >= chrono::Duration::milliseconds(wait_ms)
                    && waits < chrono::Duration::milliseconds(wait_ms + 1000),
                "try {attempt}: next in {waits}"
            );
        }
    }

    let sink = SmtpSink::start_on(port, received).await;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(w.run(stopped));
    sink.wait_for(20, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    task.await.unwrap();

    let got = sink.received.lock().unwrap().clone();
    let ids: HashSet<_> = got.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!((got.len(), ids.len()), (20, 20), "each arrived once");
    for row in rows(&db).await {
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 4));
    }
}

#[tokio::test]
async fn mail_is_given_up_only_after_the_last_attempt() {
    let db = db::sqlite().await;
    let (port, _) = SmtpSink::start().await.stop().await;
    let mut w = worker(
        &db,
        MailTransport::smtp(&Secret::new(format!("smtp://127.0.0.1:{port}"))).unwrap(),
    );
    w.policy = RetryPolicy {
        base: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_attempts: 3,
    };
    enqueue(&db, email("jiwoo@customer.example", "never"), &SystemClock)
        .await
        .unwrap();
    for expected in ["pending", "pending", "failed"] {
        w.deliver_due(&running()).await.unwrap();
        let row = &rows(&db).await[0];
        assert_eq!(row.status, expected);
        // Kept while a retry needs it, cleared once none will.
        assert_eq!(row.body_text.is_empty(), expected == "failed");
    }
    w.deliver_due(&running()).await.unwrap();
    assert_eq!(
        rows(&db).await[0].attempts,
        3,
        "a failed row is not tried again"
    );
}

#[tokio::test]
async fn the_worker_stops_between_messages() {
    let db = db::sqlite().await;
    let sink = SmtpSink::start_with_delay(0, Default::default(), Duration::from_millis(300)).await;
    // More than the worker sends at once (16).
    for i in 0..40 {
        enqueue(
            &db,
            email("jiwoo@customer.example", &format!("message {i}")),
            &SystemClock,
        )
        .await
        .unwrap();
    }
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(worker(&db, smtp(&sink)).run(stopped));
    sink.wait_for(1, Duration::from_secs(10)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("worker stops")
        .unwrap();

    let all = rows(&db).await;
    let sent = all.iter().filter(|r| r.status == "sent").count();
    let pending: Vec<_> = all.iter().filter(|r| r.status == "pending").collect();
    assert_eq!(
        sent,
        sink.count(),
        "every delivered message is recorded, and only those"
    );
    assert!(
        sent < 40 && !pending.is_empty(),
        "it stopped before the end ({sent} sent)"
    );
    assert!(
        pending
            .iter()
            .all(|r| r.claimed_by.is_none() && r.attempts == 0),
        "unsent rows are released untouched"
    );
}

/// A clock that moves three seconds for every message the sink has taken:
/// each send "lasts" three seconds, whatever the machine's load.
struct PacedBySink {
    start: chrono::DateTime<chrono::Utc>,
    received: Arc<std::sync::Mutex<Vec<crate::support::smtp::Received>>>,
}

impl Clock for PacedBySink {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let sent = self.received.lock().unwrap().len() as i64;
        self.start + chrono::Duration::seconds(3 * sent)
    }
}

/// A message starts only while its claim outlasts the send limit, so no
/// second worker can take it up mid-send; the rest are released untouched.
#[tokio::test]
async fn no_message_starts_too_late_to_finish_within_its_claim() {
    let db = db::sqlite().await;
    let sink = SmtpSink::start().await;
    for i in 0..10 {
        enqueue(
            &db,
            email("jiwoo@customer.example", &format!("m{i}")),
            &SystemClock,
        )
        .await
        .unwrap();
    }
    let mut w = worker(&db, smtp(&sink));
    w.clock = Arc::new(PacedBySink {
        start: SystemClock.now(),
        received: sink.received.clone(),
    });
    // Sends start at 0, 3 and 6 s on that clock; the third would end past the claim.
    (w.claim_for, w.send_limit, w.parallel) =
        (Duration::from_secs(10), Duration::from_millis(5500), 1);
    assert_eq!(w.deliver_due(&running()).await.unwrap(), 2);

    let all = rows(&db).await;
    assert_eq!(all.iter().filter(|r| r.status == "sent").count(), 2);
    assert_eq!(sink.count(), 2);
    assert!(
        all.iter()
            .filter(|r| r.status == "pending")
            .all(|r| r.claimed_by.is_none() && r.attempts == 0),
        "the rest are released untouched"
    );
}

#[tokio::test]
async fn a_send_over_the_limit_counts_as_failed() {
    let db = db::sqlite().await;
    let sink = SmtpSink::start_with_delay(0, Default::default(), Duration::from_millis(500)).await;
    enqueue(&db, email("jiwoo@customer.example", "slow"), &SystemClock)
        .await
        .unwrap();
    let mut w = worker(&db, smtp(&sink));
    w.send_limit = Duration::from_millis(100);
    w.deliver_due(&running()).await.unwrap();

    let row = &rows(&db).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert!(row.claimed_by.is_none());
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.contains("longer than")),
        "{:?}",
        row.last_error
    );
}

#[tokio::test]
async fn dev_transport_stores_each_message_as_eml() {
    let db = db::sqlite().await;
    let dir = std::env::temp_dir().join(format!("lobby-devmail-{}", uuid::Uuid::new_v4()));
    enqueue(
        &db,
        email("jiwoo@customer.example", "Dev message"),
        &SystemClock,
    )
    .await
    .unwrap();
    worker(&db, MailTransport::dev(dir.clone()))
        .deliver_due(&running())
        .await
        .unwrap();

    // The message, and beside it what /dev/mail reads back.
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|f| f.extension().unwrap().to_owned());
    let extensions: Vec<_> = files.iter().map(|f| f.extension().unwrap()).collect();
    assert_eq!(extensions, ["eml", "json"]);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Dev message"));
    assert!(eml.contains("To: jiwoo@customer.example"));
    assert!(eml.contains("http://127.0.0.1:3000/invite/abc"));
    assert_eq!(rows(&db).await[0].status, "sent");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Two workers on one database never send the same message twice.
async fn two_workers_send_each_message_once(db: &DatabaseConnection) {
    let sink = SmtpSink::start().await;
    for i in 0..40 {
        enqueue(
            db,
            email(&format!("user{i}@customer.example"), &format!("m{i}")),
            &SystemClock,
        )
        .await
        .unwrap();
    }
    let (a, b) = (worker(db, smtp(&sink)), worker(db, smtp(&sink)));
    let (mut a, mut b) = (a, b);
    a.batch = 7;
    b.batch = 7;
    let stop = running();
    for _ in 0..20 {
        let (x, y) = tokio::join!(a.deliver_due(&stop), b.deliver_due(&stop));
        if x.unwrap() + y.unwrap() == 0 {
            break;
        }
    }
    let got = sink.wait_for(40, Duration::from_secs(10)).await;
    let ids: HashSet<_> = got.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!((got.len(), ids.len()), (40, 40));
    let sent = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq("sent"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(sent, 40);
}

#[tokio::test]
async fn sqlite_two_workers_send_each_message_once() {
    two_workers_send_each_message_once(&db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_two_workers_send_each_message_once() {
    if let Some(pg) = db::postgres("two_workers_send_each_message_once").await {
        two_workers_send_each_message_once(&pg.db).await;
    }
}

/// The mail server refuses one invitee's mailbox for good (550) and
/// another's for now (452): the first invitation's email fails at once with
/// the server's answer, shown in the dashboard's list and on its page; the
/// second waits for its next try, which the page names.
#[tokio::test]
async fn a_mailbox_refused_for_good_fails_at_once_and_the_dashboard_says_so() {
    use crate::support::api::{create_invitation, setup};
    use crate::support::operator::admin_session;
    use serde_json::{json, Value};
    let api = setup().await;
    let sink = SmtpSink::start().await;
    let mut ids = HashMap::new();
    for to in [
        "no-such-mailbox@customer.example",
        "over-quota@customer.example",
        "jiwoo@customer.example",
    ] {
        let inv = create_invitation(
            &api,
            json!({
                "invitedUserEmailAddress": to,
                "inviteRedirectUrl": "http://lobby.test/",
                "sendInvitationMessage": true,
            }),
        )
        .await;
        ids.insert(to, inv["id"].as_str().unwrap().to_owned());
    }
    let w = worker(&api.db, smtp(&sink));
    assert_eq!(w.deliver_due(&running()).await.unwrap(), 3);
    let by_address: HashMap<String, email_outbox::Model> = rows(&api.db)
        .await
        .into_iter()
        .map(|r| (r.to_address.clone(), r))
        .collect();
    let refused = &by_address["no-such-mailbox@customer.example"];
    assert_eq!((refused.status.as_str(), refused.attempts), ("failed", 1));
    assert!(refused
        .last_error
        .as_deref()
        .unwrap()
        .contains("User unknown"));
    let full = &by_address["over-quota@customer.example"];
    assert_eq!((full.status.as_str(), full.attempts), ("pending", 1));
    assert_eq!(by_address["jiwoo@customer.example"].status, "sent");
    // Tried again later: the refused one never, the full one again.
    tokio::time::sleep(Duration::from_millis(150)).await;
    w.deliver_due(&running()).await.unwrap();
    let again = rows(&api.db).await;
    let attempts = |to: &str| again.iter().find(|r| r.to_address == to).unwrap().attempts;
    assert_eq!(attempts("no-such-mailbox@customer.example"), 1);
    assert_eq!(attempts("over-quota@customer.example"), 2);

    let admin = admin_session(&api).await;
    let detail = |id: String| {
        let (admin, api) = (&admin, &api);
        async move {
            let body = admin
                .call(api, "/api/get_invitation_detail", &[("id", &id)])
                .await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    let page = detail(ids["no-such-mailbox@customer.example"].clone()).await;
    let error = page["row"]["mail"]["Failed"]["error"].as_str().unwrap();
    assert!(
        error.contains("550") && error.contains("User unknown"),
        "{page}"
    );
    let page = detail(ids["over-quota@customer.example"].clone()).await;
    let queued = &page["row"]["mail"]["Queued"];
    assert!(queued["retry_at"].is_string(), "{page}");
    assert!(queued["last_error"]
        .as_str()
        .unwrap()
        .contains("Mailbox full"));
    let page = detail(ids["jiwoo@customer.example"].clone()).await;
    assert!(page["row"]["mail"]["Delivered"]["at"].is_string(), "{page}");

    // The list marks the failed one, as the dashboard shows it.
    let (_, _, list) = crate::support::router::get(
        &api.app,
        "/admin/invitations",
        &[("cookie", admin.cookie.as_str())],
    )
    .await;
    let failed_rows: Vec<&str> = list
        .split("<tr>")
        .filter(|row| row.contains("Email failed"))
        .collect();
    assert_eq!(failed_rows.len(), 1, "{list}");
    assert!(failed_rows[0].contains("no-such-mailbox@customer.example"));
}
