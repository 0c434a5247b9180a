//! Email addresses as Lobby stores and compares them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    TooLong,
    Malformed,
}

/// Trims and lower-cases an address (Lobby compares addresses without regard
/// to case) and checks its shape: one `@`, a local part, and a domain with a
/// dot, no spaces or control characters, at most 254 characters.
pub fn normalize_email(raw: &str) -> Result<String, EmailProblem> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(EmailProblem::Empty);
    }
    if email.chars().count() > 254 {
        return Err(EmailProblem::TooLong);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(EmailProblem::Malformed);
    };
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
            )
    };
    let label_ok = |l: &str| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-');
    let valid = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && domain.split('.').all(label_ok)
        && !email.chars().any(bad_char)
        && !domain.contains('@');
    if valid {
        Ok(email)
    } else {
        Err(EmailProblem::Malformed)
    }
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
}
