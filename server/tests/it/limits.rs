//! Size limits on what a request may carry: bodies past their route's limit
//! get 413 and headers past theirs 431, with the limit in the message, before
//! any handler reads them; within the limit, each field's own rule answers
//! (422 for the API).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lobby::http::body_limit::{API_BODY_LIMIT, FORM_BODY_LIMIT, HEADER_LIMIT};
use lobby::store::entities::invitation;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::support::api::{call, setup};
use crate::support::router::{answer, app_with_clock, ORIGIN};

async fn post(
    app: &axum::Router,
    uri: &str,
    body: Body,
    extra: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut request = Request::post(uri)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in extra {
        request = request.header(*k, *v);
    }
    let response = answer(app, request.body(body).unwrap()).await;
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

/// Creates an invitation whose personal message is `chars` long.
async fn invite_with_message(
    api: &crate::support::api::Api,
    chars: usize,
) -> (StatusCode, serde_json::Value) {
    let body = json!({
        "invitedUserEmailAddress": "jiwoo@customer.example",
        "inviteRedirectUrl": format!("{ORIGIN}/welcome"),
        "invitedUserMessageInfo": { "customizedMessageBody": "x".repeat(chars) },
    });
    let (status, _, answer) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(body),
    )
    .await;
    (status, answer)
}

#[tokio::test]
async fn an_api_body_past_64_kib_gets_413_and_writes_nothing() {
    let api = setup().await;
    let (status, err) = invite_with_message(&api, API_BODY_LIMIT).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert_eq!(err["error"]["code"], "RequestEntityTooLarge");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("64 KiB"),
        "{err}"
    );

    // Within the limit, the field's own rule answers: at most 2000 characters.
    let (status, err) = invite_with_message(&api, API_BODY_LIMIT / 2).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        err["error"]["details"][0]["target"],
        "invitedUserMessageInfo.customizedMessageBody"
    );
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 0);
}

#[tokio::test]
async fn a_form_past_2_mib_gets_413_with_a_page_in_the_visitors_language() {
    let (app, _, _) = app_with_clock(lobby::clock::ManualClock::new(chrono::Utc::now())).await;
    let big = format!("email={}", "a".repeat(FORM_BODY_LIMIT));
    for (path, language, says) in [
        ("/signin", "en", "larger than 2 MiB"),
        ("/t/gfms/signin", "ko", "2 MiB보다 큽니다"),
        // A Leptos server function: it reads its body whole, so the limit
        // must hold before it runs.
        ("/api/save_domains", "en", "larger than 2 MiB"),
    ] {
        let (status, kind, page) = post(
            &app,
            path,
            Body::from(big.clone()),
            &[("accept-language", language)],
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(
            page.contains(&format!("<html lang=\"{language}\"")),
            "{path}: {page}"
        );
        assert!(
            page.contains("role=\"alert\"") && page.contains(says),
            "{path}: {page}"
        );
    }
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_off_at_the_limit_too() {
    let (app, _, _) = app_with_clock(lobby::clock::ManualClock::new(chrono::Utc::now())).await;
    let chunks = (0..40).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 64 * 1024]));
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let (status, _, page) = post(&app, "/signin", body, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{page}");

    // A small chunked form still arrives whole.
    let chunks = ["email=jiwoo%40", "customer.example"]
        .map(|c| Ok::<_, std::io::Error>(c.as_bytes().to_vec()));
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let (status, _, _) = post(&app, "/signin", body, &[]).await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_upload_past_its_limit_gets_413_before_the_file_is_read() {
    let (app, _, _) = app_with_clock(lobby::clock::ManualClock::new(chrono::Utc::now())).await;
    let declared = (app::model::bulk::MAX_FILE_BYTES + 1024 * 1024).to_string();
    let request = Request::post("/admin/invitations/import")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::CONTENT_LENGTH, declared)
        .body(Body::empty())
        .unwrap();
    let response = answer(&app, request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&page).contains("10.2 MiB"));
}

#[tokio::test]
async fn headers_past_32_kib_get_431_saying_the_limit() {
    let api = setup().await;
    let get = |path: &str, cookie_bytes: usize, language: &str| {
        Request::get(path)
            .header(header::ACCEPT_LANGUAGE, language)
            .header(header::AUTHORIZATION, format!("Bearer {}", api.token))
            .header(
                header::COOKIE,
                format!("crumbs={}", "c".repeat(cookie_bytes)),
            )
            .body(Body::empty())
            .unwrap()
    };
    // Within the limit, a large cookie is no reason to refuse.
    let response = answer(&api.app, get("/signin", 30 * 1024, "en")).await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = answer(&api.app, get("/signin", HEADER_LIMIT, "ko")).await;
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    let page = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains("<html lang=\"ko\"") && page.contains("32 KiB보다 큽니다"),
        "{page}"
    );

    let response = answer(&api.app, get("/v1.0/invitations", HEADER_LIMIT, "en")).await;
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    let error: serde_json::Value = serde_json::from_slice(
        &axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(error["error"]["code"], "RequestHeaderFieldsTooLarge");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("larger than 32 KiB"));
}
