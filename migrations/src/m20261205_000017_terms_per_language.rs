//! Terms that exist, in the customer's language (issue 23, point 4): each
//! terms version holds its text per language, and a consent records what
//! the page showed: the terms version and the language read, the privacy
//! statement's version, each `NULL` when there was none to accept.
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000017_terms_per_language"
    }
}

#[derive(DeriveIden)]
enum TermsVersion {
    Table,
    Translations,
}

#[derive(DeriveIden)]
enum Consent {
    Table,
    PrivacyVersion,
    TermsVersion,
    TermsLanguage,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The text in each language other than English (`{"ko": "…"}`).
        m.alter_table(
            Table::alter()
                .table(TermsVersion::Table)
                .add_column(json_null(TermsVersion::Translations))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Consent::Table)
                .add_column(string_null(Consent::TermsLanguage))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => {
                // SQLite cannot drop a NOT NULL: the table is made again
                // from its own definition, without them.
                let row = db
                    .query_one_raw(Statement::from_string(
                        DatabaseBackend::Sqlite,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'consent'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("no consent table".into()))?;
                let create: String = row.try_get("", "sql")?;
                let mut made = create.replacen("\"consent\"", "\"consent_new\"", 1);
                for column in ["privacy_version", "terms_version"] {
                    for kind in ["varchar", "integer", "text"] {
                        made = made.replace(
                            &format!("\"{column}\" {kind} NOT NULL"),
                            &format!("\"{column}\" {kind}"),
                        );
                    }
                }
                if made.contains("\"terms_version\" integer NOT NULL") {
                    return Err(DbErr::Migration(format!("unexpected definition: {create}")));
                }
                db.execute_unprepared(&made).await?;
                db.execute_unprepared("INSERT INTO consent_new SELECT * FROM consent")
                    .await?;
                db.execute_unprepared("DROP TABLE consent").await?;
                db.execute_unprepared("ALTER TABLE consent_new RENAME TO consent")
                    .await?;
            }
            _ => {
                for column in [Consent::PrivacyVersion, Consent::TermsVersion] {
                    let sql = format!(
                        "ALTER TABLE consent ALTER COLUMN {} DROP NOT NULL",
                        column.to_string()
                    );
                    db.execute_unprepared(&sql).await?;
                }
            }
        }
        // Version 0 meant "no terms published": there were none to accept.
        db.execute_unprepared("UPDATE consent SET terms_version = NULL WHERE terms_version = 0")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(TermsVersion::Table)
                .drop_column(TermsVersion::Translations)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Consent::Table)
                .drop_column(Consent::TermsLanguage)
                .to_owned(),
        )
        .await
    }
}
