//! Lobby as the OpenID provider of the seller's apps, driven by a relying
//! party nobody here wrote (the `openidconnect` crate's client, which
//! checks discovery, the ID token's signature, issuer, audience, expiry
//! and nonce): the code flow with PKCE for an onboarded customer, what
//! the tokens say, and every way a request may be out of order.

use std::future::Future;
use std::pin::Pin;

use app::model::apps::NewApp;
use axum::body::Body;
use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use lobby::provider::apps::{self, Registration};
use lobby::store::entities::{audit_event, authorization_grant, user};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::support::api::{create_invitation, setup, setup_on, Api};
use crate::support::browser::{sign_in_with_passcode, Browser, JIWOO};
use crate::support::router::ORIGIN;

const REDIRECT: &str = "https://shop.example/callback";
const SIGNED_OUT: &str = "https://shop.example/signed-out";

type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

type Sent = Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, std::io::Error>>>>;

/// The app's HTTP client: its requests reach the router in memory.
fn http(api: &Api) -> impl Fn(openidconnect::HttpRequest) -> Sent + '_ {
    move |request: openidconnect::HttpRequest| {
        let app = api.app.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let path = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            parts.uri = path.parse().unwrap();
            let response = app
                .oneshot(axum::http::Request::from_parts(parts, Body::from(body)))
                .await
                .unwrap();
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            Ok(openidconnect::HttpResponse::from_parts(parts, body))
        }) as Sent
    }
}

/// Registers an app; its client id and secret (`None` for a public app).
async fn register(api: &Api, public: bool, admins_only: bool) -> (String, Option<String>) {
    let registration = Registration {
        organization_id: api.org,
        app: NewApp {
            name: "Customer portal".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_uris: vec![SIGNED_OUT.into()],
            public,
            launch_url: Some("https://shop.example/".into()),
            company_admins_only: admins_only,
            scopes: app::model::apps::SCOPES.map(str::to_owned).to_vec(),
        },
        actor: None,
    };
    let created = apps::create(&api.db, registration, &api.clock)
        .await
        .unwrap();
    (
        created.client_id,
        created.secret.map(|s| s.expose().clone()),
    )
}

async fn relying_party(api: &Api, client: &(String, Option<String>)) -> Rp {
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(ORIGIN.into()).unwrap(), &http(api))
            .await
            .unwrap();
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client.0.clone()),
        client.1.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap())
}

/// Invites Jiwoo with the company the seller registered for her; the
/// link's ticket.
async fn invite_jiwoo(api: &Api) -> String {
    let inv = create_invitation(
        api,
        json!({
            "invitedUserEmailAddress": JIWOO,
            "invitedUserDisplayName": "Jiwoo Kim",
            "inviteRedirectUrl": "http://lobby.test/welcome",
            "company": { "legalName": "Customer AG", "street": "Bahnhofstrasse 1", "postalCode": "8001", "city": "Zürich", "country": "CH" },
        }),
    )
    .await;
    let url = inv["inviteRedeemUrl"].as_str().unwrap();
    url.split("invitationId=").nth(1).unwrap().to_owned()
}

/// The signed-in invitee accepts the terms and creates the company, as the
/// forms post them: the browser is at the welcome page.
async fn accept_and_create_company(browser: &mut Browser<'_>, ticket: &str) {
    browser
        .post(
            &format!("/invite/{ticket}/consent"),
            &[
                ("decision", "accept"),
                ("privacy_version", "1"),
                ("terms_version", ""),
            ],
        )
        .await;
    let company = [
        ("legal_name", "Customer AG"),
        ("street", "Bahnhofstrasse 1"),
        ("postal_code", "8001"),
        ("city", "Zürich"),
        ("country", "CH"),
        ("tax_id", ""),
        ("phone", ""),
        ("website", ""),
    ];
    let done = browser
        .post(&format!("/invite/{ticket}/company"), &company)
        .await;
    assert_eq!(done.location, format!("/invite/{ticket}/continue"));
}

/// Jiwoo, invited with a company, through sign-in, terms and company: the
/// browser is at the welcome page.
async fn onboarded(api: &Api) -> Browser<'_> {
    let ticket = invite_jiwoo(api).await;
    let mut browser = Browser::new(api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    accept_and_create_company(&mut browser, &ticket).await;
    browser
}

/// What the authorization endpoint answered: where it sent the browser.
struct Authorized {
    status: StatusCode,
    location: String,
    body: String,
}

