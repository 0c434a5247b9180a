//! CSRF defence for every state-changing request: it must come from a page
//! of this site (`Origin`, else `Referer`, equal to `LOBBY_PUBLIC_URL`'s
//! origin). Forms of signed-in operators also carry the session's token,
//! checked by their handlers. The bearer-token API under `/v1.0/` carries no
//! cookies and is exempt, as are the OpenID provider's token and userinfo
//! endpoints, which the seller's apps call with their own credentials.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::provider::discovery::{TOKEN_PATH, USERINFO_PATH};

pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    // The apps call the token and userinfo endpoints from their servers
    // (or their pages, elsewhere) with their own credentials, no cookies.
    let for_apps = path == TOKEN_PATH || path == USERINFO_PATH;
    if safe || for_apps || path.starts_with("/v1.0/") {
        return next.run(request).await;
    }
    let headers = request.headers();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let allowed = match (origin, referer) {
        (Some(origin), _) => origin == state.public_origin,
        (None, Some(referer)) => referer
            .strip_prefix(state.public_origin.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
        (None, None) => false,
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), ?origin, "cross-site request refused");
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    }
}
