//! POST and GET /v1.0/invitations: Graph's shape, validation, conflicts,
//! tickets that exist only as hashes, and the email in the same transaction.

use axum::http::StatusCode;
use lobby::store::entities::{audit_event, email_outbox, invitation, invitation_ticket, user};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::support::api::{call, create_invitation, setup, setup_on};
use crate::support::db;
use crate::support::router::ORIGIN;

fn minimal(email: &str) -> Value {
    json!({ "invitedUserEmailAddress": email, "inviteRedirectUrl": format!("{ORIGIN}/welcome") })
}

#[tokio::test]
async fn sqlite_an_invitation_is_created_with_a_ticket_that_is_kept_only_as_a_hash() {
    created_with_a_ticket_kept_only_as_a_hash(setup().await).await;
}

#[tokio::test]
async fn postgres_an_invitation_is_created_with_a_ticket_that_is_kept_only_as_a_hash() {
    if let Some(pg) =
        db::postgres("an_invitation_is_created_with_a_ticket_that_is_kept_only_as_a_hash").await
    {
        created_with_a_ticket_kept_only_as_a_hash(setup_on(pg.db.clone()).await).await;
    }
}

async fn created_with_a_ticket_kept_only_as_a_hash(api: crate::support::api::Api) {
    let mut body = minimal("Jiwoo.Kim@Customer.example");
    body["invitedUserDisplayName"] = json!("Jiwoo Kim");
    body["company"] = json!({ "legalName": "Customer AG", "country": "CH" });
    let inv = create_invitation(&api, body).await;
    assert_eq!(inv["status"], "PendingAcceptance");
    assert_eq!(inv["invitedUserEmailAddress"], "jiwoo.kim@customer.example");
    assert_eq!(inv["invitedUserDisplayName"], "Jiwoo Kim");
    assert_eq!(inv["invitedUserType"], "Guest");
    assert_eq!(inv["sendInvitationMessage"], false);
    assert_eq!(inv["company"]["legalName"], "Customer AG");

    let url = inv["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url
        .strip_prefix(&format!("{ORIGIN}/api/InviteUser?invitationId="))
        .expect("the seed's URL form");
    assert_eq!(
        uuid::Uuid::try_parse(ticket)
            .unwrap()
            .hyphenated()
            .to_string(),
        ticket,
        "GUID form"
    );
    assert_ne!(
        ticket,
        inv["id"].as_str().unwrap(),
        "the ticket is not the id"
    );

    let row = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let hash = hex::encode(Sha256::digest(ticket.as_bytes()));
    assert_eq!(row.ticket_hash, hash);
    assert!(
        !format!("{row:?}").contains(ticket),
        "the ticket itself is stored nowhere"
    );
    assert_eq!(
        invitation_ticket::Entity::find_by_id(hash)
            .one(&api.db)
            .await
            .unwrap()
            .unwrap()
            .invitation_id,
        row.id
    );
    let expires = chrono::DateTime::parse_from_rfc3339(inv["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(
        (expires.with_timezone(&chrono::Utc) - row.created_at).num_days(),
        30
    );

    let invited = user::Entity::find_by_id(row.invited_user_id.unwrap())
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inv["invitedUser"]["id"], invited.id.to_string());
    assert!(!invited.email_verified && invited.password_hash.is_none());
    assert_eq!(
        email_outbox::Entity::find().count(&api.db).await.unwrap(),
        0,
        "sendInvitationMessage defaults to false"
    );
    let audit = audit_event::Entity::find().all(&api.db).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "invitation.created"
        && e.target_id == row.id.to_string()
        && e.actor_id == Some(api.operator)));

    // GET shows the same invitation, without a redeem URL, and its expiry.
    let path = format!("/v1.0/invitations/{}", row.id);
    let (status, _, got) = call(&api.app, "GET", &path, Some(&api.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (got["id"].clone(), got["inviteRedeemUrl"].clone()),
        (inv["id"].clone(), Value::Null)
    );
    api.clock.advance(chrono::Duration::days(31));
    assert_eq!(
        call(&api.app, "GET", &path, Some(&api.token), None).await.2["status"],
        "Expired"
    );
}

