//! Emailed six-digit codes: single use, 10 minutes, 5 tries, 60 s between
//! codes, bound to the session that asked, stored only as a keyed hash; on
//! SQLite and PostgreSQL.

use lobby::auth::codes::{check, issue, Checked, Issued, Purpose, Request};
use lobby::clock::ManualClock;
use lobby::store::entities::verification_code;
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::support::db;

const KEY: [u8; 32] = [7; 32];

fn who(session: &str) -> Request<'_> {
    Request {
        purpose: Purpose::SignIn,
        email: "jiwoo.kim@customer.example",
        session_id: session,
    }
}

async fn code_for(db: &DatabaseConnection, session: &str, clock: &ManualClock) -> String {
    match issue(db, &KEY, &who(session), clock).await.unwrap() {
        Issued::Code { code, .. } => code.expose().clone(),
        Issued::TooSoon { wait_seconds } => panic!("too soon by {wait_seconds} s"),
    }
}

/// Another code than `code` (so a wrong guess is surely wrong).
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

async fn codes_keep_their_rules(db: DatabaseConnection) {
    let clock = ManualClock::new(chrono::Utc::now());

    // Single use, and stored only as a keyed hash.
    let code = code_for(&db, "session-a", &clock).await;
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    let stored = verification_code::Entity::find().all(&db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].code_hash.contains(&code) && stored[0].code_hash.len() == 64);
    // Another browser session cannot use it, and that costs the owner nothing.
    assert_eq!(
        check(&db, &KEY, &who("session-b"), &code, &clock)
            .await
            .unwrap(),
        Checked::NeedNew
    );
    assert_eq!(
        check(
            &db,
            &KEY,
            &who("session-a"),
            &format!(" {}-{} ", &code[..3], &code[3..]),
            &clock
        )
        .await
        .unwrap(),
        Checked::Accepted,
        "spaces and a dash as people type them"
    );
    assert_eq!(
        check(&db, &KEY, &who("session-a"), &code, &clock)
            .await
            .unwrap(),
        Checked::NeedNew
    );

    // A new code only after 60 seconds; then the earlier one is void.
    assert!(matches!(
        issue(&db, &KEY, &who("session-a"), &clock).await.unwrap(),
        Issued::TooSoon { wait_seconds: 60 }
    ));
    assert!(
        matches!(
            issue(&db, &KEY, &who("session-b"), &clock).await.unwrap(),
            Issued::TooSoon { .. }
        ),
        "the pause is per address, whichever session asks"
    );
    clock.advance(chrono::Duration::seconds(61));
    let first = code_for(&db, "session-a", &clock).await;
    clock.advance(chrono::Duration::seconds(61));
    let second = code_for(&db, "session-a", &clock).await;
    if first != second {
        assert!(
            matches!(
                check(&db, &KEY, &who("session-a"), &first, &clock)
                    .await
                    .unwrap(),
                Checked::Wrong { .. }
            ),
            "only the latest code works"
        );
    }

    // Malformed entries use no try; five wrong ones end the code.
    assert_eq!(
        check(&db, &KEY, &who("session-a"), "12a456", &clock)
            .await
            .unwrap(),
        Checked::Malformed
    );
    assert_eq!(
        check(&db, &KEY, &who("session-a"), "12345", &clock)
            .await
            .unwrap(),
        Checked::Malformed
    );
    clock.advance(chrono::Duration::seconds(61));
    let code = code_for(&db, "session-a", &clock).await;
    for left in (0..5).rev() {
        assert_eq!(
            check(&db, &KEY, &who("session-a"), &wrong(&code), &clock)
                .await
                .unwrap(),
            Checked::Wrong {
                attempts_left: left
            }
        );
    }
    assert_eq!(
        check(&db, &KEY, &who("session-a"), &code, &clock)
            .await
            .unwrap(),
        Checked::NeedNew,
        "after five wrong tries even the right code needs a new one"
    );

    // Ten minutes.
    clock.advance(chrono::Duration::seconds(61));
    let code = code_for(&db, "session-a", &clock).await;
    clock.advance(chrono::Duration::minutes(10));
    assert_eq!(
        check(&db, &KEY, &who("session-a"), &code, &clock)
            .await
            .unwrap(),
        Checked::NeedNew
    );

    // Another purpose is another code.
    let reset = Request {
        purpose: Purpose::ResetPassword,
        ..who("session-a")
    };
    assert!(matches!(
        issue(&db, &KEY, &reset, &clock).await.unwrap(),
        Issued::Code { .. }
    ));
}

#[tokio::test]
async fn sqlite_codes_keep_their_rules() {
    codes_keep_their_rules(db::sqlite().await).await;
}

#[tokio::test]
async fn postgres_codes_keep_their_rules() {
    if let Some(pg) = db::postgres("codes_keep_their_rules").await {
        codes_keep_their_rules(pg.db.clone()).await;
    }
}
