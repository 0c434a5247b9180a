//! The customer's browser entry point: it hydrates only the live parts of
//! a customer's page (`app::live`), so none of the dashboard's code or
//! strings, nor the router and the pages, reaches a customer.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::live::hydrate();
    app::mark_hydrated();
}
