//! Two `lobby serve` processes on one PostgreSQL database, behind a
//! round-robin balancer without sticky sessions: each request goes to the
//! other instance. A whole journey completes, every queued email goes out
//! exactly once, and rate limits and code attempts count across both.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{header, StatusCode};
use lobby::mail::outbox::{queued, OutgoingEmail};
use lobby::store::entities::email_outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::support::browser::Answer;
use crate::support::db;
use crate::support::operator::csrf_of;
use crate::support::process::{lobby, output_of, Server, TempDir};
use crate::support::router::ORIGIN;
use crate::support::smtp::SmtpSink;

const JIWOO: &str = "jiwoo.kim@customer.example";
const MINH: &str = "minh.tran@other.example";
const ADMIN: &str = "ada@gfms.example";
const ADMIN_PASSWORD: &str = "a calm lake at dawn";
/// Invitations created one by one, and emails queued at once, for the
/// exactly-once count.
const INVITATIONS: usize = 50;
const BACKLOG: usize = 3000;

/// Sends each request to the next instance in turn.
struct Balancer {
    servers: Vec<Server>,
    next: AtomicUsize,
    http: reqwest::Client,
    token: String,
}

impl Balancer {
    fn url(&self, path: &str) -> String {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        self.servers[turn % self.servers.len()].url(path)
    }

