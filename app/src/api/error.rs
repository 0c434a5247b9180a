//! The one error type of every server function. Refusals a page expects
//! (a wrong code, a taken address, "admins only") are values of each
//! function's outcome; this is for what stops the call itself.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// No operator session: sign in first (401).
    Unauthorized,
    /// A session without the right to this, or without its CSRF token (403).
    Forbidden,
    /// Nothing here by that name (404).
    NotFound,
    /// The request does not make sense, e.g. an unknown role (400).
    BadRequest,
    /// Storage cannot be reached: try again shortly (503).
    Unavailable,
    /// The call itself failed: the network, or arguments that do not decode.
    Call(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Unauthorized => f.write_str("sign in first"),
            ApiError::Forbidden => f.write_str("not allowed"),
            ApiError::NotFound => f.write_str("not found"),
            ApiError::BadRequest => f.write_str("bad request"),
            ApiError::Unavailable => f.write_str("unavailable; try again shortly"),
            ApiError::Call(why) => write!(f, "the call failed: {why}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        // On the server, arguments that do not decode are the caller's
        // mistake, not the server's: 400, whatever the function.
        #[cfg(feature = "ssr")]
        if matches!(
            e,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_)
        ) {
            return ApiError::Call(e.to_string()).answer();
        }
        ApiError::Call(e.to_string())
    }
}

#[cfg(feature = "ssr")]
impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest | ApiError::Call(_) => StatusCode::BAD_REQUEST,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The error, with its status on the response: every server function's
    /// failure goes through here, so the status is decided in one place.
    pub(crate) fn answer(self) -> Self {
        answer_with(self.status());
        self
    }
}

/// Sets the status of the answer being built, for outcomes that are values
/// but still say "not found" or "forbidden" to the browser (a page that
/// does not exist, a spent setup link).
#[cfg(feature = "ssr")]
pub(crate) fn answer_with(status: http::StatusCode) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::PortError> for ApiError {
    /// A port's failure; storage that cannot be reached makes the page
    /// answer 503, which the server turns into a page saying so.
    fn from(e: crate::ports::PortError) -> Self {
        match e {
            crate::ports::PortError::BadRequest => ApiError::BadRequest,
            crate::ports::PortError::Unavailable => ApiError::Unavailable,
        }
        .answer()
    }
}
