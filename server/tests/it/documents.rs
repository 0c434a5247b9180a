//! Terms that exist, in the customer's language (issue 23, point 4): the
//! terms step shows only the documents the organization has and records
//! only those, with the language the terms were read in; terms are written
//! per language and published together; the same terms again publish
//! nothing; the dashboard warns before inviting when something is missing;
//! welcome links can be for one language.

use axum::http::StatusCode;
use lobby::store::entities::{audit_event, consent, invitation, organization};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::api::{setup, Api};
use crate::support::browser::{invite, sign_in_with_passcode, Browser};
use crate::support::operator::admin_session;
use crate::support::router::get;

const JIWOO: &str = "jiwoo.kim@customer.example";

async fn without_privacy_statement(api: &Api) {
    organization::Entity::update_many()
        .col_expr(
            organization::Column::PrivacyUrl,
            Expr::value(Option::<String>::None),
        )
        .exec(&api.db)
        .await
        .unwrap();
}

/// The terms the page shows (its data for the browser holds every language).
fn terms_shown(page: &str) -> &str {
    let start = page
        .find(r#"aria-labelledby="terms-heading""#)
        .unwrap_or_else(|| panic!("no terms on the page: {page}"));
    let end = start + page[start..].find("</div>").unwrap();
    &page[start..end]
}

async fn consents(api: &Api) -> Vec<consent::Model> {
    consent::Entity::find().all(&api.db).await.unwrap()
}

#[tokio::test]
async fn with_nothing_to_accept_there_is_no_terms_step_and_no_consent() {
    let api = setup().await;
    without_privacy_statement(&api).await;
    let ticket = invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let next = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert_eq!(next.location, format!("/invite/{ticket}/company"));
    let page = browser.get(&format!("/invite/{ticket}/consent")).await;
    assert_eq!(page.location, format!("/invite/{ticket}/company"));
    assert!(consents(&api).await.is_empty(), "nothing was accepted");
    let row = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "Accepted");
    let accepted = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.accepted"))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.details["consent"], "nothing to accept");
}

