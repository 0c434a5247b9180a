//! Operators sign in at /admin/login: server-side sessions, CSRF, timeouts,
//! enumeration resistance and rate limits, through the real router.

use app::api::ApiError;
use app::model::company::CompanyField;
use app::model::invitation::{InvitationActionOutcome, InvitationField, NewInvitationOutcome};
use app::model::operator::{AddOperatorOutcome, TokenOutcome};
use axum::body::Body;
use axum::http::{header, StatusCode};
use lobby::store::entities::{audit_event, session};
use sea_orm::{EntityTrait, PaginatorTrait};
use tower::ServiceExt;

use crate::support::operator::{
    csrf_of, form, non_admin_signed_in, post, setup, sign_in, PASSWORD,
};
use crate::support::outcome;
use crate::support::router::{get, ORIGIN};

#[tokio::test]
async fn an_operator_signs_in_reaches_the_dashboard_and_signs_out() {
    let op = setup().await;
    let (status, h, _) = get(&op.app, "/admin", &[]).await;
    assert_eq!(
        (status, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/admin/login")
    );

    let cookie = sign_in(&op.app, None).await;
    let (status, _, page) = get(&op.app, "/admin", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Signed in as ada@gfms.example"), "{page}");
    let csrf = csrf_of(&page);
    // Every dashboard page offers "Sign out", with the session's token.
    for path in [
        "/admin",
        "/admin/invitations",
        "/admin/invitations/new",
        "/admin/invitations/import",
        "/admin/operators",
        "/admin/tokens",
        "/admin/sessions",
        "/admin/settings",
        "/admin/providers",
        "/admin/terms",
    ] {
        let (status, _, page) = get(&op.app, path, &[("cookie", &cookie)]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let form = page
            .split(r#"action="/admin/logout""#)
            .nth(1)
            .unwrap_or_else(|| panic!("no Sign out on {path}"));
        assert!(form.contains(&csrf) && form.contains("Sign out"), "{path}");
    }

    // Signing out needs the session's CSRF token…
    let (status, _, _) = post(
        &op.app,
        "/admin/logout",
        "csrf=wrong",
        &[("origin", ORIGIN), ("cookie", &cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
        StatusCode::OK,
        "still signed in"
    );
    // …and ends the session on the server, not just in the browser.
    let (status, h, _) = post(
        &op.app,
        "/admin/logout",
        &format!("csrf={csrf}"),
        &[("origin", ORIGIN), ("cookie", &cookie)],
    )
    .await;
    assert_eq!(
        (status, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/admin/login?notice=signed_out")
    );
    assert!(h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(session::Entity::find().count(&op.db).await.unwrap(), 0);
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
        StatusCode::SEE_OTHER
    );

    let actions: Vec<String> = audit_event::Entity::find()
        .all(&op.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"operator.signed_in".into())
            && actions.contains(&"operator.signed_out".into())
    );
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id() {
    let op = setup().await;
    let first = sign_in(&op.app, None).await;
    let second = sign_in(&op.app, Some(&first)).await;
    assert_ne!(first, second);
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &first)]).await.0,
        StatusCode::SEE_OTHER,
        "the old id is dead"
    );
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &second)]).await.0,
        StatusCode::OK
    );
    // The database holds a digest, never the token itself.
    let token = second.split_once('=').unwrap().1;
    let rows = session::Entity::find().all(&op.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].id, token);
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    op.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
        StatusCode::OK
    );
    op.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
        StatusCode::SEE_OTHER,
        "30 minutes idle"
    );

    let cookie = sign_in(&op.app, None).await;
    for _ in 0..(12 * 3 - 1) {
        op.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(
            get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
            StatusCode::OK
        );
    }
    op.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(
        get(&op.app, "/admin", &[("cookie", &cookie)]).await.0,
        StatusCode::SEE_OTHER,
        "12 hours in all"
    );
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let op = setup().await;
    let body = form("ada@gfms.example", PASSWORD);
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("referer", "http://evil.example/page")],
        vec![],
        vec![("origin", "null")],
    ] {
        let (status, h, _) = post(&op.app, "/admin/login", &body, &headers).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(h.get(header::SET_COOKIE).is_none());
    }
    let (status, _, _) = post(
        &op.app,
        "/admin/login",
        &body,
        &[("referer", &format!("{ORIGIN}/admin/login"))],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a same-site Referer is enough without Origin"
    );
    assert_eq!(session::Entity::find().count(&op.db).await.unwrap(), 1);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let op = setup().await;
    let known = post(
        &op.app,
        "/admin/login",
        &form("ada@gfms.example", "not the password at all"),
        &[("origin", ORIGIN)],
    )
    .await;
    let unknown = post(
        &op.app,
        "/admin/login",
        &form("nobody@gfms.example", "not the password at all"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(known.0, StatusCode::SEE_OTHER);
    assert_eq!(
        (known.0, &known.1[header::LOCATION], &known.2),
        (unknown.0, &unknown.1[header::LOCATION], &unknown.2)
    );
    assert_eq!(known.1[header::LOCATION], "/admin/login?error=credentials");
    assert!(
        known.1.get(header::SET_COOKIE).is_none() && unknown.1.get(header::SET_COOKIE).is_none()
    );

    let (_, _, page) = get(&op.app, "/admin/login?error=credentials", &[]).await;
    assert!(page.contains("The email address or password is not right"));
}

#[tokio::test]
async fn repeated_failures_lock_the_email_then_the_address() {
    let op = setup().await;
    for _ in 0..10 {
        let (status, _, _) = post(
            &op.app,
            "/admin/login",
            &form("ada@gfms.example", "wrong wrong wrong"),
            &[("origin", ORIGIN)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    // Even the right password waits now, and the answer says why.
    let (status, h, page) = post(
        &op.app,
        "/admin/login",
        &form("ada@gfms.example", PASSWORD),
        &[("origin", ORIGIN), ("accept-language", "ko")],
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(h[header::RETRY_AFTER], "900");
    assert!(page.contains("로그인 시도가 너무 많습니다"));
    // The same for an unknown address after as many failures.
    for _ in 0..10 {
        post(
            &op.app,
            "/admin/login",
            &form("nobody@gfms.example", "wrong wrong wrong"),
            &[("origin", ORIGIN)],
        )
        .await;
    }
    let (status, _, _) = post(
        &op.app,
        "/admin/login",
        &form("nobody@gfms.example", "wrong wrong wrong"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // After the window the email may try again.
    op.clock.advance(chrono::Duration::minutes(16));
    sign_in(&op.app, None).await;

    // One client address may make 30 attempts per window, whatever the
    // emails: the sign-in above was the first of them.
    for i in 1..30 {
        let (status, _, _) = post(
            &op.app,
            "/admin/login",
            &form(&format!("user{i}@gfms.example"), "wrong wrong wrong"),
            &[("origin", ORIGIN)],
        )
        .await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "attempt {i}");
    }
    let (status, _, _) = post(
        &op.app,
        "/admin/login",
        &form("ada@gfms.example", PASSWORD),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_dashboard_lists_invitations_by_status_for_operators_only() {
    let op = setup().await;
    let org = lobby::store::entities::organization::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let ada = lobby::store::entities::user::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let inviter = lobby::invitations::create::Inviter {
        user_id: ada.id,
        name: "Ada".into(),
        contact: ada.email.clone(),
        admin: true,
    };
    for email in ["first@customer.example", "second@customer.example"] {
        let request = lobby::invitations::request::NewInvitation {
            email: Some(email.into()),
            redirect_url: Some(format!("{ORIGIN}/")),
            ..Default::default()
        };
        let valid = lobby::invitations::request::validate(request, &[format!("{ORIGIN}/")])
            .ok()
            .unwrap();
        let public: url::Url = format!("{ORIGIN}/").parse().unwrap();
        lobby::invitations::create::create(&op.db, &org, &inviter, valid, &public, &op.clock)
            .await
            .unwrap();
    }
    let second = lobby::store::entities::invitation::Entity::find()
        .all(&op.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.invited_email.starts_with("second"))
        .unwrap();
    lobby::invitations::manage::revoke(&op.db, org.id, ada.id, second.id, &op.clock)
        .await
        .unwrap();

    let cookie = sign_in(&op.app, None).await;
    let (status, _, page) = get(&op.app, "/admin/invitations", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("first@customer.example") && page.contains("second@customer.example"),
        "{page}"
    );
    assert!(page.contains(">Pending<") && page.contains(">Revoked<") && page.contains(">Ada<"));
    let (_, _, revoked) = get(
        &op.app,
        "/admin/invitations?status=Revoked",
        &[("cookie", &cookie)],
    )
    .await;
    assert!(
        revoked.contains("second@customer.example") && !revoked.contains("first@customer.example")
    );
    let (_, _, found) = get(
        &op.app,
        "/admin/invitations?q=SECOND",
        &[("cookie", &cookie)],
    )
    .await;
    assert!(
        found.contains("second@customer.example") && !found.contains("first@customer.example"),
        "the text search"
    );
    assert!(
        found.contains(r#"name="q" value="SECOND""#),
        "keeps what was searched"
    );
    let (_, _, korean) = get(
        &op.app,
        "/admin/invitations",
        &[("cookie", &cookie), ("accept-language", "ko")],
    )
    .await;
    assert!(korean.contains(">대기 중<") && korean.contains(">취소됨<"));

    // Neither the page nor its server function serves anyone else.
    assert_eq!(
        get(&op.app, "/admin/invitations", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, _, body) = post(&op.app, "/api/list_invitations", "", &[("origin", ORIGIN)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body.contains("customer.example"));
}

#[tokio::test]
async fn the_new_invitation_form_creates_through_the_same_rules_with_csrf() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (_, _, page) = get(&op.app, "/admin/invitations/new", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Invite a customer") && page.contains(r#"name="form[email]""#),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let form = |csrf: &str, email: &str| {
        format!("csrf={csrf}&form[email]={}&form[display_name]=Jiwoo&form[language]=ko&form[message]=Hi&form[send_email]=true", email.replace('@', "%40"))
    };
    let with_session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];

    let (status, _, _) = post(
        &op.app,
        "/api/create_invitation",
        &form("wrong", "jiwoo@customer.example"),
        &with_session,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the session's CSRF token is required"
    );
    let (status, _, _) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "jiwoo@customer.example"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and a session");

    let (status, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "Jiwoo@Customer.example"),
        &with_session,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let NewInvitationOutcome::Created {
        email,
        redeem_url,
        sent,
        ..
    } = outcome(&body)
    else {
        panic!("not created: {body}");
    };
    assert_eq!(email, "jiwoo@customer.example");
    assert!(redeem_url.starts_with(&format!("{ORIGIN}/api/InviteUser?invitationId=")));
    assert!(sent);
    let mail = lobby::store::entities::email_outbox::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.subject, "Ada님이 GFMS에 초대했습니다");

    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "jiwoo@customer.example"),
        &with_session,
    )
    .await;
    assert!(
        matches!(outcome(&body), NewInvitationOutcome::PendingExists { .. }),
        "{body}"
    );
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "not-an-email"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<NewInvitationOutcome>(&body),
        NewInvitationOutcome::Invalid {
            fields: vec![InvitationField::Email]
        }
    );

    // The company draft meets the same rules as in the API: a value they
    // refuse is kept for the customer to correct, and the answer lists it;
    // a malformed one (too long) is refused.
    let company = |to: &str, legal_name: &str, postal: &str| {
        format!(
            "{}&form[legal_name]={legal_name}&form[country]=DE&form[postal_code]={postal}",
            form(&csrf, to)
        )
    };
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &company("draft@customer.example", "Customer+AG", "1011"),
        &with_session,
    )
    .await;
    let NewInvitationOutcome::Created { draft_problems, .. } = outcome(&body) else {
        panic!("{body}");
    };
    assert_eq!(
        draft_problems,
        [(
            CompanyField::PostalCode,
            app::model::company::CompanyProblem::PostalCode
        )]
    );
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &company("other@customer.example", &"A".repeat(121), "10115"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<NewInvitationOutcome>(&body),
        NewInvitationOutcome::Invalid {
            fields: vec![InvitationField::CompanyField(CompanyField::LegalName)]
        }
    );
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &company("other@customer.example", "Customer+AG", "10115"),
        &with_session,
    )
    .await;
    assert!(
        matches!(outcome(&body), NewInvitationOutcome::Created { draft_problems, .. } if draft_problems.is_empty()),
        "{body}"
    );

    // An operator's address is not invited, and an operator's account is
    // never the target of a reset (it would move the account, role and all,
    // to the new address): refused, nothing written.
    use lobby::store::entities::{invitation, user};
    use sea_orm::{ColumnTrait, QueryFilter};
    let count = || async { invitation::Entity::find().count(&op.db).await.unwrap() };
    let before = count().await;
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "ada@gfms.example"),
        &with_session,
    )
    .await;
    assert_eq!(body, r#""OperatorAccount""#);
    let ada = user::Entity::find()
        .filter(user::Column::Email.eq("ada@gfms.example"))
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let reset_of = |csrf: &str, email: &str, id: &str| {
        format!("{}&form[reset_user_id]={id}", form(csrf, email))
    };
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &reset_of(&csrf, "attacker@evil.example", &ada.id.to_string()),
        &with_session,
    )
    .await;
    assert_eq!(body, r#""OperatorAccount""#);
    assert_eq!(count().await, before, "refusals write nothing");

    // A customer who redeemed: the answer offers to reset their redemption.
    let jiwoo = invitation::Entity::find()
        .filter(invitation::Column::InvitedEmail.eq("jiwoo@customer.example"))
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let mut accepted: invitation::ActiveModel = jiwoo.clone().into();
    accepted.status = sea_orm::Set("Accepted".into());
    accepted.redeemed_by = sea_orm::Set(jiwoo.invited_user_id);
    sea_orm::ActiveModelTrait::update(accepted, &op.db)
        .await
        .unwrap();
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &form(&csrf, "jiwoo@customer.example"),
        &with_session,
    )
    .await;
    let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
    let user_id = outcome["AccountExists"]["user_id"]
        .as_str()
        .expect(&body)
        .to_owned();
    assert_eq!(
        Some(user_id.clone()),
        jiwoo.invited_user_id.map(|u| u.to_string())
    );

    // An operator who is not an admin cannot reset it; an admin can.
    let (grace, grace_csrf) = non_admin_signed_in(&op, "grace@gfms.example").await;
    let (_, _, body) = post(
        &op.app,
        "/api/create_invitation",
        &reset_of(&grace_csrf, "jiwoo@new-customer.example", &user_id),
        &[
            ("origin", ORIGIN),
            ("cookie", grace.as_str()),
            ("accept", "application/json"),
        ],
    )
    .await;
    assert_eq!(body, r#""ResetNeedsAdmin""#);
    assert_eq!(count().await, before, "refusals write nothing");
    let reset = reset_of(&csrf, "jiwoo@new-customer.example", &user_id);
    let (_, _, body) = post(&op.app, "/api/create_invitation", &reset, &with_session).await;
    let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        outcome["Created"]["email"], "jiwoo@new-customer.example",
        "{body}"
    );
    let row = invitation::Entity::find_by_id(
        outcome["Created"]["id"]
            .as_str()
            .unwrap()
            .parse::<uuid::Uuid>()
            .unwrap(),
    )
    .one(&op.db)
    .await
    .unwrap()
    .unwrap();
    assert!(row.reset_redemption);
    assert_eq!(row.invited_user_id.map(|u| u.to_string()), Some(user_id));
    let audit = audit_event::Entity::find().all(&op.db).await.unwrap();
    assert!(
        audit.iter().any(|e| e.action == "invitation.created"
            && e.target_id == row.id.to_string()
            && e.actor_id == Some(ada.id)
            && e.details["resetRedemption"] == true),
        "the reset is audited with the admin who asked for it"
    );
}

#[tokio::test]
async fn an_invitation_is_resent_and_revoked_from_its_page_with_its_timeline() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (_, _, page) = get(&op.app, "/admin/invitations/new", &[("cookie", &cookie)]).await;
    let csrf = csrf_of(&page);
    let with_session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];
    let form = format!("csrf={csrf}&form[email]=jiwoo%40customer.example&form[display_name]=&form[language]=en&form[message]=");
    let (_, _, body) = post(&op.app, "/api/create_invitation", &form, &with_session).await;
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = created["Created"]["id"].as_str().unwrap().to_owned();

    let (status, _, page) = get(
        &op.app,
        &format!("/admin/invitations/{id}"),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Invitation for jiwoo@customer.example")
            && page.contains(">Send again<")
            && page.contains(">Revoke…<")
    );

    let (_, _, body) = post(
        &op.app,
        "/api/resend_invitation",
        &format!("csrf=wrong&id={id}"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<ApiError>(&body),
        ApiError::Forbidden,
        "a wrong CSRF token changes nothing"
    );
    let (_, _, body) = post(
        &op.app,
        "/api/resend_invitation",
        &format!("csrf={csrf}&id={id}"),
        &with_session,
    )
    .await;
    let InvitationActionOutcome::Resent { redeem_url } = outcome(&body) else {
        panic!("not resent: {body}");
    };
    assert!(redeem_url.contains("/api/InviteUser?invitationId="));
    let (_, _, body) = post(
        &op.app,
        "/api/revoke_invitation",
        &format!("csrf={csrf}&id={id}"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<InvitationActionOutcome>(&body),
        InvitationActionOutcome::Revoked
    );
    let (_, _, body) = post(
        &op.app,
        "/api/resend_invitation",
        &format!("csrf={csrf}&id={id}"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<InvitationActionOutcome>(&body),
        InvitationActionOutcome::NotPossible
    );

    let (_, _, page) = get(
        &op.app,
        &format!("/admin/invitations/{id}"),
        &[("cookie", &cookie)],
    )
    .await;
    let created_at = page.find(">Created<").expect("created event");
    let resent_at = page.find(">Sent again<").expect("resent event");
    let revoked_at = page.rfind(">Revoked<").expect("revoked event");
    assert!(
        created_at < resent_at && resent_at < revoked_at,
        "oldest first"
    );
    assert!(
        !page.contains(">Send again<") && !page.contains(">Revoke<"),
        "neither sent again nor revoked once revoked"
    );
    let (_, _, missing) = get(
        &op.app,
        "/admin/invitations/6f0e2c39-0000-4000-8000-000000000000",
        &[("cookie", &cookie)],
    )
    .await;
    assert!(missing.contains("There is no such invitation."));
}

#[tokio::test]
async fn an_admin_adds_an_operator_who_sets_a_password_with_a_single_use_link() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (_, _, page) = get(&op.app, "/admin/operators", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("ada@gfms.example") && page.contains("Add an operator"),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let with_session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
        ("accept-language", "ko"),
    ];
    let add = |email: &str| {
        format!(
            "csrf={csrf}&form[email]={}&form[display_name]=Grace&form[role]=operator",
            email.replace('@', "%40")
        )
    };

    let (_, _, body) = post(
        &op.app,
        "/api/add_operator",
        &add("Grace@GFMS.example"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<AddOperatorOutcome>(&body),
        AddOperatorOutcome::Added {
            email: "grace@gfms.example".into()
        }
    );
    let (_, _, body) = post(
        &op.app,
        "/api/add_operator",
        &add("grace@gfms.example"),
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<AddOperatorOutcome>(&body),
        AddOperatorOutcome::Exists
    );

    let mail = lobby::store::entities::email_outbox::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.to_address, "grace@gfms.example");
    assert_eq!(
        mail.subject, "Lobby에서 GFMS에 추가되었습니다",
        "in the admin's language"
    );
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/admin/set-password?token="))
        .unwrap()
        .to_owned();
    let path = link.strip_prefix(ORIGIN).unwrap().to_owned();
    let token = path.rsplit('=').next().unwrap().to_owned();
    let stored = lobby::store::entities::verification_code::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        stored.code_hash, token,
        "the link's token is stored only as a hash"
    );

    let (status, _, set_page) = get(&op.app, &path, &[]).await;
    assert_eq!(status, StatusCode::OK, "open without a session");
    assert!(set_page.contains(r#"name="password""#));

    let (_, h, _) = post(
        &op.app,
        "/admin/set-password",
        &format!("token={token}&password=short"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("&error=short"));
    let (_, h, _) = post(
        &op.app,
        "/admin/set-password",
        &format!("token={token}&password=1qaz2wsx3edc4rfv"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("&error=common"));
    let (_, h, _) = post(
        &op.app,
        "/admin/set-password",
        &format!("token={token}&password=graces+own+quiet+harbour"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(h[header::LOCATION], "/admin/login?notice=password_set");

    // The link is used up.
    let (_, h, _) = post(
        &op.app,
        "/admin/set-password",
        &format!("token={token}&password=another+quiet+harbour+x"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("&error=link"));
    let (_, _, used) = get(&op.app, &path, &[]).await;
    assert!(used.contains("This link is unknown, was already used"));

    // Grace signs in with it, as an operator who may not add others.
    let (status, h, _) = post(
        &op.app,
        "/admin/login",
        &form("grace@gfms.example", "graces own quiet harbour"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert_eq!(
        (status, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/admin")
    );
    let grace = crate::support::session_cookie(&h);
    let (_, _, page) = get(&op.app, "/admin/operators", &[("cookie", &grace)]).await;
    assert!(page.contains("Only admins can add operators."));
    let grace_csrf = csrf_of(&get(&op.app, "/admin", &[("cookie", &grace)]).await.2);
    let (_, _, body) = post(
        &op.app,
        "/api/add_operator",
        &format!(
            "csrf={grace_csrf}&form[email]=x%40gfms.example&form[display_name]=&form[role]=admin"
        ),
        &[
            ("origin", ORIGIN),
            ("cookie", &grace),
            ("accept", "application/json"),
        ],
    )
    .await;
    assert_eq!(
        outcome::<AddOperatorOutcome>(&body),
        AddOperatorOutcome::NotAdmin
    );
}

#[tokio::test]
async fn a_set_password_link_expires_after_24_hours() {
    let op = setup().await;
    let org = lobby::store::entities::organization::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let public: url::Url = format!("{ORIGIN}/").parse().unwrap();
    lobby::operators::onboarding::add_operator(
        &op.db,
        &org,
        uuid::Uuid::nil(),
        "late@gfms.example",
        None,
        lobby::operators::Role::Operator,
        app::i18n::Locale::En,
        &public,
        &op.clock,
    )
    .await
    .unwrap();
    let mail = lobby::store::entities::email_outbox::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap();
    let token = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("token="))
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    op.clock
        .advance(chrono::Duration::hours(24) + chrono::Duration::seconds(1));
    let (_, h, _) = post(
        &op.app,
        "/admin/set-password",
        &format!("token={token}&password=graces+own+quiet+harbour"),
        &[("origin", ORIGIN)],
    )
    .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("&error=link"));
}

#[tokio::test]
async fn operators_create_use_and_revoke_their_own_api_tokens_from_the_dashboard() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (_, _, page) = get(&op.app, "/admin/tokens", &[("cookie", &cookie)]).await;
    assert!(page.contains("You have no tokens yet."), "{page}");
    let csrf = csrf_of(&page);
    let with_session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];

    let (_, _, body) = post(
        &op.app,
        "/api/create_token",
        &format!("csrf={csrf}&name="),
        &with_session,
    )
    .await;
    assert_eq!(outcome::<TokenOutcome>(&body), TokenOutcome::InvalidName);
    let (_, _, body) = post(
        &op.app,
        "/api/create_token",
        "csrf=wrong&name=CI",
        &with_session,
    )
    .await;
    assert_eq!(
        outcome::<ApiError>(&body),
        ApiError::Forbidden,
        "a wrong CSRF token creates nothing"
    );
    let (_, _, body) = post(
        &op.app,
        "/api/create_token",
        &format!("csrf={csrf}&name=CI+script"),
        &with_session,
    )
    .await;
    let TokenOutcome::Created { token } = outcome(&body) else {
        panic!("no token: {body}");
    };

    let me = |token: String| {
        let app = op.app.clone();
        async move {
            let request = axum::http::Request::get("/v1.0/me")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            app.oneshot(request).await.unwrap().status()
        }
    };
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    let (_, _, page) = get(&op.app, "/admin/tokens", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("CI script") && page.contains(&token[..12]) && !page.contains(&token),
        "listed by its start only"
    );
    assert!(!page.contains(">Never<"), "its use is recorded");

    let id = lobby::store::entities::api_token::Entity::find()
        .one(&op.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (_, _, body) = post(
        &op.app,
        "/api/revoke_token",
        &format!("csrf={csrf}&id={id}"),
        &with_session,
    )
    .await;
    assert_eq!(outcome::<TokenOutcome>(&body), TokenOutcome::Revoked);
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);
    let (_, _, body) = post(
        &op.app,
        "/api/revoke_token",
        &format!("csrf={csrf}&id={}", uuid::Uuid::new_v4()),
        &with_session,
    )
    .await;
    assert_eq!(outcome::<TokenOutcome>(&body), TokenOutcome::NotFound);
}

#[tokio::test]
async fn an_admin_orders_the_sign_in_methods_and_switches_passcodes() {
    use lobby::store::entities::{audit_event, organization};
    use sea_orm::{ColumnTrait, QueryFilter};
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let (status, _, page) = get(&op.app, "/admin/settings", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("How invitees sign in"), "{page}");
    assert!(page.contains(r#"name="form[first]""#) && page.contains(r#"name="form[passcode]""#));
    let csrf = csrf_of(&page);
    let with_session = [
        ("origin", ORIGIN),
        ("cookie", cookie.as_str()),
        ("accept", "application/json"),
    ];
    let save = |csrf: &str, order: [&str; 6], passcode: bool| {
        let places = ["first", "second", "third", "fourth", "fifth", "sixth"];
        let mut form = format!("csrf={csrf}");
        for (place, method) in places.iter().zip(order) {
            form.push_str(&format!("&form[{place}]={method}"));
        }
        if passcode {
            form.push_str("&form[passcode]=on");
        }
        form
    };
    let stored = || async {
        organization::Entity::find()
            .one(&op.db)
            .await
            .unwrap()
            .unwrap()
    };
    let before = stored().await;
    assert!(before.email_otp_enabled);

    // One method in two places: a clear answer, nothing saved.
    let twice = [
        "google",
        "existing_account",
        "federated_domain",
        "google",
        "email_otp",
        "new_account",
    ];
    let (status, _, body) = post(
        &op.app,
        "/api/save_sign_in_settings",
        &save(&csrf, twice, false),
        &with_session,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["Invalid"]["Repeated"], "Google");
    assert_eq!(stored().await, before);
    // A place left out is named too.
    let without_sixth = save(&csrf, twice, false).replace("&form[sixth]=new_account", "");
    let (status, _, body) = post(
        &op.app,
        "/api/save_sign_in_settings",
        &without_sixth.replace("form[fourth]=google", "form[fourth]=microsoft"),
        &with_session,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["Invalid"]["Missing"], "NewAccount", "{body}");
    assert_eq!(stored().await, before);

    let order = [
        "new_account",
        "existing_account",
        "federated_domain",
        "google",
        "microsoft",
        "email_otp",
    ];
    let (status, _, _) = post(
        &op.app,
        "/api/save_sign_in_settings",
        &save("wrong", order, false),
        &with_session,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the session's CSRF token");
    let (_, _, body) = post(
        &op.app,
        "/api/save_sign_in_settings",
        &save(&csrf, order, false),
        &with_session,
    )
    .await;
    assert_eq!(body, r#""Saved""#);
    let after = stored().await;
    assert!(!after.email_otp_enabled);
    assert_eq!(after.redemption_order, serde_json::json!(order));
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("organization.sign_in_settings_changed"))
        .one(&op.db)
        .await
        .unwrap()
        .expect("an audit event");
    assert_eq!(event.details["before"]["emailOtpEnabled"], true);
    assert_eq!(event.details["after"]["order"][0], "new_account");

    // The page shows what is stored.
    let (_, _, page) = get(&op.app, "/admin/settings", &[("cookie", &cookie)]).await;
    assert!(
        page.contains(r#"<option value="new_account" selected"#),
        "{page}"
    );
    assert!(!page.contains(r#"value="on" checked"#));

    // Operators who are not admins see the settings but cannot change them.
    let (bo, bo_csrf) = non_admin_signed_in(&op, "bo@gfms.example").await;
    let (_, _, page) = get(&op.app, "/admin/settings", &[("cookie", &bo)]).await;
    assert!(page.contains("An existing Lobby account") && !page.contains(r#"name="form[first]""#));
    let bo_session = [
        ("origin", ORIGIN),
        ("cookie", bo.as_str()),
        ("accept", "application/json"),
    ];
    let (_, _, body) = post(
        &op.app,
        "/api/save_sign_in_settings",
        &save(&bo_csrf, twice, true),
        &bo_session,
    )
    .await;
    assert_eq!(body, r#""NotAdmin""#);
    assert_eq!(stored().await, after);
}

/// Wrong passwords sent all at once are counted before any is checked: no
/// more than the cap are checked, as when they come one by one.
#[tokio::test]
async fn parallel_operator_guesses_are_capped_like_sequential_ones() {
    use lobby::auth::password_attempts::PER_PAIR;
    let op = setup().await;
    let guesses = (0..25).map(|i| {
        let app = &op.app;
        async move {
            let (status, headers, _) = post(
                app,
                "/admin/login",
                &form("ada@gfms.example", &format!("a wrong guess number {i}")),
                &[("origin", ORIGIN)],
            )
            .await;
            (status, headers.get(header::LOCATION).cloned())
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|(_, l)| {
            l.as_ref()
                .is_some_and(|l| l == "/admin/login?error=credentials")
        })
        .count();
    assert!(checked as u64 <= PER_PAIR.max, "{answers:?}");
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 25);
}

#[tokio::test]
async fn the_page_of_an_invitation_that_does_not_exist_is_not_found() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    for id in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let path = format!("/admin/invitations/{id}");
        let (status, _, page) = get(&op.app, &path, &[("cookie", &cookie)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("There is no such invitation."), "{page}");
        assert_eq!(
            page.matches("Back to invitations").count(),
            1,
            "one way back: {page}"
        );
    }
}

/// Every dashboard server function refuses the same way: without a session
/// 401, with a session but not its CSRF token 403, each with the one error
/// type the pages read.
#[tokio::test]
async fn every_dashboard_call_answers_401_without_a_session_and_403_without_its_token() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    // Every argument any of them takes, so each call decodes and meets the check.
    let args = "csrf=wrong&id=1&name=n&email=e%40x.example&contact=&password=p&links=&url=&version=&markdown=&filter[q]=x&scope[inviter]=x";
    let reads = [
        "list_imports",
        "get_import",
        "list_invitations",
        "load_overview",
        "get_invitation_detail",
        "list_operators",
        "list_tokens",
        "list_own_sessions",
        "identity_providers",
        "sign_in_settings",
        "welcome_links",
        "privacy_statement",
        "terms_of_use",
    ];
    let changes = [
        "confirm_import",
        "resend_invitation",
        "revoke_invitation",
        "save_contact_address",
        "create_token",
        "revoke_token",
        "remove_operator",
        "end_operator_sessions",
        "unlock_operator",
        "end_invitee_sessions",
        "end_every_session",
        "end_own_sessions",
        "remove_identity_provider",
        "save_welcome_links",
        "save_privacy_statement",
        "publish_terms",
    ];
    for name in reads.iter().chain(&changes) {
        let (status, _, body) = post(
            &op.app,
            &format!("/api/{name}"),
            args,
            &[("origin", ORIGIN)],
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {body}");
        assert_eq!(outcome::<ApiError>(&body), ApiError::Unauthorized, "{name}");
    }
    let with_session = [("origin", ORIGIN), ("cookie", cookie.as_str())];
    for name in changes {
        let (status, _, body) = post(&op.app, &format!("/api/{name}"), args, &with_session).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        assert_eq!(outcome::<ApiError>(&body), ApiError::Forbidden, "{name}");
    }
}

/// An argument a server function cannot read (an unknown status, a missing
/// field) is the caller's mistake: 400 with the one error type, nothing done.
#[tokio::test]
async fn a_call_whose_arguments_do_not_decode_answers_400() {
    let op = setup().await;
    let cookie = sign_in(&op.app, None).await;
    let with_session = [("origin", ORIGIN), ("cookie", cookie.as_str())];
    for (endpoint, args) in [
        ("/api/list_invitations", "filter[status]=Bogus"),
        ("/api/create_invitation", "csrf=x"),
    ] {
        let (status, _, body) = post(&op.app, endpoint, args, &with_session).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}: {body}");
        assert!(
            matches!(outcome::<ApiError>(&body), ApiError::Call(_)),
            "{endpoint}: {body}"
        );
    }
    use sea_orm::PaginatorTrait;
    let count = lobby::store::entities::invitation::Entity::find()
        .count(&op.db)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing was created");
}
