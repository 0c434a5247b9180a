//! The rules for a customer's company data. They run in the browser as the
//! user types and on the server for every request, so both always agree.

use serde::{Deserialize, Serialize};

use super::countries::COUNTRIES;
use super::locale::Locale;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "camelCase")]
pub enum CompanyField {
    LegalName,
    Street,
    PostalCode,
    City,
    Country,
    TaxId,
    Phone,
    Website,
}

impl CompanyField {
    /// Every field, in the order forms show them.
    pub const ALL: [CompanyField; 8] = [
        CompanyField::LegalName,
        CompanyField::Street,
        CompanyField::PostalCode,
        CompanyField::City,
        CompanyField::Country,
        CompanyField::TaxId,
        CompanyField::Phone,
        CompanyField::Website,
    ];

    /// The field's name in the API's company draft.
    pub fn api_name(self) -> &'static str {
        self.into()
    }

    /// The field's name in forms and CSV files.
    pub fn form_name(self) -> &'static str {
        match self {
            CompanyField::LegalName => "legal_name",
            CompanyField::Street => "street",
            CompanyField::PostalCode => "postal_code",
            CompanyField::City => "city",
            CompanyField::Country => "country",
            CompanyField::TaxId => "tax_id",
            CompanyField::Phone => "phone",
            CompanyField::Website => "website",
        }
    }

    pub fn from_api_name(name: &str) -> Option<CompanyField> {
        name.parse().ok()
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum CompanyProblem {
    Required,
    TooLong,
    ControlCharacters,
    LegalNameLength,
    LegalNameNoLetter,
    CountryUnknown,
    #[strum(to_string = "postal_code_invalid")]
    PostalCode,
    TaxIdFormat,
    TaxIdCheckDigit,
    PhoneFormat,
    PhoneNeedsCountry,
    WebsiteNotHttps,
    WebsiteInvalid,
}

impl CompanyProblem {
    /// The problem code the API and imports report.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<CompanyProblem> {
        code.parse().ok()
    }
}

/// Whether blank fields pass: an invitation's draft may leave fields for the
/// invitee to fill in; a company being created needs its required ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completeness {
    Draft,
    Complete,
}

/// The country's name in `locale`, if `code` is an ISO 3166-1 alpha-2 code.
pub fn country_name(code: &str, locale: Locale) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, en, ko)| match locale {
            Locale::En => *en,
            Locale::Ko => *ko,
        })
}

/// Every country as `(code, name)`, sorted by the name in `locale`.
pub fn countries_by_name(locale: Locale) -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = COUNTRIES
        .iter()
        .map(|(code, en, ko)| {
            let name = match locale {
                Locale::En => *en,
                Locale::Ko => *ko,
            };
            (*code, name)
        })
        .collect();
    all.sort_by(|a, b| a.1.cmp(b.1));
    all
}

/// Postal code shapes of the countries with a specific rule: `9` a digit,
/// `A` a letter, anything else itself.
fn postal_shapes(country: &str) -> Option<&'static [&'static str]> {
    Some(match country {
        "CH" | "AT" | "BE" => &["9999"],
        "DE" | "FR" | "IT" | "ES" | "KR" => &["99999"],
        "US" => &["99999", "99999-9999"],
        "NL" => &["9999 AA", "9999AA"],
        "GB" => &[
            "AA9A 9AA", "A9A 9AA", "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "AA9A9AA", "A9A9AA",
            "A99AA", "A999AA", "AA99AA", "AA999AA",
        ],
        "CA" => &["A9A 9A9", "A9A9A9"],
        "JP" => &["999-9999", "9999999"],
        "CN" | "IN" => &["999999"],
        "BR" => &["99999-999", "99999999"],
        _ => return None,
    })
}

/// An example of a valid postal code, where the country has a specific rule.
pub fn postal_example(country: &str) -> Option<&'static str> {
    Some(match country {
        "CH" => "8001",
        "DE" => "10115",
        "AT" => "1010",
        "FR" => "75001",
        "IT" => "00184",
        "ES" => "28013",
        "NL" => "1012 AB",
        "BE" => "1000",
        "GB" => "SW1A 1AA",
        "US" => "94105",
        "CA" => "K1A 0B1",
        "JP" => "100-0001",
        "KR" => "03187",
        "CN" => "100000",
        "IN" => "110001",
        "BR" => "01310-100",
        _ => return None,
    })
}

