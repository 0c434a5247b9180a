//! Cases of the company rules that run twice: natively with `cargo test`,
//! and compiled to wasm32 (as the browser runs them) under
//! wasm-bindgen-test, so both builds of the same code give the same answers.

use app::model::company::{check_field, CompanyField, Completeness};

/// How a country writes its tax id: a prefix, then this many digits, the
/// last of them the check digit.
pub const SCHEMES: [(&str, &str, usize); 4] = [
    ("CH", "CHE", 9), // UID, mod 11
    ("DE", "DE", 9),  // USt-IdNr, ISO 7064 mod 11,10
    ("KR", "", 10),   // business registration number
    ("IT", "IT", 11), // partita IVA, Luhn
];

pub fn passes(country: &str, prefix: &str, digits: &[u32]) -> bool {
    let number: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    check_field(
        CompanyField::TaxId,
        &format!("{prefix}{number}"),
        country,
        Completeness::Complete,
    )
    .is_ok()
}

/// For the digits before the check digit: the one check digit that
/// completes them (`None` where no number is issued, e.g. a Swiss UID
/// whose check would be 10), after checking that every single-digit change
/// of the completed number fails.
pub fn single_check_digit(
    country: &str,
    prefix: &str,
    body: &[u32],
) -> Result<Option<u32>, String> {
    let completions: Vec<u32> = (0..10)
        .filter(|c| passes(country, prefix, &[body, &[*c]].concat()))
        .collect();
    match completions[..] {
        [] => return Ok(None),
        [_] => {}
        _ => {
            return Err(format!(
                "{country}: {body:?} has check digits {completions:?}"
            ))
        }
    }
    let valid = [body, &completions[..]].concat();
    for at in 0..valid.len() {
        for other in (0..10).filter(|d| *d != valid[at]) {
            let mut changed = valid.clone();
            changed[at] = other;
            if passes(country, prefix, &changed) {
                return Err(format!(
                    "{country}: {valid:?} with digit {at} as {other} still passes"
                ));
            }
        }
    }
    Ok(Some(completions[0]))
}

/// `count` bodies per scheme from a fixed pseudo-random sequence (the same
/// on every platform, so both builds check the same numbers).
pub fn check_digits_hold(count: usize) -> Result<usize, String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut checked = 0;
    for (country, prefix, len) in SCHEMES {
        for _ in 0..count {
            let body: Vec<u32> = (0..len - 1)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    ((state >> 33) % 10) as u32
                })
                .collect();
            if single_check_digit(country, prefix, &body)?.is_some() {
                checked += 1;
            }
        }
    }
    Ok(checked)
}

/// Values of each kind of field, valid or not, as the invitee types them.
pub const CASES: &[(CompanyField, &str, &str, bool)] = &[
    (CompanyField::LegalName, "CH", "Customer AG", true),
    (CompanyField::LegalName, "CH", "1", false),
    (CompanyField::LegalName, "CH", "12345", false),
    (CompanyField::PostalCode, "CH", "8001", true),
    (CompanyField::PostalCode, "CH", "80", false),
    (CompanyField::PostalCode, "DE", "10115", true),
    (CompanyField::PostalCode, "DE", "1011", false),
    (CompanyField::PostalCode, "US", "94105", true),
    (CompanyField::PostalCode, "US", "9410", false),
    (CompanyField::PostalCode, "GB", "SW1A 1AA", true),
    (CompanyField::PostalCode, "KR", "03187", true),
    (CompanyField::PostalCode, "KR", "3187", false),
    (CompanyField::PostalCode, "JP", "100-0001", true),
    (CompanyField::PostalCode, "CA", "K1A 0B1", true),
    (CompanyField::PostalCode, "NL", "1012 AB", true),
    (CompanyField::Country, "", "CH", true),
    (CompanyField::Country, "", "XX", false),
    (CompanyField::Phone, "CH", "+41 44 123 45 67", true),
    (CompanyField::Phone, "CH", "call me", false),
    (
        CompanyField::Website,
        "CH",
        "https://customer.example",
        true,
    ),
    (
        CompanyField::Website,
        "CH",
        "http://customer.example",
        false,
    ),
    (CompanyField::TaxId, "US", "12-3456789", true),
    (CompanyField::TaxId, "US", "12-345678", false),
];

/// The cases whose answer is not the expected one.
pub fn wrong_answers() -> Vec<String> {
    CASES
        .iter()
        .filter(|(field, country, value, valid)| {
            check_field(*field, value, country, Completeness::Complete).is_ok() != *valid
        })
        .map(|(field, country, value, valid)| {
            format!("{field:?} {value:?} in {country}: expected valid={valid}")
        })
        .collect()
}
