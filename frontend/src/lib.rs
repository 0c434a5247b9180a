//! The browser entry point: hydrates the server-rendered page. Built twice:
//! the dashboard's bundle hydrates the whole app; with the `customer`
//! feature, the customer's bundle hydrates only the customer's pages, so
//! none of the dashboard's code or strings reaches a customer.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "customer")]
    leptos::mount::hydrate_body(app::CustomerApp);
    #[cfg(not(feature = "customer"))]
    leptos::mount::hydrate_body(app::App);
}