/// `9` a digit, `A` an ASCII letter, `X` either; anything else itself.
fn fits(value: &str, shape: &str) -> bool {
    value.chars().count() == shape.chars().count()
        && value.chars().zip(shape.chars()).all(|(v, s)| match s {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_alphabetic(),
            'X' => v.is_ascii_alphanumeric(),
            other => v == other,
        })
}

fn check_postal_code(value: &str, country: &str) -> Result<String, CompanyProblem> {
    let value = value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let ok = match postal_shapes(country) {
        Some(shapes) => {
            shapes.iter().any(|s| fits(&value, s))
                && (country != "ES" || matches!(value[..2].parse::<u8>(), Ok(1..=52)))
                && !(matches!(country, "NL" | "IN") && value.starts_with('0'))
        }
        None => {
            (2..=10).contains(&value.chars().count())
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
                && value.chars().any(|c| c.is_ascii_alphanumeric())
        }
    };
    if ok {
        Ok(value)
    } else {
        Err(CompanyProblem::PostalCode)
    }
}

/// VAT numbers of the EU: the prefix and the shapes after it.
fn eu_vat(country: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match country {
        "AT" => ("ATU", &["99999999"]),
        "BE" => ("BE", &["9999999999"]),
        "BG" => ("BG", &["999999999", "9999999999"]),
        "CY" => ("CY", &["99999999A"]),
        "CZ" => ("CZ", &["99999999", "999999999", "9999999999"]),
        "DE" => ("DE", &["999999999"]),
        "DK" => ("DK", &["99999999"]),
        "EE" => ("EE", &["999999999"]),
        "GR" => ("EL", &["999999999"]),
        "ES" => ("ES", &["X9999999X"]),
        "FI" => ("FI", &["99999999"]),
        "FR" => ("FR", &["XX999999999"]),
        "HR" => ("HR", &["99999999999"]),
        "HU" => ("HU", &["99999999"]),
        "IE" => ("IE", &["9999999A", "9999999AA", "9A99999A"]),
        "IT" => ("IT", &["99999999999"]),
        "LT" => ("LT", &["999999999", "999999999999"]),
        "LU" => ("LU", &["99999999"]),
        "LV" => ("LV", &["99999999999"]),
        "MT" => ("MT", &["99999999"]),
        "NL" => ("NL", &["999999999B99"]),
        "PL" => ("PL", &["9999999999"]),
        "PT" => ("PT", &["999999999"]),
        "RO" => (
            "RO",
            &[
                "99",
                "999",
                "9999",
                "99999",
                "999999",
                "9999999",
                "99999999",
                "999999999",
                "9999999999",
            ],
        ),
        "SE" => ("SE", &["999999999901"]),
        "SI" => ("SI", &["99999999"]),
        "SK" => ("SK", &["9999999999"]),
        _ => return None,
    })
}

/// An example of a valid tax number, where the country has a specific rule.
pub fn tax_example(country: &str) -> Option<&'static str> {
    Some(match country {
        "CH" => "CHE-116.281.710",
        "DE" => "DE136695976",
        "KR" => "220-81-62517",
        "US" => "12-3456789",
        "AT" => "ATU12345678",
        "BE" => "BE0417497106",
        "IT" => "IT00743110157",
        "NL" => "NL123456789B01",
        "FR" => "FR40303265045",
        "ES" => "ESA12345678",
        _ => eu_vat(country).map(|(prefix, _)| prefix)?,
    })
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// Swiss UID: mod 11 over the first eight digits with weights 5 4 3 2 7 6 5 4.
fn swiss_uid_ok(d: &[u32]) -> bool {
    let sum: u32 = d[..8]
        .iter()
        .zip([5, 4, 3, 2, 7, 6, 5, 4])
        .map(|(a, w)| a * w)
        .sum();
    match 11 - sum % 11 {
        11 => d[8] == 0,
        10 => false,
        check => d[8] == check,
    }
}

