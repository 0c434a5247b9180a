//! Migrations and every entity, on SQLite and on PostgreSQL.

use std::fmt::Debug;

use chrono::{TimeZone, Utc};
use lobby::clock::{Clock, ManualClock};
use lobby::store::entities::*;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::db;

async fn round_trip<E>(db: &DatabaseConnection, model: E::Model)
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + PartialEq + Debug + Clone + Send,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    E::insert(model.clone().into_active_model().reset_all())
        .exec_without_returning(db)
        .await
        .unwrap_or_else(|e| panic!("insert into {}: {e}", E::default().table_name()));
    let stored = E::find().all(db).await.expect("select");
    assert!(
        stored.contains(&model),
        "{} did not round-trip: {stored:?}",
        E::default().table_name()
    );
}

/// Inserts one row of every table, each field set, and reads it back unchanged.
async fn every_entity_round_trips(db: &DatabaseConnection) {
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 15).unwrap()
            + chrono::Duration::microseconds(123_456),
    );
    let now = clock.now();
    let later = now + chrono::Duration::days(30);
    let (org, user, company, invitation) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );

    round_trip::<organization::Entity>(
        db,
        organization::Model {
            id: org,
            slug: "gfms".into(),
            name: "GFMS — Georg Fischer Machining Solutions".into(),
            accent_color: "#f26b21".into(),
            logo_url: Some("https://gfms.example/logo.svg".into()),
            privacy_url: Some("https://gfms.example/privacy".into()),
            privacy_version: "2026-01".into(),
            default_locale: "ko".into(),
            verified_domains: json!(["gfms.example"]),
            redemption_order: json!(["existing_account", "email_otp"]),
            email_otp_enabled: true,
            trusted_domains: json!(["partner.example"]),
            welcome_links: json!([{"label": "Docs", "url": "https://gfms.example/docs"}]),
            allowed_redirect_prefixes: json!(["https://portal.gfms.example/"]),
            created_at: now,
            product_name: Some("GFMS Partner Portal".into()),
        },
    )
    .await;
    round_trip::<user::Entity>(
        db,
        user::Model {
            id: user,
            email: "jiwoo.kim@customer.example".into(),
            email_verified: true,
            display_name: Some("김지우".into()),
            locale: Some("ko".into()),
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            failed_sign_ins: 2,
            contact_email: None,
            created_at: now,
            updated_at: later,
        },
    )
    .await;
    round_trip::<identity::Entity>(
        db,
        identity::Model {
            id: Uuid::new_v4(),
            user_id: user,
            provider: "oidc".into(),
            issuer: "https://idp.customer.example".into(),
            subject: "248289761001".into(),
            email: Some("jiwoo.kim@customer.example".into()),
            created_at: now,
        },
    )
    .await;
    round_trip::<org_role::Entity>(
        db,
        org_role::Model {
            id: Uuid::new_v4(),
            organization_id: org,
            user_id: user,
            role: "admin".into(),
            created_at: now,
        },
    )
    .await;
    round_trip::<company::Entity>(
        db,
        company::Model {
            id: company,
            organization_id: org,
            legal_name: "Customer AG".into(),
            street: "Bahnhofstrasse 1".into(),
            postal_code: "8001".into(),
            city: "Zürich".into(),
            country: "CH".into(),
            tax_id: Some("CHE-123.456.788".into()),
            phone: Some("+41 44 000 00 00".into()),
            website: Some("https://customer.example".into()),
            created_by: Some(user),
            created_at: now,
        },
    )
    .await;
    round_trip::<membership::Entity>(
        db,
        membership::Model {
            id: Uuid::new_v4(),
            company_id: company,
            user_id: user,
            role: "company_admin".into(),
            created_at: now,
        },
    )
    .await;
    round_trip::<invitation::Entity>(
        db,
        invitation::Model {
            id: invitation,
            organization_id: org,
            ticket_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            invited_email: "jiwoo.kim@customer.example".into(),
            invited_display_name: Some("Jiwoo Kim".into()),
            inviter_id: Some(user),
            message: Some("Welcome <b>aboard</b> & see you soon".into()),
            message_language: Some("ko".into()),
            redirect_url: "https://portal.gfms.example/".into(),
            user_type: "Guest".into(),
            company_draft: Some(json!({"legalName": "Customer AG", "country": "CH"})),
            company_id: Some(company),
            status: "PendingAcceptance".into(),
            invited_user_id: Some(user),
            send_count: 1,
            created_at: now,
            sent_at: Some(now),
            expires_at: later,
            redeemed_at: Some(later),
            redeemed_by: Some(user),
            revoked_at: Some(later),
            cc_email: Some("assistant@customer.example".into()),
            reset_redemption: true,
            company_role: Some("company_admin".into()),
            progress: "signed_in".into(),
            progress_at: Some(later),
            first_opened_at: Some(now),
            last_opened_at: Some(later),
            signed_in_at: Some(later),
            sign_in_method: Some("microsoft".into()),
            sign_in_source: Some("9188040d-6c67-4c5b-b112-36a304b66dad".into()),
            welcomed_at: Some(later),
            company_at: None,
            mail_failed_at: None,
        },
    )
    .await;
    round_trip::<terms_version::Entity>(
        db,
        terms_version::Model {
            id: Uuid::new_v4(),
            organization_id: org,
            version: 3,
            body_markdown: "# Terms\n\n* one\n* two\n".repeat(200),
            published_by: Some(user),
            published_at: now,
            translations: Some(json!({ "ko": "# 약관\n\n한국어 본문" })),
        },
    )
    .await;
    round_trip::<consent::Entity>(
        db,
        consent::Model {
            id: Uuid::new_v4(),
            user_id: user,
            organization_id: org,
            privacy_version: Some("2026-01".into()),
            terms_version: Some(3),
            automatic: false,
            client_address: Some("203.0.113.7".into()),
            user_agent: Some("Mozilla/5.0".into()),
            accepted_at: now,
            terms_language: Some("ko".into()),
        },
    )
    .await;
    // A consent without terms (none were published): nothing stands for them.
    round_trip::<consent::Entity>(
        db,
        consent::Model {
            id: Uuid::new_v4(),
            user_id: user,
            organization_id: org,
            privacy_version: None,
            terms_version: None,
            automatic: true,
            client_address: None,
            user_agent: None,
            accepted_at: now,
            terms_language: None,
        },
    )
    .await;
    round_trip::<email_outbox::Entity>(
        db,
        email_outbox::Model {
            id: Uuid::new_v4(),
            to_address: "jiwoo.kim@customer.example".into(),
            cc_address: Some("boss@customer.example".into()),
            subject: "초대장".into(),
            body_text: "text".into(),
            body_html: Some("<p>html</p>".into()),
            status: "pending".into(),
            attempts: 3,
            next_attempt_at: later,
            claimed_until: Some(later),
            claimed_by: Some(Uuid::new_v4()),
            last_error: Some("421 try later".into()),
            created_at: now,
            sent_at: Some(later),
            invitation_id: Some(Uuid::new_v4()),
        },
    )
    .await;
    round_trip::<verification_code::Entity>(
        db,
        verification_code::Model {
            id: Uuid::new_v4(),
            purpose: "email_otp".into(),
            email: "jiwoo.kim@customer.example".into(),
            code_hash: "hash".into(),
            session_id: Some("session-hash".into()),
            attempts_left: 5,
            expires_at: later,
            consumed_at: Some(later),
            created_at: now,
        },
    )
    .await;
    round_trip::<audit_event::Entity>(
        db,
        audit_event::Model {
            id: Uuid::new_v4(),
            organization_id: Some(org),
            actor_id: Some(user),
            action: "invitation.created".into(),
            target_type: "invitation".into(),
            target_id: invitation.to_string(),
            details: json!({"email": "jiwoo.kim@customer.example", "sendCount": 1}),
            created_at: now,
        },
    )
    .await;
    round_trip::<session::Entity>(
        db,
        session::Model {
            id: "c0ffee".repeat(10),
            user_id: Some(user),
            data: json!({"csrf": "token"}),
            created_at: now,
            last_seen_at: now,
            expires_at: later,
        },
    )
    .await;

    round_trip::<rate_limit_event::Entity>(
        db,
        rate_limit_event::Model {
            id: Uuid::new_v4(),
            key: "operator-sign-in:203.0.113.7".into(),
            at: now,
        },
    )
    .await;
    round_trip::<api_token::Entity>(
        db,
        api_token::Model {
            id: Uuid::new_v4(),
            user_id: user,
            organization_id: org,
            name: "CI".into(),
            token_hash: "ab".repeat(32),
            prefix: "lobby_abcdef".into(),
            created_at: now,
            last_used_at: Some(later),
            revoked_at: Some(later),
        },
    )
    .await;
    round_trip::<invitation_ticket::Entity>(
        db,
        invitation_ticket::Model {
            ticket_hash: "cd".repeat(32),
            invitation_id: invitation,
            created_at: now,
            replaced_at: Some(later),
        },
    )
    .await;

    // The schema's own rules hold: one user per email, one identity per (issuer, subject).
    let duplicate_identity = identity::Model {
        id: Uuid::new_v4(),
        user_id: user,
        provider: "oidc".into(),
        issuer: "https://idp.customer.example".into(),
        subject: "248289761001".into(),
        email: None,
        created_at: now,
    };
    assert!(
        identity::Entity::insert(duplicate_identity.into_active_model().reset_all())
            .exec_without_returning(db)
            .await
            .is_err()
    );
    let mut duplicate_user = user::Entity::find_by_id(user)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    duplicate_user.id = Uuid::new_v4();
    assert!(
        user::Entity::insert(duplicate_user.into_active_model().reset_all())
            .exec_without_returning(db)
            .await
            .is_err()
    );
}

