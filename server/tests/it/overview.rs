//! The overview (issue 24, points 1 and 2): the redemption funnel of the
//! invitations an operator picks, the numbers checked first, the median
//! time to a company and invitations per day by outcome, on SQLite and
//! PostgreSQL; a period that is not one is refused and changes nothing;
//! each step's figure leads to the list of exactly those customers, and
//! failed emails are a list of their own.

use app::model::invitation::{InvitationPage, ListFilter};
use app::model::overview::{Overview, OverviewOutcome, PeriodProblem};
use app::model::progress::ProgressStep;
use axum::http::StatusCode;
use chrono::Duration;
use lobby::clock::Clock;
use lobby::mail::worker::OutboxWorker;
use lobby::mail::MailTransport;
use lobby::secret::Secret;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

use crate::progress::{company_form, ACCEPT};
use crate::support::api::{call, create_invitation, setup, setup_on, Api};
use crate::support::browser::{sign_in_with_passcode, Browser};
use crate::support::operator::{admin_session, Admin};
use crate::support::router::get;
use crate::support::smtp::SmtpSink;

/// Creates an invitation by the API; `(its id, its ticket)`.
async fn invite(api: &Api, email: &str, extra: Value) -> (String, String) {
    let mut body = json!({
        "invitedUserEmailAddress": email,
        "inviteRedirectUrl": "http://lobby.test/welcome",
        "sendInvitationMessage": false,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = create_invitation(api, body).await;
    let url = created["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap().to_owned();
    (created["id"].as_str().unwrap().to_owned(), ticket)
}

/// The customer signs in, accepts the terms and, when `company`, makes
/// their company and reaches the welcome page.
async fn redeem(api: &Api, ticket: &str, email: &str, upto: ProgressStep) {
    let mut browser = Browser::new(api);
    sign_in_with_passcode(&mut browser, ticket, email).await;
    if upto >= ProgressStep::TermsAccepted {
        browser
            .post(&format!("/invite/{ticket}/consent"), &ACCEPT)
            .await;
    }
    if upto >= ProgressStep::CompanyCreated {
        browser
            .post(&format!("/invite/{ticket}/company"), &company_form())
            .await;
    }
    if upto >= ProgressStep::Welcomed {
        let welcome = browser.get(&format!("/invite/{ticket}/continue")).await;
        assert_eq!(welcome.status, StatusCode::OK);
    }
}

/// Customers at every step, all invited at once today, and two invited 40
/// days ago (expired since). The company step is reached 2 and 4 hours
/// after the invitation. Returns the invitations' ids by address.
async fn customers_at_every_step(api: &Api) -> HashMap<&'static str, String> {
    let mut ids = HashMap::new();
    api.clock.advance(-Duration::days(40));
    for old in ["old1@customer.example", "old2@customer.example"] {
        ids.insert(old, invite(api, old, json!({})).await.0);
    }
    api.clock.advance(Duration::days(40));

    let sending = json!({ "sendInvitationMessage": true });
    let soon = json!({ "expiresInDays": 3 });
    let mut tickets = HashMap::new();
    for (email, extra) in [
        ("stays@customer.example", soon),
        ("revoked@customer.example", json!({})),
        ("no-such-mailbox@customer.example", sending.clone()),
        ("delivered@customer.example", sending),
        ("opened@customer.example", json!({})),
        ("signed@customer.example", json!({})),
        ("terms@customer.example", json!({})),
        ("company@customer.example", json!({})),
        ("welcomed@customer.example", json!({})),
    ] {
        let (id, ticket) = invite(api, email, extra).await;
        ids.insert(email, id);
        tickets.insert(email, ticket);
    }
    // One mail server takes one email and refuses the other for good.
    let sink = SmtpSink::start().await;
    let transport = MailTransport::smtp(&Secret::new(sink.url())).unwrap();
    let from = "GFMS <no-reply@gfms.example>".parse().unwrap();
    let worker = OutboxWorker::new(api.db.clone(), transport, from, Arc::new(api.clock.clone()));
    let (_keep, running) = tokio::sync::watch::channel(false);
    assert_eq!(worker.deliver_due(&running).await.unwrap(), 2);

    let revoke = format!(
        "/v1.0/invitations/{}/revoke",
        ids["revoked@customer.example"]
    );
    let (status, _, _) = call(&api.app, "POST", &revoke, Some(&api.token), None).await;
    assert!(status.is_success(), "{status}");
    let opened = Browser::new(api)
        .get(&format!("/invite/{}", tickets["opened@customer.example"]))
        .await;
    assert_eq!(opened.status, StatusCode::OK);
    for (email, upto) in [
        ("signed@customer.example", ProgressStep::SignedIn),
        ("terms@customer.example", ProgressStep::TermsAccepted),
    ] {
        redeem(api, &tickets[email], email, upto).await;
    }
    api.clock.advance(Duration::hours(2));
    let company = "company@customer.example";
    redeem(
        api,
        &tickets[company],
        company,
        ProgressStep::CompanyCreated,
    )
    .await;
    api.clock.advance(Duration::hours(2));
    let welcomed = "welcomed@customer.example";
    redeem(api, &tickets[welcomed], welcomed, ProgressStep::Welcomed).await;
    ids
}

/// The overview of `scope` (`from`, `to`, `import`, `inviter`).
async fn overview(api: &Api, admin: &Admin, scope: &[(&str, &str)]) -> OverviewOutcome {
    let fields: Vec<(String, &str)> = scope
        .iter()
        .map(|(k, v)| (format!("scope[{k}]"), *v))
        .collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let body = admin.call(api, "/api/load_overview", &fields).await;
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn shown(outcome: OverviewOutcome) -> Overview {
    match outcome {
        OverviewOutcome::Shown(o) => o,
        OverviewOutcome::Refused(p) => panic!("refused: {p:?}"),
    }
}

/// The addresses of the list `filter` selects, as the dashboard reads it.
async fn listed(api: &Api, admin: &Admin, filter: &ListFilter) -> Vec<String> {
    let mut fields = vec![];
    for (k, v) in filter.pairs() {
        let key = match k {
            "q" => "filter[search]".to_owned(),
            "mail" => "filter[failed_mail]".to_owned(),
            "from" | "to" | "import" | "inviter" => format!("filter[scope][{k}]"),
            other => format!("filter[{other}]"),
        };
        let value = if k == "mail" { "true" } else { v };
        fields.push((key, value.to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = admin.call(api, "/api/list_invitations", &fields).await;
    let page: InvitationPage =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let mut emails: Vec<String> = page.rows.into_iter().map(|r| r.email).collect();
    emails.sort();
    emails
}

#[tokio::test]
async fn the_funnel_counts_every_step_and_each_figure_leads_to_its_customers() {
    funnel_counts_every_step(setup().await).await;
}

#[tokio::test]
async fn postgres_the_funnel_counts_every_step_and_each_figure_leads_to_its_customers() {
    let test = "the_funnel_counts_every_step_and_each_figure_leads_to_its_customers";
    if let Some(pg) = crate::support::db::postgres(test).await {
        funnel_counts_every_step(setup_on(pg.db.clone()).await).await;
    }
}

async fn funnel_counts_every_step(api: Api) {
    let ids = customers_at_every_step(&api).await;
    let admin = admin_session(&api).await;

    // The last 30 days: today's nine, not the two of 40 days ago.
    let o = shown(overview(&api, &admin, &[]).await);
    let reached: Vec<(ProgressStep, u64, u64)> = o
        .steps
        .iter()
        .map(|s| (s.step, s.reached, s.stopped))
        .collect();
    assert_eq!(
        reached,
        [
            (ProgressStep::Invited, 9, 3),
            (ProgressStep::EmailDelivered, 6, 1),
            (ProgressStep::LinkOpened, 5, 1),
            (ProgressStep::SignedIn, 4, 1),
            (ProgressStep::TermsAccepted, 3, 1),
            (ProgressStep::CompanyCreated, 2, 2),
        ]
    );
    assert_eq!(o.median_minutes_to_company, Some(180), "2 h and 4 h");
    assert_eq!(
        o.pending, 5,
        "not yet past the terms, not revoked, not expired"
    );
    assert_eq!(o.expiring_this_week, 1);
    assert_eq!(o.failed_emails, 1);
    let today = api.clock.now().date_naive();
    assert_eq!(o.to, today.to_string());
    assert_eq!(o.from, (today - Duration::days(29)).to_string());
    assert_eq!(o.buckets.len(), 30, "a column a day, empty days too");
    assert!(!o.weekly);
    let invited_on = (api.clock.now() - Duration::hours(4))
        .date_naive()
        .to_string();
    let day = o.buckets.iter().find(|b| b.start == invited_on).unwrap();
    assert_eq!(
        (day.finished, day.open, day.expired, day.revoked),
        (2, 6, 0, 1)
    );
    assert_eq!(o.buckets.iter().map(|b| b.total()).sum::<u64>(), 9);

    // A period back to the old ones: they count, expired.
    let from = (today - Duration::days(41)).to_string();
    let long = shown(overview(&api, &admin, &[("from", &from)]).await);
    assert_eq!(long.invited(), 11);
    let expired: u64 = long.buckets.iter().map(|b| b.expired).sum();
    assert_eq!(expired, 2);
    assert_eq!(long.pending, 5, "the expired are not pending");

    // Each step's "stopped here" is the list of exactly those customers.
    let scope = app::model::overview::Scope {
        from: Some(o.from.clone()),
        to: Some(o.to.clone()),
        ..Default::default()
    };
    let step = |step| ListFilter {
        progress: Some(step),
        scope: scope.clone(),
        ..ListFilter::default()
    };
    assert_eq!(
        listed(&api, &admin, &step(ProgressStep::Invited)).await,
        [
            "no-such-mailbox@customer.example",
            "revoked@customer.example",
            "stays@customer.example"
        ]
    );
    assert_eq!(
        listed(&api, &admin, &step(ProgressStep::LinkOpened)).await,
        ["opened@customer.example"]
    );
    // Failed emails: a list of their own.
    let failed = ListFilter {
        failed_mail: true,
        ..ListFilter::default()
    };
    assert_eq!(
        listed(&api, &admin, &failed).await,
        ["no-such-mailbox@customer.example"]
    );
    // The search reaches the companies' names.
    let company = ListFilter {
        search: Some("customer ag".into()),
        ..ListFilter::default()
    };
    assert_eq!(
        listed(&api, &admin, &company).await,
        ["company@customer.example", "welcomed@customer.example"]
    );
    assert_eq!(ids.len(), 11);
}

#[tokio::test]
async fn a_period_that_is_not_one_is_refused_with_its_reason() {
    let api = setup().await;
    let admin = admin_session(&api).await;
    for (scope, problem) in [
        (
            [("from", "2026-12-05"), ("to", "2026-12-01")],
            PeriodProblem::EndBeforeStart,
        ),
        (
            [("from", "2023-01-01"), ("to", "2026-12-01")],
            PeriodProblem::TooLong,
        ),
        (
            [("from", "yesterday"), ("to", "2026-12-01")],
            PeriodProblem::NotADate,
        ),
    ] {
        assert_eq!(
            overview(&api, &admin, &scope).await,
            OverviewOutcome::Refused(problem),
            "{scope:?}"
        );
    }
    // Two years to the day is allowed.
    let two_years = [("from", "2024-12-01"), ("to", "2026-11-30")];
    assert!(matches!(
        overview(&api, &admin, &two_years).await,
        OverviewOutcome::Shown(_)
    ));
    // The page says why, in the operator's words, and still offers the form.
    let (status, _, page) = get(
        &api.app,
        "/admin?from=2026-12-05&to=2026-12-01",
        &[("cookie", &admin.cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("The period ends before it starts"), "{page}");
    assert!(page.contains(r#"id="scope-from""#), "{page}");
}

#[tokio::test]
async fn the_overview_reads_one_import_whole_or_one_inviters_invitations() {
    use lobby::invitations::bulk::job::{confirm, BulkRunner};
    use lobby::invitations::bulk::preview::{preview, Upload};
    use lobby::store::entities::organization;
    use sea_orm::EntityTrait;

    let api = setup().await;
    let admin = admin_session(&api).await;
    invite(&api, "by-api@customer.example", json!({})).await;
    let org = organization::Entity::find_by_id(api.org)
        .one(&api.db)
        .await
        .unwrap()
        .unwrap();
    let origin = "http://lobby.test/".parse().unwrap();
    let file = "email,display_name\nann@customer.example,Ann\nbo@customer.example,Bo\n";
    let upload = Upload {
        file_name: "customers.csv",
        bytes: file.as_bytes(),
    };
    let import = preview(&api.db, &org, api.operator, upload, &origin, &api.clock)
        .await
        .unwrap();
    confirm(&api.db, api.org, import, api.operator, &api.clock)
        .await
        .unwrap();
    let runner = BulkRunner::new(api.db.clone(), Arc::new(api.clock.clone()), origin);
    assert!(runner
        .work(&tokio::sync::watch::channel(false).1)
        .await
        .unwrap());

    let everything = shown(overview(&api, &admin, &[]).await);
    assert_eq!(everything.invited(), 3);
    let import_id = import.to_string();
    let one_import = shown(overview(&api, &admin, &[("import", &import_id)]).await);
    assert_eq!(one_import.invited(), 2);
    assert_eq!(one_import.from, one_import.to, "read whole: its one day");
    assert!(one_import.imports.iter().any(|i| i.id == import_id));
    // Ada (the admin) invited none; the API's operator all three.
    let ada = one_import
        .inviters
        .iter()
        .find(|i| i.label == "Ada")
        .unwrap()
        .id
        .clone();
    assert_eq!(
        shown(overview(&api, &admin, &[("inviter", &ada)]).await).invited(),
        0
    );
    let ops = api.operator.to_string();
    assert_eq!(
        shown(overview(&api, &admin, &[("inviter", &ops)]).await).invited(),
        3
    );
    // The list behind it agrees.
    let filter = ListFilter {
        scope: app::model::overview::Scope {
            import: Some(import_id),
            ..Default::default()
        },
        ..ListFilter::default()
    };
    assert_eq!(
        listed(&api, &admin, &filter).await,
        ["ann@customer.example", "bo@customer.example"]
    );
}

/// The list's page as the dashboard reads it: rows and counts per status.
async fn list_page(api: &Api, admin: &Admin, fields: &[(&str, &str)]) -> InvitationPage {
    let body = admin.call(api, "/api/list_invitations", fields).await;
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn the_list_counts_each_status_sorts_by_any_column_and_ignores_what_is_not_one() {
    use app::model::invitation::InvitationStatus;
    let api = setup().await;
    let admin = admin_session(&api).await;
    for (email, name) in [
        ("bo@customer.example", "Zed"),
        ("ann@customer.example", "Yun"),
        ("cy@customer.example", "Xia"),
    ] {
        invite(&api, email, json!({ "invitedUserDisplayName": name })).await;
        api.clock.advance(Duration::minutes(1));
    }
    let (revoked, _) = invite(&api, "dee@customer.example", json!({})).await;
    let revoke = format!("/v1.0/invitations/{revoked}/revoke");
    let (status, _, _) = call(&api.app, "POST", &revoke, Some(&api.token), None).await;
    assert!(status.is_success());

    // Counts per status whatever the status filter says, with the others.
    let pending = list_page(&api, &admin, &[("filter[status]", "PendingAcceptance")]).await;
    assert_eq!(pending.rows.len(), 3);
    assert_eq!(
        pending.counts,
        [
            (InvitationStatus::PendingAcceptance, 3),
            (InvitationStatus::Accepted, 0),
            (InvitationStatus::Expired, 0),
            (InvitationStatus::Revoked, 1),
        ]
    );
    let searched = list_page(&api, &admin, &[("filter[search]", "ann")]).await;
    assert_eq!(searched.counts[0], (InvitationStatus::PendingAcceptance, 1));

    // By name up, by email down, and paged in that order.
    let emails = |page: &InvitationPage| {
        page.rows
            .iter()
            .map(|r| r.email.clone())
            .collect::<Vec<_>>()
    };
    let by_name = list_page(
        &api,
        &admin,
        &[
            ("filter[sort][column]", "name"),
            ("filter[sort][descending]", "false"),
            ("filter[status]", "PendingAcceptance"),
        ],
    )
    .await;
    assert_eq!(
        emails(&by_name),
        [
            "cy@customer.example",
            "ann@customer.example",
            "bo@customer.example"
        ]
    );
    let down = list_page(
        &api,
        &admin,
        &[
            ("filter[sort][column]", "email"),
            ("filter[sort][descending]", "true"),
        ],
    )
    .await;
    assert_eq!(
        emails(&down),
        [
            "dee@customer.example",
            "cy@customer.example",
            "bo@customer.example",
            "ann@customer.example"
        ]
    );
    // The page the operator opens: a sort that is no column is ignored.
    for query in [
        "sort=password",
        "sort=-",
        "progress=nowhere&status=Bogus&from=soon",
    ] {
        let (status, _, page) = get(
            &api.app,
            &format!("/admin/invitations?{query}"),
            &[("cookie", &admin.cookie)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(
            page.contains("dee@customer.example"),
            "{query}: the whole list"
        );
    }
    // The CSV is the list as shown: filtered and in its order.
    let (status, _, csv) = get(
        &api.app,
        "/admin/invitations.csv?status=PendingAcceptance&sort=-email",
        &[("cookie", &admin.cookie)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let order: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(|cell| cell.trim_matches('"'))
        .collect();
    assert_eq!(
        order,
        [
            "cy@customer.example",
            "bo@customer.example",
            "ann@customer.example"
        ]
    );
}