#[tokio::test]
async fn asking_for_the_message_queues_it_in_the_invitees_language_with_the_cc() {
    let api = setup().await;
    let body = json!({
        "invitedUserEmailAddress": "jiwoo@customer.example",
        "inviteRedirectUrl": ORIGIN,
        "invitedUserDisplayName": "김지우",
        "sendInvitationMessage": true,
        "invitedUserMessageInfo": {
            "customizedMessageBody": "<b>환영합니다</b>",
            "messageLanguage": "ko-KR",
            "ccRecipients": [{ "emailAddress": { "address": "Boss@Customer.example", "name": "Boss" } }]
        },
        "expiresInDays": 7
    });
    let inv = create_invitation(&api, body).await;
    assert_eq!(inv["sendInvitationMessage"], true);
    let mails = email_outbox::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to_address, "jiwoo@customer.example");
    assert_eq!(mail.cc_address.as_deref(), Some("boss@customer.example"));
    assert_eq!(mail.subject, "Ops Bot님이 GFMS에 초대했습니다");
    assert!(
        mail.body_text.contains("김지우님, 안녕하세요.")
            && mail
                .body_text
                .contains(inv["inviteRedeemUrl"].as_str().unwrap())
    );
    assert!(mail
        .body_html
        .as_deref()
        .unwrap()
        .contains("&lt;b&gt;환영합니다&lt;/b&gt;"));
    assert_eq!(
        inv["invitedUserMessageInfo"]["ccRecipients"],
        json!([{ "emailAddress": { "address": "boss@customer.example" } }])
    );

    // Sending again copies the cc recipient again.
    let id = inv["id"].as_str().unwrap();
    let uri = format!("/v1.0/invitations/{id}/resend");
    let (status, _, _) = call(&api.app, "POST", &uri, Some(&api.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let mails = email_outbox::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(mails.len(), 2);
    assert!(mails
        .iter()
        .all(|m| m.cc_address.as_deref() == Some("boss@customer.example")));
}

/// The attack an outside review reproduced: with one admin's token, a reset
/// of another admin's (or an operator's) account to an address the caller
/// reads would move that account, role and all, to the caller.
#[tokio::test]
async fn a_reset_never_targets_an_operators_or_admins_account() {
    let api = setup().await;
    let (me, token) = crate::support::api::admin_token(&api, "mallory@gfms.example").await;
    let (other_admin, _) = crate::support::api::admin_token(&api, "root@gfms.example").await;
    for target in [other_admin, api.operator, me] {
        let mut body = minimal("mallory@evil.example");
        body["resetRedemption"] = json!(true);
        body["invitedUser"] = json!({ "id": target });
        let (status, _, err) = call(
            &api.app,
            "POST",
            "/v1.0/invitations",
            Some(&token),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{err}");
        assert_eq!(err["error"]["code"], "OperatorAccount");
    }
    // Nor is an operator's address invited as a customer's.
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&token),
        Some(minimal("root@gfms.example")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["code"], "OperatorAccount");
    assert_eq!(
        invitation::Entity::find().count(&api.db).await.unwrap(),
        0,
        "refusals write nothing"
    );
    assert_eq!(
        user::Entity::find().count(&api.db).await.unwrap(),
        3,
        "no account was created or changed"
    );
}

#[tokio::test]
async fn reset_redemption_invites_a_user_of_the_organization_again() {
    let api = setup().await;
    let first = invite(&api, "jiwoo@customer.example").await;
    let user_id = first["invitedUser"]["id"].as_str().unwrap().to_owned();
    // As if Jiwoo had redeemed it.
    let row = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let mut accepted: invitation::ActiveModel = row.into();
    accepted.status = sea_orm::Set("Accepted".into());
    accepted.redeemed_by = sea_orm::Set(Some(user_id.parse().unwrap()));
    sea_orm::ActiveModelTrait::update(accepted, &api.db)
        .await
        .unwrap();

    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("jiwoo@customer.example")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["existingUserId"], json!(user_id));
    assert_eq!(err["error"]["possibleActions"], json!(["resetRedemption"]));

    let with = |email: &str, reset: Value, user: Value| {
        let mut body = minimal(email);
        body["resetRedemption"] = reset;
        body["invitedUser"] = user;
        body
    };
    // A reset moves an account to a new address: an operator's token may not.
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(with(
            "jiwoo.kim@new-customer.example",
            json!(true),
            json!({ "id": user_id }),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 1);

    let (_, admin) = crate::support::api::admin_token(&api, "admin@gfms.example").await;
    let post = |body: Value| {
        call(
            &api.app,
            "POST",
            "/v1.0/invitations",
            Some(&admin),
            Some(body),
        )
    };
    let targets = |err: &Value| -> Vec<String> {
        err["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["target"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, _, err) = post(with("jiwoo@customer.example", json!(true), json!({}))).await;
    assert_eq!(
        (status, targets(&err)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["invitedUser.id".to_owned()]
        )
    );
    let (status, _, err) = post(with(
        "jiwoo@customer.example",
        json!(false),
        json!({ "id": user_id }),
    ))
    .await;
    assert_eq!(
        (status, targets(&err)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["invitedUser.id".to_owned()]
        )
    );
    let unknown = json!({ "id": uuid::Uuid::new_v4() });
    let (status, _, err) = post(with("jiwoo@customer.example", json!(true), unknown)).await;
    assert_eq!(
        (status, targets(&err)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["invitedUser.id".to_owned()]
        )
    );
    let (status, _, err) = post(with(
        "ops@gfms.example",
        json!(true),
        json!({ "id": user_id }),
    ))
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the new address is another account's"
    );
    assert_eq!(err["error"]["existingUserId"], api.operator.to_string());
    assert_eq!(
        invitation::Entity::find().count(&api.db).await.unwrap(),
        1,
        "refusals write nothing"
    );

    // The admin changed Jiwoo's address: the same user, to be bound anew.
    let (status, _, reset) = post(with(
        "jiwoo.kim@new-customer.example",
        json!(true),
        json!({ "id": user_id }),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{reset}");
    assert_eq!(reset["invitedUser"]["id"], json!(user_id));
    assert_eq!(reset["resetRedemption"], true);
    assert_eq!(
        reset["invitedUserEmailAddress"],
        "jiwoo.kim@new-customer.example"
    );
    let jiwoo =
        lobby::store::entities::user::Entity::find_by_id(user_id.parse::<uuid::Uuid>().unwrap())
            .one(&api.db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        jiwoo.email, "jiwoo@customer.example",
        "the address changes only when redeemed"
    );

    let (status, _, err) = post(with(
        "jiwoo@customer.example",
        json!(true),
        json!({ "id": user_id }),
    ))
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "one live reset at a time");
    assert_eq!(err["error"]["existingInvitationId"], reset["id"]);
}

#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_written() {
    let api = setup().await;
    let body = json!({
        "invitedUserEmailAddress": "not-an-address",
        "inviteRedirectUrl": "http://lobby.test.evil.example/",
        "invitedUserType": "Admin",
        "expiresInDays": 91,
        "invitedUserMessageInfo": {
            "messageLanguage": "fr",
            "ccRecipients": [
                { "emailAddress": { "address": "a@customer.example" } },
                { "emailAddress": { "address": "b@customer.example" } }
            ]
        },
        "company": { "legalName": "Customer AG", "color": "red" },
        "companyId": "not-a-uuid",
        "companyRole": "owner"
    });
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["code"], "InvalidField");
    let targets: Vec<&str> = err["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    for expected in [
        "invitedUserEmailAddress",
        "inviteRedirectUrl",
        "invitedUserType",
        "expiresInDays",
        "invitedUserMessageInfo.messageLanguage",
        "invitedUserMessageInfo.ccRecipients",
        "company.color",
        "companyId",
        "companyRole",
        "company",
    ] {
        assert!(
            targets.contains(&expected),
            "no detail for {expected}: {targets:?}"
        );
    }
    assert!(err["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| !d["message"].as_str().unwrap().is_empty()));

    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        err["error"]["details"].as_array().unwrap().len(),
        2,
        "both required fields: {err}"
    );

    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 0);
    assert_eq!(
        user::Entity::find().count(&api.db).await.unwrap(),
        1,
        "only the operator"
    );
}

#[tokio::test]
async fn a_company_role_is_only_given_with_the_company_to_join() {
    let api = setup().await;
    let mut body = minimal("jiwoo@customer.example");
    body["companyRole"] = json!("company_admin");
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let details = err["error"]["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{err}");
    assert_eq!(details[0]["target"], "companyRole");
    assert!(
        details[0]["message"]
            .as_str()
            .unwrap()
            .contains("only used with companyId"),
        "{err}"
    );
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 0);
}

