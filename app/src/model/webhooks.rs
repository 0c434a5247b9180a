//! Signed webhooks as admins register them: the events Lobby reports, the
//! form's shape, and what the dashboard shows of each endpoint's
//! deliveries. Each address's rules (https or loopback http, no
//! credentials, no private address unless allowed) are checked on the
//! server, which parses URLs and resolves names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::apps::UriProblem;

/// What Lobby tells the seller's systems about, by the name each event
/// carries in its `type`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
pub enum Event {
    #[strum(serialize = "invitation.created")]
    InvitationCreated,
    #[strum(serialize = "invitation.accepted")]
    InvitationAccepted,
    #[strum(serialize = "invitation.revoked")]
    InvitationRevoked,
    #[strum(serialize = "company.created")]
    CompanyCreated,
    #[strum(serialize = "consent.given")]
    ConsentGiven,
    #[strum(serialize = "user.deleted")]
    UserDeleted,
    #[strum(serialize = "import.finished")]
    ImportFinished,
}

impl Event {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Event> {
        name.parse().ok()
    }
}

/// Why an endpoint cannot be registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookProblem {
    Url(UriProblem),
    /// The host is, or resolves to, a private, loopback or link-local
    /// address, and the admin did not allow that.
    PrivateAddress {
        host: String,
        address: String,
    },
    /// The host name does not resolve.
    Unresolved(String),
    NoEvents,
    UnknownEvent(String),
}

/// The form as the dashboard posts it: a checkbox per event, named after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub allow_private: Option<String>,
}

/// An endpoint to register, its events known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<Event>,
    pub allow_private: bool,
}

impl WebhookForm {
    /// The endpoint the form asks for, or what is wrong with its events
    /// (its address is the server's to check).
    pub fn check(self) -> Result<NewWebhook, Vec<WebhookProblem>> {
        let names = self.events.into_keys().collect::<Vec<_>>();
        let new = NewWebhook::named(self.url.trim(), &names, self.allow_private.is_some())?;
        Ok(new)
    }
}

impl NewWebhook {
    /// An endpoint for the events with these names, in Lobby's order.
    pub fn named(
        url: &str,
        names: &[String],
        allow_private: bool,
    ) -> Result<NewWebhook, Vec<WebhookProblem>> {
        let mut problems = Vec::new();
        let mut events = Vec::new();
        for name in names {
            match Event::from_name(name.trim()) {
                Some(event) if !events.contains(&event) => events.push(event),
                Some(_) => {}
                None => problems.push(WebhookProblem::UnknownEvent(name.clone())),
            }
        }
        if names.is_empty() {
            problems.push(WebhookProblem::NoEvents);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let rank = |e: &Event| {
            <Event as strum::VariantArray>::VARIANTS
                .iter()
                .position(|k| k == e)
        };
        events.sort_by_key(rank);
        Ok(NewWebhook {
            url: url.to_owned(),
            events,
            allow_private,
        })
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Not delivered yet; tried again later.
    Pending,
    Delivered,
    /// Given up after a day of tries.
    Failed,
}

/// One delivery as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    /// The `webhook-id` receivers see.
    pub message_id: String,
    pub event: String,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The HTTP status of the last answer, or what went wrong.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    /// When the event happened (UTC, to the minute).
    pub created_at: String,
}

/// An endpoint and its latest deliveries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub allow_private: bool,
    pub deliveries: Vec<DeliveryRow>,
}

/// The webhooks page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub endpoints: Vec<WebhookRow>,
}

/// What became of a change on the webhooks page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookOutcome {
    /// Registered; its signing secret, shown this once.
    Created {
        secret: String,
    },
    Removed,
    /// The delivery is due again now.
    Resent,
    /// No such endpoint or delivery (any more).
    NotFound,
    NotAdmin,
    Invalid(Vec<WebhookProblem>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_known_by_name_and_kept_in_lobbys_order() {
        let names = ["import.finished", "invitation.created", "import.finished"].map(str::to_owned);
        let new = NewWebhook::named("https://hooks.example/x", &names, false).unwrap();
        assert_eq!(
            new.events,
            [Event::InvitationCreated, Event::ImportFinished]
        );
        let names = ["invitation.created", "invitation.updated"].map(str::to_owned);
        assert_eq!(
            NewWebhook::named("https://hooks.example/x", &names, false),
            Err(vec![WebhookProblem::UnknownEvent(
                "invitation.updated".into()
            )])
        );
        assert_eq!(
            NewWebhook::named("https://hooks.example/x", &[], false),
            Err(vec![WebhookProblem::NoEvents])
        );
    }
}