/// German USt-IdNr: ISO 7064 MOD 11,10 over the first eight digits.
fn german_vat_ok(d: &[u32]) -> bool {
    let mut product = 10;
    for &digit in &d[..8] {
        let mut sum = (digit + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let check = (11 - product) % 10;
    d[8] == check
}

/// Belgian enterprise number: the last two digits are 97 minus the rest mod 97.
fn belgian_vat_ok(d: &[u32]) -> bool {
    let head = d[..8].iter().fold(0u64, |n, &x| n * 10 + u64::from(x));
    let tail = u64::from(d[8] * 10 + d[9]);
    97 - head % 97 == tail
}

/// Luhn, as used by the Italian partita IVA.
fn luhn_ok(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 {
                    x * 2 - 9
                } else {
                    x * 2
                }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Korean business registration number: weights 1 3 7 1 3 7 1 3 5, plus the
/// tens of the ninth digit times five.
fn korean_brn_ok(d: &[u32]) -> bool {
    let weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let sum: u32 = d[..9].iter().zip(weights).map(|(a, w)| a * w).sum::<u32>() + d[8] * 5 / 10;
    (10 - sum % 10) % 10 == d[9]
}

/// The IRS campus prefixes an EIN can start with.
fn ein_prefix_ok(prefix: u32) -> bool {
    matches!(prefix, 1..=6 | 10..=16 | 20..=27 | 30..=48 | 50..=68 | 71..=77 | 80..=88 | 90..=95 | 98 | 99)
}

fn check_tax_id(value: &str, country: &str) -> Result<String, CompanyProblem> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
        .collect::<String>()
        .to_uppercase();
    let format = Err(CompanyProblem::TaxIdFormat);
    let check = Err(CompanyProblem::TaxIdCheckDigit);
    match country {
        "CH" => {
            let body = compact.strip_prefix("CHE").unwrap_or(&compact);
            if !body.is_ascii() {
                return format;
            }
            let (number, suffix) = body.split_at(body.len().min(9));
            if !fits(number, "999999999") || !matches!(suffix, "" | "MWST" | "TVA" | "IVA" | "VAT")
            {
                return format;
            }
            let d = digits(number);
            if !swiss_uid_ok(&d) {
                return check;
            }
            let suffix = if suffix.is_empty() {
                String::new()
            } else {
                format!(" {suffix}")
            };
            Ok(format!(
                "CHE-{}.{}.{}{suffix}",
                &number[..3],
                &number[3..6],
                &number[6..]
            ))
        }
        "KR" => {
            if !fits(&compact, "9999999999") {
                return format;
            }
            if !korean_brn_ok(&digits(&compact)) {
                return check;
            }
            Ok(format!(
                "{}-{}-{}",
                &compact[..3],
                &compact[3..5],
                &compact[5..]
            ))
        }
        "US" => {
            if !fits(&compact, "999999999") || !ein_prefix_ok(compact[..2].parse().unwrap_or(0)) {
                return format;
            }
            Ok(format!("{}-{}", &compact[..2], &compact[2..]))
        }
        _ => match eu_vat(country) {
            Some((prefix, shapes)) => {
                let body = compact.strip_prefix(prefix).unwrap_or(&compact);
                if !shapes.iter().any(|s| fits(body, s)) {
                    return format;
                }
                let d = digits(body);
                let sound = match country {
                    "DE" => german_vat_ok(&d),
                    "BE" => belgian_vat_ok(&d),
                    "IT" => luhn_ok(&d),
                    _ => true,
                };
                if sound {
                    Ok(format!("{prefix}{body}"))
                } else {
                    check
                }
            }
            // Elsewhere, free text.
            None if value.chars().count() <= 40 => Ok(value.to_owned()),
            None => Err(CompanyProblem::TooLong),
        },
    }
}

/// Country calling codes for national phone numbers.
fn calling_code(country: &str) -> Option<&'static str> {
    Some(match country {
        "CH" => "41",
        "DE" => "49",
        "AT" => "43",
        "FR" => "33",
        "IT" => "39",
        "ES" => "34",
        "NL" => "31",
        "BE" => "32",
        "GB" => "44",
        "US" | "CA" => "1",
        "JP" => "81",
        "KR" => "82",
        "CN" => "86",
        "IN" => "91",
        "BR" => "55",
        "LI" => "423",
        "LU" => "352",
        _ => return None,
    })
}

/// E.164 (`+` and up to 15 digits), or a national number of the country.
fn check_phone(value: &str, country: &str) -> Result<String, CompanyProblem> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/');
    let (international, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => match value.strip_prefix("00") {
            Some(rest) => (true, rest),
            None => (false, value),
        },
    };
    if !rest.chars().all(allowed) {
        return Err(CompanyProblem::PhoneFormat);
    }
    let number: String = rest.chars().filter(char::is_ascii_digit).collect();
    let full = if international {
        number
    } else {
        let Some(code) = calling_code(country) else {
            return Err(CompanyProblem::PhoneNeedsCountry);
        };
        let national = match country {
            "IT" => number.as_str(),
            "US" | "CA" if number.len() == 11 => number.strip_prefix('1').unwrap_or(&number),
            _ => number.strip_prefix('0').unwrap_or(&number),
        };
        if national.len() < 6 {
            return Err(CompanyProblem::PhoneFormat);
        }
        format!("{code}{national}")
    };
    if (8..=15).contains(&full.len()) && !full.starts_with('0') {
        Ok(format!("+{full}"))
    } else {
        Err(CompanyProblem::PhoneFormat)
    }
}

