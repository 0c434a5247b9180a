//! Which sign-in step an invited address takes: the organization's order of
//! methods, the account the address has, and the providers that apply.

use app::model::discovery::{
    alternatives, discover, discover_chosen, AccountSignIn, Facts, Method, Step,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::finish::{reset_user, user_by_email, Context, Outcome};
use super::landing::{find, link_state, redeemer_at_invited, Link};
use crate::auth::session::{self, Visit};
use crate::clock::Clock;
use crate::federation::providers;
use crate::store::entities::{identity, identity_provider, organization, user};

/// The order an organization keeps; one that does not read as a whole
/// order (edited by hand, say) falls back to the default.
pub fn stored_order(org: &organization::Model) -> Vec<Method> {
    let codes: Vec<&str> = org
        .redemption_order
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    app::model::discovery::parse_order(&codes.join(","))
        .unwrap_or_else(|_| Method::DEFAULT_ORDER.to_vec())
}

/// How the account of `user` signs in, if it is one yet, and through which
/// of `providers` when it is linked to one. Inviting creates the user; it
/// becomes an account with a password, a linked identity, or an address
/// proven by a code.
async fn account_of(
    conn: &impl ConnectionTrait,
    user: Option<&user::Model>,
    providers: &[identity_provider::Model],
) -> Result<(Option<AccountSignIn>, Option<identity_provider::Model>), DbErr> {
    let Some(user) = user else {
        return Ok((None, None));
    };
    if user.password_hash.is_some() {
        return Ok((Some(AccountSignIn::Password), None));
    }
    let linked = identity::Entity::find()
        .filter(identity::Column::UserId.eq(user.id))
        .all(conn)
        .await?;
    // A provider removed since no longer signs its identities in.
    let provider = linked
        .iter()
        .find_map(|i| providers.iter().find(|p| p.id.to_string() == i.provider));
    Ok(match provider {
        Some(provider) => (Some(AccountSignIn::Provider), Some(provider.clone())),
        None if user.email_verified => (Some(AccountSignIn::Passcode), None),
        None => (None, None),
    })
}

/// The step for an invited address, with the provider it signs in through.
pub(super) struct Found {
    pub step: Step,
    pub provider: Option<identity_provider::Model>,
    /// The other ways in the invitee may choose (`discovery::alternatives`).
    pub alternatives: Vec<Method>,
    /// The provider whose step the invitee left for one of them.
    pub left: Option<identity_provider::Model>,
}

/// The way in this browser chose instead of its provider's, per link.
const CHOSEN: &str = "chosen_method";

/// What this browser chose instead of the provider for the link `raw`.
pub(super) fn chosen(visit: Option<&Visit>, raw: &str) -> Option<Method> {
    let chosen = &visit?.data[CHOSEN];
    (chosen["ticket"].as_str() == Some(raw))
        .then(|| Method::from_code(chosen["method"].as_str()?))
        .flatten()
}

/// The step for the invited address of `link`, or the alternative this
/// browser chose (see [`chosen`]) when the address may take it.
pub(super) async fn step_for(
    conn: &impl ConnectionTrait,
    link: &Link,
    chosen: Option<Method>,
) -> Result<Found, DbErr> {
    let (org, email) = (&link.org, link.invitation.invited_email.as_str());
    let user = match reset_user(&link.invitation) {
        Some(_) => None,
        None => user_by_email(conn, email).await?,
    };
    let configured = providers::list(conn, org.id).await?;
    let (account, linked) = account_of(conn, user.as_ref(), &configured).await?;
    let candidates = providers::candidates(&configured, email);
    let facts = Facts {
        account,
        organization_idp: candidates.organization_idp.is_some(),
        google: candidates.google.is_some(),
        microsoft: candidates.microsoft.is_some(),
        passcode_enabled: org.email_otp_enabled,
    };
    let order = stored_order(org);
    let first = discover(&order, email, &facts);
    let step = discover_chosen(&order, email, &facts, chosen);
    let provider_of = |step| match step {
        Step::SignIn(AccountSignIn::Provider) => linked.clone(),
        Step::OrganizationIdp => candidates.organization_idp.clone(),
        Step::Google => candidates.google.clone(),
        Step::Microsoft => candidates.microsoft.clone(),
        _ => None,
    };
    Ok(Found {
        step,
        provider: provider_of(step),
        alternatives: alternatives(&order, email, &facts),
        left: (step != first).then(|| provider_of(first)).flatten(),
    })
}

/// "Sign in another way": the alternative `method` for this browser and the
/// link `raw`, or back to the provider for anything that is not one.
pub(super) async fn choose(
    ctx: &Context<'_>,
    raw: &str,
    visit: &Visit,
    found: &Found,
    method: &str,
) -> Result<Outcome, DbErr> {
    let value = match Method::from_code(method) {
        Some(m) if found.alternatives.contains(&m) => {
            serde_json::json!({ "ticket": raw, "method": m.code() })
        }
        _ => serde_json::Value::Null,
    };
    session::set_visit_value(ctx.db, visit, CHOSEN, value).await?;
    Ok(Outcome::Start)
}

/// The invitation of the link if one can sign in through it, or what to
/// do instead: a pending one, or an accepted one whose redeemer is still
/// at the invited address (to go on with the later steps).
pub(super) async fn invitation_of(
    conn: &impl ConnectionTrait,
    raw: &str,
    clock: &dyn Clock,
) -> Result<Result<Link, Outcome>, DbErr> {
    use app::model::landing::LinkState;
    let Some(link) = find(conn, raw, false).await? else {
        return Ok(Err(Outcome::NotFound));
    };
    let open = match link_state(&link.invitation, &link.ticket, clock.now()) {
        LinkState::Pending => true,
        LinkState::Accepted => {
            let invitation = &link.invitation;
            redeemer_at_invited(conn, invitation.redeemed_by, &invitation.invited_email).await?
        }
        _ => false,
    };
    if !open {
        return Ok(Err(Outcome::Start));
    }
    Ok(Ok(link))
}

/// The pending invitation of the link and its step, for a browser that is
/// not signed in yet; anything else goes back to the step page, which says
/// what applies (continue, or switch account).
pub(super) async fn open_step(
    ctx: &Context<'_>,
    raw: &str,
    visit: &Visit,
) -> Result<Result<(Link, Found), Outcome>, DbErr> {
    let link = match invitation_of(ctx.db, raw, ctx.clock).await? {
        Ok(link) => link,
        Err(outcome) => return Ok(Err(outcome)),
    };
    if visit.user_id.is_some() {
        return Ok(Err(Outcome::Start));
    }
    let found = step_for(ctx.db, &link, chosen(Some(visit), raw)).await?;
    Ok(Ok((link, found)))
}
