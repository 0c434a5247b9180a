//! The invitee's link: its page in each state of the invitation, the seed's
//! `/api/InviteUser` form, unknown links, and "Send me a new link".

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lobby::store::entities::{audit_event, email_outbox, invitation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::support::api::{call, create_invitation, setup, setup_on, Api};
use crate::support::db;
use crate::support::router::{get, ORIGIN};

/// Invites `email` (with a personal message and a cc) and returns the
/// invitation and its ticket.
async fn invite(api: &Api, email: &str) -> (Value, String) {
    let body = json!({
        "invitedUserEmailAddress": email,
        "inviteRedirectUrl": format!("{ORIGIN}/"),
        "invitedUserDisplayName": "Jiwoo Kim",
        "sendInvitationMessage": true,
        "invitedUserMessageInfo": {
            "customizedMessageBody": "Welcome <b>aboard</b>!",
            "ccRecipients": [{ "emailAddress": { "address": "boss@customer.example" } }]
        }
    });
    let inv = create_invitation(api, body).await;
    let ticket = ticket_of(inv["inviteRedeemUrl"].as_str().unwrap());
    (inv, ticket)
}

fn ticket_of(url: &str) -> String {
    url.split("invitationId=").nth(1).unwrap().to_owned()
}

/// A hung request fails the test instead of stalling the suite.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

async fn page(api: &Api, path: &str) -> (StatusCode, String) {
    let answer = get(&api.app, path, &[("accept-language", "en")]);
    let (status, _, body) = tokio::time::timeout(ANSWER_WITHIN, answer)
        .await
        .unwrap_or_else(|_| panic!("no answer for {path}"));
    (status, body)
}

async fn post(api: &Api, path: &str) -> (StatusCode, Option<String>) {
    let request = Request::post(path)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = tokio::time::timeout(ANSWER_WITHIN, api.app.clone().oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("no answer for POST {path}"))
        .unwrap();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (response.status(), location)
}

const NEW_LINK_FORM: &str = "/new-link\"";

#[tokio::test]
async fn each_state_of_a_link_has_its_own_page() {
    let api = setup().await;
    let (inv, ticket) = invite(&api, "jiwoo.kim@customer.example").await;

    // The seed's form leads to the same page.
    let (status, headers, _) = get(
        &api.app,
        &format!("/api/InviteUser?invitationId={ticket}"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/invite/{ticket}"));

    let (status, body) = page(&api, &format!("/invite/{ticket}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Ops Bot from GFMS invited you"), "{body}");
    assert!(body.contains("Hello Jiwoo Kim,"));
    assert!(body.contains("This invitation is for jiwoo.kim@customer.example."));
    assert!(
        body.contains("Welcome &lt;b&gt;aboard&lt;/b&gt;!"),
        "the message is text"
    );
    let start = body.find("Get started now</a>").expect("the button");
    assert!(
        body[..start].ends_with(&format!(
            r#"href="/invite/{ticket}/start" class="button primary">"#
        )),
        "{}",
        &body[start - 120..start]
    );
    assert!(!body.contains(NEW_LINK_FORM));
    // Its data is read before rendering: none of it is serialized into the
    // page again for a bundle that never runs there.
    assert_eq!(body.matches("jiwoo.kim@customer.example").count(), 1);
    assert!(!body.contains("__RESOLVED_RESOURCES[0]"));

    // An inviter who is gone: the organization invites.
    let mut orphan = invitation_by_email(&api, "jiwoo.kim@customer.example")
        .await
        .into_active_model();
    let inviter = orphan.inviter_id.clone().unwrap();
    orphan.inviter_id = Set(None);
    let orphan = orphan.update(&api.db).await.unwrap();
    let (status, body) = page(&api, &format!("/invite/{ticket}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("GFMS from GFMS invited you"), "{body}");
    let mut orphan = orphan.into_active_model();
    orphan.inviter_id = Set(inviter);
    orphan.update(&api.db).await.unwrap();

    let (_, _, korean) = get(
        &api.app,
        &format!("/invite/{ticket}"),
        &[("accept-language", "ko")],
    )
    .await;
    assert!(korean.contains("GFMS의 Ops Bot님이 초대했습니다"));

    // Sent again: the first link is replaced, the new one works.
    let id = inv["id"].as_str().unwrap();
    let (_, _, again) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{id}/resend"),
        Some(&api.token),
        None,
    )
    .await;
    let newer = ticket_of(again["inviteRedeemUrl"].as_str().unwrap());
    let (status, body) = page(&api, &format!("/invite/{ticket}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("A newer link was sent"));
    assert!(body.contains(NEW_LINK_FORM) && body.contains("Send me a new link"));
    assert!(
        !body.contains("jiwoo.kim@customer.example"),
        "an old link shows no details"
    );
    assert!(page(&api, &format!("/invite/{newer}"))
        .await
        .1
        .contains("Get started now"));

    // Past its expiry.
    api.clock.advance(chrono::Duration::days(31));
    let (_, body) = page(&api, &format!("/invite/{newer}")).await;
    assert!(body.contains("This invitation has expired"));
    assert!(body.contains(NEW_LINK_FORM));
    assert!(!body.contains("Get started now"));

    // Revoked.
    let (_, revoked) = invite(&api, "pat@customer.example").await;
    let pat = invitation_by_email(&api, "pat@customer.example").await;
    let revoke = format!("/v1.0/invitations/{}/revoke", pat.id);
    call(&api.app, "POST", &revoke, Some(&api.token), None).await;
    let (_, body) = page(&api, &format!("/invite/{revoked}")).await;
    assert!(body.contains("This invitation was withdrawn"));
    assert!(
        !body.contains(NEW_LINK_FORM),
        "a withdrawn invitation is over"
    );

    // Accepted (as redemption will record it): every link of it says so,
    // a replaced one included.
    let mut accepted = invitation_by_email(&api, "jiwoo.kim@customer.example")
        .await
        .into_active_model();
    accepted.status = Set("Accepted".into());
    accepted.redeemed_at = Set(Some(chrono::Utc::now()));
    accepted.update(&api.db).await.unwrap();
    for t in [&ticket, &newer] {
        let (_, body) = page(&api, &format!("/invite/{t}")).await;
        assert!(body.contains("This invitation was already accepted"), "{t}");
        assert!(!body.contains(NEW_LINK_FORM));
    }
}

async fn invitation_by_email(api: &Api, email: &str) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::InvitedEmail.eq(email))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_unknown_link_is_a_plain_not_found_page() {
    let api = setup().await;
    invite(&api, "jiwoo.kim@customer.example").await;
    let unknown = uuid::Uuid::new_v4();
    for path in [
        format!("/invite/{unknown}"),
        "/invite/not-a-ticket".to_owned(),
    ] {
        let (status, body) = page(&api, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("Page not found"), "{body}");
        assert!(!body.contains("GFMS invited") && !body.contains("customer.example"));
    }
    let (status, headers, _) = get(&api.app, "/api/InviteUser?invitationId=%3Cx%3E", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = page(&api, headers[header::LOCATION].to_str().unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        post(&api, &format!("/invite/{unknown}/new-link")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// Links opened at the same moment are read together, in one query for
/// all (`redemption::link_reader`): each page still shows its own
/// invitation and nobody else's, and an unknown link among them is still
/// not found.
#[tokio::test]
async fn links_opened_together_each_show_their_own_invitation() {
    links_opened_together(setup().await).await;
}

/// On PostgreSQL the reader holds a connection of its own while it is busy.
#[tokio::test]
async fn postgres_links_opened_together_each_show_their_own_invitation() {
    if let Some(pg) = db::postgres("links_opened_together_each_show_their_own_invitation").await {
        links_opened_together(setup_on(pg.db.clone()).await).await;
    }
}

/// The database restarts while the landing pages' reader holds its
/// connection: a moment later the page is shown again, as every other
/// page is (a connection unused for a second is tested before use, and
/// the reader gives its own back after a second without a lookup).
#[tokio::test]
async fn postgres_a_database_restart_under_the_link_reader_goes_unnoticed() {
    let Some(pg) = db::postgres("a_database_restart_under_the_link_reader_goes_unnoticed").await
    else {
        return;
    };
    let api = setup_on(pg.db.clone()).await;
    let (_, ticket) = invite(&api, "restart@customer.example").await;
    let path = format!("/invite/{ticket}");
    let (status, _) = page(&api, &path).await;
    assert_eq!(status, StatusCode::OK);
    pg.refuse_connections(true).await;
    pg.refuse_connections(false).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let (status, body) = page(&api, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("restart@customer.example"), "{body}");
}

async fn links_opened_together(api: Api) {
    let mut paths = vec![];
    for i in 0..24 {
        let (_, ticket) = invite(&api, &format!("together{i}@customer.example")).await;
        paths.push((Some(i), format!("/invite/{ticket}")));
    }
    paths.push((None, format!("/invite/{}", uuid::Uuid::new_v4())));
    // Twice each, so some of a batch ask for the same link.
    let opened = paths.iter().chain(&paths).map(|(_, path)| page(&api, path));
    let pages = futures_util::future::join_all(opened).await;
    for ((invitee, path), (status, body)) in paths.iter().chain(&paths).zip(pages) {
        let shown: Vec<_> = (0..24)
            .filter(|i| body.contains(&format!("together{i}@customer.example")))
            .collect();
        match invitee {
            Some(i) => {
                assert_eq!(status, StatusCode::OK, "{path}");
                assert_eq!(shown, [*i], "{path} shows exactly its own invitee");
                assert!(body.contains(&format!("{path}/start")), "{body}");
                // The language switcher comes back to this page.
                assert!(body.contains(&format!("/lang/ko?next={path}\"")), "{body}");
            }
            None => {
                assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
                assert!(shown.is_empty(), "{body}");
            }
        }
    }
}

async fn outbox(api: &Api) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .order_by_asc(email_outbox::Column::CreatedAt)
        .all(&api.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_link_goes_only_to_the_invited_address_and_the_inviter_is_told() {
    new_link_only_to_the_invited_address(setup().await).await;
}

#[tokio::test]
async fn postgres_a_new_link_goes_only_to_the_invited_address_and_the_inviter_is_told() {
    if let Some(pg) = db::postgres("a_new_link_goes_only_to_the_invited_address").await {
        new_link_only_to_the_invited_address(setup_on(pg.db.clone()).await).await;
    }
}

async fn new_link_only_to_the_invited_address(api: Api) {
    let (_, ticket) = invite(&api, "jiwoo.kim@customer.example").await;
    let new_link = format!("/invite/{ticket}/new-link");

    // While the link works there is nothing to renew.
    assert_eq!(
        post(&api, &new_link).await.1.as_deref(),
        Some(format!("/invite/{ticket}?new-link=not-offered").as_str())
    );
    assert_eq!(outbox(&api).await.len(), 1);

    api.clock.advance(chrono::Duration::days(31));
    let (status, location) = post(&api, &new_link).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("/invite/{ticket}?new-link=sent").as_str())
    );

    let mails = outbox(&api).await;
    assert_eq!(mails.len(), 3, "the new link and the inviter's note");
    let to_invitee = mails
        .iter()
        .rev()
        .find(|m| m.to_address == "jiwoo.kim@customer.example")
        .unwrap();
    assert_eq!(to_invitee.cc_address, None, "no copy to anyone else");
    let fresh = ticket_of(
        to_invitee
            .body_text
            .split_whitespace()
            .find(|w| w.contains("invitationId="))
            .unwrap(),
    );
    assert_ne!(fresh, ticket);
    let note = mails
        .iter()
        .find(|m| m.to_address == "ops@gfms.example")
        .unwrap();
    assert_eq!(note.subject, "Jiwoo Kim asked for a new invitation link");
    assert!(
        note.body_text
            .contains("sent it to jiwoo.kim@customer.example"),
        "{}",
        note.body_text
    );
    assert_eq!(
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("invitation.new_link_requested"))
            .count(&api.db)
            .await
            .unwrap(),
        1
    );

    // The new link works for as long as the first did; the old page says what happened.
    assert!(page(&api, &format!("/invite/{fresh}"))
        .await
        .1
        .contains("Get started now"));
    let (_, body) = page(&api, &format!("/invite/{ticket}?new-link=sent")).await;
    assert!(body.contains("A new link is on its way"));
    assert!(
        !body.contains(NEW_LINK_FORM),
        "no second button right after"
    );

    // Asking again at once sends nothing; after the pause it may.
    assert_eq!(
        post(&api, &new_link).await.1.as_deref(),
        Some(format!("/invite/{ticket}?new-link=recent").as_str())
    );
    assert!(page(&api, &format!("/invite/{ticket}?new-link=recent"))
        .await
        .1
        .contains("less than 10 minutes ago"));
    assert_eq!(outbox(&api).await.len(), 3);
    api.clock.advance(chrono::Duration::minutes(11));
    assert!(post(&api, &new_link)
        .await
        .1
        .unwrap()
        .ends_with("new-link=sent"));
    assert_eq!(outbox(&api).await.len(), 5);

    // A cross-site form cannot trigger it.
    let forged = Request::post(&new_link)
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let response = api.app.clone().oneshot(forged).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_invitees_plain_pages_load_no_browser_bundle() {
    let api = setup().await;
    let (_, ticket) = invite(&api, "jiwoo@customer.example").await;
    let loads = |body: &str, bundle: &str| {
        body.contains(&format!("/{bundle}.wasm\"")) || body.contains(&format!("/{bundle}.js\""))
    };
    let loads_bundle = |body: &str| loads(body, "lobby") || loads(body, "customer");
    for plain in [
        format!("/invite/{ticket}"),
        "/signin".into(),
        "/t/gfms/signin".into(),
    ] {
        let (status, _, body) = get(&api.app, &plain, &[]).await;
        assert_eq!(status, StatusCode::OK, "{plain}");
        assert!(!loads_bundle(&body), "{plain} loads the bundle");
        assert!(body.contains("/lobby.css\""), "{plain} has its style");
    }
    // The passcode step has nothing to check as the invitee types: none
    // either (the new account's step, with live password rules, loads the
    // customer's: `sign_in::a_new_account_exists_only_once_its_code_is_entered`).
    let (_, _, body) = get(&api.app, &format!("/invite/{ticket}/start"), &[]).await;
    assert!(body.contains("Email me a code"), "{body}");
    assert!(!loads_bundle(&body), "{body}");
}