#[tokio::test]
async fn company_drafts_are_stored_normalized_and_values_the_rules_refuse_are_kept_for_the_customer(
) {
    let api = setup().await;
    let mut body = minimal("jiwoo@customer.example");
    // The seller's records are stale: the invitation is created, the
    // values kept as given, and each problem listed (Lobby's extension).
    body["company"] = json!({
        "legalName": "Customer AG",
        "country": "CH",
        "postalCode": "80011",
        "taxId": "CHE-116.281.711",
        "website": "http://customer.example",
        "phone": "+41 44",
    });
    let inv = create_invitation(&api, body.clone()).await;
    assert_eq!(inv["company"]["postalCode"], "80011");
    assert_eq!(inv["company"]["taxId"], "CHE-116.281.711");
    let listed: Vec<(&str, &str)> = inv["companyDraftProblems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            ("postalCode", "postal_code_invalid"),
            ("taxId", "tax_id_check_digit"),
            ("phone", "phone_format"),
            ("website", "website_not_https"),
        ],
        "{inv}"
    );
    assert!(inv["companyDraftProblems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["message"] == "The check digit does not match. Please check the number."));
    let id = inv["id"].as_str().unwrap();
    let (_, _, again) = call(
        &api.app,
        "GET",
        &format!("/v1.0/invitations/{id}"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(again["companyDraftProblems"], inv["companyDraftProblems"]);

    // Malformed values are still refused: too long, control characters.
    let mut malformed = minimal("mina@customer.example");
    malformed["company"] = json!({
        "legalName": "Customer AG",
        "street": "x".repeat(121),
        "city": "Zürich\u{7}",
    });
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(malformed),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let targets: Vec<&str> = err["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["company.city", "company.street"], "{err}");

    let mut body = minimal("kim@customer.example");
    body["company"] = json!({
        "legalName": " Customer AG ",
        "country": "ch",
        "postalCode": "8001",
        "taxId": "che116281710 mwst",
        "website": "customer.example",
        "phone": "044 668 18 00",
        "street": "",
    });
    let inv = create_invitation(&api, body).await;
    assert_eq!(inv["companyDraftProblems"], json!([]));
    assert_eq!(
        inv["company"],
        json!({
            "legalName": "Customer AG",
            "country": "CH",
            "postalCode": "8001",
            "taxId": "CHE-116.281.710 MWST",
            "website": "https://customer.example",
            "phone": "+41446681800",
        }),
        "blank fields are left for the invitee"
    );
}

#[tokio::test]
async fn malformed_bodies_get_400() {
    let api = setup().await;
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(json!({"invitedUserEmailAdress": "typo@customer.example"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "BadRequest");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invitedUserEmailAdress"),
        "names the unknown field: {err}"
    );
    let (status, _, _) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(json!({"expiresInDays": "ten"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Eight requests at once for one address (in two spellings): one
/// invitation, the others are told it is pending.
async fn parallel_invitations_for_one_address(api: crate::support::api::Api) {
    let requests = (0..8).map(|i| {
        let (app, token) = (api.app.clone(), api.token.clone());
        let email = if i % 2 == 0 {
            "jiwoo@customer.example"
        } else {
            "JIWOO@customer.example"
        };
        tokio::spawn(async move {
            let (status, _, body) = call(
                &app,
                "POST",
                "/v1.0/invitations",
                Some(&token),
                Some(minimal(email)),
            )
            .await;
            (status, body)
        })
    });
    let answers: Vec<(StatusCode, Value)> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "InvitationPending", "{body}");
    }
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 1);
    assert_eq!(
        user::Entity::find().count(&api.db).await.unwrap(),
        2,
        "the operator and the one invitee"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_parallel_invitations_for_one_address_make_one() {
    parallel_invitations_for_one_address(setup().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_parallel_invitations_for_one_address_make_one() {
    if let Some(pg) = db::postgres("parallel_invitations_for_one_address_make_one").await {
        parallel_invitations_for_one_address(setup_on(pg.db.clone()).await).await;
    }
}

#[tokio::test]
async fn inviting_again_is_a_conflict_with_the_way_out() {
    let api = setup().await;
    let (_, _, first) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("jiwoo@customer.example")),
    )
    .await;
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("JIWOO@customer.example")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "InvitationPending");
    assert_eq!(err["error"]["existingInvitationId"], first["id"]);
    assert_eq!(err["error"]["possibleActions"], json!(["resend", "revoke"]));

    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("ops@gfms.example")),
    )
    .await;
    // An operator's address is not a customer's to invite.
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "OperatorAccount");
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 1);

    // An expired invitation is no obstacle to a new one.
    api.clock.advance(chrono::Duration::days(31));
    let second = create_invitation(&api, minimal("jiwoo@customer.example")).await;
    assert_eq!(
        second["invitedUser"]["id"], first["invitedUser"]["id"],
        "the same invited user"
    );
}

/// Unicode spellings of one address meet; tricks are refused with their own
/// message and write nothing; the list filter normalizes the same way.
#[tokio::test]
async fn unicode_tricks_in_addresses_are_normalized_or_refused_consistently() {
    let api = setup().await;
    // Decomposed é (e + U+0301) is stored composed, lower-cased.
    let first = create_invitation(&api, minimal("Rene\u{301}@Cafe\u{301}.example")).await;
    assert_eq!(
        first["invitedUserEmailAddress"],
        "ren\u{e9}@caf\u{e9}.example"
    );
    let (status, _, err) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("REN\u{c9}@caf\u{e9}.example")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "one mailbox, one invitation: {err}"
    );
    assert_eq!(err["error"]["existingInvitationId"], first["id"]);

    let (status, _, list) = call(
        &api.app,
        "GET",
        "/v1.0/invitations?email=rene%CC%81%40cafe%CC%81.example",
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["value"][0]["id"], first["id"], "{list}");

    for (address, message) in [
        ("jiwoo\u{ff20}customer.example", "is not an email address"),
        ("ji\u{200b}woo@customer.example", "is not an email address"),
        ("\u{301}jiwoo@customer.example", "is not an email address"),
        ("jiwoo@p\u{430}ypal.example", "mixes alphabets"),
    ] {
        let (status, _, err) = call(
            &api.app,
            "POST",
            "/v1.0/invitations",
            Some(&api.token),
            Some(minimal(address)),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{address:?}: {err}"
        );
        let detail = &err["error"]["details"][0];
        assert_eq!(detail["target"], "invitedUserEmailAddress");
        assert!(
            detail["message"].as_str().unwrap().contains(message),
            "{address:?}: {detail}"
        );
    }
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 1);

    // The dotless ı is another mailbox than i, and gets its own invitation.
    let dotless = create_invitation(&api, minimal("jiwoo@caf\u{131}.example")).await;
    assert_eq!(
        dotless["invitedUserEmailAddress"],
        "jiwoo@caf\u{131}.example"
    );
}

#[tokio::test]
async fn the_api_needs_a_token_and_hides_other_ids() {
    let api = setup().await;
    let (status, _, _) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        None,
        Some(minimal("jiwoo@customer.example")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for path in [
        "/v1.0/invitations/6f0e2c39-0000-4000-8000-000000000000",
        "/v1.0/invitations/not-an-id",
    ] {
        let (status, _, err) = call(&api.app, "GET", path, Some(&api.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(err["error"]["code"], "Request_ResourceNotFound");
    }
}

async fn invite(api: &crate::support::api::Api, email: &str) -> Value {
    create_invitation(api, minimal(email)).await
}

fn path_of(link: &str) -> String {
    link.strip_prefix(ORIGIN).unwrap().to_owned()
}

#[tokio::test]
async fn sqlite_the_list_pages_newest_first_and_filters() {
    list_pages_newest_first_and_filters(setup().await).await;
}

#[tokio::test]
async fn postgres_the_list_pages_newest_first_and_filters() {
    if let Some(pg) = db::postgres("the_list_pages_newest_first_and_filters").await {
        list_pages_newest_first_and_filters(setup_on(pg.db.clone()).await).await;
    }
}

async fn list_pages_newest_first_and_filters(api: crate::support::api::Api) {
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            invite(&api, &format!("user{i}@customer.example")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // All five share one creation instant here: the cursor must still be exact.
    let mut seen = Vec::new();
    let mut path = "/v1.0/invitations?$top=2".to_owned();
    let mut pages = 0;
    loop {
        let (status, _, page) = call(&api.app, "GET", &path, Some(&api.token), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned()),
        );
        match page["@odata.nextLink"].as_str() {
            Some(link) => path = path_of(link),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "every invitation once: {seen:?}");

    let revoked = &ids[1];
    let (status, _, _) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{revoked}/revoke"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let count = |body: Value| body["value"].as_array().unwrap().len();
    assert_eq!(
        count(
            call(
                &api.app,
                "GET",
                "/v1.0/invitations?status=Revoked",
                Some(&api.token),
                None
            )
            .await
            .2
        ),
        1
    );
    assert_eq!(
        count(
            call(
                &api.app,
                "GET",
                "/v1.0/invitations?status=PendingAcceptance",
                Some(&api.token),
                None
            )
            .await
            .2
        ),
        4
    );
    assert_eq!(
        count(
            call(
                &api.app,
                "GET",
                "/v1.0/invitations?email=USER3@customer.example",
                Some(&api.token),
                None
            )
            .await
            .2
        ),
        1
    );
    // The dashboard's text search: part of the email or name, any case;
    // `%` and `_` are plain characters there.
    let named = json!({
        "invitedUserEmailAddress": "jiwoo@customer.example",
        "inviteRedirectUrl": ORIGIN,
        "invitedUserDisplayName": "Jiwoo KIM_100%",
    });
    create_invitation(&api, named).await;
    let search = |text: &str| {
        let query = lobby::invitations::manage::ListQuery {
            search: Some(text.to_owned()),
            top: 50,
            ..Default::default()
        };
        let (db, clock, org) = (api.db.clone(), api.clock.clone(), api.org);
        async move {
            let page = lobby::invitations::manage::list(&db, org, query, &clock)
                .await
                .unwrap();
            let mut found: Vec<String> = page.rows.into_iter().map(|r| r.invited_email).collect();
            found.sort();
            found
        }
    };
    assert_eq!(search("kim").await, ["jiwoo@customer.example"]);
    assert_eq!(search("_100%").await, ["jiwoo@customer.example"]);
    assert_eq!(search("USER3@").await, ["user3@customer.example"]);
    assert_eq!(
        search("user_").await,
        Vec::<String>::new(),
        "_ is not a wildcard"
    );
    assert_eq!(
        search("%").await,
        ["jiwoo@customer.example"],
        "% is not a wildcard"
    );
    assert_eq!(search("customer").await.len(), 6);
    api.clock.advance(chrono::Duration::days(31));
    assert_eq!(
        count(
            call(
                &api.app,
                "GET",
                "/v1.0/invitations?status=Expired",
                Some(&api.token),
                None
            )
            .await
            .2
        ),
        5
    );

    for bad in [
        "/v1.0/invitations?status=Bogus",
        "/v1.0/invitations?$top=0",
        "/v1.0/invitations?$top=101",
        "/v1.0/invitations?$skiptoken=garbage",
    ] {
        let (status, _, err) = call(&api.app, "GET", bad, Some(&api.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {err}");
        assert_eq!(err["error"]["code"], "BadRequest");
    }
}

#[tokio::test]
async fn sqlite_resending_replaces_the_ticket_and_sends_again() {
    resending_replaces_the_ticket_and_sends_again(setup().await).await;
}

#[tokio::test]
async fn postgres_resending_replaces_the_ticket_and_sends_again() {
    if let Some(pg) = db::postgres("resending_replaces_the_ticket_and_sends_again").await {
        resending_replaces_the_ticket_and_sends_again(setup_on(pg.db.clone()).await).await;
    }
}

async fn resending_replaces_the_ticket_and_sends_again(api: crate::support::api::Api) {
    let first = invite(&api, "jiwoo@customer.example").await;
    let id = first["id"].as_str().unwrap();
    let old_ticket = first["inviteRedeemUrl"]
        .as_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();

    api.clock.advance(chrono::Duration::days(40));
    let (status, _, resent) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{id}/resend"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(
        resent["status"], "PendingAcceptance",
        "an expired invitation lives again"
    );
    let new_url = resent["inviteRedeemUrl"].as_str().unwrap();
    assert_ne!(new_url, first["inviteRedeemUrl"].as_str().unwrap());

    let old_hash = hex::encode(Sha256::digest(old_ticket.as_bytes()));
    let old = invitation_ticket::Entity::find_by_id(old_hash)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        old.replaced_at.is_some(),
        "the old ticket is recognised as replaced"
    );
    let mails = email_outbox::Entity::find().all(&api.db).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body_text.contains(new_url));
    let row = invitation::Entity::find()
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.send_count, 1);
    assert!(audit_event::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == "invitation.resent"));

    // Each resend gives a validity as long as the first (30 days), from
    // the resend: resends do not add up to a longer life.
    for _ in 0..2 {
        api.clock.advance(chrono::Duration::days(20));
        let (status, _, _) = call(
            &api.app,
            "POST",
            &format!("/v1.0/invitations/{id}/resend"),
            Some(&api.token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let row = invitation::Entity::find()
            .one(&api.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.expires_at - row.sent_at.unwrap()).num_seconds(),
            chrono::Duration::days(30).num_seconds()
        );
    }
}

#[tokio::test]
async fn revoking_is_final_and_idempotent() {
    let api = setup().await;
    let id = invite(&api, "jiwoo@customer.example").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        let (status, _, body) = call(
            &api.app,
            "POST",
            &format!("/v1.0/invitations/{id}/revoke"),
            Some(&api.token),
            None,
        )
        .await;
        assert_eq!(
            (status, body["status"].as_str()),
            (StatusCode::OK, Some("Revoked"))
        );
    }
    let (status, _, err) = call(
        &api.app,
        "POST",
        &format!("/v1.0/invitations/{id}/resend"),
        Some(&api.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "InvitationStateConflict");
    assert_eq!(
        email_outbox::Entity::find().count(&api.db).await.unwrap(),
        0
    );
    let revocations = audit_event::Entity::find()
        .all(&api.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "invitation.revoked")
        .count();
    assert_eq!(revocations, 1, "the second revoke changed nothing");
    for action in ["resend", "revoke"] {
        let (status, _, _) = call(
            &api.app,
            "POST",
            &format!("/v1.0/invitations/6f0e2c39-0000-4000-8000-000000000000/{action}"),
            Some(&api.token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// On a SQLite file with its connection pool, concurrent creations all succeed:
/// write transactions wait for the write lock instead of failing "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creations_on_a_sqlite_file_all_succeed() {
    let dir = std::env::temp_dir().join(format!("lobby-concurrent-{}", uuid::Uuid::new_v4()));
    let db = lobby::store::connect(&format!("sqlite://{}/lobby.db", dir.display()))
        .await
        .unwrap();
    lobby::store::migrate(&db).await.unwrap();
    let api = setup_on(db).await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..20 {
        let app = api.app.clone();
        let token = api.token.clone();
        calls.spawn(async move {
            call(
                &app,
                "POST",
                "/v1.0/invitations",
                Some(&token),
                Some(minimal(&format!("c{i}@customer.example"))),
            )
            .await
        });
    }
    while let Some(result) = calls.join_next().await {
        let (status, _, body) = result.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 20);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_openapi_document_describes_what_is_served() {
    let api = setup().await;
    let (status, _, doc) = call(&api.app, "GET", "/v1.0/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK, "served without a token");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    let served = [
        ("/v1.0/me", "get"),
        ("/v1.0/invitations", "post"),
        ("/v1.0/invitations", "get"),
        ("/v1.0/invitations/{id}", "get"),
        ("/v1.0/invitations/{id}/resend", "post"),
        ("/v1.0/invitations/{id}/revoke", "post"),
        ("/v1.0/users", "get"),
        ("/v1.0/users/{id}", "get"),
        ("/v1.0/users/{id}", "delete"),
        ("/v1.0/companies", "get"),
        ("/v1.0/companies/{id}", "get"),
        ("/v1.0/companies/{id}/members", "get"),
    ];
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
        {
            documented.push((path.clone(), method.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = served
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);
    assert!(doc["components"]["securitySchemes"]["bearer"]["scheme"]
        .as_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer")));

    // The schema's properties are exactly the keys of a real answer.
    let (_, _, created) = call(
        &api.app,
        "POST",
        "/v1.0/invitations",
        Some(&api.token),
        Some(minimal("schema@customer.example")),
    )
    .await;
    let mut keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    let props = doc["components"]["schemas"]["Invitation"]["properties"]
        .as_object()
        .unwrap();
    let mut documented_keys: Vec<&String> = props.keys().collect();
    keys.sort();
    documented_keys.sort();
    assert_eq!(keys, documented_keys);
    let request_props: Vec<&String> = doc["components"]["schemas"]["CreateRequest"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(
        request_props
            .iter()
            .any(|k| *k == "invitedUserEmailAddress")
            && request_props.iter().any(|k| *k == "expiresInDays")
    );
}
