//! Property tests of the tax-id rules the browser and the server share:
//! every generated number with its check digit passes, exactly one check
//! digit completes it, and changing any single digit makes it fail.

#![cfg(not(target_arch = "wasm32"))]

mod shared;

use proptest::prelude::*;
use shared::{single_check_digit, SCHEMES};

#[test]
fn the_fixed_cases_hold_natively_as_in_wasm() {
    assert_eq!(shared::wrong_answers(), Vec::<String>::new());
    let checked = shared::check_digits_hold(150).unwrap();
    assert!(checked > 500, "only {checked} numbers checked");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_check_digit_catches_every_single_digit_change(
        scheme in 0..SCHEMES.len(),
        body in proptest::collection::vec(0u32..10, 10),
    ) {
        let (country, prefix, len) = SCHEMES[scheme];
        let completed = single_check_digit(country, prefix, &body[..len - 1]);
        prop_assert!(completed.is_ok(), "{}", completed.unwrap_err());
    }
}
