//! Benchmark helper (not a test): fills the database at `DATABASE_URL`
//! with `count` invitations of its one organization, spread over the last
//! year at every step of the way in, as a busy seller's would be, for
//! `bench/overview.sh` to time the overview against. Written straight into
//! the table, a few hundred rows per statement, so 100 000 take seconds.
//!   overview_seed <database url> [count, default 100000]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app::model::progress::ProgressStep;
use chrono::{Duration, Utc};
use lobby::store::entities::{invitation, org_role, organization};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// A small deterministic generator: the same data every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("a database URL");
    let count: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let db = lobby::store::connect(&url).await.expect("database");
    let org = organization::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("an organization (run `lobby admin create` first)");
    let inviter = org_role::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .map(|r| r.user_id);
    let now = Utc::now();
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut batch = Vec::new();
    for i in 0..count {
        let created = now - Duration::minutes(dice.roll(365 * 24 * 60) as i64);
        // Most stop early; a third get through.
        let step = match dice.roll(100) {
            0..=14 => ProgressStep::Invited,
            15..=29 => ProgressStep::EmailDelivered,
            30..=44 => ProgressStep::LinkOpened,
            45..=54 => ProgressStep::SignedIn,
            55..=64 => ProgressStep::TermsAccepted,
            65..=69 => ProgressStep::CompanyCreated,
            _ => ProgressStep::Welcomed,
        };
        let later = |d: &mut Dice| created + Duration::minutes(d.roll(7 * 24 * 60) as i64);
        let company_at = (step >= ProgressStep::CompanyCreated).then(|| later(&mut dice));
        let accepted = step >= ProgressStep::TermsAccepted;
        let revoked = !accepted && dice.roll(50) == 0;
        let status = match (accepted, revoked) {
            (true, _) => "Accepted",
            (_, true) => "Revoked",
            _ => "PendingAcceptance",
        };
        batch.push(invitation::ActiveModel {
            id: Set(Uuid::new_v4()),
            organization_id: Set(org.id),
            ticket_hash: Set(format!("bench-{i}-{}", Uuid::new_v4().simple())),
            invited_email: Set(format!("customer{i}@bench.example")),
            invited_display_name: Set(Some(format!("Customer {i}"))),
            inviter_id: Set(inviter),
            message: Set(None),
            message_language: Set(None),
            redirect_url: Set("http://127.0.0.1/".into()),
            user_type: Set("Guest".into()),
            company_draft: Set(None),
            company_id: Set(None),
            status: Set(status.into()),
            invited_user_id: Set(None),
            send_count: Set(1),
            created_at: Set(created),
            sent_at: Set(Some(created)),
            expires_at: Set(created + Duration::days(30)),
            redeemed_at: Set(accepted.then_some(created)),
            redeemed_by: Set(None),
            revoked_at: Set(revoked.then_some(created)),
            cc_email: Set(None),
            reset_redemption: Set(false),
            company_role: Set(None),
            progress: Set(step.code().into()),
            progress_at: Set(Some(company_at.unwrap_or(created))),
            first_opened_at: Set(None),
            last_opened_at: Set(None),
            signed_in_at: Set(None),
            sign_in_method: Set(None),
            sign_in_source: Set(None),
            welcomed_at: Set(None),
            company_at: Set(company_at),
            mail_failed_at: Set((dice.roll(100) == 0).then_some(created)),
        });
        if batch.len() == 400 {
            invitation::Entity::insert_many(std::mem::take(&mut batch))
                .exec(&db)
                .await
                .unwrap();
        }
    }
    if !batch.is_empty() {
        invitation::Entity::insert_many(batch)
            .exec(&db)
            .await
            .unwrap();
    }
    // As the database would be after its routine upkeep (PostgreSQL's
    // autovacuum, SQLite's optimize): statistics read, pages marked visible.
    let upkeep = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "VACUUM ANALYZE invitation",
        _ => "ANALYZE",
    };
    db.execute_unprepared(upkeep).await.unwrap();
    println!("seeded {count} invitations");
}
