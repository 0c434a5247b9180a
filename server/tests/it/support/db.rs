//! Test databases: SQLite in memory, and a throwaway PostgreSQL database per
//! test on the server named by `LOBBY_TEST_POSTGRES_URL`.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// In-memory SQLite with every migration applied.
pub async fn sqlite() -> DatabaseConnection {
    let db = lobby::store::connect("sqlite::memory:")
        .await
        .expect("sqlite");
    lobby::store::migrate(&db)
        .await
        .expect("migrations on sqlite");
    db
}

/// A fresh, migrated PostgreSQL database, dropped when the guard is dropped.
/// `None` (with a loud note) when `LOBBY_TEST_POSTGRES_URL` is unset outside CI;
/// under `CI=true` a missing server fails the test.
pub async fn postgres(test: &str) -> Option<PgDatabase> {
    let Ok(base) = std::env::var("LOBBY_TEST_POSTGRES_URL") else {
        super::skip_unless_ci(&format!(
            "LOBBY_TEST_POSTGRES_URL is not set (the PostgreSQL run of {test})"
        ));
        return None;
    };
    let admin = Database::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at LOBBY_TEST_POSTGRES_URL is unreachable: {e}"));
    let name = format!("lobby_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let url = replace_database(&base, &name);
    let db = lobby::store::connect(&url)
        .await
        .expect("connect test database");
    lobby::store::migrate(&db)
        .await
        .expect("migrations on postgres");
    Some(PgDatabase {
        db,
        admin_url: base,
        name,
    })
}

pub struct PgDatabase {
    pub db: DatabaseConnection,
    admin_url: String,
    name: String,
}

impl PgDatabase {
    /// The database's URL, for a `lobby` process.
    pub fn url(&self) -> String {
        replace_database(&self.admin_url, &self.name)
    }

    /// Makes the database unreachable, as if its server had stopped: no new
    /// connections, and every open one ended. `false` opens it again.
    pub async fn refuse_connections(&self, refuse: bool) {
        let admin = Database::connect(&self.admin_url).await.unwrap();
        let name = &self.name;
        admin
            .execute_unprepared(&format!(
                "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {}",
                !refuse
            ))
            .await
            .unwrap();
        if refuse {
            admin
                .execute_unprepared(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .await
                .unwrap();
        }
        admin.close().await.unwrap();
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // The test's runtime is busy dropping us: use a thread with its own.
        // FORCE ends the test's pooled connections, so the pool is left alone.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("LOBBY_TEST_POSTGRES_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}
