//! Property tests of the tax-id rules the browser and the server share:
//! every generated number with its check digit passes, exactly one check
//! digit completes it, and changing any single digit makes it fail.

use app::model::company::{check_field, CompanyField, Completeness};
use proptest::prelude::*;

/// How a country writes its number: a prefix, then this many digits, the
/// last of them the check digit.
const SCHEMES: [(&str, &str, usize); 4] = [
    ("CH", "CHE", 9), // UID, mod 11
    ("DE", "DE", 9),  // USt-IdNr, ISO 7064 mod 11,10
    ("KR", "", 10),   // business registration number
    ("IT", "IT", 11), // partita IVA, Luhn
];

fn passes(country: &str, prefix: &str, digits: &[u32]) -> bool {
    let number: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    check_field(
        CompanyField::TaxId,
        &format!("{prefix}{number}"),
        country,
        Completeness::Complete,
    )
    .is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_check_digit_catches_every_single_digit_change(
        scheme in 0..SCHEMES.len(),
        body in proptest::collection::vec(0u32..10, 10),
    ) {
        let (country, prefix, len) = SCHEMES[scheme];
        let body = &body[..len - 1];
        let completions: Vec<u32> = (0..10)
            .filter(|c| passes(country, prefix, &[body, &[*c]].concat()))
            .collect();
        // A Swiss UID whose check would be 10 is never issued.
        prop_assume!(!completions.is_empty());
        prop_assert_eq!(completions.len(), 1, "one check digit for {:?}", body);
        let valid = [body, &completions[..]].concat();
        prop_assert!(passes(country, prefix, &valid));
        for at in 0..valid.len() {
            for other in (0..10).filter(|d| *d != valid[at]) {
                let mut changed = valid.clone();
                changed[at] = other;
                prop_assert!(
                    !passes(country, prefix, &changed),
                    "{country}: {valid:?} with digit {at} as {other} still passes"
                );
            }
        }
    }
}
