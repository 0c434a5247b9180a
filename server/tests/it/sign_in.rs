//! The invitee's sign-in through the real router: the step discovery
//! picks, the emailed passcode, a new account with its code, a returning
//! password, "forgot password", sessions, and binding to the invited address.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lobby::store::entities::{audit_event, email_outbox, org_role, session, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use tower::ServiceExt;

use crate::support::api::{call, setup, setup_on, Api};
use crate::support::browser::{
    account, code_emails, invite, latest_code, passcodes_off, sign_in_with_passcode, with_account,
    without_nonces, Browser, JIWOO, PASSWORD,
};
use crate::support::db;
use crate::support::idp::add_provider;

const MINH: &str = "minh.tran@other.example";

fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn the_passcode_signs_in_the_invited_address() {
    passcode_signs_in(setup().await).await;
}

#[tokio::test]
async fn postgres_the_passcode_signs_in_the_invited_address() {
    if let Some(pg) = db::postgres("the_passcode_signs_in_the_invited_address").await {
        passcode_signs_in(setup_on(pg.db.clone()).await).await;
    }
}

async fn passcode_signs_in(api: Api) {
    let ticket = invite(&api, JIWOO).await;
    let start = format!("/invite/{ticket}/start");
    let mut browser = Browser::new(&api);

    // Passcodes are on by default, and the invitee has no account yet.
    let page = browser.get(&start).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign in with a code"), "{}", page.body);
    assert!(page
        .body
        .contains(&format!("This invitation is for {JIWOO}.")));
    assert!(page.body.contains("Email me a code"));
    assert!(!page.body.contains("Create your account"), "only one step");

    // The first form starts the browser's session.
    let sent = browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.location, format!("{start}?notice=code-sent"));
    let anonymous = browser.cookie.clone().expect("a session cookie");
    let mails = code_emails(&api).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, JIWOO);
    assert_eq!(mails[0].subject, "Your sign-in code for GFMS");
    let code = latest_code(&api, JIWOO).await;

    let page = browser.get(&format!("{start}?notice=code-sent")).await;
    assert!(page.body.contains(r#"autocomplete="one-time-code""#));
    assert!(page.body.contains("A code is on its way to"));

    let verify = format!("/invite/{ticket}/passcode/verify");
    let answer = browser.post(&verify, &[("code", &wrong(&code))]).await;
    assert_eq!(answer.location, format!("{start}?notice=wrong-code&left=4"));
    let page = browser.get(&answer.location).await;
    assert!(page.body.contains("That code is not right. 4 tries left."));
    let answer = browser.post(&verify, &[("code", "12a")]).await;
    assert_eq!(answer.location, format!("{start}?notice=malformed-code"));

    let answer = browser.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let signed_in = browser.cookie.clone().unwrap();
    assert_ne!(signed_in, anonymous, "a new session id at sign-in");
    assert!(account(&api, JIWOO).await.email_verified);

    // Signed in, the invitee goes on to the terms step.
    let page = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(page.location, format!("/invite/{ticket}/consent"));
    let page = browser.get(&page.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Privacy and terms of GFMS"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("your email address, {JIWOO}")));
    // Following the link again continues.
    let again = browser.get(&start).await;
    assert_eq!(again.location, format!("/invite/{ticket}/continue"));

    // The session before sign-in is gone.
    let mut old = Browser::new(&api);
    old.cookie = Some(anonymous);
    let page = old.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(page.location, start);

    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("customer.signed_in"))
        .all(&api.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["method"], "email_otp");

    // Sign-out ends the session on the server, not only in the browser.
    let kept = browser.cookie.clone();
    let out = browser.post("/signout", &[]).await;
    assert_eq!(out.location, "/");
    assert_eq!(browser.cookie, None);
    old.cookie = kept;
    let page = old.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(page.location, start);
    // Having proven the address, the invitee now has an account that
    // signs in with a passcode.
    let page = old.get(&start).await;
    assert!(page.body.contains("Sign in with a code"));
}

#[tokio::test]
async fn a_code_works_only_for_the_browser_that_asked_and_for_five_tries() {
    let api = setup().await;
    let ticket = invite(&api, JIWOO).await;
    let start = format!("/invite/{ticket}/start");
    let verify = format!("/invite/{ticket}/passcode/verify");
    let mut owner = Browser::new(&api);
    owner.post(&format!("/invite/{ticket}/passcode"), &[]).await;
    let code = latest_code(&api, JIWOO).await;

    // Someone else with the code (the forwarded email, say) gets nowhere.
    let mut other = Browser::new(&api);
    other.get(&start).await;
    let answer = other.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("{start}?notice=need-new-code"));

    // The owner's five tries are untouched; then the code is spent.
    for left in (0..5).rev() {
        let answer = owner.post(&verify, &[("code", &wrong(&code))]).await;
        assert_eq!(
            answer.location,
            format!("{start}?notice=wrong-code&left={left}")
        );
    }
    let page = owner
        .get(&format!("{start}?notice=wrong-code&left=0"))
        .await;
    assert!(page.body.contains("it has no tries left"));
    let answer = owner.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("{start}?notice=need-new-code"));

    // A new code only after a minute.
    let resend = format!("/invite/{ticket}/passcode");
    let answer = owner.post(&resend, &[]).await;
    assert!(
        answer
            .location
            .starts_with(&format!("{start}?notice=too-soon&wait=")),
        "{}",
        answer.location
    );
    assert_eq!(code_emails(&api).await.len(), 1);
    api.clock.advance(chrono::Duration::seconds(61));
    let answer = owner.post(&resend, &[]).await;
    assert_eq!(answer.location, format!("{start}?notice=code-sent"));
    let fresh = latest_code(&api, JIWOO).await;
    let answer = owner.post(&verify, &[("code", &fresh)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));

    // And a code is good for 10 minutes.
    let other_ticket = invite(&api, MINH).await;
    let mut late = Browser::new(&api);
    late.post(&format!("/invite/{other_ticket}/passcode"), &[])
        .await;
    let code = latest_code(&api, MINH).await;
    api.clock.advance(chrono::Duration::minutes(10));
    let answer = late
        .post(
            &format!("/invite/{other_ticket}/passcode/verify"),
            &[("code", &code)],
        )
        .await;
    assert!(answer.location.ends_with("notice=need-new-code"));
}

