//! After sign-in: the terms step comes first, accepting it accepts the
//! invitation (Graph's `Accepted`) and records the consent; declining
//! leaves the invitation open; a new terms version asks again.

use axum::http::StatusCode;
use lobby::store::entities::{audit_event, consent, invitation, terms_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::api::{setup, Api};
use crate::sign_in::{invite, sign_in_with_passcode, Browser};

const JIWOO: &str = "jiwoo.kim@customer.example";

async fn publish_terms(api: &Api, version: i32, markdown: &str) {
    terms_version::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        organization_id: Set(api.org),
        version: Set(version),
        body_markdown: Set(markdown.into()),
        published_by: Set(None),
        published_at: Set(chrono::Utc::now()),
    }
    .insert(&api.db)
    .await
    .unwrap();
}

async fn the_invitation(api: &Api) -> invitation::Model {
    invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_terms_come_first_and_accepting_them_accepts_the_invitation() {
    let api = setup().await;
    publish_terms(&api, 1, "# Terms\n\nBe **kind**. <script>alert(1)</script>").await;
    let ticket = invite(&api, JIWOO).await;
    let consent_page = format!("/invite/{ticket}/consent");
    let continue_page = format!("/invite/{ticket}/continue");

    // Not signed in: the terms step leads to the sign-in step, and its form does nothing.
    let mut stranger = Browser::new(&api);
    let page = stranger.get(&consent_page).await;
    assert_eq!(page.location, format!("/invite/{ticket}/start"));
    let answer = stranger
        .post(
            &consent_page,
            &[
                ("decision", "accept"),
                ("privacy_version", "1"),
                ("terms_version", "1"),
            ],
        )
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/start"));

    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let page = browser.get(&continue_page).await;
    assert_eq!(page.location, consent_page, "the terms come first");
    let page = browser.get(&consent_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Step 3 of 5"), "{}", page.body);
    assert!(page.body.contains("<h1>Terms</h1>") && page.body.contains("<strong>kind</strong>"));
    assert!(page.body.contains("&lt;script&gt;") && !page.body.contains("<script>alert"));

    // Terms other than the current ones are not accepted: the page shows again.
    let stale = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "0"),
    ];
    assert_eq!(
        browser.post(&consent_page, &stale).await.location,
        consent_page
    );
    // Declining leaves the invitation open and says how to come back.
    let decline = [
        ("decision", "decline"),
        ("privacy_version", "1"),
        ("terms_version", "1"),
    ];
    let answer = browser.post(&consent_page, &decline).await;
    assert_eq!(answer.location, format!("{consent_page}?declined=1"));
    let page = browser.get(&answer.location).await;
    assert!(page.body.contains("You declined"), "{}", page.body);
    assert_eq!(consent::Entity::find().count(&api.db).await.unwrap(), 0);
    assert_eq!(the_invitation(&api).await.status, "PendingAcceptance");

    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "1"),
    ];
    let answer = browser.post(&consent_page, &accept).await;
    assert_eq!(answer.location, continue_page);
    let given = consent::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(given.len(), 1);
    let invitation = the_invitation(&api).await;
    assert_eq!(invitation.status, "Accepted");
    assert_eq!(invitation.redeemed_by, Some(given[0].user_id));
    assert!(invitation.redeemed_at.is_some());
    assert_eq!(
        (
            given[0].privacy_version.as_str(),
            given[0].terms_version,
            given[0].automatic
        ),
        ("1", 1, false)
    );
    assert_eq!(given[0].user_agent.as_deref(), Some("lobby-tests"));
    assert!(given[0].client_address.is_some());
    let accepted = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.accepted"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(accepted, 1);

    // The terms step is behind the invitee now; the next step shows where they are.
    assert_eq!(browser.get(&consent_page).await.location, continue_page);
    let page = browser.get(&continue_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Step 4 of 5"), "{}", page.body);
    // Accepting again changes nothing.
    assert_eq!(
        browser.post(&consent_page, &accept).await.location,
        continue_page
    );
    assert_eq!(consent::Entity::find().count(&api.db).await.unwrap(), 1);
    // The link's start leads the redeemer on, not to the "accepted" page.
    let start = browser.get(&format!("/invite/{ticket}/start")).await;
    assert_eq!(start.location, continue_page);

    // New terms: the invitee is asked again.
    publish_terms(&api, 2, "New terms.").await;
    assert_eq!(browser.get(&continue_page).await.location, consent_page);
    let page = browser.get(&consent_page).await;
    assert!(page.body.contains("New terms."), "{}", page.body);
    let accept_2 = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "2"),
    ];
    assert_eq!(
        browser.post(&consent_page, &accept_2).await.location,
        continue_page
    );
    assert_eq!(consent::Entity::find().count(&api.db).await.unwrap(), 2);
}
