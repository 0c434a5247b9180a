//! Bulk invitations from CSV: the dry run's verdicts, confirming, the job that
//! creates the invitations and queues the emails, re-importing, the result
//! file, and the upload form's protections, on SQLite and PostgreSQL.

use app::i18n::Locale;
use app::model::bulk::{ConfirmOutcome, ImportStatus, Verdict};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lobby::invitations::bulk::job::{confirm, BulkRunner};
use lobby::invitations::bulk::preview::{preview, Upload};
use lobby::invitations::bulk::report::{result_csv, view};
use lobby::invitations::create::{create_many_in, CreateError, Inviter};
use lobby::invitations::request::{validate, NewInvitation};
use lobby::store::entities::{audit_event, email_outbox, invitation, organization, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use serde_json::json;
use tower::ServiceExt;

use crate::support::api::{create_invitation, setup, setup_on, Api};
use crate::support::db;
use crate::support::router::{get, ORIGIN};

/// Seven rows: two valid, one of each other verdict, one with two problems.
const FILE: &str = "\u{feff}Email;Display Name;language;message;legal_name;country\n\
ann@customer.example;Ann;en;Welcome!;Customer AG;CH\n\
not-an-email;Bob;en;;;\n\
ANN@customer.example;Ann again;;;;\n\
pending@customer.example;Pat;;;;\n\
ops@gfms.example;Ops;;;;\n\
bo@customer.example;Bo;ko;;;\n\
   ;x;fr;;;\n";

fn runner(api: &Api) -> BulkRunner {
    BulkRunner::new(
        api.db.clone(),
        std::sync::Arc::new(api.clock.clone()),
        format!("{ORIGIN}/").parse().unwrap(),
    )
}

async fn org(api: &Api) -> organization::Model {
    organization::Entity::find_by_id(api.org)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap()
}

async fn upload(api: &Api, bytes: &[u8]) -> uuid::Uuid {
    let upload = Upload {
        file_name: "customers.csv",
        bytes,
    };
    let url = format!("{ORIGIN}/").parse().unwrap();
    preview(
        &api.db,
        &org(api).await,
        api.operator,
        upload,
        &url,
        &api.clock,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_file_is_judged_confirmed_and_carried_out_once() {
    judged_confirmed_and_carried_out_once(setup().await).await;
}

#[tokio::test]
async fn postgres_a_file_is_judged_confirmed_and_carried_out_once() {
    if let Some(pg) = db::postgres("a_file_is_judged_confirmed_and_carried_out_once").await {
        judged_confirmed_and_carried_out_once(setup_on(pg.db.clone()).await).await;
    }
}

async fn judged_confirmed_and_carried_out_once(api: Api) {
    let body = json!({
        "invitedUserEmailAddress": "pending@customer.example",
        "inviteRedirectUrl": format!("{ORIGIN}/"),
    });
    create_invitation(&api, body).await;

    let id = upload(&api, FILE.as_bytes()).await;
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(v.summary.status, ImportStatus::Preview);
    assert_eq!(v.summary.total_rows, 7);
    let verdicts: Vec<(i32, Verdict)> = v.rows.iter().map(|r| (r.row_number, r.verdict)).collect();
    assert_eq!(
        verdicts,
        [
            (2, Verdict::Valid),
            (3, Verdict::Invalid),
            (4, Verdict::Duplicate),
            (5, Verdict::AlreadyInvited),
            (6, Verdict::ExistingUser),
            (7, Verdict::Valid),
            (8, Verdict::Invalid),
        ]
    );
    let problems = |row: usize| {
        v.rows[row]
            .problems
            .iter()
            .map(|p| (p.column.as_str(), p.code.as_str(), p.first_row))
            .collect::<Vec<_>>()
    };
    assert_eq!(problems(1), [("email", "email_invalid", None)]);
    assert_eq!(problems(2), [("email", "duplicate", Some(2))]);
    assert_eq!(
        problems(6),
        [
            ("email", "required", None),
            ("language", "language_invalid", None)
        ],
        "every problem of a row, not only the first"
    );
    assert_eq!(v.verdict_counts[0], (Verdict::Valid, 2));
    let invitations_before = invitation::Entity::find().count(&api.db).await.unwrap();
    assert_eq!(invitations_before, 1, "a dry run creates nothing");

    // Nothing happens before confirmation.
    assert!(!runner(&api)
        .work(&tokio::sync::watch::channel(false).1)
        .await
        .unwrap());
    let confirmed = confirm(&api.db, api.org, id, api.operator, &api.clock)
        .await
        .unwrap();
    assert_eq!(confirmed, ConfirmOutcome::Queued);
    let again = confirm(&api.db, api.org, id, api.operator, &api.clock)
        .await
        .unwrap();
    assert_eq!(
        again,
        ConfirmOutcome::AlreadyConfirmed,
        "a double submit queues once"
    );

    let mut small_chunks = runner(&api);
    small_chunks.chunk = 3;
    let stop = tokio::sync::watch::channel(false).1;
    assert!(small_chunks.work(&stop).await.unwrap());
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(v.summary.status, ImportStatus::Done);
    assert_eq!(
        (v.processed_rows, v.created_count, v.skipped_count),
        (7, 2, 5)
    );
    let outcomes: Vec<Option<&str>> = v.rows.iter().map(|r| r.outcome.as_deref()).collect();
    assert_eq!(
        outcomes,
        [
            Some("created"),
            Some("invalid"),
            Some("duplicate"),
            Some("already_invited"),
            Some("existing_user"),
            Some("created"),
            Some("invalid"),
        ]
    );

    let created = invitation::Entity::find()
        .filter(
            invitation::Column::InvitedEmail.is_in(["ann@customer.example", "bo@customer.example"]),
        )
        .all(&api.db)
        .await
        .unwrap();
    assert_eq!(created.len(), 2);
    let ann = created
        .iter()
        .find(|i| i.invited_email.starts_with("ann"))
        .unwrap();
    assert_eq!(ann.invited_display_name.as_deref(), Some("Ann"));
    assert_eq!(ann.message.as_deref(), Some("Welcome!"));
    assert_eq!(
        ann.company_draft,
        Some(json!({ "legalName": "Customer AG", "country": "CH" }))
    );
    let mails = email_outbox::Entity::find().all(&api.db).await.unwrap();
    let mut to: Vec<&str> = mails.iter().map(|m| m.to_address.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        ["ann@customer.example", "bo@customer.example"],
        "one email per created invitation"
    );
    let bo_mail = mails
        .iter()
        .find(|m| m.to_address.starts_with("bo"))
        .unwrap();
    assert_eq!(
        bo_mail.subject, "Ops Bot님이 GFMS에 초대했습니다",
        "in the row's language"
    );
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invitation.created"))
        .filter(audit_event::Column::TargetId.eq(ann.id.to_string()))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audited.details["import"], json!(id.to_string()));
    for action in [
        "bulk_import.uploaded",
        "bulk_import.confirmed",
        "bulk_import.finished",
    ] {
        let n = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq(action))
            .filter(audit_event::Column::TargetId.eq(id.to_string()))
            .count(&api.db)
            .await
            .unwrap();
        assert_eq!(n, 1, "{action}");
    }

    // The same file again: recognised, and nothing is created twice.
    let second = upload(&api, FILE.as_bytes()).await;
    let v2 = view(&api.db, api.org, second, None).await.unwrap().unwrap();
    assert!(v2.same_file_imported_at.is_some());
    assert_eq!(v2.verdict_counts[0], (Verdict::Valid, 0));
    assert_eq!(v2.rows[0].verdict, Verdict::AlreadyInvited);
    assert_eq!(
        confirm(&api.db, api.org, second, api.operator, &api.clock)
            .await
            .unwrap(),
        ConfirmOutcome::NothingToCreate
    );
    assert_eq!(invitation::Entity::find().count(&api.db).await.unwrap(), 3);

    let csv = result_csv(&api.db, api.org, id, Locale::En)
        .await
        .unwrap()
        .unwrap();
    // Every input column as written, then what Lobby made of the row.
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        r#""email","display_name","language","message","legal_name","country","row","verdict","outcome","invitation_id","problems""#
    );
    assert_eq!(
        lines[1],
        format!(
            r#""ann@customer.example","Ann","en","Welcome!","Customer AG","CH","2","valid","created","{}","""#,
            ann.id
        )
    );
    assert_eq!(
        lines[2],
        r#""not-an-email","Bob","en","","","","3","invalid","invalid","","email: is not an email address (expected name@example.com)""#
    );
    assert_eq!(
        lines[3],
        r#""ANN@customer.example","Ann again","","","","","4","duplicate","duplicate","","email: repeats row 2""#
    );
    assert_eq!(lines.len(), 8);
    let ko = result_csv(&api.db, api.org, id, Locale::Ko)
        .await
        .unwrap()
        .unwrap();
    assert!(ko.contains("email: 2행과 중복됩니다"), "{ko}");
    let other_org = uuid::Uuid::new_v4();
    assert!(result_csv(&api.db, other_org, id, Locale::En)
        .await
        .unwrap()
        .is_none());
    assert!(view(&api.db, other_org, id, None).await.unwrap().is_none());
}