/// An https address with a host name; `https://` is added when left out.
fn check_website(value: &str) -> Result<String, CompanyProblem> {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") {
        return Err(CompanyProblem::WebsiteNotHttps);
    }
    let rest = if lower.starts_with("https://") {
        &value[8..]
    } else if lower.contains("://") {
        return Err(CompanyProblem::WebsiteNotHttps);
    } else {
        value
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    // Checked as stored: lower case can change a character (`İ` becomes `i`
    // and a combining dot), and the stored value must pass again as it is.
    let authority = authority.to_lowercase();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => &authority,
    };
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
    if labels.len() < 2
        || !labels.iter().all(label_ok)
        || !tld_ok
        || value.contains(char::is_whitespace)
    {
        return Err(CompanyProblem::WebsiteInvalid);
    }
    Ok(format!("https://{authority}{path}"))
}

fn required(field: CompanyField, country: &str) -> bool {
    match field {
        CompanyField::LegalName
        | CompanyField::Street
        | CompanyField::City
        | CompanyField::Country => true,
        CompanyField::PostalCode => postal_shapes(country).is_some(),
        CompanyField::TaxId | CompanyField::Phone | CompanyField::Website => false,
    }
}

fn max_chars(field: CompanyField) -> usize {
    match field {
        CompanyField::LegalName | CompanyField::Street => 120,
        CompanyField::City => 100,
        _ => 200,
    }
}

/// Whether `problem` of the value `raw` of `field` refuses a seller's draft
/// outright: a value too long or with control characters is malformed
/// input. Any other problem is the customer's to fix on the company step
/// (the seller's records may be stale), so the draft keeps the value.
pub fn refuses_draft(field: CompanyField, raw: &str, problem: CompanyProblem) -> bool {
    match problem {
        CompanyProblem::TooLong | CompanyProblem::ControlCharacters => true,
        CompanyProblem::LegalNameLength => raw.trim().chars().count() > max_chars(field),
        _ => false,
    }
}

/// The values of a seller's draft that the customer must correct: each
/// non-empty one the rules refuse, in the form's order.
pub fn draft_problems(draft: &[(CompanyField, String)]) -> Vec<(CompanyField, CompanyProblem)> {
    let value = |field: CompanyField| {
        draft
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    };
    let country = value(CompanyField::Country);
    CompanyField::ALL
        .into_iter()
        .filter_map(|field| {
            check_field(field, value(field), country, Completeness::Draft)
                .err()
                .map(|problem| (field, problem))
        })
        .collect()
}