impl Authorized {
    fn parameter(&self, name: &str) -> Option<String> {
        let url = url::Url::parse(&self.location).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

async fn visit(browser: &mut Browser<'_>, url: &str) -> Authorized {
    let url = url::Url::parse(url).unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let answer = browser.get(&path).await;
    Authorized {
        status: answer.status,
        location: answer.location,
        body: answer.body,
    }
}

/// The authorization request of `rp` with PKCE, as the app sends the
/// browser to it: the URL, the state, the nonce and the verifier.
fn authorization(rp: &Rp) -> (url::Url, CsrfToken, Nonce, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    (url, state, nonce, verifier)
}

/// How many grants (codes issued) there are.
async fn grants(api: &Api) -> usize {
    authorization_grant::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .len()
}

fn sha256_hex(code: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(code.as_bytes()))
}

fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn header(jwt: &str) -> Value {
    let part = jwt.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

async fn userinfo(api: &Api, token: &str) -> (StatusCode, String) {
    let (status, _, body) = crate::support::router::get(
        &api.app,
        "/oidc/userinfo",
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await;
    (status, body)
}

#[tokio::test]
async fn an_onboarded_customer_signs_in_to_an_app_with_the_code_flow_and_pkce() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;

    let (url, state, nonce, verifier) = authorization(&rp);
    let answer = visit(&mut browser, url.as_str()).await;
    assert!(answer.location.starts_with(REDIRECT), "{}", answer.location);
    assert_eq!(
        answer.parameter("state").as_deref(),
        Some(state.secret().as_str())
    );
    // RFC 9207: the response names its issuer.
    assert_eq!(answer.parameter("iss").as_deref(), Some(ORIGIN));
    let code = answer.parameter("code").unwrap();

    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http(&api))
        .await
        .unwrap();
    // The client checks the signature (through the JWKS), issuer, audience,
    // expiry, nonce and at_hash.
    let id_token = tokens.id_token().unwrap();
    let verified = id_token.claims(&rp.id_token_verifier(), &nonce).unwrap();
    let jiwoo = user::Entity::find()
        .filter(user::Column::Email.eq(JIWOO))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(verified.subject().as_str(), jiwoo.id.to_string());
    assert_eq!(verified.email().map(|e| e.as_str()), Some(JIWOO));
    assert_eq!(verified.email_verified(), Some(true));
    assert!(verified.auth_time().is_some());

    let claims = payload(&id_token.to_string());
    assert_eq!(claims["org_slug"], "gfms");
    assert_eq!(claims["org_id"], api.org.to_string());
    assert_eq!(claims["company_name"], "Customer AG");
    assert_eq!(claims["company_role"], "company_admin");
    assert_eq!(claims["terms_version"], 0);
    assert_eq!(claims["amr"], json!(["otp"]));
    assert_eq!(claims["name"], "Jiwoo Kim");
    assert_ne!(claims["sub"], JIWOO, "sub is never the email");

    // The access token is a JWT per RFC 9068, for this app.
    let access = tokens.access_token().secret();
    assert_eq!(header(access)["typ"], "at+jwt");
    assert_eq!(payload(access)["aud"], client.0);
    assert_eq!(payload(access)["sub"], jiwoo.id.to_string());

    // Userinfo says the same, read by the same client.
    let info: CoreUserInfoClaims = rp
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http(&api))
        .await
        .unwrap();
    assert_eq!(info.subject().as_str(), jiwoo.id.to_string());
    let (status, body) = userinfo(&api, access).await;
    assert_eq!(status, StatusCode::OK);
    let info: Value = serde_json::from_str(&body).unwrap();
    for claim in [
        "sub",
        "email",
        "email_verified",
        "name",
        "org_id",
        "org_slug",
        "company_id",
        "company_name",
        "company_role",
        "terms_version",
        "amr",
    ] {
        assert_eq!(info[claim], claims[claim], "{claim}: {body}");
    }
}

/// A code for the onboarded browser, with its verifier.
async fn code_for(rp: &Rp, browser: &mut Browser<'_>) -> (String, PkceCodeVerifier) {
    let (url, _, _, verifier) = authorization(rp);
    let answer = visit(browser, url.as_str()).await;
    (answer.parameter("code").expect(&answer.location), verifier)
}

/// The token endpoint's answer to `form` (with `basic` credentials, if any).
async fn exchange(
    api: &Api,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (StatusCode, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = axum::http::Request::post("/oidc/token")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    let response =
        crate::support::router::answer(&api.app, request.body(Body::from(body)).unwrap()).await;
    let status = response.status();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The form of a code exchange, as an app sends it.
fn token_form<'a>(code: &'a str, verifier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]
}

fn error_of(answer: &(StatusCode, Value)) -> (StatusCode, &str) {
    (answer.0, answer.1["error"].as_str().unwrap_or_default())
}

#[tokio::test]
async fn sqlite_the_token_endpoint_refuses_wrong_clients_verifiers_and_codes_and_a_replay_revokes()
{
    token_endpoint_rules(setup().await).await;
}

#[tokio::test]
async fn postgres_the_token_endpoint_refuses_wrong_clients_verifiers_and_codes_and_a_replay_revokes(
) {
    if let Some(pg) = crate::support::db::postgres("the_token_endpoint_refuses…").await {
        token_endpoint_rules(setup_on(pg.db.clone()).await).await;
    }
}