#[tokio::test]
async fn a_job_left_by_a_stopped_runner_is_taken_up_when_its_claim_expires() {
    let api = setup().await;
    let mut file = String::from("email\n");
    for i in 0..10 {
        file.push_str(&format!("user{i}@customer.example\n"));
    }
    let id = upload(&api, file.as_bytes()).await;
    confirm(&api.db, api.org, id, api.operator, &api.clock)
        .await
        .unwrap();

    // A runner that is told to stop after it began: it leaves the job
    // running with its claim, as a crashed process would.
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut first = runner(&api);
    first.chunk = 4;
    stop_tx.send(true).unwrap();
    assert!(first.work(&stop).await.unwrap());
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(v.summary.status, ImportStatus::Running);

    // Another runner waits for the claim to expire, then finishes the job.
    let go = tokio::sync::watch::channel(false).1;
    assert!(
        !runner(&api).work(&go).await.unwrap(),
        "the claim still holds"
    );
    api.clock.advance(chrono::Duration::minutes(3));
    assert!(runner(&api).work(&go).await.unwrap());
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(
        (v.summary.status, v.created_count),
        (ImportStatus::Done, 10)
    );
    assert_eq!(
        email_outbox::Entity::find().count(&api.db).await.unwrap(),
        10
    );
}

