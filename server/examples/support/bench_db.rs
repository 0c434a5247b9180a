//! What both benchmarks start from: a fresh SQLite file with the GFMS
//! organization and an admin, made the way `lobby` makes them.

use std::path::{Path, PathBuf};

use lobby::clock::Clock;
use lobby::operators::{create_operator, NewOperator, Role};
use lobby::secret::Secret;
use lobby::store::entities::{organization, user};
use sea_orm::DatabaseConnection;

pub struct BenchDb {
    pub dir: PathBuf,
    /// The `DATABASE_URL` of the file.
    pub url: String,
    pub db: DatabaseConnection,
    pub org: organization::Model,
    pub operator: user::Model,
}

/// A migrated database in a new directory named after `name` under the
/// system's temporary directory.
pub async fn fresh(name: &str, clock: &dyn Clock) -> BenchDb {
    let dir = std::env::temp_dir().join(format!("lobby-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/lobby.db", Path::new(&dir).display());
    let db = lobby::store::connect(&url).await.expect("database");
    lobby::store::migrate(&db).await.expect("migrations");
    let org = lobby::store::ensure_default_organization(&db, "gfms", "GFMS", "#f26b21", clock)
        .await
        .expect("organization");
    let operator = NewOperator {
        organization_id: org.id,
        email: "bench@gfms.example".into(),
        display_name: Some("Bench".into()),
        password: Secret::new("a calm lake at dawn".into()),
        role: Role::Admin,
        actor: None,
    };
    let operator = create_operator(&db, operator, clock)
        .await
        .expect("operator");
    BenchDb {
        dir,
        url,
        db,
        org,
        operator,
    }
}