#[tokio::test]
async fn the_step_shows_and_records_only_what_exists_in_the_readers_language() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    // The privacy statement only: no terms are shown or recorded.
    let ticket = invite(&api, JIWOO).await;
    let first = ticket.clone();
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let consent_page = format!("/invite/{ticket}/consent");
    let page = browser.get(&consent_page).await.body;
    assert!(
        page.contains("asks you to accept its privacy statement.")
            && !page.contains("Terms of use"),
        "{page}"
    );
    assert!(page.contains(r#"name="terms_version" value="""#), "{page}");
    // A version the page did not show is not accepted.
    let answer = browser
        .post(
            &consent_page,
            &[
                ("decision", "accept"),
                ("privacy_version", "1"),
                ("terms_version", "0"),
            ],
        )
        .await;
    assert_eq!(answer.location, consent_page);
    assert!(consents(&api).await.is_empty());
    browser
        .post(
            &consent_page,
            &[
                ("decision", "accept"),
                ("privacy_version", "1"),
                ("terms_version", ""),
            ],
        )
        .await;
    let given = consents(&api).await;
    assert_eq!(given.len(), 1);
    assert_eq!(given[0].privacy_version.as_deref(), Some("1"));
    assert_eq!(given[0].terms_version, None, "no terms were shown");
    assert_eq!(given[0].terms_language, None);

    // Terms in English and Korean, published together as one version.
    let body = admin
        .call(
            &api,
            "/api/publish_terms",
            &[
                ("markdown", "# Terms\n\nBe kind."),
                ("markdown_ko", "# 약관\n\n서로 존중합니다."),
            ],
        )
        .await;
    assert_eq!(body, r#"{"Published":{"version":1}}"#);
    // The same texts again publish nothing, and ask no one again.
    let again = admin
        .call(
            &api,
            "/api/publish_terms",
            &[
                ("markdown", "# Terms\n\nBe kind."),
                ("markdown_ko", "# 약관\n\n서로 존중합니다."),
            ],
        )
        .await;
    assert_eq!(again, r#"{"Unchanged":{"version":1}}"#);
    let (_, _, terms_page) = get(&api.app, "/admin/terms", &[("cookie", &admin.cookie)]).await;
    assert!(terms_page.contains("서로 존중합니다."), "{terms_page}");

    // A Korean reader reads and accepts the Korean text; it is recorded.
    let minh = "minh.tran@customer.example";
    let ticket = invite(&api, minh).await;
    let mut korean = Browser::new(&api);
    sign_in_with_passcode(&mut korean, &ticket, minh).await;
    korean.language = "ko";
    let consent_page = format!("/invite/{ticket}/consent");
    let page = korean.get(&consent_page).await.body;
    let shown = terms_shown(&page);
    assert!(
        shown.contains("서로 존중합니다.") && !shown.contains("Be kind."),
        "{shown}"
    );
    assert!(
        page.contains(r#"name="terms_language" value="ko""#),
        "{page}"
    );
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "1"),
        ("terms_language", "ko"),
    ];
    korean.post(&consent_page, &accept).await;
    let theirs = consent::Entity::find()
        .filter(consent::Column::TermsVersion.eq(1))
        .all(&api.db)
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].terms_language.as_deref(), Some("ko"));

    // An English reader gets the English; a language the terms are not
    // written in is recorded as the English they got.
    let ana = "ana@customer.example";
    let ticket = invite(&api, ana).await;
    let mut english = Browser::new(&api);
    sign_in_with_passcode(&mut english, &ticket, ana).await;
    let consent_page = format!("/invite/{ticket}/consent");
    let page = english.get(&consent_page).await.body;
    let shown = terms_shown(&page);
    assert!(
        shown.contains("Be kind.") && !shown.contains("서로 존중합니다."),
        "{shown}"
    );
    let accept = [
        ("decision", "accept"),
        ("privacy_version", "1"),
        ("terms_version", "1"),
        ("terms_language", "fr"),
    ];
    english.post(&consent_page, &accept).await;
    let languages: Vec<Option<String>> = consent::Entity::find()
        .filter(consent::Column::TermsVersion.eq(1))
        .all(&api.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.terms_language)
        .collect();
    assert!(languages.contains(&Some("en".to_owned())), "{languages:?}");
    // Jiwoo accepted before the terms existed: asked again at the next visit.
    let next = browser.get(&format!("/invite/{first}/continue")).await;
    assert_eq!(next.location, format!("/invite/{first}/consent"));
}

#[tokio::test]
async fn the_dashboard_warns_before_inviting_when_documents_are_missing() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    without_privacy_statement(&api).await;
    let missing = admin.call(&api, "/api/missing_documents", &[]).await;
    assert_eq!(missing, r#"{"privacy":true,"terms":true}"#);
    let (status, _, page) = get(
        &api.app,
        "/admin/invitations/new",
        &[("cookie", &admin.cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Before you invite customers"), "{page}");
    assert!(page.contains("No privacy statement is set"), "{page}");
    assert!(page.contains("No terms of use are published"), "{page}");
    admin
        .call(&api, "/api/publish_terms", &[("markdown", "# Terms")])
        .await;
    let missing = admin.call(&api, "/api/missing_documents", &[]).await;
    assert_eq!(missing, r#"{"privacy":true,"terms":false}"#);
    let (_, _, page) = get(
        &api.app,
        "/admin/invitations/new",
        &[("cookie", &admin.cookie)],
    )
    .await;
    assert!(!page.contains("No terms of use are published"), "{page}");
    assert!(page.contains("No privacy statement is set"), "{page}");
    // Not for strangers.
    let (status, _, _) = get(&api.app, "/api/missing_documents", &[]).await;
    assert_ne!(status, StatusCode::OK);
    let count = consent::Entity::find().count(&api.db).await.unwrap();
    assert_eq!(count, 0);
}
