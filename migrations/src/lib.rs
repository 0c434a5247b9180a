//! Schema migrations, applied in order at start-up and by `lobby migrate`.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_tables;
mod m20261122_000002_rate_limit_events;
mod m20261122_000003_api_tokens;
mod m20261122_000004_invitation_tickets;
mod m20261122_000005_bulk_imports;
mod m20261122_000006_invitation_cc_and_reset;
mod m20261201_000007_identity_providers;
mod m20261204_000008_secrets_at_rest;
mod m20261204_000009_operator_contact;
mod m20261204_000010_product_name;
mod m20261205_000011_invitation_company_role;
mod m20261205_000012_openid_provider;
mod m20261205_000013_webhooks;
mod m20261205_000014_outbox_invitation;
mod m20261205_000015_admin_approval;
mod m20261205_000016_invitation_progress;
mod m20261205_000017_terms_per_language;
mod m20261206_000018_invitation_funnel;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_tables::Migration),
            Box::new(m20261122_000002_rate_limit_events::Migration),
            Box::new(m20261122_000003_api_tokens::Migration),
            Box::new(m20261122_000004_invitation_tickets::Migration),
            Box::new(m20261122_000005_bulk_imports::Migration),
            Box::new(m20261122_000006_invitation_cc_and_reset::Migration),
            Box::new(m20261201_000007_identity_providers::Migration),
            Box::new(m20261204_000008_secrets_at_rest::Migration),
            Box::new(m20261204_000009_operator_contact::Migration),
            Box::new(m20261204_000010_product_name::Migration),
            Box::new(m20261205_000011_invitation_company_role::Migration),
            Box::new(m20261205_000012_openid_provider::Migration),
            Box::new(m20261205_000013_webhooks::Migration),
            Box::new(m20261205_000014_outbox_invitation::Migration),
            Box::new(m20261205_000015_admin_approval::Migration),
            Box::new(m20261205_000016_invitation_progress::Migration),
            Box::new(m20261205_000017_terms_per_language::Migration),
            Box::new(m20261206_000018_invitation_funnel::Migration),
        ]
    }
}
