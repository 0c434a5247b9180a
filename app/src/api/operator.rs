//! Who is signed in.

use leptos::prelude::*;

use super::ApiError;

use crate::model::operator::CurrentOperator;

/// The signed-in operator, or `None`. The server's session layer has already
/// resolved the session cookie and put the operator into the request.
#[server(endpoint = "signed_in_operator")]
pub async fn signed_in_operator() -> Result<Option<CurrentOperator>, ApiError> {
    let operator =
        with_context::<http::request::Parts, _>(|p| p.extensions.get::<CurrentOperator>().cloned());
    Ok(operator.flatten())
}
