//! The dashboard's browser entry point: it hydrates the dashboard's pages
//! whole, each page's code fetched as the page is opened
//! (`app::pages::admin::lazy`). The customer's pages have a bundle of their
//! own (`frontend/customer`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // An error means it runs already.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        // The page's own chunk is fetched before its view hydrates.
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        // The page reacts from now on: `<html data-hydrated>` tells tools
        // that wait for it (the end-to-end tests) without guessing from
        // the network.
        if let Some(html) = leptos::prelude::document().document_element() {
            let _ = html.set_attribute("data-hydrated", "");
        }
    });
}
