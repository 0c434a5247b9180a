//! The dashboard's browser entry point: it hydrates the dashboard's pages
//! whole, each group of pages' code fetched as one of them is first opened
//! (`app::pages::admin::lazy`). The customer's pages have a bundle of their
//! own (`frontend/customer`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // An error means it runs already.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        // The page's group is fetched before its view hydrates.
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::mark_hydrated();
    });
}