async fn token_endpoint_rules(api: Api) {
    let client = register(&api, false, false).await;
    let (id, secret) = (client.0.as_str(), client.1.clone().unwrap());
    let basic = Some((id, secret.as_str()));
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let (code, verifier) = code_for(&rp, &mut browser).await;
    let form = token_form(&code, verifier.secret());
    let bad_request = StatusCode::BAD_REQUEST;

    // A wrong secret, an unknown client, no client at all: invalid_client, 401.
    let wrong_secret = exchange(&api, &form, Some((id, "not-the-secret"))).await;
    assert_eq!(
        error_of(&wrong_secret),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    let unknown = exchange(&api, &form, Some(("unknown-client", &secret))).await;
    assert_eq!(
        error_of(&unknown),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    let anonymous = exchange(&api, &form, None).await;
    assert_eq!(
        error_of(&anonymous),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );

    // A wrong or missing verifier: invalid_grant, and the code still works after.
    let wrong = "a".repeat(43);
    let answer = exchange(&api, &token_form(&code, &wrong), basic).await;
    assert_eq!(error_of(&answer), (bad_request, "invalid_grant"));
    let without: Vec<_> = form
        .iter()
        .filter(|(k, _)| *k != "code_verifier")
        .cloned()
        .collect();
    let answer = exchange(&api, &without, basic).await;
    assert_eq!(error_of(&answer), (bad_request, "invalid_grant"));
    // Another redirect URI than the request's; another grant type.
    let mut elsewhere = form.clone();
    elsewhere[2].1 = "https://shop.example/other";
    let answer = exchange(&api, &elsewhere, basic).await;
    assert_eq!(error_of(&answer), (bad_request, "invalid_grant"));
    // Not a form, or a parameter twice: invalid_request, as OAuth answers.
    let json_body = axum::http::Request::post("/oidc/token")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"grant_type":"authorization_code"}"#))
        .unwrap();
    let response = crate::support::router::answer(&api.app, json_body).await;
    assert_eq!(response.status(), bad_request);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "invalid_request");
    let mut twice = form.clone();
    twice.push(("code", "another"));
    let answer = exchange(&api, &twice, basic).await;
    assert_eq!(error_of(&answer), (bad_request, "invalid_request"));
    let mut password = form.clone();
    password[0].1 = "password";
    let answer = exchange(&api, &password, basic).await;
    assert_eq!(error_of(&answer), (bad_request, "unsupported_grant_type"));

    // client_secret_post works as well as basic.
    let mut posted = form.clone();
    posted.extend([("client_id", id), ("client_secret", secret.as_str())]);
    let (status, tokens) = exchange(&api, &posted, None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&api, access).await.0, StatusCode::OK);

    // Two exchanges of one code at the same instant: one wins.
    let (twin, twin_verifier) = code_for(&rp, &mut browser).await;
    let twin_form = token_form(&twin, twin_verifier.secret());
    let (a, b) = tokio::join!(
        exchange(&api, &twin_form, basic),
        exchange(&api, &twin_form, basic)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, bad_request]);

    // The code again: refused, and the tokens it gave no longer work.
    let replay = exchange(&api, &form, basic).await;
    assert_eq!(error_of(&replay), (bad_request, "invalid_grant"));
    assert_eq!(userinfo(&api, access).await.0, StatusCode::UNAUTHORIZED);
    let grant = authorization_grant::Entity::find()
        .filter(authorization_grant::Column::CodeHash.eq(sha256_hex(&code)))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(grant.revoked_at.is_some());

    // A code lives 60 seconds.
    let (late, verifier) = code_for(&rp, &mut browser).await;
    api.clock.advance(chrono::Duration::seconds(61));
    let (status, body) = exchange(&api, &token_form(&late, verifier.secret()), basic).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (bad_request, Some("the code has expired"))
    );

    // An hour on, the grants have outlived their use and are purged.
    api.clock.advance(chrono::Duration::minutes(60));
    let purged = lobby::store::purge::purge(&api.db, &api.clock)
        .await
        .unwrap();
    assert_eq!(purged.grants, 3);
    assert!(authorization_grant::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .is_empty());
}

