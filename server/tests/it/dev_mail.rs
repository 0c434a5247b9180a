//! The development mailbox: with the development mail transport,
//! `/dev/mail` lists what Lobby sent, newest first, and shows each message
//! with its links clickable; only to a signed-in admin or from this
//! machine. With SMTP configured there is no such page.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use lettre::message::Mailbox;
use lobby::clock::SystemClock;
use lobby::mail::{enqueue, MailTransport, OutboxWorker, OutgoingEmail};
use lobby::operators::{create_operator, NewOperator, Role};
use lobby::secret::Secret;
use tokio::sync::watch;

use crate::support::db;
use crate::support::process::TempDir;
use crate::support::router::{answer, served_with, ORIGIN};
use lobby::clock::ManualClock;

const LOCAL: &str = "127.0.0.1";
const REMOTE: &str = "203.0.113.5";
const PASSWORD: &str = "a calm lake at dawn";

/// `method path` from the client `peer`, with `headers` and `body`.
async fn send(
    app: &Router,
    method: &str,
    path: &str,
    peer: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut request = request.body(Body::from(body.to_owned())).unwrap();
    let peer = SocketAddr::new(peer.parse().unwrap(), 40000);
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = answer(app, request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Sends what is queued through the development transport into `dir`.
async fn deliver(db: &sea_orm::DatabaseConnection, dir: &TempDir) {
    let from: Mailbox = "GFMS <no-reply@gfms.example>".parse().unwrap();
    let transport = MailTransport::dev(dir.0.clone());
    let worker = OutboxWorker::new(db.clone(), transport, from, Arc::new(SystemClock));
    let (_keep, running) = watch::channel(false);
    assert_eq!(worker.deliver_due(&running).await.unwrap(), 1);
}

/// An operator with `role`, signed in from `peer`: their cookie.
async fn signed_in(
    app: &Router,
    db: &sea_orm::DatabaseConnection,
    org: uuid::Uuid,
    email: &str,
    role: Role,
) -> String {
    let new = NewOperator {
        organization_id: org,
        email: email.into(),
        display_name: None,
        password: Secret::new(PASSWORD.into()),
        role,
        actor: None,
    };
    create_operator(db, new, &SystemClock).await.unwrap();
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let headers = [
        ("origin", ORIGIN),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let (status, h, _) = send(app, "POST", "/admin/login", REMOTE, &headers, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    crate::support::session_cookie(&h)
}

#[tokio::test]
async fn the_development_mailbox_shows_what_was_sent_to_admins_and_this_machine_only() {
    let dir = TempDir::new();
    let clock = ManualClock::new(chrono::Utc::now());
    let (app, db, org) = served_with(db::sqlite().await, clock, ORIGIN, Some(dir.0.clone())).await;
    let (status, _, body) = send(&app, "GET", "/dev/mail", LOCAL, &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("No messages yet."), "{body}");

    let link = "http://lobby.test/api/InviteUser?invitationId=abc&x=1";
    let html = format!("<p><a href=\"{link}\">Accept</a></p><script>alert(1)</script>");
    let first = OutgoingEmail {
        to: "jiwoo@customer.example".into(),
        cc: None,
        subject: "You are invited to GFMS".into(),
        text: format!("Accept the invitation:\n{link}\n"),
        html: Some(html.clone()),
    };
    let id = enqueue(&db, first, &SystemClock).await.unwrap();
    deliver(&db, &dir).await;
    let second = OutgoingEmail {
        to: "minh@customer.example".into(),
        cc: Some("boss@customer.example".into()),
        subject: "Your code <123456>".into(),
        text: "Your code is 123456.".into(),
        html: None,
    };
    enqueue(&db, second, &SystemClock).await.unwrap();
    deliver(&db, &dir).await;

    // From this machine: newest first, with recipient, subject and time.
    let (status, headers, list) = send(&app, "GET", "/dev/mail", LOCAL, &[], "").await;
    assert_eq!(status, StatusCode::OK);
    let newer = list
        .find("Your code &lt;123456&gt;")
        .expect("escaped subject");
    let older = list
        .find("You are invited to GFMS")
        .expect("the first message");
    assert!(newer < older, "newest first: {list}");
    assert!(list.contains("jiwoo@customer.example") && list.contains(&format!("/dev/mail/{id}")));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    // In Korean too.
    let (_, _, korean) = send(
        &app,
        "GET",
        "/dev/mail",
        LOCAL,
        &[("accept-language", "ko")],
        "",
    )
    .await;
    assert!(korean.contains("개발용 메일함"), "{korean}");

    // One message: its text with the link clickable, and its HTML sandboxed.
    let (status, _, page) = send(&app, "GET", &format!("/dev/mail/{id}"), LOCAL, &[], "").await;
    assert_eq!(status, StatusCode::OK);
    let escaped = link.replace('&', "&amp;");
    assert!(
        page.contains(&format!("<a href=\"{escaped}\">{escaped}</a>")),
        "{page}"
    );
    assert!(page.contains(&format!("/dev/mail/{id}/html")), "{page}");
    let (status, headers, shown) =
        send(&app, "GET", &format!("/dev/mail/{id}/html"), LOCAL, &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown, html);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("sandbox ") && !csp.contains("allow-scripts"),
        "{csp}"
    );
    for missing in [
        format!("/dev/mail/{}", uuid::Uuid::new_v4()),
        "/dev/mail/nope".into(),
    ] {
        let (status, _, body) = send(&app, "GET", &missing, LOCAL, &[], "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(body.contains("Back to the mailbox"), "{body}");
    }

    // From elsewhere: an admin's session only.
    let (status, _, body) = send(&app, "GET", "/dev/mail", REMOTE, &[], "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body.contains("Only a signed-in admin") && !body.contains("jiwoo@"),
        "{body}"
    );
    let operator = signed_in(&app, &db, org, "ops@gfms.example", Role::Operator).await;
    let (status, _, _) = send(
        &app,
        "GET",
        &format!("/dev/mail/{id}"),
        REMOTE,
        &[("cookie", &operator)],
        "",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "operators who are not admins"
    );
    let admin = signed_in(&app, &db, org, "ada@gfms.example", Role::Admin).await;
    let (status, _, body) = send(&app, "GET", "/dev/mail", REMOTE, &[("cookie", &admin)], "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("You are invited to GFMS"), "{body}");
}

#[tokio::test]
async fn with_smtp_there_is_no_development_mailbox() {
    let clock = ManualClock::new(chrono::Utc::now());
    let (app, _, _) = served_with(db::sqlite().await, clock, ORIGIN, None).await;
    for path in ["/dev/mail", &format!("/dev/mail/{}", uuid::Uuid::new_v4())] {
        let (status, _, body) = send(&app, "GET", path, LOCAL, &[], "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Development mailbox"), "{body}");
    }
}
