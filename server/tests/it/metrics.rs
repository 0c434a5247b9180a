//! `/metrics` (issue 24, point 6): the Prometheus exposition, parsed as a
//! scraper reads it; never on the public port without the bearer token, and
//! on its own address when `LOBBY_METRICS_LISTEN` says so.

use std::collections::HashMap;

use axum::http::StatusCode;

use crate::support::api::setup;
use crate::support::browser::{invite, latest_code, Browser};
use crate::support::process::{lobby, port_in, Server, TempDir};
use crate::support::router::{get, METRICS_TOKEN};

/// The samples of an exposition: `name{labels}` to value. Every line is a
/// comment or a sample with a number, and it ends with `# EOF`.
fn samples(text: &str) -> HashMap<String, f64> {
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
            let value: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {line}"));
            (series.to_owned(), value)
        })
        .collect()
}

#[tokio::test]
async fn the_metrics_need_the_token_and_count_requests_sign_ins_and_the_database() {
    let api = setup().await;
    let (status, headers, _) = get(&api.app, "/metrics", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");
    let (status, _, _) = get(&api.app, "/metrics", &[("authorization", "Bearer wrong")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // What happens: a landing page, a wrong code, a sign-in, an unknown page.
    let ticket = invite(&api, "jiwoo.kim@customer.example").await;
    let mut browser = Browser::new(&api);
    assert_eq!(
        browser.get(&format!("/invite/{ticket}")).await.status,
        StatusCode::OK
    );
    browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    let code = latest_code(&api, "jiwoo.kim@customer.example").await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let verify = format!("/invite/{ticket}/passcode/verify");
    browser.post(&verify, &[("code", &wrong)]).await;
    browser.post(&verify, &[("code", &code)]).await;
    get(&api.app, "/no/such/page", &[]).await;

    let bearer = format!("Bearer {METRICS_TOKEN}");
    let (status, headers, text) = get(&api.app, "/metrics", &[("authorization", &bearer)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let all = samples(&text);
    let value = |series: &str| {
        *all.get(series)
            .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
    };
    // Requests by route template (the ticket never becomes a label) and status.
    assert!(!text.contains(&ticket), "{text}");
    assert_eq!(
        value(r#"lobby_http_requests_total{method="GET",route="/invite/{ticket}",status="200"}"#),
        1.0
    );
    assert_eq!(
        value(r#"lobby_http_requests_total{method="GET",route="unmatched",status="404"}"#),
        1.0
    );
    assert!(text.contains("# TYPE lobby_http_request_duration_seconds histogram"));
    assert!(
        value(
            r#"lobby_http_request_duration_seconds_count{route="/invite/{ticket}/passcode/verify"}"#
        ) >= 2.0
    );
    // Sign-ins by method and outcome.
    assert_eq!(
        value(r#"lobby_sign_ins_total{method="email_passcode",outcome="refused"}"#),
        1.0
    );
    assert_eq!(
        value(r#"lobby_sign_ins_total{method="email_passcode",outcome="signed_in"}"#),
        1.0
    );
    // The database's figures, read at the scrape.
    assert_eq!(
        value(r#"lobby_invitations{status="PendingAcceptance"}"#),
        1.0
    );
    assert_eq!(value(r#"lobby_invitations{status="Accepted"}"#), 0.0);
    assert_eq!(
        value(r#"lobby_outbox_messages{status="pending"}"#),
        1.0,
        "the code email"
    );
    assert!(value("lobby_outbox_oldest_pending_seconds") >= 0.0);
    assert_eq!(value("lobby_webhook_deliveries_pending"), 0.0);
    assert!(value(r#"lobby_db_pool_connections{state="in_use"}"#) >= 0.0);

    // Rate-limit refusals: the operator sign-in's limit per client address.
    for _ in 0..25 {
        crate::support::operator::post(
            &api.app,
            "/admin/login",
            &crate::support::operator::form("nobody@gfms.example", "wrong password"),
            &[("origin", crate::support::router::ORIGIN)],
        )
        .await;
    }
    let (_, _, text) = get(&api.app, "/metrics", &[("authorization", &bearer)]).await;
    let all = samples(&text);
    assert!(
        all.get(r#"lobby_rate_limited_total{route="/admin/login"}"#)
            .copied()
            .unwrap_or(0.0)
            >= 1.0,
        "{text}"
    );
    assert!(
        all.get(r#"lobby_sign_ins_total{method="operator",outcome="refused"}"#)
            .copied()
            .unwrap_or(0.0)
            >= 1.0,
        "{text}"
    );
}

#[tokio::test]
async fn lobby_metrics_listen_serves_them_on_their_own_address_only() {
    let dir = TempDir::new();
    let mut cmd = lobby(&dir);
    cmd.env("LOBBY_METRICS_LISTEN", "127.0.0.1:0");
    let server = Server::start_anywhere(cmd, dir.0.join("lobby.log"));
    let logs = server.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("metrics at /metrics"))
        .unwrap();
    let port = port_in(line);
    let client = reqwest::Client::new();
    let scraped = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(samples(&text).contains_key(r#"lobby_invitations{status="PendingAcceptance"}"#));
    // Not on the public port: no token is set.
    let public = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    let (stopped, _) = server.terminate();
    assert!(stopped);
}