/// A batch that names an address twice invites it once: the later item
/// meets the invitation the earlier one just made, and one account is made.
#[tokio::test]
async fn a_batch_invites_each_address_once() {
    let api = setup().await;
    let operator = user::Entity::find_by_id(api.operator)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let redirect = format!("{ORIGIN}/");
    let item = |email: &str| {
        let new = NewInvitation {
            email: Some(email.into()),
            redirect_url: Some(redirect.clone()),
            ..Default::default()
        };
        validate(new, std::slice::from_ref(&redirect)).ok().unwrap()
    };
    let items = vec![
        item("kim@customer.example"),
        item("KIM@customer.example"),
        item("lee@customer.example"),
    ];
    let url = redirect.parse().unwrap();
    let (org, inviter) = (org(&api).await, Inviter::from_user(&operator));
    let txn = api.db.begin().await.unwrap();
    let outcomes = create_many_in(&txn, &org, &inviter, items, &url, &api.clock)
        .await
        .unwrap();
    txn.commit().await.unwrap();

    let [Ok(kim), Err(CreateError::PendingInvitation { invitation_id }), Ok(_)] = &outcomes[..]
    else {
        panic!("unexpected outcomes");
    };
    assert_eq!(*invitation_id, kim.invitation.id);
    let kims = user::Entity::find()
        .filter(user::Column::Email.eq("kim@customer.example"))
        .count(&api.db)
        .await
        .unwrap();
    assert_eq!(kims, 1);
    let stored = invitation::Entity::find_by_id(kim.invitation.id)
        .one(&api.db)
        .await
        .unwrap();
    assert_eq!(stored.as_ref(), Some(&kim.invitation), "returned as stored");
}

