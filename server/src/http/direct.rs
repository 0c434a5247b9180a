//! The direct links' forms, as plain posts that lead back to a page (303):
//! `POST /signin` finds the organization by a domain, and
//! `POST /t/{slug}/signin` asks for a link to the address's invitation.

use app::model::domains::typed_domain;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::customer::Client;
use super::replies::{in_even_time, internal, too_many};
use super::AppState;
use crate::redemption::direct::{self, Asker, Requested};

#[derive(Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    domain: String,
}

fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// "Sign in to an organization": on to the sign-in of the organization
/// that has the domain, or back with what is wrong.
pub async fn find_organization(
    State(state): State<AppState>,
    Form(form): Form<DomainForm>,
) -> Response {
    let Some(domain) = typed_domain(&form.domain) else {
        return Redirect::to("/signin?notice=domain-invalid").into_response();
    };
    match direct::by_domain(&state.db, &domain).await {
        Ok(Some(org)) => Redirect::to(&format!("/t/{}/signin", org.slug)).into_response(),
        Ok(None) => Redirect::to(&format!(
            "/signin?notice=domain-unknown&domain={}",
            query_value(&domain)
        ))
        .into_response(),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// The organization's sign-in form: the same answer, after the same time,
/// whether or not the address has an invitation (for an invited one it
/// writes a link and its email, for another nothing).
pub async fn request_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    client: Client,
    Form(form): Form<EmailForm>,
) -> Response {
    let page = format!("/t/{}/signin", query_value(&slug));
    let answer = async {
        let Some(org) = direct::by_slug(&state.db, &slug).await? else {
            return Ok((StatusCode::NOT_FOUND, "not found").into_response());
        };
        let asker = Asker {
            address: &client.address,
            clock: state.clock.as_ref(),
        };
        let requested =
            direct::request_link(&state.db, &org, &form.email, &asker, &state.public_url).await?;
        Ok::<_, sea_orm::DbErr>(match requested {
            Requested::Answered => Redirect::to(&format!("{page}?notice=sent")).into_response(),
            Requested::InvalidEmail => {
                Redirect::to(&format!("{page}?notice=email-invalid")).into_response()
            }
            Requested::RateLimited => too_many(&client.headers, &page),
        })
    };
    in_even_time(async { answer.await.unwrap_or_else(internal) }).await
}
