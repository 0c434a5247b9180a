//! The HTTP surface through the real router: pages, headers, health, language.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lobby::clock::ManualClock;
use tower::ServiceExt;

use crate::support::db;
use crate::support::router::{app_with_clock, get, served_at, ORIGIN};

async fn app() -> (Router, sea_orm::DatabaseConnection) {
    let (router, db, _) = app_with_clock(ManualClock::new(chrono::Utc::now())).await;
    (router, db)
}

fn assert_common_security_headers(headers: &axum::http::HeaderMap) {
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for directive in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
}

/// Pages, the API, health checks, files and short error pages alike carry
/// the headers (ASVS 3.4); HSTS only when Lobby is served over https.
#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers_and_hsts_over_https() {
    let huge = "x".repeat(40 * 1024);
    for origin in [ORIGIN, "https://lobby.example.com"] {
        let (app, _, _) = served_at(
            db::sqlite().await,
            ManualClock::new(chrono::Utc::now()),
            origin,
        )
        .await;
        for (path, headers, status) in [
            ("/", vec![], StatusCode::OK),
            ("/signin", vec![], StatusCode::OK),
            ("/no/such/page", vec![], StatusCode::NOT_FOUND),
            ("/v1.0/invitations", vec![], StatusCode::UNAUTHORIZED),
            ("/healthz", vec![], StatusCode::OK),
            ("/pkg/missing.js", vec![], StatusCode::NOT_FOUND),
            (
                "/",
                vec![("x-huge", huge.as_str())],
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ),
        ] {
            let (got, answer, _) = get(&app, path, &headers).await;
            assert_eq!(got, status, "{origin}{path}");
            assert_common_security_headers(&answer);
            assert_eq!(
                answer.get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
                None,
                "no CORS"
            );
            let hsts = answer.get(header::STRICT_TRANSPORT_SECURITY);
            if origin.starts_with("https:") {
                assert_eq!(
                    hsts.unwrap(),
                    "max-age=31536000; includeSubDomains",
                    "{path}"
                );
            } else {
                assert_eq!(hsts, None, "{path}: no HSTS over plain http");
            }
        }
    }
}

#[tokio::test]
async fn home_page_is_server_rendered_with_branding_and_a_nonce_csp() {
    let (app, _db) = app().await;
    let (status, headers, body) = get(&app, "/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<html lang="en">"#));
    assert!(body.contains("Welcome to GFMS"));
    assert!(
        body.contains(":root{--accent:#0a7c3e;--on-accent:#ffffff}"),
        "accent colour reaches the page, with white text on this dark green"
    );
    assert!(body.contains("/lobby.css\""));
    assert!(
        !body.contains(".wasm") && !body.contains(".js\""),
        "a page without live checks loads no bundle"
    );
    assert_common_security_headers(&headers);

    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    // The accent's style and every inline script carry this response's nonce, and no other.
    let (nonce, _) = crate::support::nonce_of_every_script(csp, &body);
    assert!(nonce.len() >= 16);
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        !csp.contains("'wasm-unsafe-eval'"),
        "no wasm runs here, so none may compile: {csp}"
    );
    assert!(body.contains(&format!(r#"<style nonce="{nonce}">"#)));

    let (_, second, _) = get(&app, "/", &[]).await;
    assert_ne!(
        second[header::CONTENT_SECURITY_POLICY],
        headers[header::CONTENT_SECURITY_POLICY],
        "a fresh nonce per response"
    );
}

#[tokio::test]
async fn language_follows_accept_language_then_the_remembered_choice() {
    let (app, _db) = app().await;
    let (_, _, body) = get(&app, "/", &[("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")]).await;
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(body.contains("GFMS에 오신 것을 환영합니다"));

    let (_, _, body) = get(
        &app,
        "/",
        &[
            ("accept-language", "ko"),
            ("cookie", "other=1; lobby_lang=en"),
        ],
    )
    .await;
    assert!(body.contains("Welcome to GFMS"));
}

#[tokio::test]
async fn the_language_link_remembers_and_returns_only_to_local_pages() {
    let (app, _db) = app().await;
    let (status, headers, _) = get(&app, "/lang/ko?next=/t/gfms/signin", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/t/gfms/signin");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("lobby_lang=ko;")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=")
    );

    let (_, headers, _) = get(&app, "/lang/en?next=//evil.example/", &[]).await;
    assert_eq!(headers[header::LOCATION], "/");
    let (status, headers, _) = get(&app, "/lang/fr", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn unknown_addresses_get_the_404_page() {
    let (app, _db) = app().await;
    for uri in ["/no/such/page", "/t/gfms/nothing-here"] {
        let (status, headers, body) = get(&app, uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("Page not found"));
        assert_common_security_headers(&headers);
    }
    // Other methods get a plain 404; pages are rendered only for reading.
    let request = Request::post("/no/such/page")
        .header("origin", ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (status, _, body) = get(&app, "/nope", &[("accept-language", "ko")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("페이지를 찾을 수 없습니다"));
}

#[tokio::test]
async fn healthz_answers_200_only_while_the_database_answers_and_livez_always() {
    let (app, db) = app().await;
    let (status, headers, body) = get(&app, "/healthz", &[]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert_common_security_headers(&headers);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");

    db.close().await.unwrap();
    let (status, _, _) = get(&app, "/healthz", &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // Liveness does not depend on the database: the process still serves.
    let (status, headers, body) = get(&app, "/livez", &[]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert_common_security_headers(&headers);
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish() {
    // The handler says when it has started, so the stop comes while the
    // request is surely in flight, however slow the machine.
    let started = Arc::new(tokio::sync::Notify::new());
    let entered = started.clone();
    let slow = Router::new().route(
        "/slow",
        axum::routing::get(move || {
            let entered = entered.clone();
            async move {
                entered.notify_one();
                tokio::time::sleep(Duration::from_millis(500)).await;
                "finished"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(lobby::serve(listener, slow, async {
        let _ = stopped.await;
    }));

    let request = tokio::spawn(reqwest::get(format!("http://{addr}/slow")));
    started.notified().await;
    stop.send(()).unwrap();
    let response = request
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    assert!(
        reqwest::get(format!("http://{addr}/slow")).await.is_err(),
        "no new connections after shutdown"
    );
}
