//! The company rules compiled to wasm32, as the browser runs them, give the
//! answers they give natively (`tests/tax_ids.rs`). Run by the test command
//! with wasm-bindgen-test-runner under Node.
#![cfg(target_arch = "wasm32")]

mod shared;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn every_single_digit_change_of_a_tax_id_fails_in_wasm() {
    let checked = shared::check_digits_hold(150).unwrap();
    assert!(checked > 500, "only {checked} numbers checked");
}

#[wasm_bindgen_test]
fn the_field_rules_answer_in_wasm_as_natively() {
    assert_eq!(shared::wrong_answers(), Vec::<String>::new());
}
