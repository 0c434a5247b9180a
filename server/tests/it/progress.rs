//! Where each customer stands (issue 23, point 3): every step of the way in
//! moves the invitation on, with its time and facts, and the operator sees
//! it on the invitation's page, in the list (filtered by the step), in the
//! API's invitation and in the CSV export; a customer who accepted but
//! stopped before the end can be reminded; their company has a page.

use axum::http::StatusCode;
use lobby::mail::worker::OutboxWorker;
use lobby::mail::MailTransport;
use lobby::secret::Secret;
use lobby::store::entities::invitation;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use std::sync::Arc;

use crate::support::api::{call, create_invitation, setup, setup_on, Api};
use crate::support::browser::{sign_in_with_passcode, Browser};
use crate::support::operator::{admin_session, operator_session};
use crate::support::router::get;
use crate::support::smtp::SmtpSink;

const JIWOO: &str = "jiwoo.kim@customer.example";

pub(crate) const ACCEPT: [(&str, &str); 3] = [
    ("decision", "accept"),
    ("privacy_version", "1"),
    ("terms_version", ""),
];

pub(crate) fn company_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("legal_name", "Customer AG"),
        ("street", "Bahnhofstrasse 1"),
        ("postal_code", "8001"),
        ("city", "Zürich"),
        ("country", "CH"),
        ("tax_id", ""),
        ("phone", ""),
        ("website", ""),
    ]
}