#[tokio::test]
async fn codes_are_rate_limited_per_email() {
    let api = setup().await;
    let ticket = invite(&api, JIWOO).await;
    let send = format!("/invite/{ticket}/passcode");
    let mut browser = Browser::new(&api);
    for _ in 0..5 {
        let answer = browser.post(&send, &[]).await;
        assert!(answer.location.ends_with("notice=code-sent"));
        api.clock.advance(chrono::Duration::seconds(61));
    }
    // A sixth within 15 minutes, from a fresh browser too.
    let mut fresh = Browser::new(&api);
    let answer = fresh.post(&send, &[]).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.body.contains("Too many attempts"));
    assert_eq!(code_emails(&api).await.len(), 5);
}

#[tokio::test]
async fn a_new_account_exists_only_once_its_code_is_entered() {
    let api = setup().await;
    passcodes_off(&api).await;
    let ticket = invite(&api, JIWOO).await;
    let start = format!("/invite/{ticket}/start");
    let create = format!("/invite/{ticket}/account");
    let mut browser = Browser::new(&api);

    let page = browser.get(&start).await;
    assert!(page.body.contains("Create your account"), "{}", page.body);
    assert!(page.body.contains(r#"autocomplete="new-password""#));
    assert!(!page.body.contains("Email me a code"));
    // The password's live rules are a live part: the customer's bundle
    // (never the dashboard's) hydrates it, from the words it must avoid.
    let live = crate::support::live_part(&page.body);
    assert!(
        live.as_deref()
            .is_some_and(|l| l.contains("name=new-password&amp;p=jiwoo")),
        "{live:?}"
    );
    assert!(page.body.contains("/customer.wasm\"") && !page.body.contains("/lobby.wasm"));

    // The rules, with nothing kept or sent.
    for (password, notice) in [
        ("too short", "password-short"),
        ("abcabcabcabcabcabc", "password-common"),
        ("jiwoo.kim customer.example", "password-common"),
    ] {
        let answer = browser.post(&create, &[("password", password)]).await;
        assert_eq!(answer.location, format!("{start}?notice={notice}"));
    }
    assert!(code_emails(&api).await.is_empty());

    let answer = browser.post(&create, &[("password", PASSWORD)]).await;
    assert_eq!(answer.location, format!("{start}?notice=code-sent"));
    let mails = code_emails(&api).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Confirm your email address for GFMS");
    assert_eq!(
        account(&api, JIWOO).await.password_hash,
        None,
        "no account before the code"
    );
    let page = browser.get(&start).await;
    assert!(page.body.contains("Confirm your email address"));

    let code = latest_code(&api, JIWOO).await;
    let verify = format!("/invite/{ticket}/account/verify");
    let answer = browser.post(&verify, &[("code", &code)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let jiwoo = account(&api, JIWOO).await;
    assert!(jiwoo.email_verified);
    assert!(jiwoo.password_hash.unwrap().starts_with("$argon2id$"));

    // Next time, from another browser, the account's password.
    let mut later = Browser::new(&api);
    let page = later.get(&start).await;
    assert!(page.body.contains("Welcome back"), "{}", page.body);
    let answer = later
        .post(
            &format!("/invite/{ticket}/password"),
            &[("password", "not the password at all")],
        )
        .await;
    assert_eq!(answer.location, format!("{start}?notice=wrong-password"));
    let answer = later
        .post(
            &format!("/invite/{ticket}/password"),
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_and_ends_the_other_sessions() {
    let api = setup().await;
    let ticket = invite(&api, JIWOO).await;
    let start = format!("/invite/{ticket}/start");
    let elsewhere = with_account(&api, &ticket).await;

    // A hundred failures in a row, however slow, lock the password.
    user::Entity::update_many()
        .col_expr(user::Column::FailedSignIns, Expr::value(99))
        .exec(&api.db)
        .await
        .unwrap();
    let mut browser = Browser::new(&api);
    let password = format!("/invite/{ticket}/password");
    let answer = browser
        .post(&password, &[("password", "wrong wrong wrong wrong")])
        .await;
    assert_eq!(answer.location, format!("{start}?notice=locked"));
    let answer = browser.post(&password, &[("password", PASSWORD)]).await;
    assert_eq!(answer.location, format!("{start}?notice=locked"));

    api.clock.advance(chrono::Duration::seconds(61));
    let answer = browser.post(&format!("/invite/{ticket}/forgot"), &[]).await;
    assert_eq!(answer.location, format!("{start}?notice=code-sent"));
    let page = browser.get(&start).await;
    assert!(page.body.contains("Choose a new password"));
    let code = latest_code(&api, JIWOO).await;
    let reset = format!("/invite/{ticket}/reset");
    let new_password = "a quiet harbour under falling snow";
    // A weak password uses up no code.
    let answer = browser
        .post(&reset, &[("code", &code), ("password", "short")])
        .await;
    assert_eq!(answer.location, format!("{start}?notice=password-short"));
    let answer = browser
        .post(&reset, &[("code", &code), ("password", new_password)])
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    assert_eq!(account(&api, JIWOO).await.failed_sign_ins, 0);

    // The browser signed in before the reset is signed out.
    let mut before = Browser::new(&api);
    before.cookie = elsewhere;
    let page = before.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(page.location, start);
    let answer = before.post(&password, &[("password", new_password)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
}

#[tokio::test]
async fn a_forwarded_link_is_no_use_to_another_account() {
    let api = setup().await;
    let jiwoo_ticket = invite(&api, JIWOO).await;
    let minh_ticket = invite(&api, MINH).await;
    let start = format!("/invite/{jiwoo_ticket}/start");

    // Minh signs in through Minh's own invitation, then opens Jiwoo's link.
    let mut minh = Browser::new(&api);
    sign_in_with_passcode(&mut minh, &minh_ticket, MINH).await;
    let page = minh.get(&start).await;
    assert!(page.body.contains("This invitation is for another address"));
    assert!(page.body.contains(&format!(
        "You are signed in as {MINH}, but this invitation is for {JIWOO}."
    )));
    let page = minh.get(&format!("/invite/{jiwoo_ticket}/continue")).await;
    assert_eq!(page.location, start, "not signed in for Jiwoo's invitation");

    // Signed in as Minh, no form of Jiwoo's link does anything: no code
    // to anyone, no account, no password tried.
    let before = code_emails(&api).await.len();
    api.clock.advance(chrono::Duration::seconds(61));
    for (form, fields) in [
        ("passcode", vec![]),
        ("passcode/verify", vec![("code", "123456")]),
        ("account", vec![("password", PASSWORD)]),
        ("password", vec![("password", PASSWORD)]),
        ("forgot", vec![]),
    ] {
        let answer = minh
            .post(&format!("/invite/{jiwoo_ticket}/{form}"), &fields)
            .await;
        assert_eq!(answer.location, start, "{form}");
    }
    assert_eq!(code_emails(&api).await.len(), before);
    assert_eq!(account(&api, JIWOO).await.password_hash, None);

    // Switching account signs Minh out; the step is then Jiwoo's.
    let answer = minh
        .post(&format!("/invite/{jiwoo_ticket}/switch"), &[])
        .await;
    assert_eq!(answer.location, start);
    assert_eq!(minh.cookie, None);
    let page = minh.get(&start).await;
    assert!(page.body.contains("Sign in with a code"));

    // A code Minh got for Minh's own sign-in does not open Jiwoo's link.
    let mut minh = Browser::new(&api);
    minh.post(&format!("/invite/{minh_ticket}/passcode"), &[])
        .await;
    let minh_code = latest_code(&api, MINH).await;
    let answer = minh
        .post(
            &format!("/invite/{jiwoo_ticket}/passcode/verify"),
            &[("code", &minh_code)],
        )
        .await;
    assert_eq!(answer.location, format!("{start}?notice=need-new-code"));

    // With passcodes off, Jiwoo's link asks for an account for Jiwoo's
    // address, and its code goes there.
    passcodes_off(&api).await;
    let mut stranger = Browser::new(&api);
    let answer = stranger
        .post(
            &format!("/invite/{jiwoo_ticket}/account"),
            &[("password", PASSWORD)],
        )
        .await;
    assert!(answer.location.ends_with("notice=code-sent"));
    let to_jiwoo = code_emails(&api)
        .await
        .into_iter()
        .filter(|m| m.to_address == JIWOO)
        .count();
    assert_eq!(to_jiwoo, 1, "the account's code went to Jiwoo");
    assert_eq!(
        stranger
            .get(&format!("/invite/{jiwoo_ticket}/continue"))
            .await
            .location,
        start
    );
}

#[tokio::test]
async fn a_customer_session_never_opens_the_dashboard_and_forms_need_the_site() {
    let api = setup().await;
    // A customer who is also an operator signs in by passcode.
    let ticket = invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    org_role::ActiveModel {
        user_id: Set(account(&api, JIWOO).await.id),
        organization_id: Set(api.org),
        role: Set("admin".into()),
        id: Set(uuid::Uuid::new_v4()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&api.db)
    .await
    .unwrap();
    let token = browser.cookie.clone().unwrap();
    let request = Request::get("/admin")
        .header(header::COOKIE, format!("lobby_session={token}"))
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/admin/login");
    let sessions = session::Entity::find().all(&api.db).await.unwrap();
    assert!(sessions.iter().all(|s| s.data["audience"] == "customer"));

    // A form posted from another site changes nothing.
    let request = Request::post(format!("/invite/{ticket}/passcode"))
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(code_emails(&api).await.len(), 1);
}

#[tokio::test]
async fn an_unknown_or_ended_link_has_no_sign_in() {
    let api = setup().await;
    let mut browser = Browser::new(&api);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let page = browser.get(&format!("/invite/{unknown}/start")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let answer = browser
        .post(&format!("/invite/{unknown}/passcode"), &[])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(code_emails(&api).await.is_empty());

    let ticket = invite(&api, JIWOO).await;
    api.clock.advance(chrono::Duration::days(31));
    let page = browser.get(&format!("/invite/{ticket}/start")).await;
    assert_eq!(page.location, format!("/invite/{ticket}"));
    let answer = browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/start"));
    assert!(code_emails(&api).await.is_empty());
}

#[tokio::test]
async fn an_address_in_a_providers_domains_signs_in_there_and_nothing_else_is_offered() {
    let api = setup().await;
    // Nothing listens on port 9 of this machine: the provider is down.
    add_provider(
        &api,
        "oidc",
        "Contoso ID",
        "http://127.0.0.1:9",
        "contoso.example",
    )
    .await;
    let ticket = invite(&api, "ann@contoso.example").await;
    let mut browser = Browser::new(&api);
    let page = browser.get(&format!("/invite/{ticket}/start")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Sign in with your account"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!(r#"href="/invite/{ticket}/federated""#))
            && page.body.contains("Continue with Contoso ID"),
        "{}",
        page.body
    );
    // The passcode step is not this address's: nothing is sent.
    let answer = browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/start"));
    assert!(code_emails(&api).await.is_empty());
    // A provider that cannot be reached gets a clear answer.
    let answer = browser.get(&format!("/invite/{ticket}/federated")).await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=provider-unavailable")
    );
    let page = browser.get(&answer.location).await;
    assert!(
        page.body
            .contains("Contoso ID cannot be reached right now."),
        "{}",
        page.body
    );

    // Other addresses still get their own step.
    let other = invite(&api, JIWOO).await;
    let page = browser.get(&format!("/invite/{other}/start")).await;
    assert!(page.body.contains("Email me a code"), "{}", page.body);
    assert!(!page.body.contains("Continue with"));
}

#[tokio::test]
async fn a_provider_callback_without_this_browsers_flow_does_nothing() {
    let api = setup().await;
    let mut browser = Browser::new(&api);
    for query in ["code=abc&state=forged", "error=access_denied&state=x", ""] {
        let answer = browser.get(&format!("/auth/callback?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            answer.body.contains("This sign-in is no longer valid"),
            "{}",
            answer.body
        );
    }
    assert_eq!(
        session::Entity::find().count(&api.db).await.unwrap(),
        0,
        "no session is started for it"
    );
}

#[tokio::test]
async fn the_provider_client_follows_no_redirects() {
    use axum::response::Redirect;
    use axum::routing::get;
    use axum::Json;
    // One server, two issuers: one answers its discovery document, the
    // other only redirects to one.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let document = |issuer: String| crate::support::idp::document(&issuer);
    let (direct, moved) = (format!("{origin}/direct"), format!("{origin}/moved"));
    let (direct_doc, moved_doc) = (document(direct.clone()), document(moved.clone()));
    let idp = axum::Router::new()
        .route(
            "/direct/.well-known/openid-configuration",
            get(move || async move { Json(direct_doc) }),
        )
        .route(
            "/moved/.well-known/openid-configuration",
            get(|| async { Redirect::temporary("/elsewhere") }),
        )
        .route("/elsewhere", get(move || async move { Json(moved_doc) }))
        .route(
            "/direct/jwks",
            get(|| async { Json(json!({ "keys": [] })) }),
        )
        .route("/moved/jwks", get(|| async { Json(json!({ "keys": [] })) }));
    let server = tokio::spawn(async move { axum::serve(listener, idp).await });

    let api = setup().await;
    add_provider(&api, "oidc", "Contoso ID", &direct, "direct.example").await;
    add_provider(&api, "oidc", "Moved ID", &moved, "moved.example").await;
    let mut browser = Browser::new(&api);
    let ticket = invite(&api, "ann@direct.example").await;
    let answer = browser.get(&format!("/invite/{ticket}/federated")).await;
    assert!(
        answer.location.starts_with(&format!("{direct}/auth?")),
        "{}",
        answer.location
    );
    let ticket = invite(&api, "ann@moved.example").await;
    let answer = browser.get(&format!("/invite/{ticket}/federated")).await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=provider-unavailable")
    );
    server.abort();
}

#[tokio::test]
async fn the_code_endpoints_answer_alike_whether_the_address_has_an_account_or_not() {
    let api = setup().await;
    // Jiwoo's address has an account (proven with a passcode); Minh's has none.
    let jiwoo = invite(&api, JIWOO).await;
    sign_in_with_passcode(&mut Browser::new(&api), &jiwoo, JIWOO).await;
    // Past the resend pause of that code.
    api.clock.advance(chrono::Duration::seconds(61));
    let minh = invite(&api, MINH).await;
    assert!(account(&api, JIWOO).await.email_verified);
    assert!(!account(&api, MINH).await.email_verified);

    let mut answers = Vec::new();
    for (ticket, email) in [(&jiwoo, JIWOO), (&minh, MINH)] {
        // What differs by design: the link, the address it names, and
        // each page's script nonce.
        let same = |text: &str| {
            without_nonces(
                &text
                    .replace(ticket.as_str(), "TICKET")
                    .replace(email, "EMAIL"),
            )
        };
        let mut browser = Browser::new(&api);
        let mut seen = Vec::new();
        let start = browser.get(&format!("/invite/{ticket}/start")).await;
        seen.push((start.status, same(&start.location), same(&start.body)));
        let sent = browser
            .post(&format!("/invite/{ticket}/passcode"), &[])
            .await;
        seen.push((sent.status, same(&sent.location), same(&sent.body)));
        let wrong = format!(
            "{:06}",
            (latest_code(&api, email).await.parse::<u32>().unwrap() + 1) % 1_000_000
        );
        for code in [wrong.as_str(), "12345"] {
            let answer = browser
                .post(
                    &format!("/invite/{ticket}/passcode/verify"),
                    &[("code", code)],
                )
                .await;
            seen.push((answer.status, same(&answer.location), same(&answer.body)));
            let page = browser.get(&answer.location).await;
            seen.push((page.status, String::new(), same(&page.body)));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0].len(), 6);
    for (known, unknown) in answers[0].iter().zip(&answers[1]) {
        assert_eq!(known, unknown);
    }
}

/// Pre-hijacking by an unexpired email change (Sudhodanan & Paverd, 2022)
/// needs an address that can be changed to the victim's later. Lobby has
/// none: the invitation's address is fixed (the API has no update, and a
/// resend keeps it), sign-in forms take no address, and a code proves only
/// the address it was sent to.
#[tokio::test]
async fn no_one_can_move_an_invitation_or_a_code_to_another_address() {
    let api = setup().await;
    let victims = invite(&api, JIWOO).await;
    let attackers = invite(&api, MINH).await;
    // The attacker asks for a code on their own link, naming the victim's
    // address: it goes to the invited address all the same.
    let mut attacker = Browser::new(&api);
    attacker.get(&format!("/invite/{attackers}/start")).await;
    attacker
        .post(
            &format!("/invite/{attackers}/passcode"),
            &[("email", JIWOO), ("to", JIWOO)],
        )
        .await;
    let sent: Vec<_> = code_emails(&api)
        .await
        .into_iter()
        .map(|m| m.to_address)
        .collect();
    assert_eq!(sent, [MINH]);

    // Their code, good for their own address, opens nothing on the victim's
    // link, with or without an address sent along.
    let code = latest_code(&api, MINH).await;
    attacker.get(&format!("/invite/{victims}/start")).await;
    let verify = format!("/invite/{victims}/passcode/verify");
    for form in [
        vec![("code", code.as_str())],
        vec![("code", &code), ("email", MINH)],
    ] {
        let answer = attacker.post(&verify, &form).await;
        assert_ne!(answer.location, format!("/invite/{victims}/continue"));
    }
    let page = attacker.get(&format!("/invite/{victims}/continue")).await;
    assert_eq!(page.location, format!("/invite/{victims}/start"));
    let victim = user::Entity::find()
        .filter(user::Column::Email.eq(JIWOO))
        .one(&api.db)
        .await
        .unwrap();
    assert!(
        victim.as_ref().is_none_or(|u| !u.email_verified),
        "{victim:?}"
    );

    // Nor does the API move the invitation: no update, and a resend keeps
    // the address (it replaces the link).
    let (_, _, list) = call(&api.app, "GET", "/v1.0/invitations", Some(&api.token), None).await;
    let id = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["invitedUserEmailAddress"] == MINH)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1.0/invitations/{id}");
    let change = json!({ "invitedUserEmailAddress": JIWOO });
    for method in ["PATCH", "PUT"] {
        let (status, _, _) = call(
            &api.app,
            method,
            &path,
            Some(&api.token),
            Some(change.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let (status, _, resent) = call(
        &api.app,
        "POST",
        &format!("{path}/resend"),
        Some(&api.token),
        Some(change),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["invitedUserEmailAddress"], MINH);
    let last = email_outbox::Entity::find()
        .order_by_desc(email_outbox::Column::CreatedAt)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.to_address, MINH);
}

/// Each new password costs an argon2 hash (19 MiB, about 50 ms): new
/// accounts and resets are counted per address before any hashing, and a
/// refused one stores nothing.
#[tokio::test]
async fn new_passwords_are_counted_before_they_are_hashed() {
    use lobby::auth::rate_limit::NEW_PASSWORDS_PER_EMAIL;
    let api = setup().await;
    passcodes_off(&api).await;
    let ticket = invite(&api, JIWOO).await;
    let create = format!("/invite/{ticket}/account");
    let waiting = || async {
        session::Entity::find()
            .all(&api.db)
            .await
            .unwrap()
            .iter()
            .filter(|s| s.data.get("new_account").is_some())
            .count()
    };
    for _ in 0..NEW_PASSWORDS_PER_EMAIL.max {
        let answer = Browser::new(&api)
            .post(&create, &[("password", PASSWORD)])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(waiting().await, NEW_PASSWORDS_PER_EMAIL.max as usize);
    let answer = Browser::new(&api)
        .post(&create, &[("password", PASSWORD)])
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        waiting().await,
        NEW_PASSWORDS_PER_EMAIL.max as usize,
        "nothing hashed or kept for the refused one"
    );
}

/// Guesses sent all at once are counted before any is checked, so no more
/// than the cap are ever checked (a count taken before checking let every
/// parallel guess through).
#[tokio::test]
async fn parallel_password_guesses_are_capped_like_sequential_ones() {
    use lobby::auth::password_attempts::PER_PAIR;
    let api = setup().await;
    let ticket = invite(&api, JIWOO).await;
    with_account(&api, &ticket).await;
    let password = format!("/invite/{ticket}/password");
    let guesses = (0..25).map(|i| {
        let (api, password) = (&api, &password);
        async move {
            let guess = format!("a wrong guess number {i}");
            Browser::new(api)
                .post(password, &[("password", &guess)])
                .await
                .status
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count() as u64;
    assert!(checked <= PER_PAIR.max, "{answers:?}");
    assert!(answers
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(account(&api, JIWOO).await.failed_sign_ins as u64, checked);
}
