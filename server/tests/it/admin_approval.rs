//! When a customer's Microsoft tenant needs its administrator (issue 23,
//! point 1), through the real router: Microsoft's refusal at the callback,
//! the approval link for the tenant of the invited domain, the email to the
//! IT administrator, their answer at the same callback, and the other ways
//! in that keep the invitee from being stuck. The provider's documents are
//! served on loopback; its refusals and the administrator's return are the
//! redirects Microsoft sends, followed by the test's browser.

use axum::http::StatusCode;
use lobby::store::entities::{admin_approval, audit_event, email_outbox, invitation};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::api::{setup, Api};
use crate::support::browser::{invite, Answer, Browser};
use crate::support::idp::{self, Documents};
use crate::support::operator::operator_session;
use crate::support::router::{get, ORIGIN};

/// A callback's query, as name and value pairs.
type Query<'a> = &'a [(&'a str, &'a str)];

/// The tenant `fabrikam.example` belongs to.
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const INVITEE: &str = "lee@fabrikam.example";
const ADMIN: &str = "it@fabrikam.example";
const NEEDS_ADMIN: &str = "AADSTS65001: The user or administrator has not consented to use the application with ID 'lobby'.";

/// Microsoft's multi-tenant documents on loopback, with `fabrikam.example`'s
/// tenant found under its domain, and the preset added for that domain.
async fn microsoft(api: &Api) -> Documents {
    let idp = Documents::serve(|origin| {
        let common = format!("{origin}/common/v2.0");
        let mut any_tenant = idp::document(&format!("{origin}/{{tenantid}}/v2.0"));
        any_tenant["authorization_endpoint"] = json!(format!("{common}/auth"));
        any_tenant["token_endpoint"] = json!(format!("{common}/token"));
        any_tenant["jwks_uri"] = json!(format!("{common}/jwks"));
        let tenant = idp::document(&format!("{origin}/{TENANT}/v2.0"));
        vec![
            (
                "/common/v2.0/.well-known/openid-configuration".into(),
                any_tenant,
            ),
            ("/common/v2.0/jwks".into(), idp::keys()),
            (
                "/fabrikam.example/v2.0/.well-known/openid-configuration".into(),
                tenant,
            ),
        ]
    })
    .await;
    let issuer = format!("{}/{{tenantid}}/v2.0", idp.origin);
    let domains = "fabrikam.example contoso.example";
    idp::add_provider(api, "microsoft", "Microsoft", &issuer, domains).await;
    idp
}

/// "Continue with Microsoft": the `state` the browser goes to Microsoft with.
async fn to_microsoft(browser: &mut Browser<'_>, ticket: &str) -> String {
    let answer = browser.get(&format!("/invite/{ticket}/federated")).await;
    assert!(
        answer.location.contains("/common/v2.0/auth?"),
        "{}",
        answer.location
    );
    query_value(&answer.location, "state").unwrap()
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Microsoft's error redirect to the callback.
async fn refused(browser: &mut Browser<'_>, pairs: &[(&str, &str)]) -> Answer {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    browser.get(&format!("/auth/callback?{query}")).await
}

/// The approval link on the invitee's page.
fn approval_link(page: &str) -> String {
    let start = page.find("href=\"http").expect("a link") + 6;
    let rest = &page[start..];
    let link = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
    assert!(link.contains("/adminconsent?"), "{link}");
    link
}

/// Signs the invitee's browser up to the approval page; its approval link.
async fn needs_admin(browser: &mut Browser<'_>, ticket: &str) -> String {
    let state = to_microsoft(browser, ticket).await;
    let answer = refused(
        browser,
        &[
            ("error", "consent_required"),
            ("error_description", NEEDS_ADMIN),
            ("state", &state),
        ],
    )
    .await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=provider-needs-admin")
    );
    let page = browser.get(&answer.location).await;
    // (The page writes the apostrophe of "GFMS's" as an entity.)
    assert!(
        page.body
            .contains("application yet, so Microsoft cannot sign you in."),
        "{}",
        page.body
    );
    approval_link(&page.body)
}

async fn status_of(api: &Api) -> String {
    invitation::Entity::find()
        .filter(invitation::Column::InvitedEmail.eq(INVITEE))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn mail_to(api: &Api, to: &str) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .all(&api.db)
        .await
        .unwrap()
}

async fn audited(api: &Api, action: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .count(&api.db)
        .await
        .unwrap()
}

/// The administrator's return to the callback, from their own browser.
async fn administrator_returns(api: &Api, pairs: &[(&str, &str)]) -> Answer {
    refused(&mut Browser::new(api), pairs).await
}

