//! Building query strings for the dashboard's plain links.

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_all_but_unreserved_characters() {
        assert_eq!(
            super::encode("Kim & 김+1@x.y"),
            "Kim%20%26%20%EA%B9%80%2B1%40x.y"
        );
    }
}
