//! Direct links: "Sign in to an organization" finds it by one of its own
//! domains; the organization's sign-in emails an invited address a link
//! to its invitation, and answers alike for any other address; an accepted
//! invitation's redeemer signs in through such a link to go on.

use axum::http::StatusCode;
use lobby::store::entities::{email_outbox, organization};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::support::api::{setup, Api};
use crate::support::browser::{invite, sign_in_with_passcode, without_nonces, Browser};
use crate::support::operator::admin_session;

const JIWOO: &str = "jiwoo.kim@customer.example";

async fn slug(api: &Api) -> String {
    organization::Entity::find_by_id(api.org)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .slug
}

async fn links_to(api: &Api, to: &str) -> Vec<String> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .filter(email_outbox::Column::Subject.eq("Your link to GFMS"))
        .all(&api.db)
        .await
        .unwrap()
        .iter()
        .map(|m| {
            let url = m
                .body_text
                .split_whitespace()
                .find(|w| w.contains("invitationId="))
                .expect("a link in the email");
            url.split("invitationId=").nth(1).unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn sign_in_to_an_organization_finds_it_by_its_own_domain() {
    let api = setup().await;
    let slug = slug(&api).await;
    let admin = admin_session(&api).await;
    let save = |domains: &'static str| {
        let (admin, api) = (&admin, &api);
        async move {
            let fields = [("kind", "Own"), ("domains", domains)];
            admin.call(api, "/api/save_domains", &fields).await
        }
    };
    assert_eq!(save("GFMS.example, gfms.example").await, r#""Saved""#);
    // A domain belongs to one organization only.
    organization::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        slug: Set("other".into()),
        name: Set("Other".into()),
        accent_color: Set("#ff6600".into()),
        logo_url: Set(None),
        privacy_url: Set(None),
        privacy_version: Set("1".into()),
        default_locale: Set("en".into()),
        verified_domains: Set(serde_json::json!(["other.example"])),
        redemption_order: Set(serde_json::json!([])),
        email_otp_enabled: Set(true),
        trusted_domains: Set(serde_json::json!([])),
        welcome_links: Set(serde_json::json!([])),
        allowed_redirect_prefixes: Set(serde_json::json!([])),
        created_at: Set(chrono::Utc::now()),
        product_name: Set(None),
    }
    .insert(&api.db)
    .await
    .unwrap();
    assert_eq!(
        save("gfms.example other.example").await,
        r#"{"Taken":"other.example"}"#
    );
    assert_eq!(save("gfms.example, nope").await, r#"{"Invalid":"nope"}"#);

    let mut browser = Browser::new(&api);
    let page = browser.get("/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign in to an organization"));
    let go = |domain: &'static str| {
        let mut browser = Browser::new(&api);
        async move { browser.post("/signin", &[("domain", domain)]).await }
    };
    assert_eq!(
        go("gfms.example").await.location,
        format!("/t/{slug}/signin")
    );
    assert_eq!(
        go(" ada@GFMS.Example ").await.location,
        format!("/t/{slug}/signin"),
        "an address works too"
    );
    assert_eq!(go("other.example").await.location, "/t/other/signin");
    let unknown = go("nobody.example").await.location;
    assert_eq!(
        unknown,
        "/signin?notice=domain-unknown&domain=nobody.example"
    );
    let page = browser.get(&unknown).await;
    assert!(
        page.body
            .contains("No organization on GFMS uses the domain “nobody.example”"),
        "{}",
        page.body
    );
    assert_eq!(
        go("not a domain").await.location,
        "/signin?notice=domain-invalid"
    );

    let page = browser.get(&format!("/t/{slug}/signin")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign in to GFMS"));
    assert_eq!(
        browser.get("/t/nope/signin").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_organizations_sign_in_links_only_invited_addresses_and_answers_alike() {
    let api = setup().await;
    let slug = slug(&api).await;
    let page = format!("/t/{slug}/signin");
    let ticket = invite(&api, JIWOO).await;

    let ask = |email: &'static str| {
        let mut browser = Browser::new(&api);
        let page = page.clone();
        async move {
            let answer = browser.post(&page, &[("email", email)]).await;
            let shown = browser.get(&answer.location).await;
            (
                answer.status,
                answer.location,
                shown.status,
                without_nonces(&shown.body),
            )
        }
    };
    let invited = ask("Jiwoo.Kim@customer.example").await;
    let stranger = ask("minh.tran@other.example").await;
    assert_eq!(invited.1, format!("{page}?notice=sent"));
    assert_eq!(invited, stranger, "the same answer whether invited or not");
    assert!(invited
        .3
        .contains("If this address has an invitation from GFMS"));
    assert_eq!(links_to(&api, "minh.tran@other.example").await.len(), 0);
    let links = links_to(&api, JIWOO).await;
    assert_eq!(links.len(), 1);
    assert_ne!(links[0], ticket, "a new link to the same invitation");
    assert_eq!(
        ask("no address").await.1,
        format!("{page}?notice=email-invalid")
    );

    // The emailed link is the invitation's: sign in, accept the terms.
    let mut browser = Browser::new(&api);
    let landing = browser.get(&format!("/invite/{}", links[0])).await;
    assert!(landing.body.contains("Get started now"), "{}", landing.body);
    sign_in_with_passcode(&mut browser, &links[0], JIWOO).await;
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", ""),
    ];
    let consent = browser
        .post(&format!("/invite/{}/consent", links[0]), &accept)
        .await;
    assert_eq!(consent.location, format!("/invite/{}/company", links[0]));
    // The invitation's own link still works, as the email said.
    assert!(browser
        .get(&format!("/invite/{ticket}/continue"))
        .await
        .location
        .ends_with("/company"));

    // Another day, another browser: the accepted invitation's redeemer signs
    // in through a new link and goes on where they stopped.
    api.clock.advance(chrono::Duration::minutes(2));
    ask(JIWOO).await;
    let links = links_to(&api, JIWOO).await;
    assert_eq!(links.len(), 2);
    let mut later = Browser::new(&api);
    let landing = later.get(&format!("/invite/{}", links[1])).await;
    assert!(
        landing
            .body
            .contains("This invitation was already accepted")
            && landing.body.contains("Sign in to continue"),
        "{}",
        landing.body
    );
    sign_in_with_passcode(&mut later, &links[1], JIWOO).await;
    let next = later.get(&format!("/invite/{}/continue", links[1])).await;
    assert_eq!(next.location, format!("/invite/{}/company", links[1]));

    // Five a quarter hour per address asked for.
    for _ in 0..3 {
        ask(JIWOO).await;
    }
    let mut browser = Browser::new(&api);
    let limited = browser.post(&page, &[("email", JIWOO)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(links_to(&api, JIWOO).await.len(), 5);
    assert_eq!(
        lobby::store::entities::audit_event::Entity::find()
            .filter(
                lobby::store::entities::audit_event::Column::Action
                    .eq("invitation.sign_in_link_sent")
            )
            .count(&api.db)
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn the_link_goes_out_in_the_invitees_language_not_the_askers() {
    use crate::support::operator::post;
    use crate::support::router::ORIGIN;
    let api = setup().await;
    let page = format!("/t/{}/signin", slug(&api).await);
    crate::support::api::create_invitation(
        &api,
        serde_json::json!({
            "invitedUserEmailAddress": JIWOO,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "invitedUserMessageInfo": { "messageLanguage": "ko" },
        }),
    )
    .await;
    invite(&api, "minh.tran@customer.example").await;
    let ask = |email: &'static str, language: &'static str| {
        let (app, page) = (api.app.clone(), page.clone());
        async move {
            let form = format!(
                "email={}",
                url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
            );
            let headers = [("origin", ORIGIN), ("accept-language", language)];
            let (status, _, _) = post(&app, &page, &form, &headers).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
    };
    let db = &api.db;
    let subject_to = |to: &'static str| async move {
        email_outbox::Entity::find()
            .filter(email_outbox::Column::ToAddress.eq(to))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.subject)
            .collect::<Vec<_>>()
    };

    // Asked from an English page, for an invitation in Korean.
    ask(JIWOO, "en").await;
    assert_eq!(subject_to(JIWOO).await, ["GFMS 링크"]);
    // Asked from a Korean page, for one in the organization's English.
    ask("minh.tran@customer.example", "ko").await;
    assert_eq!(
        subject_to("minh.tran@customer.example").await,
        ["Your link to GFMS"]
    );
}
