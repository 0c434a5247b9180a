//! The domain of architecture.md §2: organizations, users and their identities,
//! invitations, consent, companies, the email outbox, codes, audit and sessions.
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_create_tables"
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Slug,
    Name,
    AccentColor,
    LogoUrl,
    PrivacyUrl,
    PrivacyVersion,
    DefaultLocale,
    VerifiedDomains,
    RedemptionOrder,
    EmailOtpEnabled,
    TrustedDomains,
    WelcomeLinks,
    AllowedRedirectPrefixes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Email,
    EmailVerified,
    DisplayName,
    Locale,
    PasswordHash,
    FailedSignIns,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Identity {
    Table,
    Id,
    UserId,
    Provider,
    Issuer,
    Subject,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrgRole {
    Table,
    Id,
    OrganizationId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Company {
    Table,
    Id,
    OrganizationId,
    LegalName,
    Street,
    PostalCode,
    City,
    Country,
    TaxId,
    Phone,
    Website,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    Id,
    CompanyId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    OrganizationId,
    TicketHash,
    InvitedEmail,
    InvitedDisplayName,
    InviterId,
    Message,
    MessageLanguage,
    RedirectUrl,
    UserType,
    CompanyDraft,
    CompanyId,
    Status,
    InvitedUserId,
    SendCount,
    CreatedAt,
    SentAt,
    ExpiresAt,
    RedeemedAt,
    RedeemedBy,
    RevokedAt,
}

#[derive(DeriveIden)]
enum TermsVersion {
    Table,
    Id,
    OrganizationId,
    Version,
    BodyMarkdown,
    PublishedBy,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Consent {
    Table,
    Id,
    UserId,
    OrganizationId,
    PrivacyVersion,
    TermsVersion,
    Automatic,
    ClientAddress,
    UserAgent,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Id,
    ToAddress,
    CcAddress,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum VerificationCode {
    Table,
    Id,
    Purpose,
    Email,
    CodeHash,
    SessionId,
    AttemptsLeft,
    ExpiresAt,
    ConsumedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    OrganizationId,
    ActorId,
    Action,
    TargetType,
    TargetId,
    Details,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    Data,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // SQLite would otherwise apply DDL statement by statement; all or nothing instead.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        m.create_table(
            Table::create()
                .table(Organization::Table)
                .col(pk_uuid(Organization::Id))
                .col(string_uniq(Organization::Slug))
                .col(string(Organization::Name))
                .col(string(Organization::AccentColor))
                .col(string_null(Organization::LogoUrl))
                .col(string_null(Organization::PrivacyUrl))
                .col(string(Organization::PrivacyVersion))
                .col(string(Organization::DefaultLocale))
                .col(json(Organization::VerifiedDomains))
                .col(json(Organization::RedemptionOrder))
                .col(boolean(Organization::EmailOtpEnabled))
                .col(json(Organization::TrustedDomains))
                .col(json(Organization::WelcomeLinks))
                .col(json(Organization::AllowedRedirectPrefixes))
                .col(timestamp_with_time_zone(Organization::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(User::Table)
                .col(pk_uuid(User::Id))
                .col(string_uniq(User::Email))
                .col(boolean(User::EmailVerified))
                .col(string_null(User::DisplayName))
                .col(string_null(User::Locale))
                .col(string_null(User::PasswordHash))
                .col(integer(User::FailedSignIns))
                .col(timestamp_with_time_zone(User::CreatedAt))
                .col(timestamp_with_time_zone(User::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Identity::Table)
                .col(pk_uuid(Identity::Id))
                .col(uuid(Identity::UserId))
                .col(string(Identity::Provider))
                .col(string(Identity::Issuer))
                .col(string(Identity::Subject))
                .col(string_null(Identity::Email))
                .col(timestamp_with_time_zone(Identity::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_identity_user",
                    (Identity::Table, Identity::UserId),
                    (User::Table, User::Id),
                    Cascade,
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("ux_identity_issuer_subject")
                        .col(Identity::Issuer)
                        .col(Identity::Subject),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrgRole::Table)
                .col(pk_uuid(OrgRole::Id))
                .col(uuid(OrgRole::OrganizationId))
                .col(uuid(OrgRole::UserId))
                .col(string(OrgRole::Role))
                .col(timestamp_with_time_zone(OrgRole::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_org_role_org",
                    (OrgRole::Table, OrgRole::OrganizationId),
                    (Organization::Table, Organization::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_org_role_user",
                    (OrgRole::Table, OrgRole::UserId),
                    (User::Table, User::Id),
                    Cascade,
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("ux_org_role_org_user")
                        .col(OrgRole::OrganizationId)
                        .col(OrgRole::UserId),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Company::Table)
                .col(pk_uuid(Company::Id))
                .col(uuid(Company::OrganizationId))
                .col(string(Company::LegalName))
                .col(string(Company::Street))
                .col(string(Company::PostalCode))
                .col(string(Company::City))
                .col(string_len(Company::Country, 2))
                .col(string_null(Company::TaxId))
                .col(string_null(Company::Phone))
                .col(string_null(Company::Website))
                .col(uuid_null(Company::CreatedBy))
                .col(timestamp_with_time_zone(Company::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_company_org",
                    (Company::Table, Company::OrganizationId),
                    (Organization::Table, Organization::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_company_created_by",
                    (Company::Table, Company::CreatedBy),
                    (User::Table, User::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Membership::Table)
                .col(pk_uuid(Membership::Id))
                .col(uuid(Membership::CompanyId))
                .col(uuid(Membership::UserId))
                .col(string(Membership::Role))
                .col(timestamp_with_time_zone(Membership::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_membership_company",
                    (Membership::Table, Membership::CompanyId),
                    (Company::Table, Company::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_membership_user",
                    (Membership::Table, Membership::UserId),
                    (User::Table, User::Id),
                    Cascade,
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("ux_membership_company_user")
                        .col(Membership::CompanyId)
                        .col(Membership::UserId),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitation::Table)
                .col(pk_uuid(Invitation::Id))
                .col(uuid(Invitation::OrganizationId))
                .col(string_uniq(Invitation::TicketHash))
                .col(string(Invitation::InvitedEmail))
                .col(string_null(Invitation::InvitedDisplayName))
                .col(uuid_null(Invitation::InviterId))
                .col(text_null(Invitation::Message))
                .col(string_null(Invitation::MessageLanguage))
                .col(string(Invitation::RedirectUrl))
                .col(string(Invitation::UserType))
                .col(json_null(Invitation::CompanyDraft))
                .col(uuid_null(Invitation::CompanyId))
                .col(string(Invitation::Status))
                .col(uuid_null(Invitation::InvitedUserId))
                .col(integer(Invitation::SendCount))
                .col(timestamp_with_time_zone(Invitation::CreatedAt))
                .col(timestamp_with_time_zone_null(Invitation::SentAt))
                .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitation::RedeemedAt))
                .col(uuid_null(Invitation::RedeemedBy))
                .col(timestamp_with_time_zone_null(Invitation::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_invitation_org",
                    (Invitation::Table, Invitation::OrganizationId),
                    (Organization::Table, Organization::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_invitation_inviter",
                    (Invitation::Table, Invitation::InviterId),
                    (User::Table, User::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_invitation_company",
                    (Invitation::Table, Invitation::CompanyId),
                    (Company::Table, Company::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_invitation_invited_user",
                    (Invitation::Table, Invitation::InvitedUserId),
                    (User::Table, User::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_invitation_redeemed_by",
                    (Invitation::Table, Invitation::RedeemedBy),
                    (User::Table, User::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_invitation_org_email")
                .table(Invitation::Table)
                .col(Invitation::OrganizationId)
                .col(Invitation::InvitedEmail)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TermsVersion::Table)
                .col(pk_uuid(TermsVersion::Id))
                .col(uuid(TermsVersion::OrganizationId))
                .col(integer(TermsVersion::Version))
                .col(text(TermsVersion::BodyMarkdown))
                .col(uuid_null(TermsVersion::PublishedBy))
                .col(timestamp_with_time_zone(TermsVersion::PublishedAt))
                .foreign_key(&mut fk(
                    "fk_terms_org",
                    (TermsVersion::Table, TermsVersion::OrganizationId),
                    (Organization::Table, Organization::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_terms_published_by",
                    (TermsVersion::Table, TermsVersion::PublishedBy),
                    (User::Table, User::Id),
                    SetNull,
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("ux_terms_org_version")
                        .col(TermsVersion::OrganizationId)
                        .col(TermsVersion::Version),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Consent::Table)
                .col(pk_uuid(Consent::Id))
                .col(uuid(Consent::UserId))
                .col(uuid(Consent::OrganizationId))
                .col(string(Consent::PrivacyVersion))
                .col(integer(Consent::TermsVersion))
                .col(boolean(Consent::Automatic))
                .col(string_null(Consent::ClientAddress))
                .col(string_null(Consent::UserAgent))
                .col(timestamp_with_time_zone(Consent::AcceptedAt))
                .foreign_key(&mut fk(
                    "fk_consent_user",
                    (Consent::Table, Consent::UserId),
                    (User::Table, User::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_consent_org",
                    (Consent::Table, Consent::OrganizationId),
                    (Organization::Table, Organization::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailOutbox::Table)
                .col(pk_uuid(EmailOutbox::Id))
                .col(string(EmailOutbox::ToAddress))
                .col(string_null(EmailOutbox::CcAddress))
                .col(string(EmailOutbox::Subject))
                .col(text(EmailOutbox::BodyText))
                .col(text_null(EmailOutbox::BodyHtml))
                .col(string(EmailOutbox::Status))
                .col(integer(EmailOutbox::Attempts))
                .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(EmailOutbox::ClaimedUntil))
                .col(uuid_null(EmailOutbox::ClaimedBy))
                .col(text_null(EmailOutbox::LastError))
                .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_due")
                .table(EmailOutbox::Table)
                .col(EmailOutbox::Status)
                .col(EmailOutbox::NextAttemptAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VerificationCode::Table)
                .col(pk_uuid(VerificationCode::Id))
                .col(string(VerificationCode::Purpose))
                .col(string(VerificationCode::Email))
                .col(string(VerificationCode::CodeHash))
                .col(string_null(VerificationCode::SessionId))
                .col(integer(VerificationCode::AttemptsLeft))
                .col(timestamp_with_time_zone(VerificationCode::ExpiresAt))
                .col(timestamp_with_time_zone_null(VerificationCode::ConsumedAt))
                .col(timestamp_with_time_zone(VerificationCode::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_code_email_purpose")
                .table(VerificationCode::Table)
                .col(VerificationCode::Email)
                .col(VerificationCode::Purpose)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvent::Table)
                .col(pk_uuid(AuditEvent::Id))
                .col(uuid_null(AuditEvent::OrganizationId))
                .col(uuid_null(AuditEvent::ActorId))
                .col(string(AuditEvent::Action))
                .col(string(AuditEvent::TargetType))
                .col(string(AuditEvent::TargetId))
                .col(json(AuditEvent::Details))
                .col(timestamp_with_time_zone(AuditEvent::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_target")
                .table(AuditEvent::Table)
                .col(AuditEvent::TargetType)
                .col(AuditEvent::TargetId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(string(Session::Id).primary_key())
                .col(uuid_null(Session::UserId))
                .col(json(Session::Data))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::LastSeenAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .foreign_key(&mut fk(
                    "fk_session_user",
                    (Session::Table, Session::UserId),
                    (User::Table, User::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Session::Table.into_iden(),
            AuditEvent::Table.into_iden(),
            VerificationCode::Table.into_iden(),
            EmailOutbox::Table.into_iden(),
            Consent::Table.into_iden(),
            TermsVersion::Table.into_iden(),
            Invitation::Table.into_iden(),
            Membership::Table.into_iden(),
            Company::Table.into_iden(),
            OrgRole::Table.into_iden(),
            Identity::Table.into_iden(),
            User::Table.into_iden(),
            Organization::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
