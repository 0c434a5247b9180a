//! Storage: connecting to SQLite or PostgreSQL, applying migrations, and the
//! organization that exists from the first start.

pub mod audit;
pub mod entities;
pub mod paging;
pub mod purge;
pub mod queue;
pub mod sums;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, Set, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use crate::clock::Clock;
use app::model::discovery::Method;
use entities::organization;

/// Opens the database named by `url`. A SQLite file and its directory are
/// created when missing, and SQLite runs in WAL mode so readers do not block the writer.
#[instrument(skip_all, err)]
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let url = sqlite_create_if_missing(url)?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if url.starts_with("sqlite::memory:") || url.contains("mode=memory") {
        // Each connection to an in-memory database is a database of its own.
        options.max_connections(1);
    } else if url.starts_with("sqlite:") {
        options.max_connections(8);
    } else {
        // A PostgreSQL connection is tested (pinged, a round trip) only
        // after a second unused: a server restart closes idle connections,
        // while under load every query went with a ping of its own.
        options
            .max_connections(16)
            .test_before_acquire_if_idle_for(Duration::from_secs(1));
    }
    if url.starts_with("sqlite:") {
        // A pooled SQLite connection is a file handle on its own thread; it
        // cannot have gone away. Testing it before each use was one more
        // hand-off to that thread per query.
        options.test_before_acquire(false);
        let file = !(url.starts_with("sqlite::memory:") || url.contains("mode=memory"));
        // On every connection of the pool. WAL with synchronous=NORMAL never
        // loses a committed transaction when the process dies; only a power
        // loss can take back the last ones, and each whole (SQLite's advice).
        options.map_sqlx_sqlite_opts(move |o| {
            let o = o
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .synchronous(SqliteSynchronous::Normal);
            if file {
                o.journal_mode(SqliteJournalMode::Wal)
            } else {
                o
            }
        });
    }
    Database::connect(options).await
}

/// Starts a transaction that will write. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`): a transaction that reads first and writes later
/// would otherwise fail with "database is locked" when another connection
/// wrote in between, instead of waiting its turn. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Makes the transactions that take this lock for `key` run one after
/// another until each commits, so that what one checks (say, "no live
/// invitation for this address") still holds when it writes. SQLite's
/// [`begin_write`] already runs writers one at a time; on PostgreSQL this is
/// a transaction-scoped advisory lock.
pub async fn lock_for(txn: &DatabaseTransaction, key: Uuid) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (high, _) = key.as_u64_pair();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [(high as i64).into()],
    ))
    .await
    .map(|_| ())
}

/// Applies every pending migration; running it again changes nothing.
#[instrument(skip_all, err)]
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The organization described by the configuration, created at the first start.
#[instrument(skip(db, clock), err)]
pub async fn ensure_default_organization(
    db: &DatabaseConnection,
    slug: &str,
    name: &str,
    accent_color: &str,
    clock: &dyn Clock,
) -> Result<organization::Model, DbErr> {
    let txn = begin_write(db).await?;
    let existing = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&txn)
        .await?;
    let org = match existing {
        Some(org) => org,
        None => {
            organization::ActiveModel {
                id: Set(Uuid::new_v4()),
                slug: Set(slug.to_owned()),
                name: Set(name.to_owned()),
                accent_color: Set(accent_color.to_owned()),
                logo_url: Set(None),
                privacy_url: Set(None),
                privacy_version: Set("1".to_owned()),
                default_locale: Set("en".to_owned()),
                verified_domains: Set(json!([])),
                redemption_order: Set(json!(Method::DEFAULT_ORDER.map(Method::code))),
                email_otp_enabled: Set(true),
                trusted_domains: Set(json!([])),
                welcome_links: Set(json!([])),
                allowed_redirect_prefixes: Set(json!([])),
                created_at: Set(clock.now()),
                product_name: Set(None),
            }
            .insert(&txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok(org)
}

/// What every command starts with: the database, migrated, and the
/// organization the configuration describes.
pub async fn open(
    config: &crate::config::Config,
    clock: &dyn Clock,
) -> Result<(DatabaseConnection, organization::Model), DbErr> {
    let db = connect(&config.database_url).await?;
    migrate(&db).await?;
    let org = ensure_default_organization(
        &db,
        &config.org_slug,
        &config.org_name,
        &config.accent_color,
        clock,
    )
    .await?;
    let org = set_product_name(&db, org, config.product_name.as_deref()).await?;
    Ok((db, org))
}

/// Records the configured product name (unlike the name and colour, which
/// only seed a new organization, it follows the configuration at each start).
pub async fn set_product_name(
    db: &DatabaseConnection,
    org: organization::Model,
    product_name: Option<&str>,
) -> Result<organization::Model, DbErr> {
    if org.product_name.as_deref() == product_name {
        return Ok(org);
    }
    let mut changed: organization::ActiveModel = org.into();
    changed.product_name = Set(product_name.map(str::to_owned));
    changed.update(db).await
}

/// sqlx opens an existing SQLite file only; Lobby's default file should just appear.
fn sqlite_create_if_missing(url: &str) -> Result<String, DbErr> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_owned());
    };
    if rest.starts_with(":memory:") || url.contains("mode=") {
        return Ok(url.to_owned());
    }
    let path = rest.split('?').next().unwrap_or(rest);
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{sep}mode=rwc"))
}