#[tokio::test]
async fn the_approval_link_is_for_the_invitees_tenant_and_the_administrators_yes_is_recorded_once()
{
    let api = setup().await;
    let idp = microsoft(&api).await;
    let ticket = invite(&api, INVITEE).await;
    let mut browser = Browser::new(&api);
    let link = needs_admin(&mut browser, &ticket).await;

    // Microsoft's admin-consent endpoint of the tenant the invited domain
    // belongs to, with Lobby's client id and its callback.
    let url = url::Url::parse(&link).unwrap();
    assert_eq!(
        format!("{}{}", url.origin().ascii_serialization(), url.path()),
        format!("{}/{TENANT}/adminconsent", idp.origin)
    );
    assert_eq!(query_value(&link, "client_id").as_deref(), Some("lobby"));
    let callback = format!("{ORIGIN}/auth/callback");
    assert_eq!(
        query_value(&link, "redirect_uri").as_deref(),
        Some(callback.as_str())
    );
    let state = query_value(&link, "state").unwrap();
    assert_eq!(status_of(&api).await, "PendingAcceptance");
    let stored = admin_approval::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].tenant, TENANT);
    assert!(
        !stored[0].ticket_sealed.contains(&ticket) && stored[0].state_hash != state,
        "neither the link nor the state is stored in the clear"
    );

    // The invitee's page keeps the link while the request waits.
    let start = format!("/invite/{ticket}/start");
    assert!(browser.get(&start).await.body.contains("/adminconsent?"));

    // The administrator approves: recorded for the tenant, the invitee told
    // with their own link, the invitation still pending.
    let yes = [
        ("admin_consent", "True"),
        ("tenant", TENANT),
        ("state", state.as_str()),
    ];
    let answer = administrator_returns(&api, &yes).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("application is approved for your organization"),
        "{}",
        answer.body
    );
    let row = admin_approval::Entity::find_by_id(stored[0].id)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.approved_tenant.as_deref(), Some(TENANT));
    assert!(row.approved_at.is_some());
    let told = mail_to(&api, INVITEE).await;
    let go_on = told
        .iter()
        .find(|m| m.subject == "You can continue to GFMS")
        .expect("the invitee is told");
    assert!(
        go_on
            .body_text
            .contains(&format!("/api/InviteUser?invitationId={ticket}")),
        "{}",
        go_on.body_text
    );
    assert_eq!(audited(&api, "invitation.admin_approved").await, 1);
    assert_eq!(status_of(&api).await, "PendingAcceptance");
    // Back on their page, the invitee simply continues with Microsoft.
    let page = browser.get(&start).await.body;
    assert!(
        page.contains("Continue with Microsoft") && !page.contains("/adminconsent"),
        "{page}"
    );

    // The invitation's timeline names both events.
    let op = operator_session(&api).await;
    let id = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (_, _, timeline) = get(
        &api.app,
        &format!("/admin/invitations/{id}"),
        &[("cookie", &op.cookie)],
    )
    .await;
    assert!(timeline.contains("IT administrator approved"), "{timeline}");

    // The same answer again: the page, and nothing new.
    let again = administrator_returns(&api, &yes).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(mail_to(&api, INVITEE).await.len(), told.len());
    assert_eq!(audited(&api, "invitation.admin_approved").await, 1);
}

#[tokio::test]
async fn an_answer_that_does_not_fit_the_request_records_nothing() {
    let api = setup().await;
    let _idp = microsoft(&api).await;
    let ticket = invite(&api, INVITEE).await;
    let mut browser = Browser::new(&api);
    let link = needs_admin(&mut browser, &ticket).await;
    let state = query_value(&link, "state").unwrap();
    let emails_before = email_outbox::Entity::find().count(&api.db).await.unwrap();

    let cases: [(Query, StatusCode, &str); 4] = [
        // A state Lobby never gave.
        (
            &[
                ("admin_consent", "True"),
                ("tenant", TENANT),
                ("state", "forged"),
            ],
            StatusCode::BAD_REQUEST,
            "This approval link is not valid",
        ),
        // Approved, but for another organization than the invitee's.
        (
            &[
                ("admin_consent", "True"),
                ("tenant", "00000000-0000-0000-0000-000000000001"),
                ("state", &state),
            ],
            StatusCode::BAD_REQUEST,
            "You approved the application for another organization",
        ),
        // The administrator said no.
        (
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
                ("state", &state),
            ],
            StatusCode::OK,
            "Microsoft answered: AADSTS65004: User declined to consent to access the app.",
        ),
        // Without the yes.
        (
            &[("tenant", TENANT), ("state", &state)],
            StatusCode::OK,
            "The application was not approved",
        ),
    ];
    for (pairs, status, says) in cases {
        let answer = administrator_returns(&api, pairs).await;
        assert_eq!(answer.status, status, "{pairs:?}: {}", answer.body);
        assert!(answer.body.contains(says), "{pairs:?}: {}", answer.body);
    }
    // Microsoft's words are text on the page, never markup.
    let answer = administrator_returns(
        &api,
        &[
            ("error", "access_denied"),
            ("error_description", "<script>alert(1)</script>"),
            ("state", &state),
        ],
    )
    .await;
    assert!(!answer.body.contains("<script>alert(1)"), "{}", answer.body);
    assert!(answer.body.contains("&lt;script&gt;"), "{}", answer.body);

    // Two weeks on, the request has expired.
    api.clock.advance(chrono::Duration::days(15));
    let late = administrator_returns(
        &api,
        &[
            ("admin_consent", "True"),
            ("tenant", TENANT),
            ("state", &state),
        ],
    )
    .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.body.contains("This approval link is not valid"));

    let row = admin_approval::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.approved_at.is_none() && row.approved_tenant.is_none());
    assert_eq!(audited(&api, "invitation.admin_approved").await, 0);
    assert_eq!(
        email_outbox::Entity::find().count(&api.db).await.unwrap(),
        emails_before
    );
    assert_eq!(status_of(&api).await, "PendingAcceptance");
}

