//! Email addresses as Lobby stores and compares them.
//!
//! One normal form for every address that enters Lobby (invitations, sign-in,
//! accounts, operators, CSV rows), so that two spellings of one mailbox meet
//! and two different mailboxes never do: trimmed, Unicode NFC (a precomposed
//! `é` and `e` + combining accent are one address), lower-cased.
//!
//! Unicode tricks are refused rather than guessed at: a fullwidth `＠` is not
//! an `@` (fullwidth and halfwidth forms are refused); invisible characters (zero-width spaces, direction overrides) are
//! refused; a part that starts with a combining mark is refused; and a part
//! (the local part or one domain label) may not mix alphabets, so a Cyrillic
//! `а` cannot hide in a Latin name. Case folding is Unicode's lower-casing, the
//! same everywhere: the dotless `ı` stays `ı` (a different address from `i`),
//! and the Kelvin sign `K` becomes `k`; the email goes to the normalized
//! address, so a folded address only reaches its real owner.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EmailProblem {
    Empty,
    TooLong,
    Malformed,
    /// A part mixes alphabets, e.g. Latin and Cyrillic letters in one label.
    MixedScripts,
}

/// At most this many characters (RFC 5321's path limit less the brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Normalizes an address (see the module's comment) and checks its shape: one
/// `@`, a local part of at most 64 characters, a domain with a dot, no spaces,
/// control or invisible characters, at most 254 characters.
pub fn normalize_email(raw: &str) -> Result<String, EmailProblem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(EmailProblem::Empty);
    }
    // Counted before normalizing too, so that a huge input costs little.
    if trimmed.chars().count() > MAX_EMAIL_CHARS {
        return Err(EmailProblem::TooLong);
    }
    let email: String = trimmed
        .nfc()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect();
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(EmailProblem::TooLong);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(EmailProblem::Malformed);
    };
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || is_invisible(c)
            || is_width_variant(c)
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
            )
    };
    let starts_well = |part: &str| part.chars().next().is_some_and(|c| !is_combining_mark(c));
    let label_ok = |l: &str| starts_well(l) && !l.starts_with('-') && !l.ends_with('-');
    let valid = starts_well(local)
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && domain.split('.').all(label_ok)
        && !email.chars().any(bad_char)
        && !domain.contains('@');
    if !valid {
        return Err(EmailProblem::Malformed);
    }
    if mixes_scripts(local) || domain.split('.').any(mixes_scripts) {
        return Err(EmailProblem::MixedScripts);
    }
    Ok(email)
}

/// Characters that show nothing but change what an address is: format
/// characters such as zero-width spaces and joiners, direction marks and
/// overrides, the word joiner, the byte order mark, variation selectors, tags.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Fullwidth and halfwidth forms (`＠`, `ｊ`, `．`): a typing accident or a
/// disguise, never the address meant.
fn is_width_variant(c: char) -> bool {
    matches!(c, '\u{FF00}'..='\u{FFEF}')
}

/// The alphabets Lobby tells apart; letters of any other script count as
/// `Other`, digits and punctuation as none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    /// Han, Hangul, Hiragana, Katakana and Bopomofo: written together (and
    /// with Latin) in Korean, Japanese and Chinese names.
    Cjk,
    Other,
}

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() || is_combining_mark(c) {
        return None;
    }
    Some(match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F => Script::Armenian,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF => Script::Arabic,
        0x1100..=0x11FF
        | 0x2E80..=0x2FDF
        | 0x3005..=0x3007
        | 0x3021..=0x3029
        | 0x3031..=0x3035
        | 0x3038..=0x303C
        | 0x3040..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF => Script::Cjk,
        _ => Script::Other,
    })
}

