//! An invitee's browser: a cookie jar that follows the invitation link, asks
//! for codes and signs in, as the pages' forms do.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lobby::store::entities::{email_outbox, organization, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use tower::ServiceExt;

use crate::support::api::{create_invitation, Api};
use crate::support::router::ORIGIN;

pub const PASSWORD: &str = "seven blue herons over the river";

/// Invites `email`; returns the link's ticket.
pub async fn invite(api: &Api, email: &str) -> String {
    let inv = create_invitation(
        api,
        json!({
            "invitedUserEmailAddress": email,
            "inviteRedirectUrl": "http://lobby.test/welcome",
        }),
    )
    .await;
    let url = inv["inviteRedeemUrl"].as_str().unwrap();
    url.split("invitationId=").nth(1).unwrap().to_owned()
}

/// One browser: it keeps the customer cookie as a browser would.
pub struct Browser<'a> {
    api: &'a Api,
    pub cookie: Option<String>,
    /// The language it asks for (`Accept-Language`).
    pub language: &'static str,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl<'a> Browser<'a> {
    pub fn new(api: &'a Api) -> Self {
        Browser {
            api,
            cookie: None,
            language: "en",
        }
    }

    async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Answer {
        let mut request = request
            .header("accept-language", self.language)
            .header("user-agent", "lobby-tests")
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, format!("lobby_visit={c}"));
        }
        let request = request.body(body).unwrap();
        let asked = format!("{} {}", request.method(), request.uri());
        let answer = self.api.app.clone().oneshot(request);
        let response = tokio::time::timeout(std::time::Duration::from_secs(30), answer)
            .await
            .unwrap_or_else(|_| panic!("no answer within 30 s to {asked}"))
            .unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            if let Some(rest) = value.strip_prefix("lobby_visit=") {
                let token = rest.split(';').next().unwrap();
                self.cookie = (!token.is_empty()).then(|| token.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, 1 << 22).await.unwrap();
        Answer {
            status,
            location,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path), Body::empty()).await
    }

    /// A form post from one of the site's pages.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = Request::post(path)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Body::from(body)).await
    }
}

/// The code in the latest email to `to`.
pub async fn latest_code(api: &Api, to: &str) -> String {
    let mail = email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .filter(email_outbox::Column::BodyText.contains(CODE_EMAIL))
        .order_by_desc(email_outbox::Column::CreatedAt)
        .one(&api.db)
        .await
        .unwrap()
        .expect("a code email");
    mail.body_text
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("six digits in the email")
        .to_owned()
}

pub async fn code_emails(api: &Api) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::BodyText.contains(CODE_EMAIL))
        .all(&api.db)
        .await
        .unwrap()
}

pub async fn account(api: &Api, email: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
}

/// A page without its script nonce, which differs per response; it is in
/// `nonce` and `crossorigin` attributes.
pub fn without_nonces(text: &str) -> String {
    ["nonce=\"", "crossorigin=\""]
        .iter()
        .fold(text.to_owned(), |text, attribute| {
            let mut parts = text.split(attribute);
            let mut kept = parts.next().unwrap_or_default().to_owned();
            for part in parts {
                kept.push_str(part.split_once('"').map_or("", |(_, rest)| rest));
            }
            kept
        })
}

/// Signs `browser` in through `ticket` with the emailed passcode.
pub async fn sign_in_with_passcode(browser: &mut Browser<'_>, ticket: &str, email: &str) {
    browser
        .post(&format!("/invite/{ticket}/passcode"), &[])
        .await;
    let code = latest_code(browser.api, email).await;
    let answer = browser
        .post(
            &format!("/invite/{ticket}/passcode/verify"),
            &[("code", &code)],
        )
        .await;
    assert_eq!(answer.location, format!("/invite/{ticket}/continue"));
}

/// Creates JIWOO's account with [`PASSWORD`] through the page; returns the
/// signed-in browser's cookie.
pub async fn with_account(api: &Api, ticket: &str) -> Option<String> {
    passcodes_off(api).await;
    let mut browser = Browser::new(api);
    browser
        .post(
            &format!("/invite/{ticket}/account"),
            &[("password", PASSWORD)],
        )
        .await;
    let code = latest_code(api, JIWOO).await;
    browser
        .post(
            &format!("/invite/{ticket}/account/verify"),
            &[("code", &code)],
        )
        .await;
    browser.cookie
}

pub const JIWOO: &str = "jiwoo.kim@customer.example";

/// A line of every email that carries a code.
pub const CODE_EMAIL: &str = "It works once, for 10 minutes.";

pub async fn passcodes_off(api: &Api) {
    organization::Entity::update_many()
        .col_expr(organization::Column::EmailOtpEnabled, Expr::value(false))
        .exec(&api.db)
        .await
        .unwrap();
}