/// Checks one field; `country` is the draft's country code, for the rules
/// that depend on it. Returns the value as it is stored (trimmed, and
/// written the usual way for codes and numbers).
pub fn check_field(
    field: CompanyField,
    raw: &str,
    country: &str,
    completeness: Completeness,
) -> Result<String, CompanyProblem> {
    let value = raw.trim();
    let country = country.trim().to_ascii_uppercase();
    if value.is_empty() {
        return if completeness == Completeness::Complete && required(field, &country) {
            Err(CompanyProblem::Required)
        } else {
            Ok(String::new())
        };
    }
    if value.chars().any(char::is_control) {
        return Err(CompanyProblem::ControlCharacters);
    }
    if value.chars().count() > max_chars(field) {
        return Err(if field == CompanyField::LegalName {
            CompanyProblem::LegalNameLength
        } else {
            CompanyProblem::TooLong
        });
    }
    let stored = match field {
        CompanyField::LegalName if value.chars().count() < 2 => {
            Err(CompanyProblem::LegalNameLength)
        }
        CompanyField::LegalName if !value.chars().any(char::is_alphabetic) => {
            Err(CompanyProblem::LegalNameNoLetter)
        }
        CompanyField::LegalName | CompanyField::Street | CompanyField::City => Ok(value.to_owned()),
        CompanyField::Country => country_name(value, Locale::En)
            .map(|_| value.to_ascii_uppercase())
            .ok_or(CompanyProblem::CountryUnknown),
        CompanyField::PostalCode => check_postal_code(value, &country),
        CompanyField::TaxId => check_tax_id(value, &country),
        CompanyField::Phone => check_phone(value, &country),
        CompanyField::Website => check_website(value),
    }?;
    // The limit holds for the value as stored too (a website gains `https://`).
    if stored.chars().count() > max_chars(field) {
        return Err(CompanyProblem::TooLong);
    }
    Ok(stored)
}

/// A customer's role in their company: who created it (or was invited as
/// such) administers it; whoever joins it later is a member.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CompanyRole {
    CompanyAdmin,
    #[default]
    Member,
}

impl CompanyRole {
    /// The name stored, and used by the API: `company_admin`, `member`.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<CompanyRole> {
        code.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CompanyField::*;

    fn ok(field: CompanyField, value: &str, country: &str) -> String {
        check_field(field, value, country, Completeness::Complete)
            .unwrap_or_else(|p| panic!("{field:?} {value:?} ({country}): {p:?}"))
    }

    fn problem(field: CompanyField, value: &str, country: &str) -> CompanyProblem {
        check_field(field, value, country, Completeness::Complete)
            .expect_err(&format!("{field:?} {value:?} ({country}) should fail"))
    }

