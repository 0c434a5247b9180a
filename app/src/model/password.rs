//! The password rule of NIST SP 800-63B rev 4 for a single factor: length
//! only (15 to 256 characters, counted as Unicode code points), no
//! composition rules, and not a commonly used password. The same code gives
//! live feedback in the browser and decides on the server; the server also
//! consults the bundled common-password list through `is_common`.

pub const MIN_CHARS: usize = 15;
pub const MAX_CHARS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort {
        chars: usize,
    },
    TooLong {
        chars: usize,
    },
    /// On the list of common passwords, or built from the account's own
    /// words (its email address, the product or organization name).
    Common,
}

/// Checks `password`. `context` holds words an attacker would try first for
/// this account; `is_common` answers whether a lower-cased password is on
/// the common-password list.
pub fn check_password(
    password: &str,
    context: &[&str],
    is_common: impl Fn(&str) -> bool,
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort { chars });
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong { chars });
    }
    let lowered = password.to_lowercase();
    let core: String = lowered.chars().filter(|c| c.is_alphanumeric()).collect();
    let distinct = {
        let mut seen: Vec<char> = lowered.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    // Little is left once the account's own words are taken out.
    let rest = context
        .iter()
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|part| part.chars().count() >= 3)
        .fold(core.clone(), |rest, part| rest.replace(&part, ""));
    let from_context = !context.is_empty() && rest.chars().count() < 4;
    if distinct <= 3 || is_common(&lowered) || is_common(&core) || from_context {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn length_is_the_only_composition_rule() {
        assert_eq!(
            check_password("short one", &[], never),
            Err(PasswordProblem::TooShort { chars: 9 })
        );
        assert_eq!(check_password("correct horse b", &[], never), Ok(()));
        assert_eq!(
            check_password("only lowercase letters here", &[], never),
            Ok(())
        );
        let long = "a quite long passphrase ".repeat(11);
        assert_eq!(
            check_password(&long, &[], never),
            Err(PasswordProblem::TooLong { chars: 264 })
        );
    }

    #[test]
    fn length_counts_code_points_not_bytes() {
        // 15 Hangul syllables: 45 bytes, 15 characters.
        assert_eq!(
            check_password("가나다라마바사아자차카타파하거", &[], never),
            Ok(())
        );
        assert_eq!(
            check_password("가나다라마바사아자차카타파하", &[], never),
            Err(PasswordProblem::TooShort { chars: 14 })
        );
    }

    #[test]
    fn common_repetitive_and_personal_passwords_are_refused() {
        let list = |p: &str| p == "passwordpassword" || p == "qwertyuiopasdfgh";
        assert_eq!(
            check_password("PasswordPassword", &[], list),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("qwertyuiop asdfgh", &[], list),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("aaaaaaaaaaaaaaaa", &[], never),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("abababababababab", &[], never),
            Err(PasswordProblem::Common)
        );
        let context = ["jiwoo.kim@customer.example", "Lobby"];
        assert_eq!(
            check_password("jiwookimjiwookim!", &context, never),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("LobbyLobbyLobby1", &context, never),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("jiwoo likes long walks", &context, never),
            Ok(())
        );
    }
}