    /// A call to the /v1.0 API with the operator's token.
    async fn api(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// Invites `email`; returns the link's ticket.
    async fn invite(&self, email: &str, extra: Value) -> String {
        let mut body = json!({
            "invitedUserEmailAddress": email,
            "inviteRedirectUrl": format!("{ORIGIN}/welcome"),
            "sendInvitationMessage": true,
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().cloned().unwrap_or_default());
        let (status, inv) = self
            .api(reqwest::Method::POST, "/v1.0/invitations", body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{inv}");
        let url = inv["inviteRedeemUrl"].as_str().unwrap();
        url.split("invitationId=").nth(1).unwrap().to_owned()
    }
}

/// A browser whose every request the balancer sends on; it keeps the
/// customer cookie, and the operator's.
struct Visitor<'a> {
    balancer: &'a Balancer,
    cookies: HashMap<String, String>,
}

impl<'a> Visitor<'a> {
    fn new(balancer: &'a Balancer) -> Self {
        Visitor {
            balancer,
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let response = request
            .header(header::ACCEPT_LANGUAGE, "en")
            .header(header::COOKIE, cookie.join("; "))
            .send()
            .await
            .unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        Answer {
            status,
            location,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let request = self.balancer.http.get(self.balancer.url(path));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .balancer
            .http
            .post(self.balancer.url(path))
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }
}

/// The code in the latest code email to `to`, as the SMTP server received
/// it (the outbox forgets a message's body once it is sent).
async fn latest_code(sink: &SmtpSink, to: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let received = sink.received.lock().expect("lock").clone();
        let text = received
            .iter()
            .rev()
            .filter(|m| m.to.iter().any(|t| t == to))
            .map(|m| m.text())
            .find(|text| text.contains("It works once"));
        if let Some(text) = text {
            return text
                .split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                .expect("six digits in the code email")
                .to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no code email to {to}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_database_act_as_one() {
    let Some(pg) = db::postgres("two_instances_on_one_postgres_database_act_as_one").await else {
        return;
    };
    let sink = SmtpSink::start().await;
    let dir = TempDir::new();
    let command = || {
        let mut cmd = lobby(&dir);
        cmd.env("DATABASE_URL", pg.url())
            .env("LOBBY_SMTP_URL", sink.url())
            .env("LOBBY_PUBLIC_URL", ORIGIN)
            .env("LOBBY_ORG_NAME", "GFMS")
            .env("LOBBY_LOG_FORMAT", "json")
            .env("RUST_LOG", "info,lobby::mail=debug");
        cmd
    };
    output_of(
        command()
            .env("LOBBY_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .args(["admin", "create", "--email", ADMIN]),
    );
    let token = output_of(command().args(["token", "create", "--email", ADMIN, "--name", "CI"]));
    // The organization's privacy statement, for the terms step to show.
    use sea_orm::ConnectionTrait;
    pg.db
        .execute_unprepared("UPDATE organization SET privacy_url = 'https://gfms.example/privacy'")
        .await
        .unwrap();
    let balancer = Balancer {
        servers: vec![
            Server::start(command(), dir.0.join("a.log")),
            Server::start(command(), dir.0.join("b.log")),
        ],
        next: AtomicUsize::new(0),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        token: token.trim().to_owned(),
    };

    // A whole journey, each step on the other instance.
    let company = json!({ "company": { "legalName": "Customer AG", "street": "Bahnhofstrasse 1", "city": "Zürich", "country": "CH" } });
    let ticket = balancer.invite(JIWOO, company).await;
    let mut jiwoo = Visitor::new(&balancer);
    let start = format!("/invite/{ticket}/start");
    assert_eq!(jiwoo.get(&format!("/invite/{ticket}")).await.status, 200);
    let sent = jiwoo.post(&format!("/invite/{ticket}/passcode"), &[]).await;
    assert_eq!(sent.location, format!("{start}?notice=code-sent"));
    let code = latest_code(&sink, JIWOO).await;
    let verify = format!("/invite/{ticket}/passcode/verify");
    let answer = jiwoo.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let consent = format!("/invite/{ticket}/consent");
    assert_eq!(
        jiwoo
            .get(&format!("/invite/{ticket}/continue"))
            .await
            .location,
        consent
    );
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", ""),
    ];
    let company_page = format!("/invite/{ticket}/company");
    assert_eq!(jiwoo.post(&consent, &accept).await.location, company_page);
    let form = [
        ("legal_name", "Customer AG"),
        ("street", "Bahnhofstrasse 1"),
        ("postal_code", "8001"),
        ("city", "Zürich"),
        ("country", "CH"),
        ("tax_id", ""),
        ("phone", ""),
        ("website", ""),
    ];
    let answer = jiwoo.post(&company_page, &form).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let welcome = jiwoo.get(&format!("/invite/{ticket}/continue")).await;
    assert!(
        welcome
            .body
            .contains("You are now set up for Customer AG at GFMS."),
        "{}",
        welcome.body
    );

    // The admin changes a setting on one instance; the customers' pages of
    // both show it at once (nothing of the organization is kept in memory).
    let mut ada = Visitor::new(&balancer);
    let signed_in = ada
        .post(
            "/admin/login",
            &[("email", ADMIN), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let csrf = csrf_of(&ada.get("/admin/tokens").await.body);
    let links = "Order portal | https://shop.gfms.example/orders";
    let saved = ada
        .post(
            "/api/save_welcome_links",
            &[("csrf", &csrf), ("links", links)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Saved"), "{}", saved.body);
    for _ in 0..2 {
        let welcome = jiwoo.get(&format!("/invite/{ticket}/continue")).await;
        assert!(
            welcome
                .body
                .contains("href=\"https://shop.gfms.example/orders\""),
            "{}",
            welcome.body
        );
    }

    // A code's five tries are shared: the count goes down whichever instance answers.
    let ticket = balancer.invite(MINH, json!({})).await;
    let mut minh = Visitor::new(&balancer);
    let start = format!("/invite/{ticket}/start");
    let page = minh.get(&start).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let sent = minh.post(&format!("/invite/{ticket}/passcode"), &[]).await;
    let what = format!("{} {}", sent.status, sent.body);
    assert_eq!(sent.location, format!("{start}?notice=code-sent"), "{what}");
    let code = latest_code(&sink, MINH).await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let verify = format!("/invite/{ticket}/passcode/verify");
    for left in (0..5).rev() {
        let answer = minh.post(&verify, &[("code", &wrong)]).await;
        assert_eq!(
            answer.location,
            format!("{start}?notice=wrong-code&left={left}")
        );
    }
    let answer = minh.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("{start}?notice=need-new-code"));

    // Ten failed operator sign-ins, five on each instance, lock the email on both.
    let mut intruder = Visitor::new(&balancer);
    let login = |password: &'static str| [("email", ADMIN), ("password", password)];
    for _ in 0..10 {
        let answer = intruder
            .post("/admin/login", &login("wrong wrong wrong"))
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    for _ in 0..2 {
        let answer = intruder.post("/admin/login", &login(ADMIN_PASSWORD)).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    }

    // Invitations from both instances, and then a backlog that falls due all
    // at once: both outbox workers reach for the same rows.
    for i in 0..INVITATIONS {
        balancer
            .invite(&format!("guest{i}@customer.example"), json!({}))
            .await;
    }
    let now = chrono::Utc::now();
    let backlog: Vec<_> = (0..BACKLOG)
        .map(|i| {
            let email = OutgoingEmail {
                to: format!("reader{i}@customer.example"),
                cc: None,
                subject: "News".into(),
                text: "Our news.".into(),
                html: None,
            };
            queued(email, now)
        })
        .collect();
    for chunk in backlog.chunks(500) {
        email_outbox::Entity::insert_many(chunk.to_vec())
            .exec(&pg.db)
            .await
            .unwrap();
    }
    let queued = email_outbox::Entity::find().count(&pg.db).await.unwrap() as usize;
    let got = sink.wait_for(queued, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_later = sink.count();
    let ids: std::collections::HashSet<_> =
        got.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(
        (got.len(), ids.len(), got_later),
        (queued, queued, queued),
        "each of the {queued} queued emails arrived once"
    );
    let unsent = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.ne("sent"))
        .count(&pg.db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
    let shares: Vec<u64> = balancer.servers.iter().map(sent_by).collect();
    assert_eq!(shares.iter().sum::<u64>(), queued as u64, "{shares:?}");
    eprintln!("scale-out: {queued} emails sent once; by instance {shares:?}");
}

/// How many emails an instance logged as sent.
fn sent_by(server: &Server) -> u64 {
    server
        .logs()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["fields"]["message"] == "mail sent")
        .count() as u64
}