async fn migrate_again_changes_nothing(db: &DatabaseConnection) {
    let count = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM seaql_migrations",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
        }
    };
    let before = count(db).await;
    lobby::store::migrate(db).await.expect("second migrate");
    lobby::store::migrate(db).await.expect("third migrate");
    assert_eq!(count(db).await, before);
    assert!(before >= 1);
}

async fn default_organization_is_created_once(db: &DatabaseConnection) {
    let clock = ManualClock::new(Utc::now());
    let first = lobby::store::ensure_default_organization(db, "acme", "Acme AG", "#0a7", &clock)
        .await
        .unwrap();
    let second = lobby::store::ensure_default_organization(db, "acme", "Renamed", "#000", &clock)
        .await
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(first.name, "Acme AG");
    assert_eq!(organization::Entity::find().count(db).await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_every_entity_round_trips() {
    every_entity_round_trips(&db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_every_entity_round_trips() {
    if let Some(pg) = db::postgres("every_entity_round_trips").await {
        every_entity_round_trips(&pg.db).await;
    }
}

/// The bundled SQLite plans a statement once (`.cargo/config.toml`): without
/// the query planner stability guarantee, every `.one()` (sea-orm binds its
/// `LIMIT 1`) was compiled again on each run. It keeps no memory statistics,
/// which took a global mutex on each of its allocations.
#[tokio::test]
async fn sqlite_keeps_each_statements_plan() {
    let db = db::sqlite().await;
    let options = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = options
        .iter()
        .map(|row| row.try_get_by_index(0).unwrap())
        .collect();
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
}

/// A PostgreSQL restart ends the pool's connections while they wait; the
/// next query, a moment later, still succeeds: a connection unused for a
/// while is tested before it is used (a busy one is not, `store::connect`).
#[tokio::test]
async fn postgres_a_restart_between_queries_goes_unnoticed() {
    if let Some(pg) = db::postgres("a_restart_between_queries_goes_unnoticed").await {
        let before = organization::Entity::find().count(&pg.db).await.unwrap();
        pg.refuse_connections(true).await;
        pg.refuse_connections(false).await;
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        let after = organization::Entity::find().count(&pg.db).await;
        assert_eq!(after.unwrap(), before);
    }
}

#[tokio::test]
async fn sqlite_migrate_is_idempotent() {
    migrate_again_changes_nothing(&db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_migrate_is_idempotent() {
    if let Some(pg) = db::postgres("migrate_is_idempotent").await {
        migrate_again_changes_nothing(&pg.db).await;
    }
}

#[tokio::test]
async fn sqlite_default_organization_is_created_once() {
    default_organization_is_created_once(&db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_default_organization_is_created_once() {
    if let Some(pg) = db::postgres("default_organization_is_created_once").await {
        default_organization_is_created_once(&pg.db).await;
    }
}