/// The authorization URL of `client` with these parameters changed
/// (`None` removes one).
fn tampered(url: &url::Url, changes: &[(&str, Option<&str>)]) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for (name, value) in changes {
        pairs.retain(|(k, _)| k != name);
        if let Some(value) = value {
            pairs.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    let mut url = url.clone();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

#[tokio::test]
async fn errors_go_back_to_the_app_only_when_its_client_id_and_redirect_uri_are_verified() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let (url, state, _, _) = authorization(&rp);

    // An unknown client, an unregistered or missing redirect URI: a page, no redirect.
    for changes in [
        vec![("client_id", Some("unknown"))],
        vec![("redirect_uri", Some("https://evil.example/callback"))],
        vec![("redirect_uri", Some("https://shop.example/callback/../x"))],
        vec![("redirect_uri", None)],
    ] {
        let answer = visit(&mut browser, &tampered(&url, &changes)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{changes:?}");
        assert_eq!(answer.location, "", "{changes:?}");
        assert!(
            answer.body.contains("This sign-in request is not valid"),
            "{}",
            answer.body
        );
    }

    // A parameter given twice: a page too.
    let twice = format!("{url}&client_id={}", client.0);
    let answer = visit(&mut browser, &twice).await;
    assert_eq!(
        (answer.status, answer.location.as_str()),
        (StatusCode::BAD_REQUEST, "")
    );
    assert!(
        answer.body.contains("This sign-in request is not valid"),
        "{}",
        answer.body
    );

    // The rest is told to the app, with its state and Lobby as the issuer.
    for (changes, error) in [
        (vec![("code_challenge", None)], "invalid_request"),
        (
            vec![("code_challenge_method", Some("plain"))],
            "invalid_request",
        ),
        (
            vec![("response_type", Some("token"))],
            "unsupported_response_type",
        ),
        (
            vec![("response_type", Some("code id_token"))],
            "unsupported_response_type",
        ),
        (vec![("scope", Some("profile"))], "invalid_scope"),
        (
            vec![("scope", Some("openid offline_access"))],
            "invalid_scope",
        ),
        (vec![("request", Some("eyJ.x.y"))], "request_not_supported"),
        (vec![("prompt", Some("consent"))], "invalid_request"),
        (vec![("response_mode", Some("fragment"))], "invalid_request"),
    ] {
        let answer = visit(&mut browser, &tampered(&url, &changes)).await;
        assert!(
            answer.location.starts_with(REDIRECT),
            "{changes:?}: {}",
            answer.location
        );
        assert_eq!(
            answer.parameter("error").as_deref(),
            Some(error),
            "{changes:?}"
        );
        assert_eq!(
            answer.parameter("state").as_deref(),
            Some(state.secret().as_str())
        );
        assert_eq!(answer.parameter("iss").as_deref(), Some(ORIGIN));
        assert_eq!(answer.parameter("code"), None);
    }
    assert_eq!(grants(&api).await, 0, "no code was issued");
}

#[tokio::test]
async fn prompt_and_max_age_decide_when_a_customer_signs_in_again() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let (url, _, _, _) = authorization(&rp);

    // Nobody signed in: a page that leads to the organization's sign-in,
    // or, with prompt=none, login_required for the app.
    let mut stranger = Browser::new(&api);
    let answer = visit(&mut stranger, url.as_str()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("Sign in to continue"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("href=\"/t/gfms/signin\""),
        "{}",
        answer.body
    );
    let silent = visit(&mut stranger, &tampered(&url, &[("prompt", Some("none"))])).await;
    assert_eq!(silent.parameter("error").as_deref(), Some("login_required"));

    let mut browser = onboarded(&api).await;
    let answer = visit(&mut browser, &tampered(&url, &[("prompt", Some("none"))])).await;
    assert!(answer.parameter("code").is_some(), "{}", answer.location);
    // prompt=login asks for a sign-in even now.
    let answer = visit(&mut browser, &tampered(&url, &[("prompt", Some("login"))])).await;
    assert!(
        answer.body.contains("Sign in to continue"),
        "{}",
        answer.body
    );
    // max_age: a sign-in older than that counts as none.
    api.clock.advance(chrono::Duration::seconds(120));
    let fresh_enough = visit(&mut browser, &tampered(&url, &[("max_age", Some("600"))])).await;
    assert!(fresh_enough.parameter("code").is_some());
    let too_old = tampered(&url, &[("max_age", Some("60")), ("prompt", Some("none"))]);
    let answer = visit(&mut browser, &too_old).await;
    assert_eq!(answer.parameter("error").as_deref(), Some("login_required"));
}

#[tokio::test]
async fn an_unfinished_journey_or_an_app_for_company_admins_gets_no_code() {
    let api = setup().await;
    let everyone = register(&api, false, false).await;
    let rp = relying_party(&api, &everyone).await;
    let (url, _, _, _) = authorization(&rp);

    // Signed in, terms not yet accepted: a page, or interaction_required.
    let ticket = crate::support::browser::invite(&api, JIWOO).await;
    let mut browser = Browser::new(&api);
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    let answer = visit(&mut browser, url.as_str()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("Finish joining first"),
        "{}",
        answer.body
    );
    let silent = visit(&mut browser, &tampered(&url, &[("prompt", Some("none"))])).await;
    assert_eq!(
        silent.parameter("error").as_deref(),
        Some("interaction_required")
    );
    assert_eq!(grants(&api).await, 0, "no code was issued");
}

#[tokio::test]
async fn an_app_for_company_admins_only_refuses_members() {
    let api = setup().await;
    let admins = register(&api, false, true).await;
    let rp = relying_party(&api, &admins).await;
    let (url, _, _, _) = authorization(&rp);
    let mut browser = onboarded(&api).await;
    // Jiwoo created the company, so is its admin.
    assert!(visit(&mut browser, url.as_str())
        .await
        .parameter("code")
        .is_some());
    lobby::store::entities::membership::Entity::update_many()
        .col_expr(
            lobby::store::entities::membership::Column::Role,
            sea_orm::sea_query::Expr::value("member"),
        )
        .exec(&api.db)
        .await
        .unwrap();
    let answer = visit(&mut browser, url.as_str()).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        answer.body.contains("No access to this app"),
        "{}",
        answer.body
    );
    let silent = visit(&mut browser, &tampered(&url, &[("prompt", Some("none"))])).await;
    assert_eq!(silent.parameter("error").as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn a_public_app_exchanges_its_code_with_pkce_alone() {
    let api = setup().await;
    let client = register(&api, true, false).await;
    assert!(client.1.is_none());
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let (code, verifier) = code_for(&rp, &mut browser).await;
    let mut form = token_form(&code, verifier.secret());
    // A secret it does not have is refused, as is a missing client id.
    let with_secret = exchange(&api, &form, Some((&client.0, "guess"))).await;
    assert_eq!(
        error_of(&with_secret),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    form.push(("client_id", &client.0));
    let (status, tokens) = exchange(&api, &form, None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        payload(tokens["id_token"].as_str().unwrap())["aud"],
        json!([client.0])
    );
}

/// `token` with its header or payload changed as an attacker would; the
/// signature is the original's.
fn forged(token: &str, part: usize, change: impl Fn(&mut Value)) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut value: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[part]).unwrap()).unwrap();
    change(&mut value);
    parts[part] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&value).unwrap());
    parts.join(".")
}