#[tokio::test]
async fn asking_the_administrator_is_checked_limited_escaped_audited_and_tells_the_inviter() {
    let api = setup().await;
    let _idp = microsoft(&api).await;
    let ticket = invite(&api, INVITEE).await;
    let mut browser = Browser::new(&api);
    let link = needs_admin(&mut browser, &ticket).await;
    let ask = format!("/invite/{ticket}/admin-approval");

    // Not an address, or a note past its limit: a message, and nothing sent.
    let answer = browser
        .post(&ask, &[("email", "it at fabrikam"), ("note", "")])
        .await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=admin-email-invalid")
    );
    let long = "x".repeat(501);
    let answer = browser
        .post(&ask, &[("email", ADMIN), ("note", &long)])
        .await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=admin-note-too-long")
    );
    assert!(mail_to(&api, ADMIN).await.is_empty());

    // Another browser has no request of its own to send.
    let mut stranger = Browser::new(&api);
    let answer = stranger.post(&ask, &[("email", ADMIN)]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/start"));
    assert!(mail_to(&api, ADMIN).await.is_empty());

    let note = "Hi Sam, <b>please</b> approve & thanks";
    let answer = browser
        .post(&ask, &[("email", "IT@Fabrikam.example"), ("note", note)])
        .await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=admin-asked")
    );
    let sent = mail_to(&api, ADMIN).await;
    assert_eq!(sent.len(), 1);
    let email = &sent[0];
    assert_eq!(
        email.subject,
        format!("{INVITEE} asks you to approve GFMS's application")
    );
    assert!(email.body_text.contains(&link), "{}", email.body_text);
    assert!(email.body_text.contains(note), "the text part is plain");
    let html = email.body_html.as_deref().unwrap();
    assert!(
        html.contains("Hi Sam, &lt;b&gt;please&lt;/b&gt; approve &amp; thanks"),
        "{html}"
    );
    assert!(!html.contains("<b>please"));
    assert!(html.contains(&link.replace('&', "&amp;")), "{html}");
    // The inviter hears that their invitee waits for their IT department.
    let inviter = mail_to(&api, "ops@gfms.example").await;
    assert_eq!(inviter.len(), 1);
    assert_eq!(
        inviter[0].subject,
        format!("{INVITEE} is waiting for their IT administrator")
    );
    assert!(inviter[0].body_text.contains(ADMIN));
    let entry = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.admin_approval_asked"))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.details["admin_email"], ADMIN);
    let op = operator_session(&api).await;
    let (_, _, timeline) = get(
        &api.app,
        &format!("/admin/invitations/{}", entry.target_id),
        &[("cookie", &op.cookie)],
    )
    .await;
    assert!(
        timeline.contains("Asked their IT administrator to approve"),
        "{timeline}"
    );
    let page = browser
        .get(&format!("/invite/{ticket}/start?notice=admin-asked"))
        .await;
    assert!(page
        .body
        .contains("We have emailed the approval link to your IT administrator."));

    // At most five per invitation an hour.
    for _ in 0..4 {
        let answer = browser.post(&ask, &[("email", ADMIN)]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    let answer = browser.post(&ask, &[("email", ADMIN)]).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(mail_to(&api, ADMIN).await.len(), 5);
    assert_eq!(status_of(&api).await, "PendingAcceptance");
}

#[tokio::test]
async fn other_refusals_get_their_own_page_and_the_invitee_may_take_another_way_in() {
    let api = setup().await;
    let _idp = microsoft(&api).await;
    let ticket = invite(&api, INVITEE).await;
    let mut browser = Browser::new(&api);
    let cases = [
        (
            "access_denied",
            "",
            "provider-cancelled",
            "You cancelled the sign-in.",
        ),
        (
            "temporarily_unavailable",
            "",
            "provider-unavailable",
            "Microsoft cannot be reached right now.",
        ),
        (
            "invalid_scope",
            "AADSTS70011",
            "provider-failed",
            "The sign-in could not be completed",
        ),
    ];
    for (error, description, notice, says) in cases {
        let state = to_microsoft(&mut browser, &ticket).await;
        let answer = refused(
            &mut browser,
            &[
                ("error", error),
                ("error_description", description),
                ("state", &state),
            ],
        )
        .await;
        assert_eq!(
            answer.location,
            format!("/invite/{ticket}/start?notice={notice}")
        );
        let page = browser.get(&answer.location).await.body;
        assert!(page.contains(says), "{error}: {page}");
        assert!(page.contains("Try again with Microsoft"), "{page}");
        assert!(page.contains("Or sign in another way"), "{page}");
        assert!(page.contains("Email me a one-time passcode"), "{page}");
        assert!(!page.contains("/adminconsent"), "{page}");
    }
    // A refusal with a state this browser did not start changes nothing.
    to_microsoft(&mut browser, &ticket).await;
    let forged = refused(
        &mut browser,
        &[
            ("error", "consent_required"),
            ("error_description", NEEDS_ADMIN),
            ("state", "forged"),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("This sign-in is no longer valid"));
    assert_eq!(
        admin_approval::Entity::find().count(&api.db).await.unwrap(),
        0
    );

    // The passcode instead of Microsoft, and back.
    let instead = format!("/invite/{ticket}/instead");
    let answer = browser.post(&instead, &[("method", "email_otp")]).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/start"));
    let page = browser.get(&answer.location).await.body;
    assert!(page.contains("Email me a code"), "{page}");
    assert!(
        page.contains("Continue with Microsoft"),
        "the way back: {page}"
    );
    let answer = browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    assert_eq!(
        answer.location,
        format!("/invite/{ticket}/start?notice=code-sent")
    );
    browser.post(&instead, &[("method", "provider")]).await;
    let page = browser.get(&format!("/invite/{ticket}/start")).await.body;
    assert!(page.contains("Continue with Microsoft"), "{page}");
    assert!(!page.contains("Email me a code"), "{page}");
    // Only what the organization allows: not the account, not a made-up way.
    for method in ["existing_account", "google", "sms"] {
        browser.post(&instead, &[("method", method)]).await;
        let page = browser.get(&format!("/invite/{ticket}/start")).await.body;
        assert!(page.contains("Continue with Microsoft"), "{method}: {page}");
    }
    // Another browser keeps the organization's first way.
    let page = Browser::new(&api)
        .get(&format!("/invite/{ticket}/start"))
        .await
        .body;
    assert!(page.contains("Continue with Microsoft") && !page.contains("Or sign in another way"));
    assert_eq!(status_of(&api).await, "PendingAcceptance");
}

#[tokio::test]
async fn a_domain_that_names_no_tenant_asks_the_administrator_of_any_organization() {
    let api = setup().await;
    let idp = microsoft(&api).await;
    // Microsoft has no tenant under contoso.example here.
    let ticket = invite(&api, "ann@contoso.example").await;
    let mut browser = Browser::new(&api);
    let link = needs_admin(&mut browser, &ticket).await;
    let url = url::Url::parse(&link).unwrap();
    assert_eq!(
        format!("{}{}", url.origin().ascii_serialization(), url.path()),
        format!("{}/organizations/adminconsent", idp.origin)
    );
    // Whichever tenant its administrator approves for is recorded.
    let state = query_value(&link, "state").unwrap();
    let tenant = "00000000-0000-0000-0000-0000000000c0";
    let answer = administrator_returns(
        &api,
        &[
            ("admin_consent", "True"),
            ("tenant", tenant),
            ("state", &state),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let row = admin_approval::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.tenant, "organizations");
    assert_eq!(row.approved_tenant.as_deref(), Some(tenant));
}

#[tokio::test]
async fn one_client_address_asks_at_most_twenty_administrators_an_hour() {
    let api = setup().await;
    let _idp = microsoft(&api).await;
    let mut asked = 0;
    for n in 0..6 {
        let ticket = invite(&api, &format!("person{n}@fabrikam.example")).await;
        let mut browser = Browser::new(&api);
        needs_admin(&mut browser, &ticket).await;
        let ask = format!("/invite/{ticket}/admin-approval");
        // Four each, within the invitation's five.
        for _ in 0..4 {
            let answer = browser.post(&ask, &[("email", ADMIN)]).await;
            if asked < 20 {
                assert_eq!(answer.status, StatusCode::SEE_OTHER, "ask {asked}");
            } else {
                assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "ask {asked}");
            }
            asked += 1;
        }
    }
    assert_eq!(mail_to(&api, ADMIN).await.len(), 20);
}
