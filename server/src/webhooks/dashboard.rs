//! The dashboard's webhooks page: the endpoints with their latest
//! deliveries for operators; registering, removing and resending for admins.

use app::model::operator::Admin;
use app::model::webhooks::{
    DeliveryRow, DeliveryState, NewWebhook, WebhookProblem, WebhookRow, WebhooksView,
};
use app::ports::{PortError, PortFuture, Webhooks};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::endpoints::{self, Registration, WebhookError};
use super::{delivery, DELIVERED, FAILED};
use crate::dashboard::{unavailable, DashboardService};
use crate::store::entities::{webhook_delivery, webhook_endpoint};

/// Deliveries shown per endpoint.
const SHOWN: u64 = 20;

/// The latest deliveries of `endpoint`, newest first.
pub async fn recent(
    db: &DatabaseConnection,
    endpoint: Uuid,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

fn delivery_row(d: webhook_delivery::Model) -> DeliveryRow {
    DeliveryRow {
        id: d.id.to_string(),
        message_id: super::signing::message_id(d.event_id),
        event: d.event_type,
        state: match d.status.as_str() {
            DELIVERED => DeliveryState::Delivered,
            FAILED => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        },
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        created_at: crate::clock::minutes(d.created_at),
    }
}

fn endpoint_row(e: webhook_endpoint::Model, deliveries: Vec<DeliveryRow>) -> WebhookRow {
    let events = e
        .events
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    WebhookRow {
        id: e.id.to_string(),
        url: e.url,
        events,
        allow_private: e.allow_private,
        deliveries,
    }
}

impl Webhooks for DashboardService {
    fn webhooks(&self) -> PortFuture<'_, Result<WebhooksView, PortError>> {
        Box::pin(async move {
            let list = endpoints::list(&self.db, self.organization_id)
                .await
                .map_err(unavailable)?;
            let mut rows = Vec::with_capacity(list.len());
            for endpoint in list {
                let deliveries = recent(&self.db, endpoint.id, SHOWN)
                    .await
                    .map_err(unavailable)?;
                let deliveries = deliveries.into_iter().map(delivery_row).collect();
                rows.push(endpoint_row(endpoint, deliveries));
            }
            Ok(WebhooksView { endpoints: rows })
        })
    }

    fn register_webhook(
        &self,
        admin: Admin,
        webhook: NewWebhook,
    ) -> PortFuture<'_, Result<Result<String, Vec<WebhookProblem>>, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let registration = Registration {
                organization_id: org.id,
                webhook,
                actor: Some(admin.id),
            };
            let key = self.secret_key.expose();
            match endpoints::create(&self.db, key, registration, self.clock.as_ref()).await {
                Ok(created) => Ok(Ok(created.secret.expose().clone())),
                Err(WebhookError::Invalid(problems)) => Ok(Err(problems)),
                Err(WebhookError::Database(e)) => Err(unavailable(e)),
            }
        })
    }

    fn remove_webhook(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let Ok(id) = Uuid::parse_str(&id) else {
                return Ok(false);
            };
            let clock = self.clock.as_ref();
            endpoints::delete(&self.db, org.id, id, Some(admin.id), clock)
                .await
                .map_err(unavailable)
        })
    }

    fn resend_delivery(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>> {
        Box::pin(async move {
            let (org, admin, _) = self.acting_admin(&admin).await?;
            let Ok(id) = Uuid::parse_str(&id) else {
                return Ok(false);
            };
            let clock = self.clock.as_ref();
            delivery::resend(&self.db, org.id, id, Some(admin.id), clock)
                .await
                .map_err(unavailable)
        })
    }
}
