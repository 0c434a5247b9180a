//! The customer's browser entry point: it hydrates only the live parts of
//! a customer's page (`app::live`), so none of the dashboard's code or
//! strings, nor the router and the pages, reaches a customer.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::live::hydrate();
    // The page reacts from now on: `<html data-hydrated>` tells tools that
    // wait for it (the end-to-end tests) without guessing from the network.
    if let Some(html) = leptos::prelude::document().document_element() {
        let _ = html.set_attribute("data-hydrated", "");
    }
}
