//! Admins configure identity providers in the dashboard: checked field by
//! field, Google and Microsoft once each, a domain to one provider, the
//! client secret sealed under the server key and never shown or logged
//! again; operators who are not admins only look.

use axum::http::StatusCode;
use lobby::store::entities::{audit_event, identity_provider};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::idp::{self, Documents};
use crate::support::operator::{csrf_of, non_admin_signed_in, post, setup, sign_in};
use crate::support::router::{get, ORIGIN};

const SECRET: &str = "the-client-secret-4f1c";

fn provider_form(csrf: &str, kind: &str, name: &str, issuer: &str, domains: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf),
            ("form[kind]", kind),
            ("form[display_name]", name),
            ("form[issuer]", issuer),
            ("form[client_id]", "lobby"),
            ("form[client_secret]", SECRET),
            ("form[domains]", domains),
        ])
        .finish()
}

#[tokio::test]
async fn an_admin_adds_and_removes_providers_and_the_secret_never_comes_back() {
    let idps = Documents::serve(|origin| {
        let mut documents = idp::provider(origin, "/contoso");
        documents.extend(idp::provider(origin, "/google"));
        documents
    })
    .await;
    let origin = idps.origin.as_str();
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (status, _, page) = get(&op.app, "/admin/providers", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No identity providers yet."), "{page}");
    assert!(
        page.contains(&format!("{ORIGIN}/auth/callback")),
        "the redirect URI to register"
    );
    let csrf = csrf_of(&page);
    let session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];
    let add = |body: String| {
        let app = op.app.clone();
        async move { post(&app, "/api/add_identity_provider", &body, &session).await }
    };
    let stored = || async { identity_provider::Entity::find().all(&op.db).await.unwrap() };

    // Each wrong field is named; nothing is stored.
    let (status, _, body) = add(provider_form(
        &csrf,
        "oidc",
        " ",
        "http://idp.contoso.example",
        "not a domain",
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        outcome["Invalid"],
        serde_json::json!(["NameMissing", "Issuer", { "Domain": "not" }]),
        "{body}"
    );
    let (status, _, _) = add(provider_form(
        "wrong",
        "oidc",
        "Contoso ID",
        "https://idp.contoso.example",
        "contoso.example",
    ))
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the session's CSRF token");
    assert!(stored().await.is_empty());

    let (_, _, body) = add(provider_form(
        &csrf,
        "oidc",
        "Contoso ID",
        &format!("{origin}/contoso/"),
        "Contoso.example",
    ))
    .await;
    assert_eq!(body, r#""Saved""#);
    // Google signs in Google's domains (here with a test issuer).
    let google_issuer = format!("{origin}/google");
    let (_, _, body) = add(provider_form(&csrf, "google", "Google", &google_issuer, "")).await;
    assert_eq!(body, r#""Saved""#);
    let (_, _, body) = add(provider_form(&csrf, "google", "Google again", "", "")).await;
    assert_eq!(body, r#"{"Invalid":[{"KindTaken":"Google"}]}"#);
    let (_, _, body) = add(provider_form(
        &csrf,
        "microsoft",
        "Microsoft",
        "",
        "contoso.example, fabrikam.example",
    ))
    .await;
    assert_eq!(body, r#"{"Invalid":[{"DomainTaken":"contoso.example"}]}"#);

    let rows = stored().await;
    assert_eq!(rows.len(), 2);
    let contoso = rows.iter().find(|p| p.kind == "oidc").unwrap();
    assert_eq!(contoso.issuer, format!("{origin}/contoso"));
    assert_eq!(contoso.domains, serde_json::json!(["contoso.example"]));
    let google = rows.iter().find(|p| p.kind == "google").unwrap();
    assert_eq!(google.issuer, google_issuer);
    assert_eq!(
        google.domains,
        serde_json::json!(["gmail.com", "googlemail.com"])
    );
    // Sealed with the server key, for this row only.
    assert!(!contoso.client_secret_sealed.contains(SECRET));
    let key = [7u8; 32];
    let opened = lobby::sealed::open(&key, &contoso.id.to_string(), &contoso.client_secret_sealed);
    assert_eq!(opened.map(|s| s.expose().clone()).as_deref(), Some(SECRET));
    assert!(
        lobby::sealed::open(&key, &google.id.to_string(), &contoso.client_secret_sealed).is_none()
    );

    // Never shown again: not on the page, not from the API, not in the audit trail.
    let (_, _, page) = get(&op.app, "/admin/providers", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Contoso ID") && page.contains(&format!("{origin}/contoso")),
        "{page}"
    );
    let (_, _, listed) = post(&op.app, "/api/identity_providers", "", &session).await;
    assert!(listed.contains("Contoso ID"), "{listed}");
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("identity_provider.added"))
        .all(&op.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    for shown in [
        page,
        listed,
        serde_json::to_string(&events.iter().map(|e| &e.details).collect::<Vec<_>>()).unwrap(),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
    }

    // Operators who are not admins see the providers but change nothing.
    let (bo, bo_csrf) = non_admin_signed_in(&op, "bo@gfms.example").await;
    let (_, _, page) = get(&op.app, "/admin/providers", &[("cookie", &bo)]).await;
    assert!(
        page.contains("Contoso ID") && !page.contains("Add provider"),
        "{page}"
    );
    let bo_session = [
        ("origin", ORIGIN),
        ("cookie", bo.as_str()),
        ("accept", "application/json"),
    ];
    let removal = |csrf: &str, id: &str| format!("csrf={csrf}&id={id}");
    let (_, _, body) = post(
        &op.app,
        "/api/remove_identity_provider",
        &removal(&bo_csrf, &contoso.id.to_string()),
        &bo_session,
    )
    .await;
    assert_eq!(body, r#""NotAdmin""#);
    assert_eq!(stored().await.len(), 2);

    let (_, _, body) = post(
        &op.app,
        "/api/remove_identity_provider",
        &removal(&csrf, &contoso.id.to_string()),
        &session,
    )
    .await;
    assert_eq!(body, r#""Removed""#);
    assert_eq!(stored().await.len(), 1);
    let removed = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("identity_provider.removed"))
        .count(&op.db)
        .await
        .unwrap();
    assert_eq!(removed, 1);
}

#[tokio::test]
async fn a_provider_nobody_could_sign_in_with_is_refused_on_saving_with_the_reason() {
    let idps = Documents::serve(|origin| {
        let mut documents = Vec::new();
        // Names another issuer than the one it is published under.
        let other = idp::document(&format!("{origin}/elsewhere"));
        documents.push(("/impostor/.well-known/openid-configuration".into(), other));
        // Sends Lobby's token requests to the cloud metadata address.
        let mut leaky = idp::document(&format!("{origin}/leaky"));
        leaky["token_endpoint"] = "http://169.254.169.254/latest/meta-data".into();
        documents.push(("/leaky/.well-known/openid-configuration".into(), leaky));
        documents.push(("/leaky/jwks".into(), idp::keys()));
        // Publishes no keys: no token of it could be checked.
        documents.push((
            "/keyless/.well-known/openid-configuration".into(),
            idp::document(&format!("{origin}/keyless")),
        ));
        documents.push(("/keyless/jwks".into(), serde_json::json!({ "keys": [] })));
        documents
    })
    .await;
    let origin = idps.origin.as_str();
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (_, _, page) = get(&op.app, "/admin/providers", &[("cookie", &cookie)]).await;
    let csrf = csrf_of(&page);
    let session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];
    let refusal = |issuer: String| {
        let app = op.app.clone();
        let form = provider_form(&csrf, "oidc", "Contoso ID", &issuer, "contoso.example");
        async move {
            let (status, _, body) = post(&app, "/api/add_identity_provider", &form, &session).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
            outcome["Invalid"][0]["Discovery"]
                .as_str()
                .unwrap_or_else(|| panic!("{issuer}: refused for its documents: {body}"))
                .to_owned()
        }
    };

    // Nothing listens on port 9 of this machine.
    let why = refusal("http://127.0.0.1:9".into()).await;
    assert!(why.contains("127.0.0.1:9"), "{why}");
    let why = refusal(format!("{origin}/missing")).await;
    assert!(why.contains("404"), "{why}");
    let why = refusal(format!("{origin}/impostor")).await;
    assert!(why.contains(&format!("{origin}/elsewhere")), "{why}");
    let why = refusal(format!("{origin}/leaky")).await;
    assert!(
        why.contains("169.254.169.254") && why.contains("loopback"),
        "{why}"
    );
    let why = refusal(format!("{origin}/keyless")).await;
    assert!(why.contains("no keys"), "{why}");

    assert_eq!(
        identity_provider::Entity::find()
            .count(&op.db)
            .await
            .unwrap(),
        0
    );
    let added = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("identity_provider.added"))
        .count(&op.db)
        .await
        .unwrap();
    assert_eq!(added, 0);
}