#[tokio::test]
async fn userinfo_refuses_tampered_and_expired_access_tokens() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let (code, verifier) = code_for(&rp, &mut browser).await;
    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http(&api))
        .await
        .unwrap();
    let access = tokens.access_token().secret().clone();
    assert_eq!(userinfo(&api, &access).await.0, StatusCode::OK);

    let unsigned = {
        let token = forged(&access, 0, |h| h["alg"] = "none".into());
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[2] = "";
        parts.join(".")
    };
    for token in [
        forged(&access, 0, |h| h["alg"] = "HS256".into()),
        unsigned,
        forged(&access, 0, |h| h["typ"] = "JWT".into()),
        forged(&access, 1, |p| p["aud"] = "another-app".into()),
        forged(&access, 1, |p| {
            p["sub"] = uuid::Uuid::new_v4().to_string().into()
        }),
        forged(&access, 1, |p| {
            p["exp"] = (p["exp"].as_i64().unwrap() + 3600).into()
        }),
        // The ID token is no access token.
        tokens.id_token().unwrap().to_string(),
        "not-a-token".into(),
    ] {
        let (status, _) = userinfo(&api, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token}");
    }
    let (status, _, _) = crate::support::router::get(&api.app, "/oidc/userinfo", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Ten minutes on, the token has expired.
    api.clock.advance(chrono::Duration::seconds(601));
    assert_eq!(userinfo(&api, &access).await.0, StatusCode::UNAUTHORIZED);
}

