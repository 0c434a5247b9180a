//! Signing in through an identity provider (architecture.md §3.2–3.3): the step's
//! provider only, one flow per browser session, bound to it by `state`,
//! and used once. The identity is found by (issuer, subject), never by
//! email alone; a new identity is linked only when the provider vouches
//! for the invited address.

use app::model::discovery::is_federated;
use app::model::operator::same_token;
use app::model::providers::ProviderKind;
use app::model::sign_in::Notice;
use openidconnect::core::CoreAuthPrompt;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::admin_approval;
use super::finish::{finish, reset_user, Context, Outcome, Proof};
use super::step::{open_step, Found};
use crate::auth::session::{self, Visit};
use crate::federation::oidc::{Federation, FederationError};
use crate::federation::refusal::{refusal_of, Refusal};
use crate::federation::{check_email, providers, EmailCheck};
use crate::store::entities::{identity, identity_provider, user};

/// The flow under way, in the browser's session.
const FLOW: &str = "federated";
/// The address a provider signed in when it was not the invited one.
const ELSEWHERE: &str = "federated_elsewhere";
/// How long the browser may stay at the provider.
const FLOW_MINUTES: i64 = 10;

/// What "Continue with …" leads to.
pub enum Begin {
    /// To the provider.
    Redirect(String),
    Outcome(Outcome),
}

/// Starts the flow with the provider of the link's step. `ask_again`
/// (after the provider signed in someone else) makes the provider ask who
/// is signing in.
pub async fn begin(
    ctx: &Context<'_>,
    federation: &Federation,
    raw: &str,
    visit: &Visit,
    ask_again: bool,
) -> Result<Begin, DbErr> {
    let (link, Found { step, provider, .. }) = match open_step(ctx, raw, visit).await? {
        Ok(open) => open,
        Err(outcome) => return Ok(Begin::Outcome(outcome)),
    };
    let (true, Some(provider)) = (is_federated(step), provider) else {
        return Ok(Begin::Outcome(Outcome::Start));
    };
    let unavailable = Begin::Outcome(Outcome::Notice(Notice::ProviderUnavailable));
    let Some(client) = providers::client_of(&provider, ctx.key) else {
        return Ok(unavailable);
    };
    let prompt = ask_again.then(|| match providers::kind_of(&provider) {
        ProviderKind::Google => CoreAuthPrompt::SelectAccount,
        _ => CoreAuthPrompt::Login,
    });
    let email = &link.invitation.invited_email;
    let authorization = match federation.authorize(&client, email, prompt).await {
        Ok(authorization) => authorization,
        Err(e) => {
            tracing::warn!(provider = %provider.id, error = %e, "federated sign-in cannot start");
            return Ok(unavailable);
        }
    };
    let flow = json!({
        "ticket": raw,
        "provider": provider.id.to_string(),
        "state": authorization.state,
        "nonce": authorization.nonce,
        "verifier": authorization.pkce_verifier,
        "started": ctx.clock.now().timestamp(),
    });
    session::set_visit_value(ctx.db, visit, FLOW, flow).await?;
    Ok(Begin::Redirect(authorization.url))
}

/// What the provider sent back to `/auth/callback`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// RFC 9207: the issuer that answers, against mix-ups between providers.
    pub iss: Option<String>,
}

/// Where the callback leads.
pub enum Completed {
    /// No flow of this browser matches: not started here, used already,
    /// or a forged `state`.
    NoFlow,
    /// Back to the link's pages with this outcome.
    Done { ticket: String, outcome: Outcome },
}

