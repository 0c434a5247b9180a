//! The companies the organization's customers created or joined, with the
//! data the customer confirmed, and their members.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::ListError;
use crate::store::entities::{company, membership, user};
use crate::store::paging::{decode_cursor, encode_cursor};

pub struct Page {
    pub companies: Vec<company::Model>,
    pub next: Option<String>,
}

/// The organization's companies, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    org: Uuid,
    top: u64,
    cursor: Option<&str>,
) -> Result<Page, ListError> {
    let mut select = company::Entity::find().filter(company::Column::OrganizationId.eq(org));
    if let Some(raw) = cursor {
        let (at, id) = decode_cursor(raw)
            .ok_or_else(|| ListError::BadQuery("the paging token is not valid".into()))?;
        select = select.filter(
            Condition::any().add(company::Column::CreatedAt.gt(at)).add(
                Condition::all()
                    .add(company::Column::CreatedAt.eq(at))
                    .add(company::Column::Id.gt(id)),
            ),
        );
    }
    let mut companies = select
        .order_by_asc(company::Column::CreatedAt)
        .order_by_asc(company::Column::Id)
        .limit(top + 1)
        .all(db)
        .await?;
    let more = companies.len() as u64 > top;
    companies.truncate(top as usize);
    let next = more
        .then(|| companies.last().map(|c| encode_cursor(c.created_at, c.id)))
        .flatten();
    Ok(Page { companies, next })
}

/// The organization's company `id`.
pub async fn get(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<company::Model>, DbErr> {
    Ok(company::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.organization_id == org))
}

/// A member of a company: the user and their role (`company_admin`, `member`).
pub struct Member {
    pub user: user::Model,
    pub role: String,
}

/// The members of the organization's company `id`, oldest membership
/// first; `None` for no company of the organization.
pub async fn members(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Uuid,
) -> Result<Option<Vec<Member>>, DbErr> {
    if get(db, org, id).await?.is_none() {
        return Ok(None);
    }
    let memberships = membership::Entity::find()
        .filter(membership::Column::CompanyId.eq(id))
        .order_by_asc(membership::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = memberships.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(Some(
        memberships
            .into_iter()
            .filter_map(|m| {
                let user = users.iter().find(|u| u.id == m.user_id)?.clone();
                Some(Member { user, role: m.role })
            })
            .collect(),
    ))
}
