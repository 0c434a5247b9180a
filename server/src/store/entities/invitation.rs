//! An invitation to one email address; the ticket is stored only as a hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    #[sea_orm(unique)]
    pub ticket_hash: String,
    pub invited_email: String,
    pub invited_display_name: Option<String>,
    pub inviter_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub message: Option<String>,
    pub message_language: Option<String>,
    pub redirect_url: String,
    pub user_type: String,
    pub company_draft: Option<Json>,
    pub company_id: Option<Uuid>,
    pub status: String,
    pub invited_user_id: Option<Uuid>,
    pub send_count: i32,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub expires_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    pub redeemed_by: Option<Uuid>,
    pub revoked_at: Option<DateTimeUtc>,
    /// Who receives a copy of each invitation email.
    pub cc_email: Option<String>,
    /// This invitation resets an earlier redemption: the user's next
    /// redemption binds a new identity (and this email) to the same user.
    pub reset_redemption: bool,
    /// The invitee's role in the existing company `company_id`
    /// (`company_admin` or `member`); `None` is `member`.
    pub company_role: Option<String>,
    /// The furthest step of the customer's way in (`progress::Step`'s
    /// code), and since when.
    pub progress: String,
    pub progress_at: Option<DateTimeUtc>,
    pub first_opened_at: Option<DateTimeUtc>,
    pub last_opened_at: Option<DateTimeUtc>,
    pub signed_in_at: Option<DateTimeUtc>,
    /// How the customer signed in (`progress::SignInMethod`'s code), and
    /// through what: the organization provider's name, Microsoft's tenant.
    pub sign_in_method: Option<String>,
    pub sign_in_source: Option<String>,
    pub welcomed_at: Option<DateTimeUtc>,
    /// When the customer reached the company step (made or joined it).
    pub company_at: Option<DateTimeUtc>,
    /// Set while the latest invitation email was refused for good.
    pub mail_failed_at: Option<DateTimeUtc>,
}

impl Model {
    /// The invitee's role in the company they join (`member` unless given).
    pub fn company_role(&self) -> app::model::company::CompanyRole {
        let stored = self.company_role.as_deref();
        stored
            .and_then(app::model::company::CompanyRole::from_code)
            .unwrap_or_default()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::InviterId",
        to = "super::user::Column::Id"
    )]
    Inviter,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

/// The user an invitation is related to by a join is its inviter (the
/// redeemer, `redeemed_by`, is looked up by id where it matters).
impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inviter.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
