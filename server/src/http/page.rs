//! Rendering a page that waits for nothing: the customer's pages whose
//! handler read their data first. leptos_axum renders every page as a
//! stream, on a task of its own, through asynchronous views, ready for
//! resources that such a page does not have. Rendered here at once, in
//! the request's own task, without the router, the landing page served
//! a quarter more requests (bench/load.sh).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::Response;
use futures_util::StreamExt;
use leptos::prelude::{provide_context, Owner, RenderHtml};
use leptos::IntoView;
use leptos_axum::ResponseOptions;
use leptos_meta::ServerMetaContext;
use leptos_router::location::RequestUrl;

/// A page rendered at once: its document (`shell`) with the contexts
/// leptos_axum gives a page, and the app's (`context`). Shared by every
/// request in an `Arc` (axum clones a route's handler for each request).
pub struct DirectPage<C, S> {
    pub context: C,
    pub shell: S,
}

impl<C, S, IV> DirectPage<C, S>
where
    C: Fn() + Send + Sync,
    S: Fn() -> IV + Send + Sync,
    IV: IntoView + 'static,
{
    pub async fn render(&self, request: Request) -> Response {
        let (parts, _) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("http://leptos.dev{path}");
        let options = ResponseOptions::default();
        let (meta, meta_output) = ServerMetaContext::new();
        let owner = Owner::new_root(None);
        let html = owner.with(|| {
            provide_context(RequestUrl::new(&url));
            provide_context(meta);
            provide_context(parts);
            provide_context(options.clone());
            leptos::nonce::provide_nonce();
            (self.context)();
            (self.shell)().into_view().to_html()
        });
        // `new_root` made it this thread's current owner; other requests
        // run on this thread while this one waits for the title below.
        owner.clone().unset();
        let html: String = meta_output
            .inject_meta_context(futures_util::stream::once(async { html }).boxed())
            .await
            .collect()
            .await;
        owner.unset_with_forced_cleanup();
        let mut response = Response::new(Body::from(html));
        let mut set = options.0.write().unwrap_or_else(|e| e.into_inner());
        if let Some(status) = set.status {
            *response.status_mut() = status;
        }
        response
            .headers_mut()
            .extend(std::mem::take(&mut set.headers));
        response
            .headers_mut()
            .entry(CONTENT_TYPE)
            .or_insert(HeaderValue::from_static("text/html; charset=utf-8"));
        response
    }
}
