//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an app
//! sends the customer to sign out of Lobby too. With an ID token Lobby
//! issued to the customer signed in here, that happens at once; otherwise
//! the customer is asked first, so that no other site can sign them out.
//! The customer goes back to the app only to a post-logout address the
//! app registered.

use sea_orm::{ConnectionTrait, DbErr};
use serde::Deserialize;
use uuid::Uuid;

use super::apps;
use super::keys::KeySet;
use super::token::id_token_hint;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Request {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

pub struct Decided {
    /// The hint names the customer signed in here (or nobody is): sign
    /// out without asking.
    pub confirmed: bool,
    /// Where to send the customer afterwards, `state` included.
    pub back_to: Option<String>,
    /// The app's organization, when the app is known.
    pub organization_id: Option<Uuid>,
}

pub async fn decide(
    db: &impl ConnectionTrait,
    keys: &KeySet,
    issuer: &str,
    request: &Request,
    signed_in: Option<Uuid>,
) -> Result<Decided, DbErr> {
    let hint = request
        .id_token_hint
        .as_deref()
        .and_then(|token| id_token_hint(keys, issuer, token));
    let client_id = match (&hint, &request.client_id) {
        (Some((_, audience)), Some(named)) if audience != named => None,
        (Some((_, audience)), _) => Some(audience.clone()),
        (None, named) => named.clone(),
    };
    let app = match &client_id {
        Some(id) => apps::by_client_id(db, id).await?,
        None => None,
    };
    let back_to = app.as_ref().and_then(|app| {
        let asked = request.post_logout_redirect_uri.as_deref()?;
        if !apps::post_logout_uris(app).iter().any(|uri| uri == asked) {
            return None;
        }
        let mut url = url::Url::parse(asked).ok()?;
        if let Some(state) = &request.state {
            url.query_pairs_mut().append_pair("state", state);
        }
        Some(url.to_string())
    });
    let confirmed = match (&hint, signed_in) {
        (Some((subject, _)), Some(user)) => *subject == user.to_string(),
        (Some(_), None) => true,
        (None, _) => false,
    };
    Ok(Decided {
        confirmed,
        back_to,
        organization_id: app.map(|a| a.organization_id),
    })
}
