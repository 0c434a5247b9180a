//! The dashboard's API tokens page: an operator's own tokens.

use app::model::operator::{TokenOutcome, TokenRow, UserId};
use app::ports::{PortError, PortFuture, Tokens};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::clock::minutes;
use crate::store::entities::api_token;

use crate::dashboard::{unavailable, DashboardService};

impl Tokens for DashboardService {
    fn tokens(&self, owner: UserId) -> PortFuture<'_, Result<Vec<TokenRow>, PortError>> {
        Box::pin(async move {
            let owner = self.operator(owner).await?;
            let rows = api_token::Entity::find()
                .filter(api_token::Column::UserId.eq(owner.id))
                .filter(api_token::Column::OrganizationId.eq(self.organization_id))
                .order_by_desc(api_token::Column::CreatedAt)
                .all(&self.db)
                .await
                .map_err(unavailable)?;
            Ok(rows
                .into_iter()
                .map(|t| TokenRow {
                    id: t.id.to_string(),
                    name: t.name,
                    prefix: t.prefix,
                    created_at: minutes(t.created_at),
                    last_used_at: t.last_used_at.map(minutes),
                    revoked: t.revoked_at.is_some(),
                })
                .collect())
        })
    }

    fn change_token(
        &self,
        owner: UserId,
        name: String,
        revoke_id: Option<String>,
    ) -> PortFuture<'_, Result<TokenOutcome, PortError>> {
        Box::pin(async move {
            use crate::api_tokens::{self, TokenError};
            let owner = self.operator(owner).await?;
            let Some(raw_id) = revoke_id else {
                return match api_tokens::create(
                    &self.db,
                    owner.id,
                    self.organization_id,
                    &name,
                    self.clock.as_ref(),
                )
                .await
                {
                    Ok(created) => Ok(TokenOutcome::Created {
                        token: created.token.expose().clone(),
                    }),
                    Err(TokenError::Name) => Ok(TokenOutcome::InvalidName),
                    Err(TokenError::Database(e)) => Err(unavailable(e)),
                };
            };
            // Only the owner's own tokens can be revoked here.
            let Some(token) = Uuid::try_parse(&raw_id).ok() else {
                return Ok(TokenOutcome::NotFound);
            };
            let owned = api_token::Entity::find_by_id(token)
                .one(&self.db)
                .await
                .map_err(unavailable)?
                .is_some_and(|t| t.user_id == owner.id);
            if !owned {
                return Ok(TokenOutcome::NotFound);
            }
            match api_tokens::revoke(&self.db, token, Some(owner.id), self.clock.as_ref()).await {
                Ok(true) => Ok(TokenOutcome::Revoked),
                Ok(false) => Ok(TokenOutcome::NotFound),
                Err(e) => Err(unavailable(e)),
            }
        })
    }
}