/// A part mixes scripts when its letters come from two alphabets, except
/// Latin next to CJK (as in `sales한국` or `東京tokyo`).
fn mixes_scripts(part: &str) -> bool {
    let mut scripts = part.chars().filter_map(script_of);
    let Some(first) = scripts.next() else {
        return false;
    };
    let latin_or_cjk = |s: Script| matches!(s, Script::Latin | Script::Cjk);
    scripts.any(|s| s != first && !(latin_or_cjk(s) && latin_or_cjk(first)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_and_space() {
        assert_eq!(
            normalize_email("  Jiwoo.Kim@Customer.EXAMPLE ").as_deref(),
            Ok("jiwoo.kim@customer.example")
        );
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "jiwoo",
            "@customer.example",
            "jiwoo@",
            "jiwoo@localhost",
            "ji woo@x.example",
            "a@b@c.example",
            "a@-x.example",
            "a..b@x.example",
            "<a@x.example>",
        ] {
            assert_eq!(normalize_email(bad), Err(EmailProblem::Malformed), "{bad}");
        }
        assert_eq!(normalize_email("   "), Err(EmailProblem::Empty));
        assert_eq!(
            normalize_email(&format!("{}@x.example", "a".repeat(250))),
            Err(EmailProblem::TooLong)
        );
    }

    #[test]
    fn a_fullwidth_at_sign_is_not_an_at_sign() {
        assert_eq!(
            normalize_email("jiwoo\u{FF20}customer.example"),
            Err(EmailProblem::Malformed)
        );
        // Nor is any other fullwidth form, letters included.
        for bad in [
            "jiwoo@customer\u{FF0E}example",
            "ji\u{FF57}oo@customer.example",
        ] {
            assert_eq!(
                normalize_email(bad),
                Err(EmailProblem::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn composed_and_decomposed_accents_are_one_address() {
        let composed = normalize_email("Ren\u{E9}@caf\u{E9}.example").unwrap();
        let decomposed = normalize_email("Rene\u{301}@cafe\u{301}.example").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(composed, "ren\u{E9}@caf\u{E9}.example");
    }

    #[test]
    fn a_part_may_not_start_with_a_combining_mark() {
        for bad in [
            "\u{301}ren@x.example",
            "ren@\u{301}x.example",
            "ren@x.\u{308}example",
        ] {
            assert_eq!(
                normalize_email(bad),
                Err(EmailProblem::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        for bad in [
            "ji\u{200B}woo@customer.example",
            "jiwoo@custo\u{200D}mer.example",
            "jiwoo@\u{202E}elpmaxe.customer",
            "\u{FEFF}jiwoo@customer.example",
            "jiwoo@customer.ex\u{00AD}ample",
        ] {
            assert_eq!(
                normalize_email(bad),
                Err(EmailProblem::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dotless_i_and_kelvin_sign_fold_the_same_way_everywhere() {
        // The dotless ı is its own letter: not the address with an `i`.
        let dotless = normalize_email("adm\u{131}n@seller.example").unwrap();
        assert_ne!(dotless, normalize_email("admin@seller.example").unwrap());
        assert_eq!(
            normalize_email("ADM\u{131}N@SELLER.EXAMPLE").unwrap(),
            dotless
        );
        // The capital İ lower-cases to i + combining dot, again not `i`.
        assert_ne!(
            normalize_email("\u{130}nfo@seller.example").unwrap(),
            "info@seller.example"
        );
        // The Kelvin sign lower-cases to k: the same mailbox as `kim@…`,
        // which is where the email then goes.
        assert_eq!(
            normalize_email("\u{212A}im@seller.example").as_deref(),
            Ok("kim@seller.example")
        );
    }

    #[test]
    fn a_part_may_not_mix_alphabets() {
        // Cyrillic а (U+0430) and Greek ο (U+03BF) among Latin letters.
        for bad in [
            "jiwoo@p\u{430}ypal.example",
            "j\u{3BF}hn@customer.example",
            "jiwoo@customer.ex\u{430}mple",
        ] {
            assert_eq!(
                normalize_email(bad),
                Err(EmailProblem::MixedScripts),
                "{bad:?}"
            );
        }
        // One alphabet per part is fine, and so are Latin with Hangul or Han.
        for good in [
            "\u{434}\u{438}\u{43C}\u{430}@\u{43F}\u{440}\u{438}\u{43C}\u{435}\u{440}.example",
            "jiwoo@\u{d55c}\u{ad6d}sales.example",
            "\u{6771}\u{4eac}tokyo@customer.example",
            "jiwoo@caf\u{E9}.example",
        ] {
            assert!(normalize_email(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        for raw in [
            "  Ren\u{E9}@Caf\u{E9}.Example",
            "\u{212A}im@seller.example",
            "\u{130}nfo@seller.example",
            "JIWOO@\u{d55c}\u{ad6d}.example",
        ] {
            let once = normalize_email(raw).unwrap();
            assert_eq!(
                normalize_email(&once).as_deref(),
                Ok(once.as_str()),
                "{raw:?}"
            );
        }
    }
}