/// The API's invitation `id`.
async fn api_invitation(api: &Api, id: &str) -> Value {
    let (status, _, body) = call(
        &api.app,
        "GET",
        &format!("/v1.0/invitations/{id}"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn step_of(api: &Api, id: &str) -> String {
    api_invitation(api, id).await["progress"]["step"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The dashboard's page at `path`, for the API's operator.
async fn dashboard(api: &Api, cookie: &str, path: &str) -> String {
    let (status, _, page) = get(&api.app, path, &[("cookie", cookie)]).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    page
}

#[tokio::test]
async fn each_step_of_the_way_in_moves_the_invitation_on_and_the_operator_sees_where_it_stopped() {
    let api = setup().await;
    let created = create_invitation(
        &api,
        json!({
            "invitedUserEmailAddress": JIWOO,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "sendInvitationMessage": true,
            "invitedUserMessageInfo": { "customizedMessageBody": "Welcome aboard", "messageLanguage": "ko" },
        }),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let url = created["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap().to_owned();
    assert_eq!(created["progress"]["step"], "invited");

    // The mail server takes the email.
    let sink = SmtpSink::start().await;
    let transport = MailTransport::smtp(&Secret::new(sink.url())).unwrap();
    let from = "GFMS <no-reply@gfms.example>".parse().unwrap();
    let worker = OutboxWorker::new(api.db.clone(), transport, from, Arc::new(api.clock.clone()));
    let (_keep, running) = tokio::sync::watch::channel(false);
    assert_eq!(worker.deliver_due(&running).await.unwrap(), 1);
    assert_eq!(step_of(&api, &id).await, "email_delivered");

    // The customer opens the link, signs in with a passcode, accepts the terms.
    let mut browser = Browser::new(&api);
    let landing = browser.get(&format!("/invite/{ticket}")).await;
    assert_eq!(landing.status, StatusCode::OK);
    let opened = api_invitation(&api, &id).await;
    assert_eq!(opened["progress"]["step"], "link_opened");
    assert!(opened["progress"]["firstOpenedAt"].is_string());
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let signed_in = api_invitation(&api, &id).await;
    assert_eq!(signed_in["progress"]["step"], "signed_in");
    assert_eq!(signed_in["progress"]["signInMethod"], "email_passcode");
    browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    assert_eq!(step_of(&api, &id).await, "terms_accepted");

    // Accepted, but not finished: the list says where the customer stopped
    // and since when, its filter finds them, and a reminder may go out.
    let op = operator_session(&api).await;
    let list = dashboard(
        &api,
        &op.cookie,
        "/admin/invitations?progress=terms_accepted",
    )
    .await;
    assert!(list.contains(JIWOO), "{list}");
    assert!(list.contains("Terms accepted since"), "{list}");
    let other = dashboard(&api, &op.cookie, "/admin/invitations?progress=welcomed").await;
    assert!(!other.contains(JIWOO), "{other}");
    // A step that is not one is ignored: the whole list.
    let any = dashboard(&api, &op.cookie, "/admin/invitations?progress=nonsense").await;
    assert!(any.contains(JIWOO));
    let (status, _, resent) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{id}/resend"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a reminder: {resent}");
    let reminder = resent["inviteRedeemUrl"].as_str().unwrap();
    let ticket = reminder.split("invitationId=").nth(1).unwrap().to_owned();

    // The company, then the welcome page: finished.
    browser
        .post(&format!("/invite/{ticket}/company"), &company_form())
        .await;
    assert_eq!(step_of(&api, &id).await, "company_created");
    let welcome = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(welcome.status, StatusCode::OK, "{}", welcome.location);
    let done = api_invitation(&api, &id).await;
    assert_eq!(done["progress"]["step"], "welcomed");
    assert!(done["progress"]["welcomedAt"].is_string());
    assert!(done["progress"]["termsAcceptedAt"].is_string());
    // Finished: no more reminders.
    let (status, _, _) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{id}/resend"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The invitation's page: every step with its time, how the customer
    // signed in, what they accepted, their company, what the operator gave.
    let page = dashboard(&api, &op.cookie, &format!("/admin/invitations/{id}")).await;
    for says in [
        "Where the customer stands",
        "Email delivered",
        "Link opened",
        ", last 20",
        "an emailed one-time passcode",
        "Terms version —, privacy statement version 1",
        "Customer AG",
        "Welcome aboard",
        "Signed in",
        "Accepted the terms",
        "Link opened for the first time",
        "Reached the welcome page",
    ] {
        assert!(page.contains(says), "{says}: {page}");
    }
    assert!(!page.contains(">Changed<"), "{page}");
    assert!(!page.contains("not yet"), "every step is reached: {page}");
    let row = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let company = row.company_id.unwrap();
    assert!(page.contains(&format!("/admin/companies/{company}")));

    // The company's page lists its data and its member.
    let page = dashboard(&api, &op.cookie, &format!("/admin/companies/{company}")).await;
    assert!(
        page.contains("Bahnhofstrasse 1") && page.contains("8001"),
        "{page}"
    );
    assert!(
        page.contains(JIWOO) && page.contains("Company admin"),
        "{page}"
    );
    let (status, _, _) = get(
        &api.app,
        &format!("/admin/companies/{}", uuid::Uuid::new_v4()),
        &[("cookie", &op.cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The export: the same facts, filtered as the list.
    let csv = dashboard(&api, &op.cookie, "/admin/invitations.csv?progress=welcomed").await;
    // Every cell is quoted; without the quotes it reads plainly.
    let csv = csv.trim_start_matches('\u{feff}').replace('"', "");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("email,name,status,progress,progress_since"),
        "{header}"
    );
    let line = lines.next().unwrap();
    assert!(
        line.starts_with(&format!("{JIWOO},,Accepted,welcomed,")),
        "{line}"
    );
    assert!(line.contains("email_passcode"), "{line}");
    let none = dashboard(
        &api,
        &op.cookie,
        "/admin/invitations.csv?progress=signed_in",
    )
    .await;
    assert_eq!(
        none.trim_start_matches('\u{feff}').lines().count(),
        1,
        "{none}"
    );
    let (status, _, _) = get(&api.app, "/admin/invitations.csv", &[]).await;
    assert_ne!(status, StatusCode::OK, "operators only");
}

/// "Send a reminder" on the list filtered by `progress`, by the operator.
async fn remind(api: &Api, progress: &str) -> Value {
    let op = operator_session(api).await;
    let body = op
        .call(
            api,
            "/api/remind_invitees",
            &[("filter", &format!("progress={progress}"))],
        )
        .await;
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"))
}

#[tokio::test]
async fn operators_remind_everyone_stopped_at_a_step_at_most_once_a_day() {
    let api = setup().await;
    let invite = |email: &'static str| {
        let api = api.clone();
        async move {
            create_invitation(
                &api,
                json!({
                    "invitedUserEmailAddress": email,
                    "inviteRedirectUrl": "http://lobby.test/welcome",
                    "sendInvitationMessage": true,
                }),
            )
            .await
        }
    };
    let waiting = invite("waiting@customer.example").await;
    let stopped = invite(JIWOO).await;
    let revoked = invite("revoked@customer.example").await;
    let ticket = stopped["inviteRedeemUrl"]
        .as_str()
        .unwrap()
        .split("invitationId=")
        .nth(1)
        .unwrap()
        .to_owned();
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    let revoke = format!(
        "/v1.0/invitations/{}/revoke",
        revoked["id"].as_str().unwrap()
    );
    let (status, _, _) = call(&api.app, "POST", &revoke, Some(&api.token), None).await;
    assert!(status.is_success(), "{status}");
    // Emailed minutes ago: not again yet.
    assert_eq!(
        remind(&api, "invited").await,
        json!({ "sent": 0, "recent": 1 })
    );
    api.clock.advance(chrono::Duration::hours(25));
    assert_eq!(
        remind(&api, "invited").await,
        json!({ "sent": 1, "recent": 0 })
    );
    assert_eq!(
        remind(&api, "invited").await,
        json!({ "sent": 0, "recent": 1 }),
        "once a day"
    );
    // Accepted but stopped before the company: reminded too.
    assert_eq!(
        remind(&api, "terms_accepted").await,
        json!({ "sent": 1, "recent": 0 })
    );
    let rows = invitation::Entity::find().all(&api.db).await.unwrap();
    let count = |email: &str| {
        rows.iter()
            .find(|r| r.invited_email == email)
            .unwrap()
            .send_count
    };
    assert_eq!(count("waiting@customer.example"), 2);
    assert_eq!(count(JIWOO), 2);
    assert_eq!(count("revoked@customer.example"), 1, "revoked: never");
    assert!(waiting["id"].is_string());
    let reminded = lobby::store::entities::audit_event::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "invitations.reminded")
        .count();
    assert_eq!(reminded, 4);
}

#[tokio::test]
async fn two_operators_reminding_at_once_send_each_customer_one_email() {
    reminding_at_once(setup().await).await;
}

#[tokio::test]
async fn postgres_two_operators_reminding_at_once_send_each_customer_one_email() {
    let test = "two_operators_reminding_at_once_send_each_customer_one_email";
    if let Some(pg) = crate::support::db::postgres(test).await {
        reminding_at_once(setup_on(pg.db.clone()).await).await;
    }
}

/// Two operators press "Send a reminder" on the same list at the same
/// moment: between them every customer is reminded once, never twice.
async fn reminding_at_once(api: Api) {
    const CUSTOMERS: usize = 12;
    for i in 0..CUSTOMERS {
        let body = json!({
            "invitedUserEmailAddress": format!("waiting{i}@customer.example"),
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "sendInvitationMessage": true,
        });
        create_invitation(&api, body).await;
    }
    api.clock.advance(chrono::Duration::hours(25));
    let (ops, ada) = (operator_session(&api).await, admin_session(&api).await);
    let filter = [("filter", "progress=invited")];
    let (first, second) = tokio::join!(
        ops.call(&api, "/api/remind_invitees", &filter),
        ada.call(&api, "/api/remind_invitees", &filter),
    );
    let sent = |body: &str| {
        let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{body}"));
        v["sent"].as_u64().unwrap()
    };
    assert_eq!(
        sent(&first) + sent(&second),
        CUSTOMERS as u64,
        "{first} {second}"
    );
    let rows = invitation::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(rows.len(), CUSTOMERS);
    for row in rows {
        assert_eq!(row.send_count, 2, "{} reminded once", row.invited_email);
    }
}