/// Takes the provider's answer for the flow this browser started.
pub async fn complete(
    ctx: &Context<'_>,
    federation: &Federation,
    visit: Option<&Visit>,
    callback: Callback,
) -> Result<Completed, DbErr> {
    let Some(visit) = visit else {
        return Ok(Completed::NoFlow);
    };
    let flow = &visit.data[FLOW];
    let field = |name: &str| flow[name].as_str().map(str::to_owned);
    let (Some(ticket), Some(provider_id), Some(state), Some(nonce), Some(verifier)) = (
        field("ticket"),
        field("provider").and_then(|p| p.parse::<Uuid>().ok()),
        field("state"),
        field("nonce"),
        field("verifier"),
    ) else {
        return Ok(Completed::NoFlow);
    };
    if !same_token(&state, callback.state.as_deref().unwrap_or_default()) {
        return Ok(Completed::NoFlow);
    }
    // One use: whatever happens next, this flow is over.
    let mut rest = visit.clone();
    if let Some(map) = rest.data.as_object_mut() {
        map.remove(FLOW);
        map.remove(ELSEWHERE);
    }
    session::set_visit_value(ctx.db, &rest, FLOW, serde_json::Value::Null).await?;
    let done = |outcome| {
        Ok(Completed::Done {
            ticket: ticket.clone(),
            outcome,
        })
    };
    let notice = |n| done(Outcome::Notice(n));
    let started = flow["started"].as_i64().unwrap_or_default();
    if ctx.clock.now().timestamp() - started > FLOW_MINUTES * 60 {
        return notice(Notice::ProviderFailed);
    }
    if let Some(error) = callback.error.as_deref() {
        let description = callback.error_description.as_deref();
        let refused = Refused {
            ticket: &ticket,
            provider_id,
            error,
            description,
        };
        let outcome = refused.outcome(ctx, federation, &rest).await?;
        return done(outcome);
    }
    let (link, Found { step, provider, .. }) = match open_step(ctx, &ticket, &rest).await? {
        Ok(open) => open,
        Err(outcome) => return done(outcome),
    };
    // The step may have changed while the browser was away.
    let Some(provider) = provider.filter(|p| is_federated(step) && p.id == provider_id) else {
        return done(Outcome::Start);
    };
    let Some(client) = providers::client_of(&provider, ctx.key) else {
        return notice(Notice::ProviderUnavailable);
    };
    let multi_tenant = app::model::providers::any_tenant(&provider.issuer);
    if let Some(iss) = &callback.iss {
        if !multi_tenant && iss != &provider.issuer {
            tracing::warn!(%iss, expected = %provider.issuer, "callback from another issuer");
            return notice(Notice::ProviderFailed);
        }
    }
    let code = callback.code.unwrap_or_default();
    let identity = match federation.redeem(&client, &code, &verifier, &nonce).await {
        Ok(identity) => identity,
        Err(e @ FederationError::Unavailable(_)) => {
            tracing::warn!(provider = %provider.id, error = %e, "federated sign-in failed");
            return notice(Notice::ProviderUnavailable);
        }
        Err(e) => {
            tracing::warn!(provider = %provider.id, error = %e, "federated sign-in refused");
            return notice(Notice::ProviderFailed);
        }
    };
    let invited = link.invitation.invited_email.as_str();
    let known = identity::Entity::find()
        .filter(identity::Column::Issuer.eq(identity.issuer.as_str()))
        .filter(identity::Column::Subject.eq(identity.subject.as_str()))
        .one(ctx.db)
        .await?;
    // A reset unbinds the user's identities: theirs counts as a new one.
    let reset = reset_user(&link.invitation);
    let known = known.filter(|k| reset != Some(k.user_id));
    if let Some(known) = known {
        let owner = user::Entity::find_by_id(known.user_id).one(ctx.db).await?;
        let owner_email = owner.map(|u| u.email).unwrap_or_default();
        if owner_email != invited {
            return signed_in_elsewhere(ctx, &rest, &ticket, owner_email).await;
        }
    } else {
        let owned = providers::owned_domains(&provider);
        match check_email(&identity, invited, owned.as_deref()) {
            EmailCheck::Proven => {}
            EmailCheck::Other(email) => {
                return signed_in_elsewhere(ctx, &rest, &ticket, email).await
            }
            EmailCheck::Unverified => return notice(Notice::ProviderUnverified),
            EmailCheck::Missing => return notice(Notice::ProviderNoEmail),
        }
    }
    let proof = Proof::Provider {
        provider_id: provider.id,
        identity,
    };
    let outcome = finish(ctx, &link, &rest, proof).await?;
    done(outcome)
}

/// The provider's error answer to a flow.
struct Refused<'a> {
    ticket: &'a str,
    provider_id: Uuid,
    error: &'a str,
    description: Option<&'a str>,
}

impl Refused<'_> {
    /// The page the invitee gets: one per kind of refusal, each offering to
    /// try again and the other ways in. Only an administrator's approval
    /// needs more: a request for it, bound to the invitation.
    async fn outcome(
        &self,
        ctx: &Context<'_>,
        federation: &Federation,
        visit: &Visit,
    ) -> Result<Outcome, DbErr> {
        let provider = identity_provider::Entity::find_by_id(self.provider_id)
            .one(ctx.db)
            .await?;
        let kind = provider
            .as_ref()
            .map_or(ProviderKind::Oidc, providers::kind_of);
        let refusal = refusal_of(kind, self.error, self.description);
        tracing::info!(
            error = self.error,
            ?refusal,
            "the provider ended the sign-in"
        );
        let notice = match refusal {
            Refusal::Cancelled => Notice::ProviderCancelled,
            Refusal::Unavailable => Notice::ProviderUnavailable,
            Refusal::Failed => Notice::ProviderFailed,
            Refusal::NeedsAdmin => {
                let (link, found) = match open_step(ctx, self.ticket, visit).await? {
                    Ok(open) => open,
                    Err(outcome) => return Ok(outcome),
                };
                let same = |p: &identity_provider::Model| p.id == self.provider_id;
                let Some(provider) = found.provider.filter(same) else {
                    return Ok(Outcome::Start);
                };
                admin_approval::request(ctx, federation, visit, self.ticket, &link, &provider)
                    .await?;
                Notice::ProviderNeedsAdmin
            }
        };
        Ok(Outcome::Notice(notice))
    }
}

/// Remembers which address the provider signed in, for the page that says
/// the invitation is for another one.
async fn signed_in_elsewhere(
    ctx: &Context<'_>,
    visit: &Visit,
    ticket: &str,
    email: String,
) -> Result<Completed, DbErr> {
    let value = json!({ "ticket": ticket, "email": email });
    session::set_visit_value(ctx.db, visit, ELSEWHERE, value).await?;
    Ok(Completed::Done {
        ticket: ticket.to_owned(),
        outcome: Outcome::Notice(Notice::ProviderOtherAccount),
    })
}

/// The address a provider signed in on this browser for the link `raw`,
/// when it was not the invited one.
pub fn elsewhere(visit: &Visit, raw: &str) -> Option<String> {
    let value = &visit.data[ELSEWHERE];
    (value["ticket"].as_str() == Some(raw))
        .then(|| value["email"].as_str().map(str::to_owned))
        .flatten()
}
