//! Who may still come in, through the real router: an admin removes an
//! operator or ends someone's sessions (ASVS 7.4.2, 7.4.5); an operator
//! sees their own sessions and ends them with their password (7.5.2).

use app::model::operator::AddOperatorOutcome;
use axum::http::{header, StatusCode};
use lobby::auth::rate_limit::{self, Limit};
use lobby::store::entities::{api_token, audit_event, email_outbox, invitation, session, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::api::{call, setup, setup_on, Api};
use crate::support::browser::{invite, sign_in_with_passcode, Browser};
use crate::support::operator::{admin_session, Admin};
use crate::support::operator::{csrf_of, post};
use crate::support::router::{get, ORIGIN};
use crate::support::{db, outcome};

/// The operator of `setup()`, with its API token.
const OPS: &str = "ops@gfms.example";
const PASSWORD: &str = "a calm lake at dawn";
const JIWOO: &str = "jiwoo.kim@customer.example";

/// Signs `email` in to the dashboard from a browser that calls itself
/// `agent`; the session cookie to send back.
async fn sign_in_as(api: &Api, email: &str, agent: &str) -> String {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("password", PASSWORD)
        .finish();
    let (status, h, _) = post(
        &api.app,
        "/admin/login",
        &form,
        &[("origin", ORIGIN), ("user-agent", agent)],
    )
    .await;
    assert_eq!(
        (status, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/admin"),
        "{email} signs in"
    );
    let set = h[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// Whether the dashboard still knows this cookie.
async fn signed_in(api: &Api, cookie: &str) -> bool {
    let (status, _, _) = get(&api.app, "/admin", &[("cookie", cookie)]).await;
    status == StatusCode::OK
}

/// A dashboard server function called with `cookie`'s session, as its page would.
async fn call_as(api: &Api, cookie: &str, endpoint: &str, fields: &[(&str, &str)]) -> String {
    let (_, _, page) = get(&api.app, "/admin/sessions", &[("cookie", cookie)]).await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf_of(&page))
        .extend_pairs(fields)
        .finish();
    let headers = [
        ("origin", ORIGIN),
        ("cookie", cookie),
        ("accept", "application/json"),
    ];
    post(&api.app, endpoint, &body, &headers).await.2
}

async fn user_id(api: &Api, email: &str) -> uuid::Uuid {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn sessions_of(api: &Api, email: &str) -> Vec<session::Model> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id(api, email).await))
        .all(&api.db)
        .await
        .unwrap()
}

async fn api_answers(api: &Api) -> StatusCode {
    call(&api.app, "GET", "/v1.0/me", Some(&api.token), None)
        .await
        .0
}

async fn audited(api: &Api, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .all(&api.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_removes_an_operator_whose_sessions_and_tokens_end_at_once() {
    removes_an_operator(setup().await).await;
}

#[tokio::test]
async fn postgres_an_admin_removes_an_operator_whose_sessions_and_tokens_end_at_once() {
    if let Some(pg) = db::postgres("an_admin_removes_an_operator").await {
        removes_an_operator(setup_on(pg.db.clone()).await).await;
    }
}

async fn removes_an_operator(api: Api) {
    let admin = admin_session(&api).await;
    invite(&api, JIWOO).await;
    let ops = sign_in_as(&api, OPS, "Firefox").await;
    assert!(signed_in(&api, &ops).await);
    assert_eq!(api_answers(&api).await, StatusCode::OK);

    // Only admins act, never on themselves, and only with the session's token.
    let body = call_as(
        &api,
        &ops,
        "/api/remove_operator",
        &[("email", "ada@gfms.example")],
    )
    .await;
    assert_eq!(body, r#""NotAdmin""#);
    let body = admin
        .call(
            &api,
            "/api/remove_operator",
            &[("email", "ada@gfms.example")],
        )
        .await;
    assert_eq!(body, r#""NotYourself""#);
    let body = admin
        .call(
            &api,
            "/api/remove_operator",
            &[("email", "nobody@gfms.example")],
        )
        .await;
    assert_eq!(body, r#""NotFound""#);
    let (status, _, _) = post(
        &api.app,
        "/api/remove_operator",
        &format!("csrf=wrong&email={}", OPS.replace('@', "%40")),
        &[("origin", ORIGIN), ("cookie", &admin.cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(signed_in(&api, &ops).await, "nothing changed so far");

    let body = admin
        .call(
            &api,
            "/api/remove_operator",
            &[("email", "OPS@gfms.example")],
        )
        .await;
    assert_eq!(body, format!(r#"{{"Removed":{{"email":"{OPS}"}}}}"#));
    // Their session, their API token and their way back in end together.
    assert!(!signed_in(&api, &ops).await);
    assert!(sessions_of(&api, OPS).await.is_empty());
    assert_eq!(api_answers(&api).await, StatusCode::UNAUTHORIZED);
    assert_eq!(api_token::Entity::find().count(&api.db).await.unwrap(), 0);
    let form = format!(
        "email={}&password={}",
        OPS.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let (_, h, _) = post(&api.app, "/admin/login", &form, &[("origin", ORIGIN)]).await;
    assert_eq!(h[header::LOCATION], "/admin/login?error=credentials");

    let (_, _, page) = get(&api.app, "/admin/operators", &[("cookie", &admin.cookie)]).await;
    assert!(!page.contains(OPS), "no longer listed");
    assert!(signed_in(&api, &admin.cookie).await, "the admin stays in");
    let removed = audited(&api, "operator.removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].details["email"], OPS);
    assert_eq!(removed[0].details["sessions"], 1);
    assert_eq!(removed[0].details["tokens"], 1);
    let again = admin
        .call(&api, "/api/remove_operator", &[("email", OPS)])
        .await;
    assert_eq!(again, r#""NotFound""#);

    // Added again, they come back only through a new emailed link.
    let body = admin.call(&api, "/api/add_operator", &adding(OPS)).await;
    assert_eq!(
        outcome::<AddOperatorOutcome>(&body),
        AddOperatorOutcome::Added { email: OPS.into() }
    );
    let (_, h, _) = post(&api.app, "/admin/login", &form, &[("origin", ORIGIN)]).await;
    assert_eq!(
        h[header::LOCATION],
        "/admin/login?error=credentials",
        "the old password is gone"
    );
    let token = set_password_token(&api, OPS).await;
    let (_, h, _) = post(
        &api.app,
        "/admin/set-password",
        &format!("token={token}&password=a+new+calm+lake+at+noon"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(h[header::LOCATION], "/admin/login?notice=password_set");
    let form = format!(
        "email={}&password=a+new+calm+lake+at+noon",
        OPS.replace('@', "%40")
    );
    let (_, h, _) = post(&api.app, "/admin/login", &form, &[("origin", ORIGIN)]).await;
    assert_eq!(h[header::LOCATION], "/admin");

    // A customer's account is never made an operator's.
    let body = admin.call(&api, "/api/add_operator", &adding(JIWOO)).await;
    assert_eq!(
        outcome::<AddOperatorOutcome>(&body),
        AddOperatorOutcome::Exists
    );
}

fn adding(email: &str) -> [(&str, &str); 3] {
    [
        ("form[email]", email),
        ("form[display_name]", ""),
        ("form[role]", "operator"),
    ]
}

/// The token of the newest set-password link emailed to `email`.
async fn set_password_token(api: &Api, email: &str) -> String {
    let mail = email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(email))
        .order_by_desc(email_outbox::Column::CreatedAt)
        .one(&api.db)
        .await
        .unwrap()
        .expect("a set-password email");
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/admin/set-password?token="))
        .expect("the link");
    link.rsplit('=').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_admin_signs_an_operator_out_everywhere_who_may_sign_in_again() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    let laptop = sign_in_as(&api, OPS, "Firefox").await;
    let phone = sign_in_as(&api, OPS, "Safari").await;

    let (_, _, page) = get(&api.app, "/admin/operators", &[("cookie", &admin.cookie)]).await;
    assert!(
        page.contains(&format!("Yes, sign {OPS} out everywhere")),
        "{page}"
    );
    assert!(
        !page.contains("Yes, remove ada@gfms.example"),
        "no action on the admin's own row"
    );
    let body = admin
        .call(&api, "/api/end_operator_sessions", &[("email", OPS)])
        .await;
    assert_eq!(body, r#"{"SessionsEnded":{"count":2}}"#);
    assert!(!signed_in(&api, &laptop).await && !signed_in(&api, &phone).await);
    assert!(signed_in(&api, &admin.cookie).await);
    // Still an operator: they sign in again, and their token still works.
    let back = sign_in_as(&api, OPS, "Firefox").await;
    assert!(signed_in(&api, &back).await);
    assert_eq!(api_answers(&api).await, StatusCode::OK);
    assert_eq!(audited(&api, "operator.sessions_ended").await.len(), 1);
}

/// An operator who shares a client address with someone guessing at their
/// address (one office, one NAT) is shut out with them; an admin's
/// "Unlock sign-in" lets them in again, and is audited.
#[tokio::test]
async fn an_admin_unlocks_an_operator_shut_out_by_guesses_from_their_own_address() {
    use lobby::auth::password_attempts::PER_PAIR;
    let api = setup().await;
    let admin = admin_session(&api).await;
    let guess = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", OPS)
        .append_pair("password", "somebody else's guess")
        .finish();
    let try_to_sign_in = |form: String| {
        let app = api.app.clone();
        async move {
            post(&app, "/admin/login", &form, &[("origin", ORIGIN)])
                .await
                .0
        }
    };
    for _ in 0..PER_PAIR.max {
        assert_eq!(try_to_sign_in(guess.clone()).await, StatusCode::SEE_OTHER);
    }
    let right = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", OPS)
        .append_pair("password", PASSWORD)
        .finish();
    assert_eq!(
        try_to_sign_in(right.clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The admin, from the same address, unlocks them.
    let (_, _, page) = get(&api.app, "/admin/operators", &[("cookie", &admin.cookie)]).await;
    assert!(
        page.contains(&format!(r#"aria-label="Unlock sign-in: {OPS}""#)),
        "{page}"
    );
    let body = admin
        .call(&api, "/api/unlock_operator", &[("email", OPS)])
        .await;
    assert_eq!(body, format!(r#"{{"Unlocked":{{"email":"{OPS}"}}}}"#));
    assert_eq!(try_to_sign_in(right).await, StatusCode::SEE_OTHER);
    assert_eq!(audited(&api, "operator.unlocked").await.len(), 1);
    let body = admin
        .call(
            &api,
            "/api/unlock_operator",
            &[("email", "nobody@gfms.example")],
        )
        .await;
    assert_eq!(body, r#""NotFound""#);
}

#[tokio::test]
async fn an_admin_signs_an_invitee_out_and_then_everyone_else() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    let ticket = invite(&api, JIWOO).await;
    let mut jiwoo = Browser::new(&api);
    sign_in_with_passcode(&mut jiwoo, &ticket, JIWOO).await;
    let continue_page = format!("/invite/{ticket}/continue");
    let start = format!("/invite/{ticket}/start");
    assert_ne!(jiwoo.get(&continue_page).await.location, start);
    let id = invitation::Entity::find()
        .filter(invitation::Column::InvitedEmail.eq(JIWOO))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    let ops = sign_in_as(&api, OPS, "Firefox").await;
    let body = call_as(&api, &ops, "/api/end_invitee_sessions", &[("id", &id)]).await;
    assert_eq!(body, r#""NotAdmin""#, "operators do not end sessions");
    let body = admin
        .call(
            &api,
            "/api/end_invitee_sessions",
            &[("id", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(body, r#""NotFound""#);

    let body = admin
        .call(&api, "/api/end_invitee_sessions", &[("id", &id)])
        .await;
    assert_eq!(body, r#"{"SessionsEnded":{"count":1}}"#);
    assert_eq!(
        jiwoo.get(&continue_page).await.location,
        start,
        "signed out"
    );
    assert!(signed_in(&api, &ops).await, "only the invitee's sessions");
    let (_, _, page) = get(
        &api.app,
        &format!("/admin/invitations/{id}"),
        &[("cookie", &admin.cookie)],
    )
    .await;
    assert!(
        page.contains("Signed out everywhere by an admin"),
        "on the timeline"
    );

    // Everyone else: operators and invitees, but not the admin asking.
    api.clock.advance(chrono::Duration::seconds(61)); // the wait between two codes
    sign_in_with_passcode(&mut jiwoo, &ticket, JIWOO).await;
    let body = call_as(&api, &ops, "/api/end_every_session", &[]).await;
    assert_eq!(body, r#""NotAdmin""#);
    let body = admin.call(&api, "/api/end_every_session", &[]).await;
    assert_eq!(body, r#"{"SessionsEnded":{"count":2}}"#);
    assert!(!signed_in(&api, &ops).await);
    assert_eq!(jiwoo.get(&continue_page).await.location, start);
    assert!(signed_in(&api, &admin.cookie).await);
    let all = audited(&api, "sessions.all_ended").await;
    assert_eq!(all[0].details["sessions"], 2);
}

#[tokio::test]
async fn operators_see_their_sessions_and_end_them_with_their_password() {
    let api = setup().await;
    let admin: Admin = admin_session(&api).await;
    let laptop = sign_in_as(&api, OPS, "Firefox on Linux").await;
    let phone = sign_in_as(&api, OPS, "Safari on iPhone").await;
    let rows = sessions_of(&api, OPS).await;
    let id_of = |agent: &str| {
        rows.iter()
            .find(|r| r.data["agent"] == agent)
            .map(|r| r.id.clone())
            .unwrap()
    };
    let (laptop_id, phone_id) = (id_of("Firefox on Linux"), id_of("Safari on iPhone"));

    let (status, _, page) = get(&api.app, "/admin/sessions", &[("cookie", &laptop)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Firefox on Linux") && page.contains("Safari on iPhone"),
        "{page}"
    );
    assert_eq!(page.matches("This session").count(), 1);
    assert!(
        page.contains(&format!(r#"value="{phone_id}""#)),
        "the other one can be ended"
    );
    assert!(!page.contains(&laptop_id), "this one ends with Sign out");
    assert!(!page.contains("Sign everyone else out"), "admins only");

    let end = |password: &'static str, id: String| {
        let (api, laptop) = (&api, laptop.clone());
        async move {
            call_as(
                api,
                &laptop,
                "/api/end_own_sessions",
                &[("password", password), ("id", &id)],
            )
            .await
        }
    };
    // A wrong password ends nothing, and counts toward the sign-in's lockout.
    assert_eq!(
        end("not my password at all", phone_id.clone()).await,
        r#""WrongPassword""#
    );
    assert!(signed_in(&api, &phone).await);
    let one = Limit {
        max: 1,
        window: std::time::Duration::from_secs(900),
    };
    let key = lobby::operators::sign_in_failures_key(OPS);
    assert!(rate_limit::exhausted(&api.db, &key, one, &api.clock)
        .await
        .unwrap());
    // Not the current session, nor anyone else's.
    assert_eq!(end(PASSWORD, laptop_id.clone()).await, r#""NotFound""#);
    let admins = sessions_of(&api, "ada@gfms.example").await;
    assert_eq!(end(PASSWORD, admins[0].id.clone()).await, r#""NotFound""#);
    assert!(signed_in(&api, &admin.cookie).await && signed_in(&api, &laptop).await);

    assert_eq!(end(PASSWORD, phone_id).await, r#"{"Ended":{"count":1}}"#);
    assert!(!signed_in(&api, &phone).await);
    assert!(signed_in(&api, &laptop).await);

    // "All other sessions" is the empty choice.
    let tablet = sign_in_as(&api, OPS, "Tablet").await;
    let other = sign_in_as(&api, OPS, "Desktop").await;
    assert_eq!(
        end(PASSWORD, String::new()).await,
        r#"{"Ended":{"count":2}}"#
    );
    assert!(!signed_in(&api, &tablet).await && !signed_in(&api, &other).await);
    assert!(signed_in(&api, &laptop).await);
    let (_, _, page) = get(&api.app, "/admin/sessions", &[("cookie", &laptop)]).await;
    assert!(page.contains("No other browser is signed in to your account."));
    assert_eq!(audited(&api, "operator.own_sessions_ended").await.len(), 2);

    // The admin also sees "Sign everyone else out".
    let (_, _, page) = get(&api.app, "/admin/sessions", &[("cookie", &admin.cookie)]).await;
    assert!(page.contains("Sign everyone else out"));

    // Ten wrong passwords in 15 minutes, and even the right one is refused.
    let back = sign_in_as(&api, OPS, "Phone").await;
    for _ in 0..10 {
        let answer = end("still not my password", String::new()).await;
        assert_eq!(answer, r#""WrongPassword""#);
    }
    assert_eq!(end(PASSWORD, String::new()).await, r#""TooManyTries""#);
    assert!(signed_in(&api, &back).await, "nothing ended");
}

/// The invitation email OPS sends to `to`, through the API.
async fn invitation_mail_to(api: &Api, to: &str) -> email_outbox::Model {
    crate::support::api::create_invitation(
        api,
        serde_json::json!({
            "invitedUserEmailAddress": to,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "sendInvitationMessage": true,
        }),
    )
    .await;
    email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .order_by_desc(email_outbox::Column::CreatedAt)
        .one(&api.db)
        .await
        .unwrap()
        .expect("an email")
}

#[tokio::test]
async fn an_operator_shows_invitees_a_contact_address_instead_of_the_one_they_sign_in_with() {
    let api = setup().await;
    let ops = sign_in_as(&api, OPS, "Firefox").await;
    let save = |contact: &'static str| {
        let (api, ops) = (&api, &ops);
        async move {
            call_as(
                api,
                ops,
                "/api/save_contact_address",
                &[("contact", contact)],
            )
            .await
        }
    };
    let stored = || async {
        user::Entity::find_by_id(user_id(&api, OPS).await)
            .one(&api.db)
            .await
            .unwrap()
            .unwrap()
            .contact_email
    };

    // Today the invitation names the address the operator signs in with.
    assert!(invitation_mail_to(&api, JIWOO)
        .await
        .body_text
        .contains(OPS));

    // Bad input: a specific answer, and nothing changes.
    assert_eq!(save("help desk").await, r#"{"Invalid":"Malformed"}"#);
    assert_eq!(
        save("рayments@gfms.example").await,
        r#"{"Invalid":"MixedScripts"}"#
    );
    assert_eq!(stored().await, None);
    assert!(audited(&api, "operator.contact_changed").await.is_empty());

    assert_eq!(
        save(" Help@GFMS.example ").await,
        r#"{"Saved":{"contact":"help@gfms.example"}}"#
    );
    assert_eq!(stored().await.as_deref(), Some("help@gfms.example"));
    assert_eq!(audited(&api, "operator.contact_changed").await.len(), 1);
    let mail = invitation_mail_to(&api, "second@customer.example").await;
    for body in [&mail.body_text, mail.body_html.as_ref().unwrap()] {
        assert!(body.contains("help@gfms.example"), "{body}");
        assert!(
            !body.contains(OPS),
            "the sign-in address is not shown: {body}"
        );
    }
    // Their own account is as it was.
    assert!(signed_in(&api, &ops).await);

    // Blank goes back to the sign-in address.
    assert_eq!(
        save("").await,
        format!(r#"{{"Saved":{{"contact":"{OPS}"}}}}"#)
    );
    assert_eq!(stored().await, None);
    let mail = invitation_mail_to(&api, "third@customer.example").await;
    assert!(mail.body_text.contains(OPS));
}

/// Admin rights are made only from the admin role in the organization: an
/// operator, or an admin of the organization asked about another one, gets
/// none, so the functions that take them are out of their reach.
#[tokio::test]
async fn admin_rights_come_only_from_the_admin_role_in_that_organization() {
    use lobby::operators::access::Admin as Rights;
    let api = setup().await;
    let (admin, _) = crate::support::api::admin_token(&api, "ada@gfms.example").await;
    let rights = |user, org| Rights::check(&api.db, org, user, "session".into());
    assert!(rights(admin, api.org).await.unwrap().is_some());
    assert!(rights(api.operator, api.org).await.unwrap().is_none());
    assert!(rights(admin, uuid::Uuid::new_v4()).await.unwrap().is_none());
}
