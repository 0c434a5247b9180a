//! An organization with its admin, and the dashboard as their browser uses it:
//! sign-in, forms, CSRF tokens.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use lobby::clock::ManualClock;
use lobby::operators::{create_operator, NewOperator, Role};
use lobby::secret::Secret;
use sea_orm::EntityTrait;

use crate::support::api::Api;
use crate::support::router::{app_with_clock, get, ORIGIN};

pub const PASSWORD: &str = "a calm lake at dawn";

pub struct Operator {
    pub app: Router,
    pub db: sea_orm::DatabaseConnection,
    pub clock: ManualClock,
}

pub async fn setup() -> Operator {
    let clock = ManualClock::new(Utc::now());
    let (app, db, org) = app_with_clock(clock.clone()).await;
    let new = NewOperator {
        organization_id: org,
        email: "ada@gfms.example".into(),
        display_name: Some("Ada".into()),
        password: Secret::new(PASSWORD.into()),
        role: Role::Admin,
        actor: None,
    };
    create_operator(&db, new, &clock).await.unwrap();
    Operator { app, db, clock }
}

pub async fn post(
    app: &Router,
    uri: &str,
    form: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response =
        crate::support::router::answer(app, request.body(Body::from(form.to_owned())).unwrap())
            .await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub fn form(email: &str, password: &str) -> String {
    format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    )
}

/// Signs in; returns the `lobby_session=…` pair to send back.
pub async fn sign_in(app: &Router, presented: Option<&str>) -> String {
    let mut headers = vec![("origin", ORIGIN)];
    if let Some(cookie) = presented {
        headers.push(("cookie", cookie));
    }
    let (status, h, _) = post(
        app,
        "/admin/login",
        &form("ada@gfms.example", PASSWORD),
        &headers,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/admin");
    let set = h[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http gets no Secure flag");
    crate::support::session_cookie(&h)
}

/// Adds an operator who is not an admin and signs them in; their session
/// cookie and its CSRF token.
pub async fn non_admin_signed_in(op: &Operator, email: &str) -> (String, String) {
    let org = lobby::store::entities::organization::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let new = NewOperator {
        organization_id: org.id,
        email: email.into(),
        display_name: None,
        password: Secret::new(PASSWORD.into()),
        role: Role::Operator,
        actor: None,
    };
    create_operator(&op.db, new, &op.clock).await.unwrap();
    let (_, h, _) = post(
        &op.app,
        "/admin/login",
        &form(email, PASSWORD),
        &[("origin", ORIGIN)],
    )
    .await;
    let cookie = crate::support::session_cookie(&h);
    let (_, _, page) = get(&op.app, "/admin/tokens", &[("cookie", &cookie)]).await;
    (cookie.clone(), csrf_of(&page))
}

pub fn csrf_of(page: &str) -> String {
    let at =
        page.find(r#"name="csrf" value=""#).expect("csrf field") + r#"name="csrf" value=""#.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// An admin signed in to the dashboard.
pub struct Admin {
    pub cookie: String,
    pub csrf: String,
}

impl Admin {
    /// A dashboard server function, called with the session and its CSRF
    /// token as the page would; its JSON answer.
    pub async fn call(&self, api: &Api, endpoint: &str, fields: &[(&str, &str)]) -> String {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &self.csrf)
            .extend_pairs(fields)
            .finish();
        let session = [
            ("origin", ORIGIN),
            ("cookie", self.cookie.as_str()),
            ("accept", "application/json"),
        ];
        post(&api.app, endpoint, &body, &session).await.2
    }
}

/// Adds the admin Ada to the API's organization and signs her in.
pub async fn admin_session(api: &Api) -> Admin {
    let ada = NewOperator {
        organization_id: api.org,
        email: "ada@gfms.example".into(),
        display_name: Some("Ada".into()),
        password: Secret::new(PASSWORD.into()),
        role: Role::Admin,
        actor: None,
    };
    create_operator(&api.db, ada, &api.clock).await.unwrap();
    let cookie = sign_in(&api.app, None).await;
    let (status, _, page) = get(&api.app, "/admin/settings", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&page);
    Admin { cookie, csrf }
}

/// The API's operator (not an admin), signed in to the dashboard.
pub async fn operator_session(api: &Api) -> Admin {
    let (_, h, _) = post(
        &api.app,
        "/admin/login",
        &form("ops@gfms.example", PASSWORD),
        &[("origin", ORIGIN)],
    )
    .await;
    let cookie = crate::support::session_cookie(&h);
    let (_, _, page) = get(&api.app, "/admin/tokens", &[("cookie", &cookie)]).await;
    let csrf = csrf_of(&page);
    Admin { cookie, csrf }
}
