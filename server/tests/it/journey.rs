//! After sign-in: the terms step comes first, accepting it accepts the
//! invitation (Graph's `Accepted`) and records the consent; declining
//! leaves the invitation open; a new terms version asks again.

use axum::http::{header, StatusCode};
use lobby::store::entities::{audit_event, consent, invitation, terms_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::support::api::{setup, Api};
use crate::support::browser::{invite, sign_in_with_passcode, Browser};
use crate::support::operator::admin_session;

const JIWOO: &str = "jiwoo.kim@customer.example";

async fn publish_terms(api: &Api, version: i32, markdown: &str) {
    terms_version::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        organization_id: Set(api.org),
        version: Set(version),
        body_markdown: Set(markdown.into()),
        published_by: Set(None),
        published_at: Set(chrono::Utc::now()),
        translations: Set(None),
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
    let start = browser.get(&format!("/invite/{ticket}/start")).await;
    assert!(start.body.contains("Step 1 of 4"), "{}", start.body);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let page = browser.get(&continue_page).await;
    assert_eq!(page.location, consent_page, "the terms come first");
    let page = browser.get(&consent_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Step 2 of 4"), "{}", page.body);
    assert!(page.body.contains("<h1>Terms</h1>") && page.body.contains("<strong>kind</strong>"));
    assert!(page.body.contains("&lt;script&gt;") && !page.body.contains("<script>alert"));

    // Terms other than the current ones are not accepted: the page shows again.
    let stale = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", ""),
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
    let company_page = format!("/invite/{ticket}/company");
    let answer = browser.post(&consent_page, &accept).await;
    assert_eq!(answer.location, company_page, "on to the company");
    let given = consent::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(given.len(), 1);
    let invitation = the_invitation(&api).await;
    assert_eq!(invitation.status, "Accepted");
    assert_eq!(invitation.redeemed_by, Some(given[0].user_id));
    assert!(invitation.redeemed_at.is_some());
    assert_eq!(
        (
            given[0].privacy_version.as_deref(),
            given[0].terms_version,
            given[0].automatic
        ),
        (Some("1"), Some(1), false)
    );
    assert_eq!(given[0].user_agent.as_deref(), Some("lobby-tests"));
    assert!(given[0].client_address.is_some());
    let accepted = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.accepted"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(accepted, 1);

    // The terms step is behind the invitee now; the next step is where they are.
    assert_eq!(browser.get(&consent_page).await.location, company_page);
    assert_eq!(browser.get(&continue_page).await.location, company_page);
    let page = browser.get(&company_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Step 3 of 4"), "{}", page.body);
    // Accepting again changes nothing.
    assert_eq!(
        browser.post(&consent_page, &accept).await.location,
        company_page
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
        company_page
    );
    assert_eq!(consent::Entity::find().count(&api.db).await.unwrap(), 2);
}

/// Invites Jiwoo with the company the seller registered; returns the ticket.
async fn invite_with_company(api: &Api) -> String {
    let inv = crate::support::api::create_invitation(
        api,
        serde_json::json!({
            "invitedUserEmailAddress": JIWOO,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "company": { "legalName": "Customer AG", "street": "Bahnhofstrasse 1", "city": "Zürich", "country": "CH" },
        }),
    )
    .await;
    let url = inv["inviteRedeemUrl"].as_str().unwrap();
    url.split("invitationId=").nth(1).unwrap().to_owned()
}

const ACCEPT: [(&str, &str); 3] = [
    ("decision", "accept"),
    ("privacy_version", "1"),
    ("terms_version", ""),
];

/// A complete company as the form sends it.
fn company_form<'a>(postal_code: &'a str, tax_id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_name", "Customer AG"),
        ("street", "Bahnhofstrasse 1"),
        ("postal_code", postal_code),
        ("city", "Zürich"),
        ("country", "CH"),
        ("tax_id", tax_id),
        ("phone", ""),
        ("website", ""),
    ]
}

#[tokio::test]
async fn the_company_comes_after_the_terms_and_is_created_once_with_its_admin() {
    use lobby::store::entities::{company, membership};
    let api = setup().await;
    let ticket = invite_with_company(&api).await;
    let company_page = format!("/invite/{ticket}/company");
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;

    // Before the terms, no company: the page and its form lead to the terms.
    assert_eq!(
        browser.get(&company_page).await.location,
        format!("/invite/{ticket}/consent")
    );
    let early = browser.post(&company_page, &company_form("8001", "")).await;
    assert_eq!(early.location, format!("/invite/{ticket}/consent"));
    assert_eq!(company::Entity::find().count(&api.db).await.unwrap(), 0);

    let answer = browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    assert_eq!(answer.location, company_page);
    // The seller's draft fills the form; the postal code is missing.
    let page = browser.get(&company_page).await;
    assert!(page.body.contains("Step 3 of 4"), "{}", page.body);
    assert!(
        page.body.contains(r#"value="Customer AG""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("CREATE COMPANY"));
    // The form is a live part: the customer's bundle (not the dashboard's)
    // hydrates it from the props beside it, and only here may wasm compile.
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let live = crate::support::live_part(&page.body);
    assert!(
        live.as_deref().is_some_and(|l| l.contains("name=company")),
        "{live:?}"
    );
    assert!(page.body.contains(r#"rel="modulepreload""#) && page.body.contains("/customer.js\""));
    assert!(!page.body.contains("/lobby.wasm") && !page.body.contains("/lobby.js"));
    let (_, scripts) = crate::support::nonce_of_every_script(csp, &page.body);
    assert!(scripts >= 1);

    // A request past the page with invalid data: 422, one message per field, nothing written.
    let request = axum::http::Request::post(&company_page)
        .header("origin", crate::support::router::ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header(
            "cookie",
            format!("lobby_visit={}", browser.cookie.clone().unwrap()),
        )
        .body(axum::body::Body::from(
            "legal_name=1&street=&postal_code=80&city=Z%C3%BCrich&country=CH&tax_id=CHE-12",
        ))
        .unwrap();
    let response = crate::support::router::answer(&api.app, request).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let errors = body["errors"].as_object().unwrap();
    let mut fields: Vec<_> = errors.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        ["legal_name", "postal_code", "street", "tax_id"],
        "{body}"
    );
    assert!(errors
        .values()
        .all(|m| m.as_str().is_some_and(|m| !m.is_empty())));
    assert_eq!(company::Entity::find().count(&api.db).await.unwrap(), 0);

    // A browser's invalid form comes back to the page, which shows it with its messages.
    let answer = browser.post(&company_page, &company_form("80", "")).await;
    assert_eq!(answer.location, company_page);
    let page = browser.get(&company_page).await;
    assert!(
        page.body.contains("Some details need fixing."),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="80""#), "{}", page.body);

    // Valid: the company, its admin and the invitation's link, once, however often it is sent.
    let valid = company_form("8001", "CHE-123.456.788");
    let valid: Vec<_> = valid
        .into_iter()
        .map(|(k, v)| (k, if k == "tax_id" { "" } else { v }))
        .collect();
    let answer = browser.post(&company_page, &valid).await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let again = browser.post(&company_page, &valid).await;
    assert_eq!(again.location, format!("/invite/{ticket}/continue"));
    let companies = company::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(companies.len(), 1);
    assert_eq!(
        (
            companies[0].legal_name.as_str(),
            companies[0].postal_code.as_str(),
            companies[0].country.as_str()
        ),
        ("Customer AG", "8001", "CH")
    );
    let members = membership::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].role, "company_admin");
    assert_eq!(the_invitation(&api).await.company_id, Some(companies[0].id));

    // The welcome page, and no way back to the company step.
    let page = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Step 4 of 4") && page.body.contains("Welcome, "),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("You are now set up for Customer AG at GFMS."),
        "{}",
        page.body
    );
    assert_eq!(
        browser.get(&company_page).await.location,
        format!("/invite/{ticket}/continue")
    );
}

#[tokio::test]
async fn an_admin_publishes_terms_and_the_consents_export_as_csv() {
    use lobby::store::entities::user;
    let api = setup().await;
    let admin = admin_session(&api).await;
    let cookie = admin.cookie.clone();
    let (_, _, page) =
        crate::support::router::get(&api.app, "/admin/terms", &[("cookie", &cookie)]).await;
    assert!(page.contains("No terms of use are published yet"), "{page}");
    assert_eq!(
        admin
            .call(&api, "/api/publish_terms", &[("markdown", "  ")])
            .await,
        r#""Empty""#
    );
    assert_eq!(
        admin
            .call(
                &api,
                "/api/publish_terms",
                &[("markdown", "# Rules\n\nBe kind.")]
            )
            .await,
        r#"{"Published":{"version":1}}"#
    );
    let published = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("terms.published"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(published, 1);

    // The invitee accepts version 1; a name that reads as a formula stays text in the export.
    let ticket = invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let page = browser.get(&format!("/invite/{ticket}/consent")).await;
    assert!(page.body.contains("<h1>Rules</h1>"), "{}", page.body);
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "1"),
    ];
    browser
        .post(&format!("/invite/{ticket}/consent"), &accept)
        .await;
    let mut jiwoo: user::ActiveModel = user::Entity::find()
        .filter(user::Column::Email.eq(JIWOO))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    jiwoo.display_name = Set(Some("=HYPERLINK(\"x\")".into()));
    jiwoo.update(&api.db).await.unwrap();
    // A browser whose User-Agent hides a formula after a separator.
    lobby::store::entities::consent::Entity::update_many()
        .col_expr(
            lobby::store::entities::consent::Column::UserAgent,
            sea_orm::sea_query::Expr::value("x;=1+1"),
        )
        .exec(&api.db)
        .await
        .unwrap();

    let (status, headers, csv) =
        crate::support::router::get(&api.app, "/admin/consents.csv", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            r#""accepted_at","email","name","privacy_version","terms_version","terms_language","automatic","client_address","user_agent""#
        )
    );
    // Every field quoted; formulas defused at the start and after a separator.
    let row = lines.next().unwrap();
    assert!(row.contains(&format!(r#","{JIWOO}","#)), "{row}");
    assert!(row.contains(r#","'=HYPERLINK(""x"")","#), "{row}");
    assert!(
        row.contains(r#","1","1","en","false","#) && row.ends_with(r#","x;'=1+1""#),
        "{row}"
    );
    assert_eq!(lines.next(), None);
    // Only for operators.
    let (status, _, _) = crate::support::router::get(&api.app, "/admin/consents.csv", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn admins_set_the_welcome_pages_links_line_by_line() {
    use lobby::store::entities::organization;
    let api = setup().await;
    let admin = admin_session(&api).await;
    let cookie = admin.cookie.clone();
    let links =
        "Service requests | https://support.gfms.example/new\nDocs | http://docs.gfms.example";
    assert_eq!(
        admin
            .call(&api, "/api/save_welcome_links", &[("links", links)])
            .await,
        r#"{"Invalid":{"line":2,"problem":"Address"}}"#
    );
    let stored = || async {
        organization::Entity::find_by_id(api.org)
            .one(&api.db)
            .await
            .unwrap()
            .unwrap()
            .welcome_links
    };
    assert_eq!(stored().await, serde_json::json!([]));
    let links = links.replace("http://", "https://");
    let body = admin
        .call(&api, "/api/save_welcome_links", &[("links", &links)])
        .await;
    assert_eq!(body, r#""Saved""#);
    assert_eq!(
        stored().await,
        serde_json::json!([
            { "label": "Service requests", "url": "https://support.gfms.example/new" },
            { "label": "Docs", "url": "https://docs.gfms.example" },
        ])
    );
    let changed = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("organization.welcome_links_changed"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let (_, _, page) =
        crate::support::router::get(&api.app, "/admin/settings", &[("cookie", &cookie)]).await;
    assert!(page.contains("Docs | https://docs.gfms.example"), "{page}");

    // The invitee's welcome page shows them.
    let ticket = invite_with_company(&api).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    browser
        .post(
            &format!("/invite/{ticket}/company"),
            &company_form("8001", ""),
        )
        .await;
    let page = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert!(
        page.body.contains(
            r#"<a href="https://support.gfms.example/new" rel="external">Service requests</a>"#
        ),
        "{}",
        page.body
    );

    // A link for Korean readers only: the English page leaves it out.
    let links = format!("{links}\n한국어 안내 | https://docs.gfms.example/ko | ko");
    let body = admin
        .call(&api, "/api/save_welcome_links", &[("links", &links)])
        .await;
    assert_eq!(body, r#""Saved""#);
    assert_eq!(stored().await[2]["language"], "Ko");
    let (_, _, settings) =
        crate::support::router::get(&api.app, "/admin/settings", &[("cookie", &cookie)]).await;
    assert!(
        settings.contains("한국어 안내 | https://docs.gfms.example/ko | ko"),
        "{settings}"
    );
    let welcome = format!("/invite/{ticket}/continue");
    let english = browser.get(&welcome).await.body;
    let shown =
        |page: &str| page.contains(r#"<a href="https://docs.gfms.example/ko" rel="external">"#);
    assert!(!shown(&english), "{english}");
    browser.language = "ko";
    let korean = browser.get(&welcome).await.body;
    assert!(shown(&korean), "{korean}");
    assert!(korean.contains("https://support.gfms.example/new"));
}

/// A customer company of the organization that exists already.
async fn existing_company(api: &Api) -> lobby::store::entities::company::Model {
    lobby::store::entities::company::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        organization_id: Set(api.org),
        legal_name: Set("Hanbit Trading".into()),
        street: Set("12 Teheran-ro".into()),
        postal_code: Set("06234".into()),
        city: Set("Seoul".into()),
        country: Set("KR".into()),
        tax_id: Set(None),
        phone: Set(None),
        website: Set(None),
        created_by: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&api.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_invitation_can_make_its_invitee_an_admin_of_the_company_they_join() {
    use crate::support::api::create_invitation;
    use lobby::store::entities::membership;
    let api = setup().await;
    let existing = existing_company(&api).await;
    let created = create_invitation(
        &api,
        serde_json::json!({
            "invitedUserEmailAddress": JIWOO,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "companyId": existing.id.to_string(),
            "companyRole": "company_admin",
        }),
    )
    .await;
    assert_eq!(created["companyRole"], "company_admin", "{created}");
    let url = created["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap();

    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, ticket, JIWOO).await;
    let answer = browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let members = membership::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.company_id, m.role.as_str()))
            .collect::<Vec<_>>(),
        [(existing.id, "company_admin")]
    );
}

#[tokio::test]
async fn an_invitation_to_an_existing_company_skips_its_step_and_makes_a_member() {
    use lobby::store::entities::{company, membership};
    let api = setup().await;
    let ticket = invite(&api, JIWOO).await;
    // The seller's customer exists already; the invitation names it.
    let existing = existing_company(&api).await;
    let mut row: invitation::ActiveModel = the_invitation(&api).await.into();
    row.company_id = Set(Some(existing.id));
    row.update(&api.db).await.unwrap();

    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let answer = browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
    let members = membership::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        (members[0].company_id, members[0].role.as_str()),
        (existing.id, "member")
    );
    assert_eq!(company::Entity::find().count(&api.db).await.unwrap(), 1);
    let page = browser.get(&answer.location).await;
    assert!(
        page.body
            .contains("You are now set up for Hanbit Trading at GFMS."),
        "{}",
        page.body
    );
    assert_eq!(
        browser
            .get(&format!("/invite/{ticket}/company"))
            .await
            .location,
        format!("/invite/{ticket}/continue")
    );
}

#[tokio::test]
async fn the_privacy_statement_is_linked_and_a_new_version_asks_again() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    assert_eq!(
        admin
            .call(
                &api,
                "/api/save_privacy_statement",
                &[("url", "http://gfms.example/privacy"), ("version", "2")]
            )
            .await,
        r#"{"Invalid":"Address"}"#
    );
    assert_eq!(
        admin
            .call(
                &api,
                "/api/save_privacy_statement",
                &[("url", "https://gfms.example/privacy"), ("version", "2")]
            )
            .await,
        r#""Saved""#
    );
    let changed = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("organization.privacy_statement_changed"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(changed, 1);

    let ticket = invite(&api, JIWOO).await;
    let consent_page = format!("/invite/{ticket}/consent");
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let page = browser.get(&consent_page).await;
    assert!(
        page.body.contains(r#"href="https://gfms.example/privacy""#)
            && page.body.contains("Read the privacy statement of GFMS"),
        "{}",
        page.body
    );
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "2"),
        ("terms_version", ""),
    ];
    let company_page = format!("/invite/{ticket}/company");
    assert_eq!(
        browser.post(&consent_page, &accept).await.location,
        company_page
    );
    assert_eq!(
        consent::Entity::find()
            .one(&api.db)
            .await
            .unwrap()
            .unwrap()
            .privacy_version
            .as_deref(),
        Some("2")
    );

    // A new version of the privacy statement: the invitee is asked again.
    admin
        .call(
            &api,
            "/api/save_privacy_statement",
            &[("url", "https://gfms.example/privacy"), ("version", "3")],
        )
        .await;
    assert_eq!(browser.get(&company_page).await.location, consent_page);
}

/// An admin resets `user`'s redemption to `new_email` through the API: the
/// invitation, and the ticket of its link.
async fn reset_redemption(
    api: &Api,
    user: uuid::Uuid,
    new_email: &str,
) -> (serde_json::Value, String) {
    let (_, admin_token) = crate::support::api::admin_token(api, "root@gfms.example").await;
    let admin_api = Api {
        token: admin_token,
        ..api.clone()
    };
    let reset = crate::support::api::create_invitation(
        &admin_api,
        serde_json::json!({
            "invitedUserEmailAddress": new_email,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "resetRedemption": true,
            "invitedUser": { "id": user },
        }),
    )
    .await;
    let url = reset["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap().to_owned();
    (reset, ticket)
}

#[tokio::test]
async fn a_reset_redemption_binds_the_new_address_and_keeps_the_user_and_company() {
    use crate::support::browser::{account, latest_code, with_account, PASSWORD};
    use lobby::store::entities::{identity, membership, user};
    let api = setup().await;
    let ticket = invite_with_company(&api).await;
    let mut first = Browser::new(&api);
    first.cookie = with_account(&api, &ticket).await;
    first
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    let made = first
        .post(
            &format!("/invite/{ticket}/company"),
            &company_form("8001", ""),
        )
        .await;
    assert_eq!(made.location, format!("/invite/{ticket}/continue"));
    let jiwoo = account(&api, JIWOO).await;
    // As if Jiwoo had also signed in through a provider once.
    identity::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        user_id: Set(jiwoo.id),
        provider: Set(uuid::Uuid::new_v4().to_string()),
        issuer: Set("https://idp.customer.example".into()),
        subject: Set("jiwoo-1".into()),
        email: Set(Some(JIWOO.into())),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&api.db)
    .await
    .unwrap();

    // The admin resets the redemption with Jiwoo's new address.
    const NEW: &str = "jiwoo@new-customer.example";
    let (reset, new_ticket) = reset_redemption(&api, jiwoo.id, NEW).await;
    assert_eq!(reset["invitedUser"]["id"], jiwoo.id.to_string());

    // The new address signs in anew: the old password is not asked for,
    // the step is a new account for the new address.
    let mut second = Browser::new(&api);
    let start = second.get(&format!("/invite/{new_ticket}/start")).await;
    assert!(start.body.contains(NEW), "{}", start.body);
    assert!(start
        .body
        .contains(&format!("/invite/{new_ticket}/account")));
    assert!(!start
        .body
        .contains(&format!("/invite/{new_ticket}/password")));
    let new_password = "a lantern on the northern pier";
    second
        .post(
            &format!("/invite/{new_ticket}/account"),
            &[("password", new_password)],
        )
        .await;
    let code = latest_code(&api, NEW).await;
    let answer = second
        .post(
            &format!("/invite/{new_ticket}/account/verify"),
            &[("code", &code)],
        )
        .await;
    assert_eq!(answer.location, format!("/invite/{new_ticket}/continue"));

    // The same user, now at the new address, with a new password and no old identity.
    let after = user::Entity::find_by_id(jiwoo.id)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.email, NEW);
    assert!(after.email_verified);
    // The earlier address is told that its account moved, and where.
    let told = lobby::store::entities::email_outbox::Entity::find()
        .filter(lobby::store::entities::email_outbox::Column::ToAddress.eq(JIWOO))
        .all(&api.db)
        .await
        .unwrap();
    assert!(
        told.iter()
            .any(|m| m.subject.contains("now signs in with another address")
                && m.body_text.contains(NEW)),
        "{:?}",
        told.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_ne!(after.password_hash, jiwoo.password_hash);
    assert!(!lobby::auth::password::verify(
        lobby::secret::Secret::new(PASSWORD.into()),
        after.password_hash.clone()
    )
    .await
    .unwrap());
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Email.eq(JIWOO))
            .count(&api.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(identity::Entity::find().count(&api.db).await.unwrap(), 0);

    // Terms already accepted, company kept: straight to the welcome page.
    let welcome = second.get(&format!("/invite/{new_ticket}/continue")).await;
    assert_eq!(welcome.status, StatusCode::OK, "{}", welcome.location);
    assert!(welcome.body.contains("Customer AG"), "{}", welcome.body);
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(jiwoo.id))
        .all(&api.db)
        .await
        .unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].role, "company_admin");
    let reset_row = invitation::Entity::find_by_id(
        reset["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap(),
    )
    .one(&api.db)
    .await
    .unwrap()
    .unwrap();
    assert_eq!(reset_row.status, "Accepted");
    assert_eq!(reset_row.redeemed_by, Some(jiwoo.id));

    // The browser signed in before the reset is signed out.
    let old = first.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(old.location, format!("/invite/{ticket}/start"));
}

#[tokio::test]
async fn invitees_from_trusted_domains_skip_the_terms_and_are_told_by_email() {
    use lobby::store::entities::{email_outbox, organization};
    let api = setup().await;
    let admin = admin_session(&api).await;
    let save = |domains: &'static str| {
        let admin = &admin;
        let api = &api;
        async move {
            admin
                .call(
                    api,
                    "/api/save_domains",
                    &[("kind", "Trusted"), ("domains", domains)],
                )
                .await
        }
    };
    let trusted = || async {
        organization::Entity::find_by_id(api.org)
            .one(&api.db)
            .await
            .unwrap()
            .unwrap()
            .trusted_domains
    };
    // A list with something that is no domain changes nothing.
    assert_eq!(
        save("customer.example, not a domain!").await,
        r#"{"Invalid":"not"}"#
    );
    assert_eq!(trusted().await, serde_json::json!([]));
    assert_eq!(
        save("Customer.Example\nsupplier.example").await,
        r#""Saved""#
    );
    assert_eq!(
        trusted().await,
        serde_json::json!(["customer.example", "supplier.example"])
    );
    publish_terms(&api, 1, "Be **kind**.").await;

    let ticket = invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let company_page = format!("/invite/{ticket}/company");
    let consent_page = format!("/invite/{ticket}/consent");
    assert_eq!(
        browser
            .get(&format!("/invite/{ticket}/continue"))
            .await
            .location,
        company_page,
        "no terms step"
    );
    assert_eq!(browser.get(&consent_page).await.location, company_page);
    let given = consent::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(given.len(), 1);
    assert!(given[0].automatic);
    assert_eq!(
        (given[0].privacy_version.as_deref(), given[0].terms_version),
        (Some("1"), Some(1))
    );
    assert_eq!(the_invitation(&api).await.status, "Accepted");
    let told = || async {
        email_outbox::Entity::find()
            .filter(email_outbox::Column::ToAddress.eq(JIWOO))
            .filter(email_outbox::Column::Subject.eq("You have joined GFMS"))
            .all(&api.db)
            .await
            .unwrap()
    };
    let mails = told().await;
    assert_eq!(
        mails.len(),
        1,
        "one email, however often the page is opened"
    );
    assert!(mails[0].body_text.contains("Terms of use, version 1:"));
    assert!(mails[0].body_text.contains("Be **kind**."));
    assert!(mails[0]
        .body_html
        .as_deref()
        .unwrap()
        .contains("<strong>kind</strong>"));
    let accepted = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.accepted"))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.details["consent"], "automatic");

    // New terms: accepted on the invitee's behalf again, and told again.
    publish_terms(&api, 2, "Be **kinder**.").await;
    assert_eq!(browser.get(&consent_page).await.location, company_page);
    assert_eq!(told().await.len(), 2);
    assert_eq!(consent::Entity::find().count(&api.db).await.unwrap(), 2);

    // Off the list, the terms step is back.
    assert_eq!(save("supplier.example").await, r#""Saved""#);
    publish_terms(&api, 3, "Be kindest.").await;
    assert_eq!(browser.get(&company_page).await.location, consent_page);
}

#[tokio::test]
async fn a_reset_to_an_address_that_became_another_accounts_changes_nothing_and_says_so() {
    use crate::support::browser::{account, latest_code, with_account};
    use lobby::store::entities::user;
    let api = setup().await;
    let ticket = invite_with_company(&api).await;
    let mut first = Browser::new(&api);
    first.cookie = with_account(&api, &ticket).await;
    first
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    let jiwoo = account(&api, JIWOO).await;
    const NEW: &str = "jiwoo@new-customer.example";
    let (reset, new_ticket) = reset_redemption(&api, jiwoo.id, NEW).await;
    // Meanwhile the new address becomes someone's account (another
    // organization's invitee, say).
    let now = chrono::Utc::now();
    let other = user::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        email: Set(NEW.into()),
        email_verified: Set(true),
        display_name: Set(None),
        locale: Set(None),
        password_hash: Set(None),
        failed_sign_ins: Set(0),
        contact_email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&api.db)
    .await
    .unwrap();

    let mut second = Browser::new(&api);
    second
        .post(
            &format!("/invite/{new_ticket}/account"),
            &[("password", "a lantern on the northern pier")],
        )
        .await;
    let code = latest_code(&api, NEW).await;
    let answer = second
        .post(
            &format!("/invite/{new_ticket}/account/verify"),
            &[("code", &code)],
        )
        .await;
    assert_eq!(
        answer.location,
        format!("/invite/{new_ticket}/start?notice=address-taken")
    );
    let page = second.get(&answer.location).await;
    assert!(
        page.body.contains(&format!(
            "{NEW} has become the address of another account since this invitation was sent"
        )),
        "{}",
        page.body
    );
    // Nothing moved: both accounts as they were, the reset still pending.
    let jiwoo_after = user::Entity::find_by_id(jiwoo.id)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(jiwoo_after.email, JIWOO);
    assert_eq!(jiwoo_after.password_hash, jiwoo.password_hash);
    let other_after = user::Entity::find_by_id(other.id)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other_after, other);
    let reset_row = invitation::Entity::find_by_id(
        reset["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap(),
    )
    .one(&api.db)
    .await
    .unwrap()
    .unwrap();
    assert_eq!(reset_row.status, "PendingAcceptance");
}

/// The seller's draft held a postal code the rules refuse: the invitation
/// went out all the same, and the company step opens with that field
/// marked and explained; the customer corrects it and the company is made.
#[tokio::test]
async fn a_wrong_value_in_the_sellers_draft_is_marked_for_the_customer_to_fix() {
    use lobby::store::entities::company;
    let api = setup().await;
    let inv = crate::support::api::create_invitation(
        &api,
        serde_json::json!({
            "invitedUserEmailAddress": JIWOO,
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "company": { "legalName": "Customer AG", "street": "Bahnhofstrasse 1", "postalCode": "80011", "city": "Zürich", "country": "CH" },
        }),
    )
    .await;
    assert_eq!(inv["companyDraftProblems"][0]["field"], "postalCode");
    let url = inv["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap().to_owned();
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let company_page = format!("/invite/{ticket}/company");
    let answer = browser
        .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
        .await;
    assert_eq!(answer.location, company_page);

    let page = browser.get(&company_page).await;
    assert!(
        page.body.contains("Some details need fixing."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("This is not a postal code of the chosen country."),
        "{}",
        page.body
    );
    let postal = page
        .body
        .split("id=\"company-postal_code\"")
        .nth(1)
        .unwrap();
    let tag = &postal[..postal.find('>').unwrap()];
    assert!(
        tag.contains("aria-invalid=\"true\"") && tag.contains("value=\"80011\""),
        "{tag}"
    );
    // The rest of the draft is not marked.
    let city = page.body.split("id=\"company-city\"").nth(1).unwrap();
    assert!(city[..city.find('>').unwrap()].contains("aria-invalid=\"false\""));

    // As sent: refused again. Corrected: the company is made.
    browser
        .post(&company_page, &company_form("80011", ""))
        .await;
    assert_eq!(company::Entity::find().count(&api.db).await.unwrap(), 0);
    browser.post(&company_page, &company_form("8001", "")).await;
    let made = company::Entity::find().one(&api.db).await.unwrap().unwrap();
    assert_eq!(made.postal_code, "8001");
}