async fn jwks_kids(app: &axum::Router) -> Vec<String> {
    let (status, headers, body) = crate::support::router::get(app, "/oidc/jwks", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let keys: Value = serde_json::from_str(&body).unwrap();
    let keys = keys["keys"].as_array().unwrap();
    for key in keys {
        assert_eq!(
            (
                key["kty"].as_str(),
                key["alg"].as_str(),
                key["use"].as_str()
            ),
            (Some("RSA"), Some("RS256"), Some("sig"))
        );
        assert!(key.get("d").is_none(), "no private part: {key}");
    }
    keys.iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// Tokens for the onboarded browser from the confidential app `client`.
async fn issue(
    api: &Api,
    rp: &Rp,
    browser: &mut Browser<'_>,
    client: &(String, Option<String>),
) -> Value {
    let (code, verifier) = code_for(rp, browser).await;
    let secret = client.1.as_deref().unwrap();
    let form = token_form(&code, verifier.secret());
    let (status, tokens) = exchange(api, &form, Some((&client.0, secret))).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

#[tokio::test]
async fn a_rotated_key_is_published_before_it_signs_and_kept_until_its_tokens_expired() {
    use lobby::provider::keys;
    let api = setup().await;
    // A second instance on the same database.
    let (other, _, _) = crate::support::router::app_on(api.db.clone(), api.clock.clone()).await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let first = jwks_kids(&api.app).await;
    assert_eq!(first.len(), 1);
    let stored = lobby::store::entities::signing_key::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.private_sealed.starts_with("v1:") && !stored.private_sealed.contains("PRIVATE KEY")
    );

    let signed_by = |tokens: &Value| {
        header(tokens["id_token"].as_str().unwrap())["kid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let new = keys::rotate(&api.db, &[7; 32], &api.clock).await.unwrap();
    // Both instances publish the new key within their half-minute of
    // caching, well before it signs.
    api.clock.advance(chrono::Duration::seconds(31));
    for app in [&api.app, &other] {
        let kids = jwks_kids(app).await;
        assert_eq!(kids, vec![first[0].clone(), new.clone()]);
    }
    let before = issue(&api, &rp, &mut browser, &client).await;
    assert_eq!(signed_by(&before), first[0]);

    // Five minutes on, the new key signs; the old one is still published
    // while a token it signed may live.
    api.clock.advance(chrono::Duration::seconds(5 * 60));
    let after = issue(&api, &rp, &mut browser, &client).await;
    assert_eq!(signed_by(&after), new);
    assert_eq!(
        userinfo(&api, before["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::OK
    );
    for app in [&api.app, &other] {
        assert_eq!(jwks_kids(app).await.len(), 2);
    }
    // Eleven minutes after it stopped signing, the old key is gone, and a
    // token it signed would not be accepted any more.
    api.clock.advance(chrono::Duration::seconds(11 * 60 + 31));
    for app in [&api.app, &other] {
        assert_eq!(jwks_kids(app).await, vec![new.clone()]);
    }
    assert_eq!(
        userinfo(&api, before["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        userinfo(&api, after["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "expired too"
    );
}

#[tokio::test]
async fn registering_an_app_checks_its_uris_and_is_audited() {
    use app::model::apps::{AppProblem, UriProblem};
    let api = setup().await;
    let new = |uri: &str| Registration {
        organization_id: api.org,
        app: NewApp {
            name: "Shop".into(),
            redirect_uris: vec![uri.into()],
            post_logout_uris: vec![],
            public: false,
            launch_url: None,
            company_admins_only: false,
            scopes: vec!["openid".into(), "email".into()],
        },
        actor: None,
    };
    for (uri, problem) in [
        ("http://shop.example/cb", UriProblem::PlainHttp),
        ("shop.example/cb", UriProblem::NotAbsolute),
        ("https://u:p@shop.example/cb", UriProblem::Credentials),
        ("https://shop.example/cb#x", UriProblem::Fragment),
    ] {
        let refused = apps::create(&api.db, new(uri), &api.clock).await;
        let expected = vec![AppProblem::Uri {
            uri: uri.into(),
            problem,
        }];
        assert!(
            matches!(&refused, Err(apps::AppError::Invalid(p)) if *p == expected),
            "{uri}: {refused:?}"
        );
    }
    assert!(apps::list(&api.db, api.org).await.unwrap().is_empty());
    let created = apps::create(&api.db, new("http://127.0.0.1:8080/cb"), &api.clock)
        .await
        .unwrap();
    let secret = created.secret.unwrap();
    let stored = apps::list(&api.db, api.org).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(
        stored[0].secret_hash.as_deref(),
        Some(secret.expose().as_str()),
        "stored hashed"
    );
    assert!(apps::secret_matches(&stored[0], secret.expose()));
    assert!(
        apps::delete(&api.db, api.org, &created.client_id, None, &api.clock)
            .await
            .unwrap()
    );
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq("app"))
        .all(&api.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["app.created", "app.deleted"]);
}

#[tokio::test]
async fn an_app_sends_a_newcomer_through_sign_in_and_the_journey_and_gets_its_code() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let ticket = invite_jiwoo(&api).await;

    // The app sends Jiwoo, who has never signed in, with a hint of who she is.
    let mut browser = Browser::new(&api);
    let (url, state, nonce, verifier) = authorization(&rp);
    let url = tampered(&url, &[("login_hint", Some(JIWOO))]);
    let answer = visit(&mut browser, &url).await;
    assert!(
        answer.body.contains("Sign in to continue"),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("href=\"/t/gfms/signin?email=jiwoo.kim%40customer.example\""),
        "{}",
        answer.body
    );
    assert!(
        browser.cookie.is_some(),
        "a session keeps the app's request"
    );
    // The organization's sign-in has her address filled in.
    let page = browser
        .get("/t/gfms/signin?email=jiwoo.kim%40customer.example")
        .await;
    assert!(
        page.body.contains(&format!("value=\"{JIWOO}\"")),
        "{}",
        page.body
    );

    // She follows her invitation in the same browser: sign-in, terms, company.
    sign_in_with_passcode(&mut browser, &ticket, JIWOO).await;
    accept_and_create_company(&mut browser, &ticket).await;

    // The welcome page offers the way back to the app, and the apps as tiles.
    let welcome = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert!(
        welcome.body.contains("Continue to Customer portal"),
        "{}",
        welcome.body
    );
    assert!(welcome.body.contains("Your apps"), "{}", welcome.body);
    assert!(
        welcome.body.contains("href=\"https://shop.example/\""),
        "{}",
        welcome.body
    );
    let before_button = welcome
        .body
        .split(" class=\"button primary\">Continue")
        .next()
        .unwrap();
    let back = before_button
        .rsplit("href=\"")
        .next()
        .unwrap()
        .trim_end_matches('"')
        .replace("&amp;", "&");
    assert!(back.starts_with("/oidc/authorize?"), "{back}");
    let answer = visit(&mut browser, &format!("{ORIGIN}{back}")).await;
    assert_eq!(
        answer.parameter("state").as_deref(),
        Some(state.secret().as_str())
    );
    let tokens = rp
        .exchange_code(AuthorizationCode::new(answer.parameter("code").unwrap()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http(&api))
        .await
        .unwrap();
    let claims = tokens
        .id_token()
        .unwrap()
        .claims(&rp.id_token_verifier(), &nonce)
        .unwrap();
    assert_eq!(claims.email().map(|e| e.as_str()), Some(JIWOO));
    // Once the app has its code, the welcome page no longer offers it.
    let welcome = browser.get(&format!("/invite/{ticket}/continue")).await;
    assert!(!welcome.body.contains("Continue to"), "{}", welcome.body);

    // A second app: signed in to Lobby, she gets its code without typing anything.
    let second = register(&api, true, false).await;
    let rp2 = relying_party(&api, &second).await;
    let (code, _) = code_for(&rp2, &mut browser).await;
    assert!(!code.is_empty());
}

#[tokio::test]
async fn an_app_signs_its_customer_out_of_lobby_too() {
    let api = setup().await;
    let client = register(&api, false, false).await;
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;
    let tokens = issue(&api, &rp, &mut browser, &client).await;
    let hint = tokens["id_token"].as_str().unwrap();
    let (url, _, _, _) = authorization(&rp);

    // Without a hint, the customer is asked; nothing ends yet.
    let asked = browser
        .get(&format!(
            "/oidc/logout?client_id={}&post_logout_redirect_uri={SIGNED_OUT}&state=s1",
            client.0
        ))
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Sign out?") && asked.body.contains("method=\"post\""),
        "{}",
        asked.body
    );
    assert!(visit(&mut browser, url.as_str())
        .await
        .parameter("code")
        .is_some());
    // A registered post-logout address not of this app, or another one: no redirect.
    let elsewhere = browser
        .get(&format!(
            "/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri=https://evil.example/&state=s2"
        ))
        .await;
    assert_eq!(elsewhere.location, "");
    assert!(
        elsewhere.body.contains("You are signed out"),
        "{}",
        elsewhere.body
    );
    // Signed out: the app's next request finds nobody signed in.
    let again = visit(&mut browser, &tampered(&url, &[("prompt", Some("none"))])).await;
    assert_eq!(again.parameter("error").as_deref(), Some("login_required"));

    // With the hint and its registered address: back to the app with its state.
    let out = browser
        .get(&format!(
            "/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri={SIGNED_OUT}&state=s3"
        ))
        .await;
    assert_eq!(out.location, format!("{SIGNED_OUT}?state=s3"));
    assert!(out.headers["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("lobby_visit=;"));
    // The confirming form posts the same request.
    let posted = browser
        .post(
            "/oidc/logout",
            &[
                ("client_id", &client.0),
                ("post_logout_redirect_uri", SIGNED_OUT),
            ],
        )
        .await;
    assert_eq!(posted.location, SIGNED_OUT);

    // A parameter given twice: a page that says so, and no redirect.
    let twice = browser
        .get(&format!(
            "/oidc/logout?client_id={}&post_logout_redirect_uri={SIGNED_OUT}&state=a&state=b",
            client.0
        ))
        .await;
    assert_eq!(
        (twice.status, twice.location.as_str()),
        (StatusCode::BAD_REQUEST, "")
    );
    assert!(
        twice
            .body
            .contains("This sign-out request could not be read"),
        "{}",
        twice.body
    );
}

#[tokio::test]
async fn admins_register_and_remove_apps_in_the_dashboard_and_operators_only_see_them() {
    use crate::support::operator::{admin_session, csrf_of, form, post, PASSWORD};
    let api = setup().await;
    let admin = admin_session(&api).await;
    let register = |fields: Vec<(&'static str, &'static str)>| {
        let admin = &admin;
        let api = &api;
        async move {
            let body = admin.call(api, "/api/register_app", &fields).await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };

    // Every address is checked, and each refusal says which and why.
    let refused = register(vec![
        ("form[name]", "Shop"),
        (
            "form[redirect_uris]",
            "https://shop.example/cb\nhttp://shop.example/cb",
        ),
        ("form[launch_url]", "ftp://shop.example/"),
    ])
    .await;
    assert_eq!(
        refused["Invalid"],
        json!([
            { "Uri": { "uri": "http://shop.example/cb", "problem": "PlainHttp" } },
            { "Uri": { "uri": "ftp://shop.example/", "problem": "Scheme" } },
        ]),
        "{refused}"
    );
    let created = register(vec![
        ("form[name]", "Shop"),
        ("form[redirect_uris]", "https://shop.example/cb\n"),
        ("form[post_logout_uris]", "https://shop.example/bye"),
        ("form[launch_url]", "https://shop.example/"),
        ("form[company_admins_only]", "on"),
    ])
    .await;
    let client_id = created["Created"]["client_id"].as_str().unwrap().to_owned();
    let secret = created["Created"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);

    // The list shows the app, never its secret.
    let listed = admin.call(&api, "/api/apps", &[]).await;
    assert!(!listed.contains(&secret));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["issuer"], ORIGIN);
    assert_eq!(
        listed["apps"],
        json!([{
            "client_id": client_id,
            "name": "Shop",
            "public": false,
            "redirect_uris": ["https://shop.example/cb"],
            "post_logout_uris": ["https://shop.example/bye"],
            "launch_url": "https://shop.example/",
            "company_admins_only": true,
            "scopes": ["openid"],
        }])
    );
    let (status, _, page) = crate::support::router::get(
        &api.app,
        "/admin/apps",
        &[("cookie", admin.cookie.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Apps that sign customers in") && page.contains(&client_id));

    // An operator sees the list but registers and removes nothing.
    let (_, headers, _) = post(
        &api.app,
        "/admin/login",
        &form("ops@gfms.example", PASSWORD),
        &[("origin", ORIGIN)],
    )
    .await;
    let cookie = crate::support::session_cookie(&headers);
    let (_, _, tokens_page) =
        crate::support::router::get(&api.app, "/admin/tokens", &[("cookie", &cookie)]).await;
    let operator = crate::support::operator::Admin {
        cookie,
        csrf: csrf_of(&tokens_page),
    };
    let listed = operator.call(&api, "/api/apps", &[]).await;
    assert!(listed.contains(&client_id));
    let body = operator
        .call(
            &api,
            "/api/register_app",
            &[
                ("form[name]", "X"),
                ("form[redirect_uris]", "https://x.example/"),
            ],
        )
        .await;
    assert_eq!(body, "\"NotAdmin\"");
    let body = operator
        .call(&api, "/api/remove_app", &[("client_id", &client_id)])
        .await;
    assert_eq!(body, "\"NotAdmin\"");
    assert_eq!(apps::list(&api.db, api.org).await.unwrap().len(), 1);

    // The admin removes it; both changes are audited with who did them.
    let body = admin
        .call(&api, "/api/remove_app", &[("client_id", &client_id)])
        .await;
    assert_eq!(body, "\"Removed\"");
    assert!(apps::list(&api.db, api.org).await.unwrap().is_empty());
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq("app"))
        .all(&api.db)
        .await
        .unwrap();
    let done: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.actor_id.is_some()))
        .collect();
    assert_eq!(done, [("app.created", true), ("app.deleted", true)]);
}

/// Jiwoo onboarded, with an access token a confidential app got for her:
/// the token and the app's client id.
pub async fn issued_for_jiwoo(api: &Api) -> (String, String) {
    let client = register(api, false, false).await;
    let rp = relying_party(api, &client).await;
    let mut browser = onboarded(api).await;
    let tokens = issue(api, &rp, &mut browser, &client).await;
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        client.0,
    )
}

/// The userinfo endpoint's status for `token`.
pub async fn userinfo_status(api: &Api, token: &str) -> StatusCode {
    userinfo(api, token).await.0
}

#[tokio::test]
async fn an_app_gets_only_the_scopes_it_was_registered_for_and_their_claims() {
    let api = setup().await;
    let registration = Registration {
        organization_id: api.org,
        app: NewApp {
            name: "Mail only".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_uris: vec![],
            public: true,
            launch_url: None,
            company_admins_only: false,
            scopes: vec!["openid".into(), "email".into()],
        },
        actor: None,
    };
    let created = apps::create(&api.db, registration, &api.clock)
        .await
        .unwrap();
    let client = (created.client_id, None);
    let rp = relying_party(&api, &client).await;
    let mut browser = onboarded(&api).await;

    // The relying party asks for email and profile: profile is refused.
    let (url, _, _, _) = authorization(&rp);
    let answer = visit(&mut browser, url.as_str()).await;
    assert_eq!(answer.parameter("error").as_deref(), Some("invalid_scope"));

    // openid and email: the address, but not the name.
    let (url, _, _, verifier) = authorization(&rp);
    let answer = visit(
        &mut browser,
        &tampered(&url, &[("scope", Some("openid email"))]),
    )
    .await;
    let code = answer.parameter("code").unwrap();
    let mut form = token_form(&code, verifier.secret());
    form.push(("client_id", &client.0));
    let (status, tokens) = exchange(&api, &form, None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["scope"], "openid email");
    let claims = payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["email"], JIWOO);
    assert!(claims.get("name").is_none(), "{claims}");
    assert_eq!(
        claims["company_name"], "Customer AG",
        "Lobby's claims come with openid"
    );
    let (_, info) = userinfo(&api, tokens["access_token"].as_str().unwrap()).await;
    let info: Value = serde_json::from_str(&info).unwrap();
    assert!(
        info.get("name").is_none() && info["email"] == JIWOO,
        "{info}"
    );
}