fn multipart(csrf: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "lobby-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_file(
    api: &Api,
    cookie: Option<&str>,
    csrf: &str,
    bytes: &[u8],
) -> (StatusCode, String) {
    let (content_type, body) = multipart(csrf, "customers.csv", bytes);
    let mut request = Request::post("/admin/invitations/import")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ORIGIN, ORIGIN);
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    let response = api
        .app
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

async fn sign_in(api: &Api) -> (String, String) {
    let response = api
        .app
        .clone()
        .oneshot(
            Request::post("/admin/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, ORIGIN)
                .body(Body::from(
                    "email=ops%40gfms.example&password=a+calm+lake+at+dawn",
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = crate::support::session_cookie(response.headers());
    let (_, _, page) = get(
        &api.app,
        "/admin/invitations/import",
        &[("cookie", &cookie)],
    )
    .await;
    let marker = r#"name="csrf" value=""#;
    let at = page.find(marker).expect("the form carries the CSRF token") + marker.len();
    let csrf = page[at..].split('"').next().unwrap().to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn the_upload_form_needs_a_session_and_its_token_and_explains_bad_files() {
    let api = setup().await;
    let file = b"email,display_name\nann@customer.example,Ann\n";
    let (status, location) = post_file(&api, None, "x", file).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/admin/login")
    );

    let (cookie, csrf) = sign_in(&api).await;
    let (status, _) = post_file(&api, Some(&cookie), "wrong", file).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the session's CSRF token is required"
    );

    let refused = [
        (
            &b"email,fax\na@customer.example,1\n"[..],
            "error=unknown_column&column=fax",
        ),
        (b"display name\nAnn\n", "error=no_email_column"),
        (b"email\n", "error=empty"),
        (b"email\n\xff\n", "error=not_utf8&line=2"),
    ];
    for (bytes, query) in refused {
        let (status, location) = post_file(&api, Some(&cookie), &csrf, bytes).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("/admin/invitations/import?{query}"));
    }
    let mut huge = b"email\n".to_vec();
    huge.resize(app::model::bulk::MAX_FILE_BYTES + 1, b'a');
    let (_, location) = post_file(&api, Some(&cookie), &csrf, &huge).await;
    assert_eq!(location, "/admin/invitations/import?error=too_large");
    let (_, _, page) = get(
        &api.app,
        "/admin/invitations/import?error=unknown_column&column=fax",
        &[("cookie", &cookie)],
    )
    .await;
    assert!(
        page.contains("Unknown column “fax”"),
        "the form explains it"
    );
    assert_eq!(
        lobby::store::entities::bulk_import::Entity::find()
            .count(&api.db)
            .await
            .unwrap(),
        0,
        "refused files leave nothing behind"
    );

    let (status, location) = post_file(&api, Some(&cookie), &csrf, file).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/admin/imports/"), "{location}");
    let (status, _, page) = get(&api.app, &location, &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Import of customers.csv") && page.contains("Create 1 invitations"),
        "{page}"
    );

    let id = location.trim_start_matches("/admin/imports/");
    let response = api
        .app
        .clone()
        .oneshot(
            Request::post("/api/confirm_import")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT, "application/json")
                .body(Body::from(format!("csrf={csrf}&id={id}")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    runner(&api)
        .work(&tokio::sync::watch::channel(false).1)
        .await
        .unwrap();

    let (status, headers, csv) = get(
        &api.app,
        &format!("{location}/result.csv"),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(csv.starts_with("\u{feff}\"email\","), "{csv}");
    assert!(csv.contains(r#""2","valid","created","#), "{csv}");
    let (status, _, _) = get(&api.app, &format!("{location}/result.csv"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "operators only");
}

/// A row whose company data the rules refuse is still imported; the
/// report lists what the customer will be asked to correct.
#[tokio::test]
async fn a_rows_wrong_company_data_is_imported_with_a_warning() {
    use lobby::store::entities::bulk_import_row;
    let api = setup().await;
    let file = "email,legal_name,postal_code,country\n\
                ann@customer.example,Customer AG,80011,CH\n\
                bo@customer.example,Other AG,8001,CH\n";
    let id = upload(&api, file.as_bytes()).await;
    let rows = bulk_import_row::Entity::find()
        .filter(bulk_import_row::Column::ImportId.eq(id))
        .all(&api.db)
        .await
        .unwrap();
    let judged: Vec<(String, String, serde_json::Value)> = rows
        .into_iter()
        .map(|r| (r.email, r.verdict, r.problems))
        .collect();
    assert!(
        judged.contains(&(
            "ann@customer.example".into(),
            "valid".into(),
            json!([{ "column": "postal_code", "code": "postal_code_invalid" }])
        )),
        "{judged:?}"
    );
    assert!(
        judged.contains(&("bo@customer.example".into(), "valid".into(), json!([]))),
        "{judged:?}"
    );
    let confirmed = confirm(&api.db, api.org, id, api.operator, &api.clock)
        .await
        .unwrap();
    assert_eq!(confirmed, ConfirmOutcome::Queued);
    while runner(&api)
        .work(&tokio::sync::watch::channel(false).1)
        .await
        .unwrap()
    {}
    let ann = invitation::Entity::find()
        .filter(invitation::Column::InvitedEmail.eq("ann@customer.example"))
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.company_draft.unwrap()["postalCode"], "80011");
}

/// The template downloads with every column and an example that passes;
/// a result file, its failed rows corrected, uploads again as it is (its
/// own columns ignored, its defused cells read as they were written).
#[tokio::test]
async fn the_template_and_a_corrected_result_file_upload_as_they_are() {
    let api = setup().await;
    let (cookie, _) = sign_in(&api).await;
    let (status, headers, template) = get(
        &api.app,
        "/admin/imports/template.csv",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("invitations-template.csv"));
    let template = template.trim_start_matches('\u{feff}');
    assert!(
        template.starts_with(r#""email","display_name","language","message","legal_name","street","postal_code","city","country","tax_id","phone","website""#),
        "{template}"
    );
    assert!(
        template.contains(r#""'+82 2 1234 5678""#),
        "a phone is defused: {template}"
    );
    let id = upload(&api, template.as_bytes()).await;
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(
        v.rows[0].verdict,
        Verdict::Valid,
        "{:?}",
        v.rows[0].problems
    );
    let (status, _, _) = get(&api.app, "/admin/imports/template.csv", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "operators only");

    // A file with a wrong country: the result says what the cell must hold.
    let file = "email,country,phone\nbo@customer.example,Korea,+82 2 1234 5678\n";
    let id = upload(&api, file.as_bytes()).await;
    let result = result_csv(&api.db, api.org, id, Locale::En)
        .await
        .unwrap()
        .unwrap();
    assert!(
        result.contains("country: must be a two-letter country code such as KR or CH"),
        "{result}"
    );
    // Corrected in the result and uploaded again: valid, phone and all.
    let corrected = result.replace(r#""Korea""#, r#""KR""#);
    let id = upload(&api, corrected.as_bytes()).await;
    let v = view(&api.db, api.org, id, None).await.unwrap().unwrap();
    assert_eq!(
        v.rows[0].verdict,
        Verdict::Valid,
        "{:?}",
        v.rows[0].problems
    );
}
