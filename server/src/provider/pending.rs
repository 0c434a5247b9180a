//! An app's sign-in that waits for the customer: to sign in, or to finish
//! the steps of their invitation. The authorization request is kept in
//! their Lobby session (it goes with them through sign-in) and offered on
//! the welcome page as "Continue to <app>", which asks for it again.

use app::model::journey::WelcomeLink;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;
use uuid::Uuid;

use super::apps;
use super::claims::{standing, Standing};
use super::discovery::AUTHORIZE_PATH;
use crate::auth::session::{set_visit_value, Visit};

/// Where the session keeps it.
pub const KEY: &str = "authorize";

/// Longer requests are not kept (the app's own parameters are short).
const LONGEST: usize = 4096;

/// Keeps the authorization request `query` of the app `app_name` in the
/// customer's session.
pub async fn keep(
    db: &impl ConnectionTrait,
    visit: &Visit,
    app_name: &str,
    query: &str,
) -> Result<(), DbErr> {
    if query.len() > LONGEST {
        return Ok(());
    }
    let value = json!({ "app": app_name, "query": query });
    set_visit_value(db, visit, KEY, value).await
}

/// Forgets it once the app has its code.
pub async fn clear(db: &impl ConnectionTrait, visit: &Visit) -> Result<(), DbErr> {
    if visit.data.get(KEY).is_some() {
        set_visit_value(db, visit, KEY, serde_json::Value::Null).await?;
    }
    Ok(())
}

/// The waiting request, as the welcome page offers it: the app's name and
/// the address that asks for its code again.
pub fn waiting(visit: &Visit) -> Option<WelcomeLink> {
    let kept = visit.data.get(KEY)?;
    Some(WelcomeLink {
        label: kept["app"].as_str()?.to_owned(),
        url: format!("{AUTHORIZE_PATH}?{}", kept["query"].as_str()?),
        language: None,
    })
}

/// What a new session at sign-in takes over from the one it replaces.
pub fn carried(visit: &Visit) -> serde_json::Map<String, serde_json::Value> {
    visit
        .data
        .get(KEY)
        .map(|kept| (KEY.to_owned(), kept.clone()))
        .into_iter()
        .collect()
}

/// The organization's apps the customer may open, as tiles for the
/// welcome page: those with a launch address, and for a company admin
/// also those only for company admins.
pub async fn tiles(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<WelcomeLink>, DbErr> {
    let Standing::Onboarded(customer) = standing(db, user_id, org_id).await? else {
        return Ok(Vec::new());
    };
    let admin = customer.company.company_role == "company_admin";
    Ok(apps::list(db, org_id)
        .await?
        .into_iter()
        .filter(|app| admin || !app.company_admins_only)
        .filter_map(|app| {
            Some(WelcomeLink {
                url: app.launch_url?,
                label: app.name,
                language: None,
            })
        })
        .collect())
}