    #[test]
    fn every_country_has_a_name_in_both_languages() {
        assert_eq!(COUNTRIES.len(), 249);
        assert_eq!(country_name("ch", Locale::En), Some("Switzerland"));
        assert_eq!(country_name("KR", Locale::Ko), Some("대한민국"));
        assert_eq!(country_name("XX", Locale::En), None);
        assert_eq!(ok(Country, "de", ""), "DE");
        assert_eq!(
            problem(Country, "Germany", ""),
            CompanyProblem::CountryUnknown
        );
        let sorted = countries_by_name(Locale::Ko);
        assert!(sorted.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn legal_names_need_two_to_120_characters_with_a_letter() {
        assert_eq!(ok(LegalName, "  GFMS AG ", "CH"), "GFMS AG");
        assert_eq!(ok(LegalName, "㈜가나", "KR"), "㈜가나");
        assert_eq!(
            problem(LegalName, "A", "CH"),
            CompanyProblem::LegalNameLength
        );
        assert_eq!(
            problem(LegalName, "1234", "CH"),
            CompanyProblem::LegalNameNoLetter
        );
        assert_eq!(
            problem(LegalName, &"a".repeat(121), "CH"),
            CompanyProblem::LegalNameLength
        );
        assert_eq!(
            problem(Street, "Main\u{7}street", "CH"),
            CompanyProblem::ControlCharacters
        );
    }

    #[test]
    fn required_fields_depend_on_completeness_and_country() {
        assert_eq!(problem(Street, " ", "CH"), CompanyProblem::Required);
        assert_eq!(problem(PostalCode, "", "CH"), CompanyProblem::Required);
        assert_eq!(ok(PostalCode, "", "HK"), "", "no rule, not required");
        assert_eq!(ok(TaxId, "", "CH"), "");
        assert_eq!(
            check_field(Street, "", "CH", Completeness::Draft),
            Ok(String::new())
        );
    }

    #[test]
    fn postal_codes_follow_the_country() {
        let good = [
            ("CH", "8001"),
            ("DE", "10115"),
            ("AT", "1010"),
            ("FR", "75001"),
            ("IT", "00184"),
            ("ES", "28013"),
            ("NL", "1012 ab"),
            ("NL", "1012AB"),
            ("BE", "1000"),
            ("GB", "sw1a 1aa"),
            ("GB", "M1 1AE"),
            ("US", "94105"),
            ("US", "94105-1234"),
            ("CA", "K1A 0B1"),
            ("JP", "100-0001"),
            ("KR", "03187"),
            ("CN", "100000"),
            ("IN", "110001"),
            ("BR", "01310-100"),
            ("SG", "018956"),
            ("IE", "D02 X285"),
        ];
        for (country, code) in good {
            ok(PostalCode, code, country);
        }
        assert_eq!(ok(PostalCode, "sw1a  1aa", "GB"), "SW1A 1AA");
        let bad = [
            ("CH", "800"),
            ("DE", "1011"),
            ("ES", "60001"),
            ("NL", "0123 AB"),
            ("GB", "12345"),
            ("US", "9410"),
            ("CA", "K1A 0B"),
            ("JP", "1000-001"),
            ("KR", "0318"),
            ("IN", "011001"),
            ("BR", "0131-0100"),
            ("SG", "#"),
        ];
        for (country, code) in bad {
            assert_eq!(
                problem(PostalCode, code, country),
                CompanyProblem::PostalCode,
                "{country} {code}"
            );
        }
        for country in [
            "CH", "DE", "AT", "FR", "IT", "ES", "NL", "BE", "GB", "US", "CA", "JP", "KR", "CN",
            "IN", "BR",
        ] {
            ok(PostalCode, postal_example(country).unwrap(), country);
        }
    }

    #[test]
    fn swiss_uids_need_their_mod_11_check_digit() {
        assert_eq!(
            problem(TaxId, "CHE-116.28é.710", "CH"),
            CompanyProblem::TaxIdFormat
        );
        assert_eq!(ok(TaxId, "CHE-116.281.710", "CH"), "CHE-116.281.710");
        assert_eq!(ok(TaxId, "che116281710 mwst", "CH"), "CHE-116.281.710 MWST");
        assert_eq!(
            problem(TaxId, "CHE-116.281.711", "CH"),
            CompanyProblem::TaxIdCheckDigit
        );
        assert_eq!(
            problem(TaxId, "CHE-116.281", "CH"),
            CompanyProblem::TaxIdFormat
        );
    }

    #[test]
    fn german_and_other_eu_vat_numbers() {
        assert_eq!(ok(TaxId, "DE 136 695 976", "DE"), "DE136695976");
        assert_eq!(ok(TaxId, "136695976", "DE"), "DE136695976");
        assert_eq!(
            problem(TaxId, "DE136695977", "DE"),
            CompanyProblem::TaxIdCheckDigit
        );
        assert_eq!(ok(TaxId, "BE0417.497.106", "BE"), "BE0417497106");
        assert_eq!(
            problem(TaxId, "BE0417497107", "BE"),
            CompanyProblem::TaxIdCheckDigit
        );
        assert_eq!(ok(TaxId, "IT00743110157", "IT"), "IT00743110157");
        assert_eq!(
            problem(TaxId, "IT00743110158", "IT"),
            CompanyProblem::TaxIdCheckDigit
        );
        assert_eq!(ok(TaxId, "atu12345678", "AT"), "ATU12345678");
        assert_eq!(ok(TaxId, "NL123456789B01", "NL"), "NL123456789B01");
        assert_eq!(ok(TaxId, "EL123456789", "GR"), "EL123456789");
        assert_eq!(problem(TaxId, "FR123", "FR"), CompanyProblem::TaxIdFormat);
        for country in ["CH", "DE", "KR", "US", "AT", "BE", "IT", "NL", "FR", "ES"] {
            ok(TaxId, tax_example(country).unwrap(), country);
        }
    }

    #[test]
    fn korean_business_numbers_and_us_eins() {
        assert_eq!(ok(TaxId, "2208162517", "KR"), "220-81-62517");
        assert_eq!(
            problem(TaxId, "220-81-62518", "KR"),
            CompanyProblem::TaxIdCheckDigit
        );
        assert_eq!(
            problem(TaxId, "220-81-6251", "KR"),
            CompanyProblem::TaxIdFormat
        );
        assert_eq!(ok(TaxId, "123456789", "US"), "12-3456789");
        assert_eq!(
            problem(TaxId, "07-3456789", "US"),
            CompanyProblem::TaxIdFormat
        );
        assert_eq!(
            ok(TaxId, "anything 123", "JP"),
            "anything 123",
            "free text elsewhere"
        );
    }

    #[test]
    fn phones_are_e164_or_national_with_the_country() {
        assert_eq!(ok(Phone, "+41 44 668 18 00", ""), "+41446681800");
        assert_eq!(ok(Phone, "0041 44 668 18 00", ""), "+41446681800");
        assert_eq!(ok(Phone, "044 668 18 00", "CH"), "+41446681800");
        assert_eq!(ok(Phone, "02-123-4567", "KR"), "+8221234567");
        assert_eq!(ok(Phone, "(415) 555-0100", "US"), "+14155550100");
        assert_eq!(ok(Phone, "06 1234 5678", "IT"), "+390612345678");
        assert_eq!(
            problem(Phone, "044 668 18 00", "HK"),
            CompanyProblem::PhoneNeedsCountry
        );
        assert_eq!(problem(Phone, "+41 44", ""), CompanyProblem::PhoneFormat);
        assert_eq!(
            problem(Phone, "+41 44 668 18 00 ext", ""),
            CompanyProblem::PhoneFormat
        );
        assert_eq!(
            problem(Phone, "+1234567890123456", ""),
            CompanyProblem::PhoneFormat
        );
    }

    #[test]
    fn websites_are_https_addresses() {
        assert_eq!(
            ok(Website, "https://WWW.GFMS.example/about", ""),
            "https://www.gfms.example/about"
        );
        assert_eq!(ok(Website, "gfms.example", ""), "https://gfms.example");
        assert_eq!(ok(Website, "https://회사.한국", ""), "https://회사.한국");
        assert_eq!(
            problem(Website, "http://gfms.example", ""),
            CompanyProblem::WebsiteNotHttps
        );
        assert_eq!(
            problem(Website, "ftp://gfms.example", ""),
            CompanyProblem::WebsiteNotHttps
        );
        assert_eq!(
            problem(Website, "https://localhost", ""),
            CompanyProblem::WebsiteInvalid
        );
        assert_eq!(
            problem(Website, "https://gfms .example", ""),
            CompanyProblem::WebsiteInvalid
        );
        assert_eq!(
            problem(Website, "https://-x.example", ""),
            CompanyProblem::WebsiteInvalid
        );
        // Found by `fuzz company_fields`: 200 characters without `https://`
        // are too long once it is added.
        let long = format!("{}.example", "a".repeat(192));
        assert_eq!(long.chars().count(), 200);
        assert_eq!(problem(Website, &long, ""), CompanyProblem::TooLong);
        // What is stored passes again unchanged, whatever lower case does.
        for raw in [
            "İSTANBUL.example",
            "https://ΣΟΦΊΑ.example/Path",
            "x.ÉXAMPLE",
        ] {
            if let Ok(stored) = check_field(Website, raw, "", Completeness::Complete) {
                assert_eq!(ok(Website, &stored, ""), stored, "{raw}");
            }
        }
    }
}
